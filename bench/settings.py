"""Settings for bench/import_bench.py: the test settings, with uploads stored on disk.

The benchmark sets DATABASE_URL and LIANXIN_VAR_DIR (a temporary directory) before Django reads
this module, so the database, the generated secrets and the uploaded files are all throwaway.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import VAR_DIR

MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
