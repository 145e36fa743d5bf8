import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from lianxin.core.client import client_address
from lianxin.core.errors import DomainError
from lianxin.core.web import add_service_errors, page_from_request
from lianxin.enterprises.models import Enterprise
from lianxin.imports.xlsx import ExportColumn, export_response

from . import selectors, services, two_factor
from .audit_display import action_choices, changes_text, describe_entries
from .event_details import describe_events
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    LoginForm,
    OwnPasswordChangeForm,
    SecondFactorForm,
    SecurityEventFilterForm,
    UserFilterForm,
    UserForm,
)
from .middleware import session_verified
from .models import SecurityEvent, User
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


def _login_failure_counted(request) -> None:
    """One failed login (a wrong password or a wrong second-factor code) against the client's address."""
    if login_failure_count(request) == settings.LIANXIN_LOGIN_ADDRESS_FAILURES:
        services.security_event_record(
            kind=SecurityEvent.Kind.LOCKOUT,
            ip_address=client_address(request) or None,
            detail={"by": "address", "minutes": settings.LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES},
        )


class LoginView(auth_views.LoginView):
    """Sign in. An address past its failed logins for the window is refused before any password is checked.
    An account with a second factor is not signed in by its password: the session only remembers, for
    ``LIANXIN_2FA_STEP_MINUTES``, whose code to ask for next (``login_verify``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_address_throttled(request):
            return locked_out(request, by="address")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.two_factor_enabled(user):
            self.request.session.cycle_key()
            self.request.session[SECOND_FACTOR_PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login-verify")
        return super().form_valid(form)

    def form_invalid(self, form):
        _login_failure_counted(self.request)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_lockout_terms()}


# Whose second factor the login page asks for, after a right password (LoginView.form_valid).
SECOND_FACTOR_PENDING = "accounts:second-factor-pending"


def _second_factor_account(request) -> tuple[User | None, dict | None]:
    """The account whose code is asked for: the one that has just given its password (with what the login
    keeps for after it), or a signed-in session that has not given its code yet (``account_step``)."""
    if request.user.is_authenticated:
        return request.user, None
    pending = request.session.get(SECOND_FACTOR_PENDING)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("at", 0)) > settings.LIANXIN_2FA_STEP_MINUTES * 60:
        del request.session[SECOND_FACTOR_PENDING]
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def login_verify(request):
    """The second step of a login (双因素认证): a code from the authenticator app or a recovery code. A wrong
    code counts as a failed login — for the account at this address (django-axes: the same lock as wrong
    passwords) and for the address — and is recorded as a security event."""
    user, pending = _second_factor_account(request)
    if user is None:
        messages.info(request, _("请重新输入账号和密码"))
        return redirect("accounts:login")
    if request.user.is_authenticated and session_verified(request.user):
        return redirect("reports:home")
    if not two_factor.two_factor_enabled(user):  # reset meanwhile, or never enrolled: no code to ask for
        request.session.pop(SECOND_FACTOR_PENDING, None)
        return redirect("accounts:two-factor-enrol" if request.user.is_authenticated else "accounts:login")
    credentials = {"username": user.get_username()}
    if request.method == "POST" and login_address_throttled(request):
        return locked_out(request, by="address")
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(SECOND_FACTOR_PENDING, None)
        return locked_out(request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, wait = two_factor.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            return _second_factor_passed(request, user, device, pending)
        request.second_factor_step = True  # the lockout's security event says which step failed
        user_login_failed.send(sender=__name__, credentials={**credentials, "second_factor": True}, request=request)
        _login_failure_counted(request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(SECOND_FACTOR_PENDING, None)
            return locked_out(request)
        if wait:
            form.add_error("code", _("验证码错误次数过多,请%(seconds)d秒后再试") % {"seconds": wait})
        else:
            form.add_error(
                "code",
                _("验证码不正确。在同一网络地址连续失败%(limit)d次(含密码错误),该账号在此地址将被锁定%(minutes)d分钟。")
                % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": _lockout_terms()["minutes"]},
            )
    return render(
        request,
        "accounts/login_verify.html",
        {"form": form, "account": user, "recovery_left": two_factor.recovery_codes_left(user)},
    )


def _second_factor_passed(request, user, device, pending: dict | None):
    if pending is not None:
        del request.session[SECOND_FACTOR_PENDING]
        user.otp_device = device  # django-otp keeps it in the session at login (its user_logged_in receiver)
        auth_login(request, user, backend=pending["backend"])
        target = pending.get("next") or settings.LOGIN_REDIRECT_URL
    else:
        request.session.cycle_key()
        otp_login(request, device)
        target = settings.LOGIN_REDIRECT_URL
    if isinstance(device, StaticDevice):
        messages.warning(
            request,
            _("您使用了一个恢复码(每个只能用一次),还剩%(n)d个;可在“我的账号”重新生成。")
            % {"n": two_factor.recovery_codes_left(user)},
        )
    return redirect(resolve_url(target))


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
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "password_max_age_days": settings.LIANXIN_PASSWORD_MAX_AGE_DAYS},
    )


@login_required
def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": selectors.api_token_list(user=request.user),
            "new_token": new_token,
            "token_days": settings.LIANXIN_API_TOKEN_DAYS,
            "two_factor_enabled": two_factor.two_factor_enabled(request.user),
            "two_factor_required": two_factor.two_factor_required(request.user),
            "recovery_left": two_factor.recovery_codes_left(request.user),
            "disable_form": SecondFactorForm(),
        },
    )


def _no_store(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def two_factor_enrol(request):
    """启用双因素认证: the QR code and the key in text; a current code confirms it, and the recovery codes are
    shown once. An account whose role requires the factor is sent here after its password."""
    if two_factor.two_factor_enabled(request.user):
        return redirect("accounts:profile")
    device = two_factor.two_factor_enrol_start(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enrol_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return _no_store(render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": True}))
    return _no_store(
        render(
            request,
            "accounts/two_factor_enrol.html",
            {
                "form": form,
                "qr_data_uri": two_factor.qr_data_uri(device),
                "secret": two_factor.secret_text(device),
                "forced": request.account_step is not None,
            },
        )
    )


@login_required
@require_POST
def recovery_codes_regenerate(request):
    """重新生成恢复码: ten new codes shown once; the old ones stop working."""
    try:
        codes = two_factor.recovery_codes_regenerate(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return _no_store(render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False}))


@login_required
@require_POST
def two_factor_disable(request):
    form = SecondFactorForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请输入验证码"), field="code")
        two_factor.two_factor_disable(user=request.user, code=form.cleaned_data["code"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("双因素认证已停用,API令牌已全部吊销"))
    return redirect("accounts:profile")


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
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "account": account,
            "two_factor_enabled": two_factor.two_factor_enabled(account),
            "two_factor_required": two_factor.two_factor_required(account),
        },
    )


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


@login_required
@permission_required("accounts.change_user", raise_exception=True)
@require_POST
def user_two_factor_reset(request, pk: int):
    """重置双因素认证 (a lost phone): the holder enrols again at the next login."""
    account = selectors.user_get(user=request.user, pk=pk)
    try:
        two_factor.two_factor_reset(user=account, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("账号%(name)s的双因素认证已重置,本人下次登录须重新绑定") % {"name": account.username}
        )
    return redirect("accounts:user-edit", pk=account.pk)
