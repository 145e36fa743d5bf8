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
        # No signed-in session (no cookie, or one of no session): not signed in (401), rather than a
        # CSRF failure (403). A signed-in session is CSRF-checked as before.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.must_change_password:
            return None
        return user
