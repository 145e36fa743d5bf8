from django.urls import path

from . import views

app_name = "land"
urlpatterns = [
    path("", views.home, name="home"),
    path("parcels/", views.parcel_list, name="parcel-list"),
    path("parcels/export/", views.parcel_export, name="parcel-export"),
    path("parcels/new/", views.parcel_create, name="parcel-create"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel-detail"),
    path("parcels/<int:pk>/holdings/", views.holding_add, name="holding-add"),
    path("parcels/<int:pk>/handover/", views.parcel_handover, name="parcel-handover"),
    path("parcels/<int:pk>/handover/override/", views.handover_override_propose, name="handover-override-propose"),
    path("handover-overrides/<int:pk>/decision/", views.handover_override_decide, name="handover-override-decide"),
    path("standards/", views.standard_list, name="standard-list"),
    path("standards/new/", views.standard_create, name="standard-create"),
    path("standards/<int:pk>/end/", views.standard_end, name="standard-end"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/export/", views.agreement_export, name="agreement-export"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/payments/", views.payment_record, name="payment-record"),
    path("agreements/<int:pk>/supplements/", views.supplement_add, name="supplement-add"),
    path("agreements/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/file/", views.attachment_file, name="attachment-file"),
    path("procedure/<int:pk>/document/", views.procedure_document, name="procedure-document"),
    path("payments/", views.payment_list, name="payment-list"),
    path("payments/export/", views.payment_export, name="payment-export"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment-reverse"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("projects/<int:pk>/procedure/", views.procedure, name="procedure"),
    path("projects/<int:pk>/progress/", views.progress, name="progress"),
]

# Map, geometry files and printable documents (engineer G).
from . import views_documents, views_gis  # noqa: E402

urlpatterns += [
    path("map/", views_gis.parcel_map, name="parcel-map"),
    path("map/data/", views_gis.parcel_map_data, name="parcel-map-data"),
    path("map/parcels/<int:pk>/", views_gis.parcel_map_card, name="parcel-map-card"),
    path("map/import/", views_gis.geometry_import, name="geometry-import"),
    path("map/export/", views_gis.geometry_export, name="geometry-export"),
    path("map/site-images/", views_gis.site_image_upload, name="site-image-upload"),
    path("map/site-images/<int:pk>/file/", views_gis.site_image_file, name="site-image-file"),
    path("agreements/<int:pk>/agreement.docx", views_documents.agreement_docx, name="agreement-docx"),
    path(
        "households/<int:pk>/statement.docx",
        views_documents.household_statement_docx,
        name="household-statement-docx",
    ),
    path(
        "households/<int:pk>/statement.xlsx",
        views_documents.household_statement_xlsx,
        name="household-statement-xlsx",
    ),
]
