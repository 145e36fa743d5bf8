"""Settings shared by every environment. Values come from the environment with safe local defaults."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url

from config.secrets import database_keys_in_use, load_rotation, load_secrets

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("LIANXIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies (addresses or networks, e.g. "127.0.0.1,10.0.0.0/24") whose X-Forwarded-For is believed;
# empty: the client's address is REMOTE_ADDR and the header is ignored (lianxin.core.client).
LIANXIN_TRUSTED_PROXIES = env_list("LIANXIN_TRUSTED_PROXIES", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lianxin.core",
    "lianxin.regions",
    "lianxin.enterprises",
    "lianxin.people",
    "lianxin.accounts",
    "lianxin.reports",
    "lianxin.imports",
    "lianxin.land",
    "lianxin.cases",
    "lianxin.party",
    "lianxin.livelihood",
    "lianxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lianxin.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianxin.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Outside the password-change and login redirects, so that htmx requests never get a redirect.
    "lianxin.core.middleware.HtmxRedirectMiddleware",
    "lianxin.core.audit.AuditlogMiddleware",
    "lianxin.accounts.middleware.AccountStepRequiredMiddleware",
    # AxesMiddleware must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lianxin.core.context_processors.navigation",
                "lianxin.accounts.context_processors.password_expiry",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianxin.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA cache_size=-65536; "  # 64 MB page cache: big ledgers insert ~1.6x faster
            # REPLACE's implicit delete meets the append-only delete triggers (core.append_only).
            "PRAGMA recursive_triggers=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Secrets from the environment or var/secrets.json; a missing data key is generated only while the database
# holds nothing sealed with it (config/secrets.py).
_secrets = load_secrets(VAR_DIR / "secrets.json", keys_in_use=lambda: database_keys_in_use(DATABASES["default"]))
SECRET_KEY = _secrets["SECRET_KEY"]
FIELD_ENCRYPTION_KEY = _secrets["FIELD_ENCRYPTION_KEY"]
BLIND_INDEX_KEY = _secrets["BLIND_INDEX_KEY"]
# Seals the security-event chain and the checkpoints (HMAC-SHA256): kept outside the database like the others.
SECURITY_EVENT_KEY = _secrets["SECURITY_EVENT_KEY"]
# Key rotation (manage.py rotate_keys, docs/decisions/0014): the current key's version and the retired keys
# still read (field encryption) or searched (blind index) until the rotation has finished.
_rotation = load_rotation(VAR_DIR / "secrets.json")
FIELD_ENCRYPTION_KEY_VERSION = _rotation["FIELD_ENCRYPTION_KEY_VERSION"]
FIELD_ENCRYPTION_RETIRED_KEYS = _rotation["FIELD_ENCRYPTION_RETIRED_KEYS"]
BLIND_INDEX_RETIRED_KEYS = _rotation["BLIND_INDEX_RETIRED_KEYS"]

# The cache carries import progress between the worker and the web processes: a file cache on
# the embedded default (one machine, several processes), Redis when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }

# Background jobs (imports, later report generation): a database-backed queue needs no extra server
# (`manage.py db_worker`); LIANXIN_TASK_BACKEND=rq runs them on RQ workers over Redis
# (`manage.py rqworker --job-class django_tasks_rq.Job`: RQ's own job class cannot run django-tasks' tasks).
if os.environ.get("LIANXIN_TASK_BACKEND") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# E-mail (deadline reminders) only when an SMTP server is named: EMAIL_HOST empty sends nothing.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lianxin@localhost")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lianxin.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "lianxin.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login security (等保 2.0): 5 failures lock the account for 15 minutes; 30 minutes idle logs out.
AXES_FAILURE_LIMIT = int(os.environ.get("LIANXIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LIANXIN_LOCKOUT_MINUTES", "15")))
# The lock is per (account, address) pair: five bad passwords typed for a cadre's name lock that name
# at the address they came from only, so nobody can lock a colleague out from elsewhere; and one cadre's
# typos do not lock the others behind the township office's NAT address. One address trying many names
# is stopped by the per-address throttle below (lianxin.accounts.throttle).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lianxin.core.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianxin.accounts.views.locked_out"
AXES_VERBOSE = False
# A failed login's form is kept with the attempt: never the password (axes masks it always) nor the second
# factor's code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# Failed logins per client address within the window before that address gets a 429 (generous: a whole
# township office may share one NAT address; successful logins do not count).
LIANXIN_LOGIN_ADDRESS_FAILURES = int(os.environ.get("LIANXIN_LOGIN_ADDRESS_FAILURES", "50"))
LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("LIANXIN_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
SESSION_COOKIE_AGE = int(os.environ.get("LIANXIN_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "lianxin.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Bootstrap draws checkboxes, select arrows and the menu icon as inline data: SVGs.
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Two-factor login (TOTP, django-otp; decision 0014). The roles that must use it: an account of such a role
# without a confirmed authenticator is sent to enrolment after its password and can do nothing else. The
# system administrator is always among them: no environment value can take it out. Whoever has enrolled is
# asked for the code at every login, whatever the role.
LIANXIN_2FA_REQUIRED_ROLES = sorted(
    {
        *env_list("LIANXIN_2FA_REQUIRED_ROLES", "township_leader,working_group,discipline_inspector"),
        "system_admin",
    }
)
# Minutes between the password and the code of one login before the password must be typed again.
LIANXIN_2FA_STEP_MINUTES = 5
# How many one-time recovery codes an enrolment (or a regeneration) gives.
LIANXIN_2FA_RECOVERY_CODES = 10
# The name the authenticator app shows next to the account.
OTP_TOTP_ISSUER = os.environ.get("LIANXIN_2FA_ISSUER", "连心桥")
# Password expiry (等保 periodic change): a password older than this many days must be changed at the next
# page (0 = never expires); a banner warns this many days before.
LIANXIN_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("LIANXIN_PASSWORD_MAX_AGE_DAYS", "90"))
LIANXIN_PASSWORD_WARNING_DAYS = int(os.environ.get("LIANXIN_PASSWORD_WARNING_DAYS", "14"))
# API tokens work this many days after issue (a new one is created on 我的账号).
LIANXIN_API_TOKEN_DAYS = int(os.environ.get("LIANXIN_API_TOKEN_DAYS", "90"))
# Checkpoints of the append-only ledgers, outside the database (lianxin.accounts.checkpoint): one sealed line
# appended at least every LIANXIN_CHECKPOINT_INTERVAL_HOURS, and by `manage.py checkpoint_security_events`.
LIANXIN_CHECKPOINT_FILE = Path(
    os.environ.get("LIANXIN_CHECKPOINT_FILE", VAR_DIR / "checkpoints" / "ledger-checkpoints.jsonl")
)
LIANXIN_CHECKPOINT_INTERVAL_HOURS = int(os.environ.get("LIANXIN_CHECKPOINT_INTERVAL_HOURS", "24"))
SECURITY_EVENT_RETENTION_DAYS = max(180, int(os.environ.get("LIANXIN_SECURITY_EVENT_RETENTION_DAYS", "180")))

LANGUAGE_CODE = "zh-hans"
# Each language is offered in its own name (简体中文 / English), whatever the current language.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("LIANXIN_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LIANXIN_TOWNSHIP_NAME = os.environ.get("LIANXIN_TOWNSHIP_NAME", "")
LIANXIN_PAGE_SIZE = 50
# Land: surveyed and geometry-computed parcel areas may differ by this fraction before a parcel is flagged.
LIANXIN_AREA_TOLERANCE = Decimal(os.environ.get("LIANXIN_AREA_TOLERANCE", "0.02"))
# Land: a household holding surveyed parcels without an agreement for this many days is "stalled".
LIANXIN_LAND_STALLED_DAYS = 30
# Integrity reports (廉政举报) from anyone, without an account: per client, submissions in the window;
# for everyone together, accepted reports in the window (lianxin.cases.report_guard).
LIANXIN_REPORT_WINDOW_SECONDS = int(os.environ.get("LIANXIN_REPORT_WINDOW_SECONDS", "3600"))
LIANXIN_REPORT_ATTEMPTS_PER_CLIENT = int(os.environ.get("LIANXIN_REPORT_ATTEMPTS_PER_CLIENT", "10"))
LIANXIN_REPORT_LIMIT_GLOBAL = int(os.environ.get("LIANXIN_REPORT_LIMIT_GLOBAL", "60"))
# Its human check: answered no sooner than this after it was shown, and within the maximum.
LIANXIN_REPORT_CHALLENGE_MIN_SECONDS = 3
LIANXIN_REPORT_CHALLENGE_MAX_SECONDS = 30 * 60
# Requests to these paths are logged without the client's address (reporters of integrity reports).
LIANXIN_ADDRESS_FREE_PATHS = ["/cases/report/", "/cases/track/", "/api/cases/reports"]
# Ledger uploads: the file is streamed to disk, never held in memory.
LIANXIN_IMPORT_MAX_BYTES = int(os.environ.get("LIANXIN_IMPORT_MAX_MB", "200")) * 2**20
# Uploaded ledger files are personal data: deleted this many days after the batch is committed, undone, or
# (never committed) uploaded — `manage.py purge_import_files`, daily from cron.
LIANXIN_IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("LIANXIN_IMPORT_FILE_RETENTION_DAYS", "30"))
# A ledger column the resident ID determines (性别, 出生日期, 年龄) that contradicts it: "reject" the row
# (naming both values), or "warn" (the row is imported with the ID's value and listed for checking).
LIANXIN_IMPORT_CONTRADICTIONS = os.environ.get("LIANXIN_IMPORT_CONTRADICTIONS", "reject")
# How long the rows a dry run checked stay usable for the commit (seconds); older, the commit reads the file again.
LIANXIN_IMPORT_STAGE_MAX_AGE = int(os.environ.get("LIANXIN_IMPORT_STAGE_MAX_AGE", "86400"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Requests to LIANXIN_ADDRESS_FREE_PATHS (integrity reports) are logged without the client's address.
    "filters": {"address_free": {"()": "lianxin.core.logfilters.AddressFreeFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["address_free"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIANXIN_LOG_LEVEL", "INFO")},
    # Request bodies and query strings may carry personal data: never log them.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Logins are recorded as security events; axes' own INFO lines would only duplicate them.
        "axes": {"level": "WARNING"},
    },
}
