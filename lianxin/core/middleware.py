from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a cadre on an
    English-language browser would get an English UI nobody asked for.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_current_path(request) -> str | None:
    """The page an htmx request was made from (its ``HX-Current-URL``), as a local path, if it is one of ours."""
    current = request.headers.get("HX-Current-URL", "")
    if not current or not url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(current)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


class HtmxRedirectMiddleware:
    """An htmx request never gets a redirect, which the browser would follow inside the XHR and swap the
    whole target page into a fragment (the first-login badge that nested the password page 63 times).

    Any redirect answered to an htmx request becomes ``HX-Redirect`` (htmx then loads that page as a whole,
    once); a redirect to the login page (login_required, idle timeout) comes back to the page the user was
    on, not to the fragment's address.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_htmx(request) or not 300 <= response.status_code < 400 or not response.has_header("Location"):
            return response
        location = response["Location"]
        if urlsplit(location).path == resolve_url(settings.LOGIN_URL):
            current = htmx_current_path(request)
            location = resolve_url(settings.LOGIN_URL)
            if current:
                location = f"{location}?{urlencode({REDIRECT_FIELD_NAME: current})}"
        redirect = HttpResponse(status=200)
        redirect["HX-Redirect"] = location
        patch_vary_headers(redirect, ("HX-Request",))
        return redirect


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer Django produces (pages, API, downloads).

    Nearly every page and API answer carries personal data, and a browser or proxy cache on a shared
    office PC is no place for it; the few pages without any (the login page, error pages) lose nothing
    by not being cached. Static files never reach this middleware: whitenoise serves them before it,
    with their own long cache headers.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
