from django.urls import path

from . import views, views_xlsx

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="batch-list"),
    path("new/", views.batch_create, name="batch-create"),
    path("<int:pk>/", views.batch_detail, name="batch-detail"),
    path("<int:pk>/commit/", views.batch_commit, name="batch-commit"),
    path("<int:pk>/undo/", views.batch_undo, name="batch-undo"),
    path("<int:pk>/map/", views.header_map, name="header-map"),
    path("<int:pk>/annotated/", views.batch_annotated, name="batch-annotated"),
    path("<int:pk>/original/", views.batch_original, name="batch-original"),
    path("templates/<str:ledger>/", views_xlsx.ledger_template, name="template"),
]
