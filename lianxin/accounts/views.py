from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from lianxin.core.client import client_address
from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request
from lianxin.enterprises.models import Enterprise
from lianxin.imports.xlsx import ExportColumn, export_response

from . import selectors, services
from .audit_display import action_choices, changes_text, describe_entries
from .event_details import describe_events
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    LoginForm,
    OwnPasswordChangeForm,
    SecurityEventFilterForm,
    UserFilterForm,
    UserForm,
)
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
    form = UserFilterForm(request.GET)
    qs = selectors.user_list(user=request.user, **form.values)
    return render(request, "accounts/user_list.html", {"users": qs, "filter_form": form})


def _user_form(request, account=None, **kwargs) -> UserForm:
    current = account.scope_region if account is not None else None
    return UserForm(
        request.POST or None,
        regions=selectors.scope_region_choices(user=request.user, current=current),
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
    form = _user_form(request, account, initial=initial, editing=True)
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


def _audit_filters(request) -> AuditFilterForm:
    return AuditFilterForm(request.GET, models=selectors.audited_model_choices(), actions=action_choices())


def _audit_entries(form: AuditFilterForm):
    filters = form.values
    return selectors.audit_entry_list(
        content_type_id=int(filters["model"]) if filters["model"] else None,
        actor=filters["actor"],
        action=filters["action"],
        object_id=filters["object_id"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
    )


@login_required
@permission_required("accounts.view_audit_trail", raise_exception=True)
def audit_list(request):
    form = _audit_filters(request)
    page = page_from_request(request, _audit_entries(form))
    page.items = describe_entries(page.items)
    return render(request, "accounts/audit_list.html", {"form": form, "page": page, "filters": form.querystring()})


@login_required
@permission_required("accounts.view_audit_trail", raise_exception=True)
@require_GET
def audit_export(request):
    """The audit trail as .xlsx under the page's filters, newest first, changes written out as on the page."""
    form = _audit_filters(request)
    qs = _audit_entries(form).order_by("-timestamp", "-pk")
    columns = [
        ExportColumn(_("时间")),
        ExportColumn(_("操作人")),
        ExportColumn(_("IP地址")),
        ExportColumn(_("操作")),
        ExportColumn(_("对象类型")),
        ExportColumn(_("对象编号")),
        ExportColumn(_("变更内容(原值 → 新值)"), width=80),
    ]

    def rows():
        for chunk in _chunks(qs.iterator(chunk_size=2000), 2000):
            for entry in describe_entries(chunk):
                yield (
                    timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                    entry.actor.username if entry.actor_id else _("系统"),
                    entry.remote_addr or "",
                    entry.action_label,
                    str(entry.content_type.name),
                    entry.object_pk,
                    changes_text(entry.rows),
                )

    values = form.values
    return export_response(
        request,
        list_key="accounts.audit",
        title=_("审计日志"),
        columns=columns,
        rows=rows(),
        filters={
            "model": values["model"],
            "actor": values["actor"],
            "action": values["action"],
            "object_id": values["object_id"],
            "date_from": values["date_from"] and values["date_from"].isoformat(),
            "date_to": values["date_to"] and values["date_to"].isoformat(),
        },
        back=f"{reverse('accounts:audit-list')}?{form.querystring()}",
        count_unit=pgettext("count unit", "条"),
    )


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@login_required
@permission_required("accounts.view_securityevent", raise_exception=True)
def security_event_list(request):
    form = SecurityEventFilterForm(request.GET, kinds=list(SecurityEvent.Kind.choices))
    filters = form.values
    qs = selectors.security_event_list(kind=filters["kind"], username=filters["username"])
    page = page_from_request(request, qs)
    page.items = describe_events(page.items)
    return render(
        request,
        "accounts/security_event_list.html",
        {"form": form, "page": page, "filters": form.querystring()},
    )


@login_required
@permission_required("accounts.change_user", raise_exception=True)
@require_POST
def user_password_reset(request, pk: int):
    """重置密码: a new one-time password, shown on this page once and never again."""
    account = selectors.user_get(user=request.user, pk=pk)
    try:
        account, password = services.user_password_reset(user=account, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user-edit", pk=account.pk)
    response = render(request, "accounts/user_password_reset.html", {"account": account, "password": password})
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@permission_required("accounts.change_user", raise_exception=True)
@require_POST
def user_unlock(request, pk: int):
    account = selectors.user_get(user=request.user, pk=pk)
    services.user_unlock(user=account, actor=request.user)
    messages.success(request, _("账号%(name)s已解除锁定") % {"name": account.username})
    return redirect("accounts:user-edit", pk=account.pk)
