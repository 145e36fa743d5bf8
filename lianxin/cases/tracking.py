"""Rate limit of the public tracking page: a tracking code and passphrase are not to be guessed by trying."""

from django.conf import settings
from django.core.cache import cache

from lianxin.core.client import client_address

WINDOW_SECONDS = 15 * 60
DEFAULT_ATTEMPTS = 10


def attempt_allowed(request) -> bool:
    """Count one attempt from the client's address (behind trusted proxies, the address they forwarded);
    False once it has used up the window's attempts."""
    limit = getattr(settings, "LIANXIN_TRACKING_ATTEMPTS", DEFAULT_ATTEMPTS)
    key = f"cases:track:{client_address(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
