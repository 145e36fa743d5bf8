from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lianxin.core.middleware import htmx_current_path, is_htmx


class PasswordChangeRequiredMiddleware:
    """An account on a one-time password can do nothing until it sets its own.

    A fragment requested by htmx from the password page itself gets nothing (204): redirecting it would
    load the password page into the fragment, or reload the page that asked for it, again and again.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            target = reverse("accounts:password-change")
            allowed = {target, reverse("accounts:logout"), reverse("set_language")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/")):
                if is_htmx(request) and (htmx_current_path(request) or "").split("?")[0] == target:
                    return HttpResponse(status=204)
                return redirect(target)  # HtmxRedirectMiddleware turns it into HX-Redirect for htmx
        return self.get_response(request)
