from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/password-reset/", views.user_password_reset, name="user-password-reset"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path("security-events/", views.security_event_list, name="security-event-list"),
]
