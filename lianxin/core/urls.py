from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.inbox_badge, name="inbox-badge"),
    path("holidays/", views.holiday_list, name="holiday-list"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday-delete"),
    path("retention/", views.retention_rules, name="retention"),
    path("retention/purge/", views.retention_purge, name="retention-purge"),
]
