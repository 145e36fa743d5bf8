from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.core.client import client_address
from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request, querystring_without
from lianxin.enterprises.models import Enterprise
from lianxin.regions.selectors import region_list

from . import selectors, services
from .forms import ApiTokenForm, AuditFilterForm, LoginForm, OwnPasswordChangeForm, SecurityEventFilterForm, UserForm
from .models import SecurityEvent
from .throttle import login_address_throttled, login_failure_count


def _lockout_terms() -> dict:
    return {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "address_minutes": settings.LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES,
    }


def locked_out(request, original_response=None, credentials=None, *, by: str = "account_address"):
    """The 429 page: the account is locked at this address (django-axes), or this address has failed too often."""
    return render(request, "accounts/locked_out.html", {"by": by, **_lockout_terms()}, status=429)


class LoginView(auth_views.LoginView):
    """Sign in. An address past its failed logins for the window is refused before any password is checked."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_address_throttled(request):
            return locked_out(request, by="address")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if login_failure_count(self.request) == settings.LIANXIN_LOGIN_ADDRESS_FAILURES:
            services.security_event_record(
                kind=SecurityEvent.Kind.LOCKOUT,
                ip_address=client_address(self.request) or None,
                detail={"by": "address", "minutes": settings.LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES},
            )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_lockout_terms()}


@login_required
def password_change(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("reports:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": selectors.api_token_list(user=request.user),
            "new_token": new_token,
            "token_days": settings.LIANXIN_API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = selectors.api_token_list(user=request.user).filter(pk=pk).first()
    if token is not None:
        services.api_token_revoke(token=token, actor=request.user)
    return redirect("accounts:profile")


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request):
    qs = selectors.user_list(user=request.user)
    return render(request, "accounts/user_list.html", {"users": qs})


def _user_form(request, **kwargs) -> UserForm:
    return UserForm(
        request.POST or None,
        regions=region_list(user=request.user),
        enterprises=Enterprise.objects.order_by("name"),
        **kwargs,
    )


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = _user_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "accounts/user_created.html", {"account": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@permission_required("accounts.change_user", raise_exception=True)
def user_edit(request, pk: int):
    account = selectors.user_get(user=request.user, pk=pk)
    initial = {
        "username": account.username,
        "full_name": account.get_full_name(),
        "role": account.role,
        "scope_region": account.scope_region,
        "scope_enterprise": account.scope_enterprise,
    }
    form = _user_form(request, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_set_role(
                user=account,
                role=data["role"],
                scope_region=data["scope_region"],
                scope_enterprise=data["scope_enterprise"],
                actor=request.user,
            )
            if "active" in request.POST:
                services.user_set_active(user=account, active=request.POST["active"] == "1", actor=request.user)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("账号已更新"))
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@login_required
@permission_required("accounts.view_audit_trail", raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(
        request.GET or None,
        models=selectors.audited_model_choices(),
        actions=[(str(value), label) for value, label in LogEntry.Action.choices],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_entry_list(
        content_type_id=int(filters["model"]) if filters.get("model") else None,
        actor=filters.get("actor", ""),
        action=int(filters["action"]) if filters.get("action") else None,
        object_id=filters.get("object_id", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return render(
        request,
        "accounts/audit_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("accounts.view_securityevent", raise_exception=True)
def security_event_list(request):
    form = SecurityEventFilterForm(request.GET or None, kinds=list(SecurityEvent.Kind.choices))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.security_event_list(kind=filters.get("kind", ""), username=filters.get("username", ""))
    return render(
        request,
        "accounts/security_event_list.html",
        {
            "form": form,
            "page": page_from_request(request, qs),
            "filters": querystring_without(request, "after", "before"),
        },
    )


@login_required
@permission_required("accounts.change_user", raise_exception=True)
@require_POST
def user_unlock(request, pk: int):
    account = selectors.user_get(user=request.user, pk=pk)
    services.user_unlock(user=account, actor=request.user)
    messages.success(request, _("账号%(name)s已解除锁定") % {"name": account.username})
    return redirect("accounts:user-edit", pk=account.pk)
