from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lianxin.core.middleware import htmx_current_path, is_htmx

from .two_factor import two_factor_enabled, two_factor_required


def session_verified(user) -> bool:
    """Whether this session passed the second factor (django-otp's ``OTPMiddleware`` says so)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def account_step(request) -> str | None:
    """The page a signed-in account must go through before any other, or None: its own password first (a
    one-time password, or one past ``LIANXIN_PASSWORD_MAX_AGE_DAYS``), then the second factor where its role
    requires one (the code, for a session that has not given it; enrolment, for an account without one)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if user.must_change_password or user.password_expired:
        return reverse("accounts:password-change")
    if two_factor_required(user) and not session_verified(user):
        if two_factor_enabled(user):
            return reverse("accounts:login-verify")
        return reverse("accounts:two-factor-enrol")
    return None


class AccountStepRequiredMiddleware:
    """An account that must set its own password (one-time or expired) or enrol its second factor can do
    nothing else until it has (``account_step``).

    A fragment requested by htmx from that page itself gets nothing (204): redirecting it would load the
    page into the fragment, or reload the page that asked for it, again and again.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        target = account_step(request)
        request.account_step = target  # the menu and the banners stay away while it is set
        if target is not None:
            allowed = {target, reverse("accounts:logout"), reverse("set_language")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/")):
                if is_htmx(request) and (htmx_current_path(request) or "").split("?")[0] == target:
                    return HttpResponse(status=204)
                return redirect(target)  # HtmxRedirectMiddleware turns it into HX-Redirect for htmx
        return self.get_response(request)
