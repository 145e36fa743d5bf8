from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="region-list"),
    path("<int:pk>/", views.region_detail, name="region-detail"),
]
