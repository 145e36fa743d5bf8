from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token-revoke"),
    path("me/two-factor/", views.two_factor_enrol, name="two-factor-enrol"),
    path("me/two-factor/recovery-codes/", views.recovery_codes_regenerate, name="recovery-codes-regenerate"),
    path("me/two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/password-reset/", views.user_password_reset, name="user-password-reset"),
    path("users/<int:pk>/two-factor-reset/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path("security-events/", views.security_event_list, name="security-event-list"),
]
