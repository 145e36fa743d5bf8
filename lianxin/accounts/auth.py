from ninja.security import HttpBearer, SessionAuth

from .middleware import account_step
from .services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer lx_…`` for scripts and the mobile client."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session (CSRF-checked); an account that must first set its password (one-time or expired)
    or give its second factor (``middleware.account_step``) is refused."""

    def _get_key(self, request):
        # No signed-in session (no cookie, or one of no session): not signed in (401), rather than a
        # CSRF failure (403). A signed-in session is CSRF-checked as before.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and account_step(request) is not None:
            return None
        return user
