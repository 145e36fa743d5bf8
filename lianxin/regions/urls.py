from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="region-list"),
    path("new/", views.region_create, name="region-create"),
    path("<int:pk>/", views.region_detail, name="region-detail"),
    path("<int:pk>/edit/", views.region_edit, name="region-edit"),
]
