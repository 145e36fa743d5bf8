from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from .services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer lx_…`` for scripts and the mobile client."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session (CSRF-checked); an account still on its one-time password is refused."""

    def _get_key(self, request):
        # No session cookie, no session to ride on: not signed in (401), rather than a CSRF failure (403).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.must_change_password:
            return None
        return user
