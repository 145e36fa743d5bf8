"""Test settings: fast hashing, fixed throwaway keys, plain static storage."""

import base64

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
FIELD_ENCRYPTION_KEY = base64.b64encode(b"t" * 32).decode()
BLIND_INDEX_KEY = base64.b64encode(b"b" * 32).decode()
SECURITY_EVENT_KEY = base64.b64encode(b"s" * 32).decode()
FIELD_ENCRYPTION_KEY_VERSION = 1  # no key rotation under way (tests that rotate set these)
FIELD_ENCRYPTION_RETIRED_KEYS: dict[int, str] = {}
BLIND_INDEX_RETIRED_KEYS: list[str] = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Tests (and the browser tests) answer the integrity report's human check at once.
LIANXIN_REPORT_CHALLENGE_MIN_SECONDS = 0

# Background jobs run inline in tests; progress goes to a per-process cache.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No checkpoint file unless a test names one (tmp_path): a shared file would outlive each test's database.
LIANXIN_CHECKPOINT_FILE = None
# The per-address login throttle counts in that cache across the whole run: its own tests set a low limit.
LIANXIN_LOGIN_ADDRESS_FAILURES = 10_000
# Tests sign in everywhere (force_login, the login form): no role needs the second factor and passwords do not
# expire, unless a test says otherwise (lianxin/accounts/tests/test_two_factor.py, test_password_expiry.py).
LIANXIN_2FA_REQUIRED_ROLES: list[str] = []
LIANXIN_PASSWORD_MAX_AGE_DAYS = 0
