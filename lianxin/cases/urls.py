from django.urls import path

from . import views, views_statistics

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_create, name="case-create"),
    path("parties/search/", views.party_search, name="party-search"),
    path("parties/pick/", views.party_pick, name="party-pick"),
    path("request/", views.enterprise_request_create, name="request-create"),
    path("export/", views.case_export, name="case-export"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/transition/", views.case_transition, name="case-transition"),
    path("<int:pk>/rate/", views.case_rate, name="case-rate"),
    path("<int:pk>/comment/", views.case_comment, name="case-comment"),
    path("<int:pk>/assign/", views.case_assign, name="case-assign"),
    path("<int:pk>/instruct/", views.case_instruct, name="case-instruct"),
    path("<int:pk>/acknowledge/", views.case_acknowledge, name="case-acknowledge"),
    path("<int:pk>/mediation/", views.mediation_add, name="mediation-add"),
    path("<int:pk>/agreement.docx", views.mediation_agreement, name="mediation-agreement"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path("<int:pk>/incident/", views.incident_result, name="incident-result"),
    path("catalogue/", views.service_item_list, name="service-item-list"),
    path("catalogue/<int:pk>/", views.service_item_edit, name="service-item-edit"),
    path("patrols/", views.patrol_log_list, name="patrol-list"),
    path("report/", views.integrity_report_create, name="report"),
    path("track/", views.integrity_report_track, name="track"),
    path("statistics/", views_statistics.case_statistics, name="statistics"),
]
