"""Settings for camhs-pbr, read from environment variables (documented in README.md).

Unset variables give a safe development set-up: SQLite and Celery tasks run in-process.
"""

import os
import sys
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from camhs_pbr.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# With DEBUG the app still shows its own 404 and 500 pages (camhs_pbr/error_pages.py) unless this is set.
DJANGO_DEBUG_PAGES = env_bool("DJANGO_DEBUG_PAGES", default=False)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
# Commands that only read or write the schema sign nothing, so they run without a key (an engineer's
# `manage.py makemigrations --check`); serving, workers and every other command refuse the development key.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}
_keyless = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG and not _keyless:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (or DEBUG=1 on a developer's machine): refusing the development key"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Figures kept between requests (the dashboard, the re-grouping page): Redis shared by every gunicorn process
# when CACHE_URL is set (redis://host:6379/2), else each process's own memory.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "assessments",
    "groupings",
    "imports",
    "reports",
    "payments",
    "consistency",
    "dashboards",
    "lab",
    "rest_framework",
    "drf_spectacular",
    "api",
    "demo",
]

MIDDLEWARE = [
    "camhs_pbr.logs.RequestLogMiddleware",
    "camhs_pbr.error_pages.AppErrorPagesMiddleware",
    "accounts.audit_web.AuditMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "camhs_pbr.middleware.NulBytesRefusedMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "camhs_pbr.middleware.CaseRecordsNotStoredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "camhs_pbr.urls"
WSGI_APPLICATION = "camhs_pbr.wsgi.application"

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
                "accounts.context_processors.roles",
                "camhs_pbr.navigation.links",
            ],
            "builtins": ["camhs_pbr.templatetags.numbers"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# The application connects as a role that does not own the tables (DATABASE_URL); `manage.py migrate` alone
# connects as the owner (MIGRATION_DATABASE_URL), and then grants the application's role what it needs: no
# UPDATE, DELETE or TRUNCATE of the audit trail (accounts/database_roles.py).
APP_DATABASE_ROLE = ""
if env_str("MIGRATION_DATABASE_URL"):
    APP_DATABASE_ROLE = DATABASES["default"].get("USER") or ""
    if Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] == ["migrate"]:
        DATABASES["default"] = dj_database_url.parse(env_str("MIGRATION_DATABASE_URL"), conn_max_age=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Argon2id at OWASP's settings (accounts/hashers.py); a password stored with PBKDF2 before still logs in and is
# stored again with Argon2id at that login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (issue 15): lockout, session lifetime and the second factor.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Three rules, each with its own limit (accounts/lockout.py): a user name's failures from any address, a user
# name's failures from one address, and an address's failures for any user names. The address alone has a far
# higher limit: a trust's staff share a few proxy addresses, and a made-up user name must not lock them all.
LOGIN_FAILURE_LIMIT = int(env_str("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_USER_AT_ADDRESS = int(
    env_str("LOGIN_FAILURE_LIMIT_USER_AT_ADDRESS", str(LOGIN_FAILURE_LIMIT))
)
LOGIN_FAILURE_LIMIT_ADDRESS = int(env_str("LOGIN_FAILURE_LIMIT_ADDRESS", "100"))
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True  # the handler resets only the user name that logged in
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# Addresses or networks of our reverse proxies: only a request from one of them has its X-Forwarded-For read.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_error}") from _error
SESSION_COOKIE_AGE = int(env_str("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # each request restarts the idle clock
SESSION_ABSOLUTE_SECONDS = int(env_str("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "camhs-pbr"
# An administrator removes a lost authenticator app in the admin but never sees its secret key or QR code
# (django-otp's config and QR code pages answer 403; they also answered 500 for an unknown device).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=False)
# Without collected, hashed assets (development and tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the container's health check calls plain HTTP from inside
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Headers (issue 15): HSTS once HTTPS is enforced, a Content Security Policy without inline code.
SECURE_HSTS_SECONDS = int(
    env_str("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60) if SECURE_SSL_REDIRECT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# security.W021 (HSTS preload): the service runs on a host of its trust's domain, and adding that domain
# to the browsers' preload list is the domain owner's decision, not this application's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# SQLite (`make run`, tasks in-process) cannot hold the re-grouping run's "one active run per rules version and
# person" constraint (its nulls are not distinct); PostgreSQL, where workers run in parallel, does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS.append("models.W047")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's form controls draw their icons from data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery: a real broker when CELERY_BROKER_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Crash safety (README "Runs that survive a crash"). A message taken by a worker that dies unacknowledged is
# delivered again after the visibility timeout, so it must exceed the longest chunk or report run.
CELERY_BROKER_TIMEOUT = float(env_str("CELERY_BROKER_TIMEOUT", "3"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env_str("CELERY_VISIBILITY_TIMEOUT", "600")),
    "socket_timeout": CELERY_BROKER_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
# One quick retry, then the publisher gets kombu's OperationalError instead of waiting ~20 s.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# Runs keep their state in the database; a task result would only make publishing depend on the backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0}}
# Background runs (camhs_pbr/runs): a running run's worker marks it alive every RUN_HEARTBEAT_SECONDS; a run
# with no sign of life for RUN_STALL_SECONDS is queued again by the reaper (every RUN_REAPER_SECONDS), at most
# RUN_REQUEUE_LIMIT times, then failed with the reason. A dead worker's run is so queued again within
# RUN_STALL_SECONDS + RUN_REAPER_SECONDS of its last beat.
RUN_HEARTBEAT_SECONDS = float(env_str("RUN_HEARTBEAT_SECONDS", "15"))
RUN_STALL_SECONDS = float(env_str("RUN_STALL_SECONDS", "75"))
RUN_REAPER_SECONDS = float(env_str("RUN_REAPER_SECONDS", "30"))
RUN_REQUEUE_LIMIT = int(env_str("RUN_REQUEUE_LIMIT", "3"))
# The algorithm lab's fitted models (joblib files), written by the workers and read by the web processes:
# one directory both see (a shared volume in docker-compose).
LAB_MODELS_DIR = Path(env_str("LAB_MODELS_DIR", str(BASE_DIR / "var" / "lab-models")))
# Records from the records system (imports/, issue 31): uploaded extracts wait for a worker under
# IMPORT_UPLOAD_DIR; a provider's records system may leave extracts in IMPORT_DROP_DIR/<ODS code>/ (empty: no
# drop folder), picked up every IMPORT_DROP_SECONDS. Both directories are shared by web and worker processes.
IMPORT_UPLOAD_DIR = Path(env_str("IMPORT_UPLOAD_DIR", str(BASE_DIR / "var" / "imports")))
IMPORT_DROP_DIR = env_str("IMPORT_DROP_DIR", "")
IMPORT_DROP_SECONDS = float(env_str("IMPORT_DROP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE: dict = {
    "monthly-reports": {
        "task": "reports.tasks.run_previous_month",
        "schedule": crontab(minute="0", hour="2", day_of_month="1"),  # 02:00 on the 1st, CELERY_TIMEZONE
    },
    "monthly-statements": {
        "task": "payments.tasks.run_previous_month_statements",
        "schedule": crontab(minute="0", hour="4", day_of_month="1"),  # after the monthly reports
    },
    "reap-stalled-runs": {"task": "camhs_pbr.runs.tasks.reap_stalled_runs", "schedule": RUN_REAPER_SECONDS},
    "pick-up-drop-folder": {"task": "imports.tasks.pick_up_drop_folder", "schedule": IMPORT_DROP_SECONDS},
}

# The API for other systems (issue 33, api/): API keys or a session, scopes, API_RATE calls per key.
API_RATE = env_str("API_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.access.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.access.PerKeyRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.parsing.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,  # answers are chosen by the Accept header alone
}
SPECTACULAR_SETTINGS = {
    "TITLE": "camhs-pbr API",
    "DESCRIPTION": "Needs-based grouping suggestions, case allocations and report figures for other systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/(v1|fhir)",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schemas.fhir_operation_paths",
    ],
}

# Observability (issue 28, README "Operations"): logs, metrics and error reports, each configured here once.
# JSON lines in production, text on a developer's machine (camhs_pbr/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
# Prometheus (camhs_pbr/metrics.py): /metrics answers a scrape bearing this token, and 404 while it is unset.
METRICS_TOKEN = env_str("METRICS_TOKEN")
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Each query counted by django-prometheus' wrapper of the same database backend.
if DATABASES["default"]["ENGINE"] in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
    DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
        "django.db.", "django_prometheus.db."
    )
# Error reports to Sentry, with personal data removed (camhs_pbr/sentry.py); off while SENTRY_DSN is unset.
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production")
if SENTRY_DSN:
    from camhs_pbr.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
