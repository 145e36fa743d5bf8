"""Login failures per client address (登录限流): the second half of lockout without a denial of service.

An account is locked per (username, address) pair by django-axes, so somebody who types a cadre's name
with wrong passwords locks that name only *at their own address*: the cadre still signs in from the
township office. What the pair rule alone would allow — one address trying many names — is stopped
here: past ``LIANXIN_LOGIN_ADDRESS_FAILURES`` failed logins within ``LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES``,
that address gets a 429 for the rest of the window. The default is generous, because a whole township
office may sit behind one NAT address and only failures count, never successful logins.
"""

from django.conf import settings
from django.core.cache import cache

from lianxin.core.client import client_address


def _key(request) -> str:
    return f"accounts:login-failures:{client_address(request)}"


def _window_seconds() -> int:
    return settings.LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES * 60


def login_address_throttled(request) -> bool:
    """True while the client's address has used up its failed logins for the window."""
    return (cache.get(_key(request)) or 0) >= settings.LIANXIN_LOGIN_ADDRESS_FAILURES


def login_failure_count(request) -> int:
    """Count one failed login from the client's address; returns the count within the window."""
    key = _key(request)
    cache.add(key, 0, _window_seconds())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, _window_seconds())
        return 1
