"""One settings module, driven by the environment (see the configuration table in README.md)."""

import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _env(name, cast, default):
    """Read one variable; a value that does not parse names the variable in the error."""
    try:
        return cast(name, default=default)
    except (ValueError, environ.ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} has an invalid value: {exc}"
        ) from exc


def _bool(name, default):
    """Stricter than env.bool, which reads any unknown word (DEBUG=ture) as False."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ValueError(f"{value!r} is neither true nor false")
    return value in {"1", "true", "yes", "on"}


def _database_url(name, default):
    """env.db_url only warns about an unknown scheme; the error would come at the first query."""
    config = env.db_url(name, default=default)
    if config.get("ENGINE") not in set(environ.Env.DB_SCHEMES.values()):
        raise ValueError("not a database URL such as postgres://user@host:5432/name")
    return config


DEBUG = _env("DEBUG", _bool, False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = _env(
    "ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _env("CSRF_TRUSTED_ORIGINS", env.list, [])

INSTALLED_APPS = [
    "portal",
    "partners",
    "awards",
    "overview",
    # Signed webhooks to partners' systems: the core (portal/webhooks/); partners and awards
    # register their event types with it.
    "portal.webhooks",
    "portal.admin_apps.PortalAdminConfig",  # django.contrib.admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the portal itself (no CDN)
]

# The demo (seeds/: its data and `seed_demo`, `demo_logins`) exists only in development or on a
# server set up to show the demo; a production install has no command that could load it.
DEMO = _env("DEMO", _bool, False)
DEMO_ENABLED = DEBUG or DEMO
if DEMO_ENABLED:
    INSTALLED_APPS.append("seeds")
# seed_demo creates users with a published password: it runs only with DEBUG on in the
# environment of the command (the test runner turns settings.DEBUG off, not this).
DEMO_SEEDING_ALLOWED = DEBUG

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, the first to read a POST's body.
    "portal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in session ends after SESSION_IDLE_TIMEOUT minutes without a request, after
    # SESSION_MAX_AGE_HOURS in all, or when it lacks the second factor STAFF_2FA asks for.
    "portal.sessions.SessionLimitsMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # axes must come last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "overview.context_processors.navigation",
                "portal.notification_context.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": _env("DATABASE_URL", _database_url, f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite ignores select_for_update: a writing transaction takes the database's write lock
    # when it begins, so that two at once queue up (20 s at most) instead of failing with
    # "database is locked" half-way (the threaded development server, a double click).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # The event list's covering indexes (INCLUDE) are plain indexes on SQLite: the demo's
    # database is small, and the warning at every start would only alarm a newcomer.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out address or username before any password is checked.
    "portal.login_throttle.LoginThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "portal.auth.PortalBackend",  # Django's ModelBackend, plus the unread notifications
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = _env("AXES_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env("AXES_COOLOFF_MINUTES", env.int, 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A successful login clears axes' count for that username and address only, so that someone who
# mistyped is not one slip from a lock-out. Every failure stays in the audit trail all the same,
# and the limits below count from the trail, which no login resets (portal/login_throttle.py).
AXES_RESET_ON_SUCCESS = True
# Failures within AXES_COOLOFF_MINUTES that lock out one client address from every account
# (password spraying) and one username from every address; 0 turns the limit off.
LOGIN_FAILURE_LIMIT_PER_ADDRESS = _env("LOGIN_FAILURE_LIMIT_PER_ADDRESS", env.int, 20)
LOGIN_FAILURE_LIMIT_PER_USERNAME = _env("LOGIN_FAILURE_LIMIT_PER_USERNAME", env.int, 10)
# Every lock-out page says which limit was reached and for how many minutes.
AXES_LOCKOUT_CALLABLE = "portal.login_throttle.lockout_response"
AXES_VERBOSE = False
# How many reverse proxies stand in front of the portal (0: clients connect directly).
TRUSTED_PROXY_COUNT = _env("TRUSTED_PROXY_COUNT", env.int, 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "portal.http.client_ip"

# Second factor at login (portal/two_factor/, django-otp: an authenticator app's TOTP codes and
# single-use recovery codes). "required": staff, panel, secretariat and superusers (and the
# partners whose enterprise asks for it) must enrol and give a code at every login; "optional":
# the enrolled are asked, others may enrol; "off": nobody is asked (benchmarks, the tests of
# other features; `check --deploy` warns).
STAFF_2FA = _env("STAFF_2FA", env.str, "optional" if DEBUG else "required").strip().lower()
if STAFF_2FA not in {"required", "optional", "off"}:
    raise ImproperlyConfigured(f"STAFF_2FA must be required, optional or off; got {STAFF_2FA!r}.")
OTP_TOTP_ISSUER = "EEPA portal"
# A wrong code makes the next try wait 1, 2, 4, 8... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Minutes between the password and the second factor (or the enrolment) of one login.
PENDING_LOGIN_MINUTES = 10

# Sessions: ended server-side after SESSION_IDLE_TIMEOUT minutes without a request (staff,
# panel, secretariat, superusers), PARTNER_SESSION_IDLE_TIMEOUT for partner users, and
# SESSION_MAX_AGE_HOURS after the login whatever happens (portal/sessions.py).
SESSION_IDLE_TIMEOUT = _env("SESSION_IDLE_TIMEOUT", env.int, 30)
PARTNER_SESSION_IDLE_TIMEOUT = _env("PARTNER_SESSION_IDLE_TIMEOUT", env.int, 60)
SESSION_MAX_AGE_HOURS = _env("SESSION_MAX_AGE_HOURS", env.int, 12)
for _name in ("SESSION_IDLE_TIMEOUT", "PARTNER_SESSION_IDLE_TIMEOUT", "SESSION_MAX_AGE_HOURS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 3600
# The most sensitive actions (publishing results, revoking a certificate, resetting someone's
# second factor) ask again for the password and the second factor when the last time is older.
RECENT_AUTH_MINUTES = 10

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hant", _("Traditional Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own way (portal/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = _env("STATIC_ROOT", env.path, BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# From the DEBUG of the environment, not of the moment: the test runner turns DEBUG off,
# and without autorefresh WhiteNoise warns on every request that STATIC_ROOT is missing.
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded evidence is never served from MEDIA_URL: only through permission-checked views.
MEDIA_ROOT = _env("MEDIA_ROOT", env.path, VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# The largest request body a page takes (a form with a few evidence files); larger ones are
# refused before they are read (portal.middleware.RequestBodyLimitMiddleware). The bulk import
# takes more (partners.forms.IMPORT_MAX_MB). The proxy's limit must be at least the largest.
REQUEST_MAX_BYTES = _env("REQUEST_MAX_MB", env.int, 50) * 1024 * 1024
if REQUEST_MAX_BYTES < EVIDENCE_MAX_BYTES:
    raise ImproperlyConfigured("REQUEST_MAX_MB must be at least 10 (one evidence file).")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: consolemail:// prints messages, smtp+tls://user:pass@host:587 sends them.
_email = _env("EMAIL_URL", env.email_url, "consolemail://")
globals().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="eepa-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The address people reach the portal at; certificates' QR codes and links point here.
PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", env.str, "http://127.0.0.1:8000" if DEBUG else "")
if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", PUBLIC_BASE_URL):
    # Printed in every certificate's QR code: a wrong address cannot be corrected on paper.
    raise ImproperlyConfigured(
        "Set PUBLIC_BASE_URL to the portal's public address, e.g. https://eepa.example.gov.hk "
        f"(it is printed in the certificates' QR codes); got {PUBLIC_BASE_URL!r}."
    )
PUBLIC_BASE_URL = PUBLIC_BASE_URL.rstrip("/")

# The cache holds rate-limit counts: local memory by default (one count per process), a shared
# Redis in production (CACHE_URL=rediscache://127.0.0.1:6379/1).
CACHES = {"default": _env("CACHE_URL", env.cache_url, "locmemcache://")}
# Requests per minute and client to the public certificate verification pages.
VERIFY_RATE_LIMIT = _env("VERIFY_RATE_LIMIT", env.int, 30)
# Reports a partner enterprise may send per hour (all its users together).
REPORT_RATE_LIMIT = _env("REPORT_RATE_LIMIT", env.int, 10)
# Password reset by email: minutes the link stays valid; requests per hour from one client
# address, and emails per hour to one address (more requests get the same answer, no email).
PASSWORD_RESET_TIMEOUT = 60 * _env("PASSWORD_RESET_VALID_MINUTES", env.int, 60)
PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT", env.int, 10)
PASSWORD_RESET_EMAIL_RATE_LIMIT = _env("PASSWORD_RESET_EMAIL_RATE_LIMIT", env.int, 3)
# Days an invitation link to join a partner enterprise stays valid.
INVITATION_VALID_DAYS = _env("INVITATION_VALID_DAYS", env.int, 7)
# Invitations one partner enterprise may send within any 24 hours (all its managers together).
INVITATION_RATE_LIMIT = _env("INVITATION_RATE_LIMIT", env.int, 20)

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Certificates rendered per Celery task: one document per batch shares the font work
# (docs/performance.md).
CERTIFICATE_BATCH_SIZE = _env("CERTIFICATE_BATCH_SIZE", env.int, 50)
if CERTIFICATE_BATCH_SIZE < 1:
    raise ImproperlyConfigured("CERTIFICATE_BATCH_SIZE must be 1 or more.")
# Event rows one import file may hold (docs/import.md); the whole file is checked before anything
# is written; 100,000 rows take seconds and about 150 MB (docs/performance.md).
IMPORT_MAX_ROWS = _env("IMPORT_MAX_ROWS", env.int, 100_000)
if IMPORT_MAX_ROWS < 1:
    raise ImproperlyConfigured("IMPORT_MAX_ROWS must be 1 or more.")

# Webhooks (docs/webhooks.md). Each endpoint's signing secret is stored encrypted with a key
# derived from WEBHOOK_SECRET_KEY (SECRET_KEY when unset: then changing SECRET_KEY makes the
# stored secrets unreadable, and every endpoint needs a new secret).
WEBHOOK_SECRET_KEY = env.str("WEBHOOK_SECRET_KEY", default="") or SECRET_KEY
# Seconds to connect, and to wait for the answer, per delivery; bytes of the answer read.
WEBHOOK_TIMEOUT = _env("WEBHOOK_TIMEOUT", env.int, 10)
if not 1 <= WEBHOOK_TIMEOUT <= 60:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT must be between 1 and 60 seconds.")
WEBHOOK_RESPONSE_MAX_BYTES = 4096
# Deliveries go to public HTTPS addresses only. For development and the tests only, plain HTTP
# to the loopback address (a receiver on 127.0.0.1) can be allowed; never in production.
WEBHOOK_ALLOW_LOOPBACK = _env("WEBHOOK_ALLOW_LOOPBACK", _bool, False)
if WEBHOOK_ALLOW_LOOPBACK and not DEBUG:
    raise ImproperlyConfigured("WEBHOOK_ALLOW_LOOPBACK=true is for development: it needs DEBUG.")

# The REST API under /api/v1/ (portal/api/, docs/api.md). Machines authenticate with API keys
# (portal.api.authentication), never with a session, so no API request depends on a cookie or
# a CSRF token; every error is an RFC 9457 problem (portal.api.errors).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.IsApiKey"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.problem_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EEPA portal API",
    "DESCRIPTION": "Partners' monitoring systems and customs' analysis tools (docs/api.md).",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The reports' partner-facing status is a field of several components (reports, alerts):
    # one name for the one set of choices.
    "ENUM_NAME_OVERRIDES": {"ReportStatusEnum": "partners.statuses.ReportStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_problem_responses",
    ],
}
# Requests per minute one API key may make (all its requests together); beyond, 429 with
# Retry-After. Failed authentications per minute from one client address, beyond which the
# address gets 429 without its keys being looked up (or the failures audited).
API_RATE_LIMIT = _env("API_RATE_LIMIT", env.int, 120)
API_AUTH_FAILURE_LIMIT = _env("API_AUTH_FAILURE_LIMIT", env.int, 30)
# Days an API key is valid at most (a manager chooses its expiry up to this).
API_KEY_MAX_DAYS = _env("API_KEY_MAX_DAYS", env.int, 365)
for _name in ("API_RATE_LIMIT", "API_AUTH_FAILURE_LIMIT", "API_KEY_MAX_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")

# Content-Security-Policy: no inline script anywhere; every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The request came over HTTPS if the proxy says so in X-Forwarded-Proto: believed only behind a
# trusted proxy (which must overwrite the header), since a client reaching the portal directly
# could write it itself.
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    # Production is served over HTTPS, usually behind a reverse proxy that sets X-Forwarded-Proto.
    SECURE_SSL_REDIRECT = _env("SECURE_SSL_REDIRECT", _bool, True)
    SECURE_HSTS_SECONDS = _env("SECURE_HSTS_SECONDS", env.int, 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of each page at INFO: seven lines per certificate.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # Without a broker the tasks run in the request or command that queued them: a line per
    # task ("Task ... succeeded") would only bury that command's own output (seed_demo).
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
