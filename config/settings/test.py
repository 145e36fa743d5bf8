"""Test settings: fast hashing, fixed throwaway keys, plain static storage."""

import base64

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
FIELD_ENCRYPTION_KEY = base64.b64encode(b"t" * 32).decode()
BLIND_INDEX_KEY = base64.b64encode(b"b" * 32).decode()
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
