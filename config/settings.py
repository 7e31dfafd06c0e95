"""cxgov settings: one module, every value from the environment (see docs/configuration.md)."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import database_settings
from config.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CXGOV_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", default="insecure-development-key-only-for-debug")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "cxgov.core.admin_site.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.humanize",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "cxgov.core",
    "cxgov.registry",
    "cxgov.surveys",
    "cxgov.standards",
    "cxgov.complaints",
    "cxgov.benchmarks",
    "cxgov.reports",
    "cxgov.a11",
    "cxgov.plans",
    "cxgov.actions",
    "cxgov.maturity",
    "cxgov.journeys",
    "cxgov.webhooks",
    "cxgov.public",
    "cxgov.api",
    "cxgov.site",
]

MIDDLEWARE = [
    # First: a body too large for the caller is refused before anything reads it.
    "cxgov.core.faults.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cxgov.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside LocaleMiddleware: it sees the finished page in the language chosen inside.
    "cxgov.core.middleware.TranslationsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cxgov.core.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cxgov.core.middleware.StaffMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the language and messages: an agency's page only in the languages it offers.
    "cxgov.public.languages.AgencyLanguageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Every form renders as USWDS controls (see cxgov.core.renderers); "django.forms" below lets
# the project's templates find Django's own widget templates.
FORM_RENDERER = "cxgov.core.renderers.UswdsFormRenderer"

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
                "cxgov.core.context_processors.site",
                "cxgov.core.context_processors.staff_menu",
            ],
        },
    },
]

# Database: one URL. The embedded default is a SQLite file under var/. A server that accepts
# connections but never answers fails within the timeouts (seconds) and gets the 503 page.
DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cxgov.sqlite3'}")
DATABASE_CONNECT_TIMEOUT_SECONDS = env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", default=5, minimum=1)
DATABASE_STATEMENT_TIMEOUT_SECONDS = env_int(
    "DATABASE_STATEMENT_TIMEOUT_SECONDS", default=30, minimum=0
)
DATABASES = {
    "default": database_settings(
        DATABASE_URL,
        connect_timeout=DATABASE_CONNECT_TIMEOUT_SECONDS,
        statement_timeout=DATABASE_STATEMENT_TIMEOUT_SECONDS,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "public:home"

# Staff must prove a second factor (an authenticator app code) before any staff page or the
# session API. Off by default only in DEBUG, so the local demo signs in with a password alone.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", default="cxgov")

# Optional sign-in through the agency's OpenID Connect provider (on when a client id is set).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", default="your agency account")
# An agency provider that already demands a second factor (PIV, Login.gov) can stand in for ours.
OIDC_COUNTS_AS_SECOND_FACTOR = env_bool("OIDC_COUNTS_AS_SECOND_FACTOR", default=False)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "core:login"
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    missing = [
        name
        for name in (
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so set {', '.join(missing)} too.")
    AUTHENTICATION_BACKENDS.insert(1, "cxgov.core.oidc.StaffOIDCBackend")

# Optional SAML 2.0 single sign-on (on when the identity provider's metadata file is set;
# decision 0033, docs/security.md). The provider must sign its assertions.
SAML_IDP_METADATA_FILE = env_str("SAML_IDP_METADATA_FILE", default="")
SAML_ENABLED = bool(SAML_IDP_METADATA_FILE)
SAML_PROVIDER_NAME = env_str("SAML_PROVIDER_NAME", default="your agency's single sign-on")
SAML_SP_ENTITY_ID = env_str("SAML_SP_ENTITY_ID", default=f"{SITE_URL}/saml/metadata/")
# A key and certificate of our own sign the sign-in requests and decrypt encrypted assertions.
SAML_SP_KEY_FILE = env_str("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env_str("SAML_SP_CERT_FILE", default="")
SAML_ATTRIBUTE_EMAIL = env_str("SAML_ATTRIBUTE_EMAIL", default="mail")
SAML_ATTRIBUTE_NAME = env_str("SAML_ATTRIBUTE_NAME", default="displayName")
SAML_ATTRIBUTE_ROLES = env_str("SAML_ATTRIBUTE_ROLES", default="cxgovRole")
# Provider values to "<agency slug>:<role>" ("CX Analysts=fba:cx_analyst"); empty: the values
# are "<agency slug>:<role>" themselves, as SCIM's group names.
SAML_ROLE_MAP = env_list("SAML_ROLE_MAP", default=[])
# The agencies ("*": all) and roles whose memberships sign-in may grant, and whether it may
# create an account for a person who holds such a role and has none yet.
SAML_GRANT_AGENCIES = env_list("SAML_GRANT_AGENCIES", default=[])
SAML_GRANT_ROLES = env_list(
    "SAML_GRANT_ROLES",
    default=["service_manager", "cx_analyst", "complaint_handler", "frontline_employee"],
)
SAML_CREATE_ACCOUNTS = env_bool("SAML_CREATE_ACCOUNTS", default=False)
SAML_COUNTS_AS_SECOND_FACTOR = env_bool("SAML_COUNTS_AS_SECOND_FACTOR", default=False)
# Clock difference tolerated between the provider and us when checking an assertion's times.
SAML_CLOCK_SKEW_SECONDS = env_int("SAML_CLOCK_SKEW_SECONDS", default=60, minimum=0)
if SAML_ENABLED and not Path(SAML_IDP_METADATA_FILE).is_file():
    raise ImproperlyConfigured(f"SAML_IDP_METADATA_FILE {SAML_IDP_METADATA_FILE} is not a file.")
AUTHENTICATION_BACKENDS.append("cxgov.core.saml.SamlBackend")

# Failed sign-ins lock the account (not the address, which many staff may share).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "cxgov.core.auth.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cxgov.core.auth.lockout_response"
AXES_ENABLE_ADMIN = False
# axes.W006 asks to lock by address too; many staff share an office address, so per-address
# throttling belongs to the rate limiter instead: LOGIN_ADDRESS_FAILURE_LIMIT failed sign-ins
# from one address in LOGIN_ADDRESS_WINDOW_MINUTES, across any accounts, pause sign-in from
# that address (429) until the window ends, without locking the accounts for anyone else.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_CLIENT_IP_CALLABLE = "cxgov.core.ratelimit.client_address"
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20, minimum=0)
LOGIN_ADDRESS_WINDOW_MINUTES = env_int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15, minimum=1)

# Sessions end after this many idle seconds; every request renews them. However busy, a session
# ends SESSION_MAX_AGE_SECONDS after sign-in (cxgov.core.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_SECONDS", default=1800, minimum=60)
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_SECONDS", default=12 * 3600, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cxgov.core.views.csrf_failure"

# Secure by default: only DEBUG relaxes transport security.
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
# Proxies (addresses or CIDR ranges) whose X-Forwarded-For entries are believed; every limiter
# and the sign-in lockout take the caller's address from cxgov.core.ratelimit.client_address.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Internationalisation: English URLs unprefixed, each other language under its code (/es/,
# /zh-hans/, ...). Each agency offers a subset (Agency.languages, decision 0061); a language
# is served once its catalogue is compiled. Django's locale table lacks Tagalog and Haitian
# Creole: cxgov.core.languages adds them, with every name a language has in itself.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("vi", _("Vietnamese")),
    ("ko", _("Korean")),
    ("tl", _("Tagalog")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("ht", _("Haitian Creole")),
    ("fr", _("French")),
    ("pt-br", _("Brazilian Portuguese")),
]
LOCALE_PATHS = [Path(env_str("CXGOV_LOCALE_DIR", default=str(BASE_DIR / "locale")))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", default="America/New_York")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not an IANA time zone.") from None

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Email: console by default so nothing leaves the machine unless configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="cxgov <no-reply@cxgov.invalid>")
# Seconds an SMTP server may stay silent before the send fails (and is retried), so one hung
# mail server cannot stall the email queue.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", default=10, minimum=1)

# Text messages (survey invitations): the backend class, as for email. The console backend
# prints them; cxgov.core.sms.TwilioBackend posts them to Twilio's Messages API at SMS_API_URL.
SMS_BACKEND = env_str("SMS_BACKEND", default="cxgov.core.sms.ConsoleBackend")
SMS_FROM_NUMBER = env_str("SMS_FROM_NUMBER", default="")
SMS_API_URL = env_str("SMS_API_URL", default="https://api.twilio.com")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", default=10, minimum=1)
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", default="")

# Complaints by email: replies and new complaints are read from this IMAP mailbox by
# `cxgov complaints_fetch_mail` (off while the host is empty). Mail that matches no complaint
# is filed for triage with the agency COMPLAINTS_MAIL_AGENCY (a slug).
COMPLAINTS_IMAP_HOST = env_str("COMPLAINTS_IMAP_HOST", default="")
COMPLAINTS_IMAP_PORT = env_int("COMPLAINTS_IMAP_PORT", default=993, minimum=1)
COMPLAINTS_IMAP_USER = env_str("COMPLAINTS_IMAP_USER", default="")
COMPLAINTS_IMAP_PASSWORD = env_str("COMPLAINTS_IMAP_PASSWORD", default="")
COMPLAINTS_IMAP_SSL = env_bool("COMPLAINTS_IMAP_SSL", default=True)
COMPLAINTS_IMAP_FOLDER = env_str("COMPLAINTS_IMAP_FOLDER", default="INBOX")
COMPLAINTS_MAIL_AGENCY = env_str("COMPLAINTS_MAIL_AGENCY", default="")
# The mailbox's address: emails to customers answer to it with the tracking number as a
# plus-address (complaints+C-XXXX-XXXX-XXXX@...). Empty: replies go to DEFAULT_FROM_EMAIL.
COMPLAINTS_REPLY_ADDRESS = env_str("COMPLAINTS_REPLY_ADDRESS", default="")
# Days a signed status link in an email to a customer keeps working.
COMPLAINT_LINK_MAX_AGE_DAYS = env_int("COMPLAINT_LINK_MAX_AGE_DAYS", default=90, minimum=1)

# Background work: Django's Tasks API, stored in the database and run by `cxgov worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "webhooks"],
    }
}
# Redis (redis://host:port/db), for a task queue or a cache kept there. With
# TASKS_BACKEND=django_tasks_rq.RQBackend the queues live in Redis, and `cxgov worker`
# processes on any number of machines take tasks from them (docs/scale.md).
REDIS_URL = env_str("REDIS_URL", default="")
RQ_QUEUES = {
    # A long import or report may run this long before RQ stops it.
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}
    for name in TASKS["default"]["QUEUES"]
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=django_tasks_rq.RQBackend keeps the queues in Redis: set REDIS_URL."
        )
    INSTALLED_APPS.append("django_rq")

# A cache shared by every web process (rate limits must count across workers): the database by
# default, so nothing else needs running; set CACHE_BACKEND/CACHE_LOCATION for Redis.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", default="django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", default="cxgov_cache"),
    }
}

# Public writes (complaint and survey forms, status lookups, Open311) per address per minute,
# and API reads and writes per signed-in user (per address for the public) per minute. Past
# them the answer is 429 with Retry-After. Counted by cxgov.core.ratelimit.
PUBLIC_WRITES_PER_MINUTE = env_int("PUBLIC_WRITES_PER_MINUTE", default=20, minimum=0)
STATUS_LOOKUPS_PER_MINUTE = env_int("STATUS_LOOKUPS_PER_MINUTE", default=10, minimum=0)
API_WRITES_PER_MINUTE = env_int("API_WRITES_PER_MINUTE", default=300, minimum=0)
API_READS_PER_MINUTE = env_int("API_READS_PER_MINUTE", default=1200, minimum=0)
# API tokens expire: their owner chooses when, up to API_TOKEN_MAX_DAYS after creation.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", default=90, minimum=1)

# An agency administrator's invitation to a new member works once, for this many days.
MEMBER_INVITATION_DAYS = env_int("MEMBER_INVITATION_DAYS", default=7, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # pysaml2 logs whole assertions (people's attributes) at INFO; xmlschema its schema loading.
    "loggers": {name: {"level": "WARNING"} for name in ("saml2", "xmlschema")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Surveys: responses one connection may send to one survey in an hour (0 turns the limit off),
# and the fewest responses an employee-survey group needs before it is shown (never below 3).
SURVEY_RATE_LIMIT_PER_HOUR = env_int("SURVEY_RATE_LIMIT_PER_HOUR", default=60, minimum=0)
SURVEY_SUPPRESSION_THRESHOLD = env_int("SURVEY_SUPPRESSION_THRESHOLD", default=5, minimum=3)
# The fatigue cap: nobody is invited to an agency's surveys more than once in so many days,
# whichever file or survey lists them again (matched by a keyed hash of the contact); 0 is off.
# A multi-page survey's unfinished answers (and its "finish later" link) last this many days.
SURVEY_DRAFT_DAYS = env_int("SURVEY_DRAFT_DAYS", default=30, minimum=1)
SURVEY_FATIGUE_DAYS = env_int("SURVEY_FATIGUE_DAYS", default=90, minimum=0)
# Weighted results trim weights above this many times the mean weight (R's trimWeights); 0 is
# no trimming.
SURVEY_WEIGHT_TRIM = env_int("SURVEY_WEIGHT_TRIM", default=5, minimum=0)

# The open-data catalogue (/data.json, DCAT-US 1.1; see docs/open-data.md): who publishes the
# datasets that cover every agency, whom to ask about any dataset, the licence, and the OMB
# bureau and program codes of datasets whose agency has none recorded.
OPEN_DATA_PUBLISHER = env_str("OPEN_DATA_PUBLISHER", default="cxgov")
OPEN_DATA_CONTACT_NAME = env_str("OPEN_DATA_CONTACT_NAME", default="cxgov open data")
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL", default="opendata@cxgov.invalid")
OPEN_DATA_LICENSE = env_str(
    "OPEN_DATA_LICENSE", default="https://www.usa.gov/publicdomain/label/1.0/"
)
OPEN_DATA_BUREAU_CODE = env_str("OPEN_DATA_BUREAU_CODE", default="000:00")
OPEN_DATA_PROGRAM_CODE = env_str("OPEN_DATA_PROGRAM_CODE", default="000:000")

# Request limits and faults (see docs/security.md "Faults and limits"). Form or JSON data beyond
# DATA_UPLOAD_MAX_MEMORY_SIZE bytes, more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields, or a whole
# body beyond REQUEST_MAX_BYTES (attachments included) answers 413; uploads larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory. While the database is
# unreachable, requests answer 503 with Retry-After: DATABASE_RETRY_AFTER_SECONDS.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440, minimum=1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440, minimum=0)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000, minimum=10)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", default=20 * 1024 * 1024, minimum=1024)
# Imports (every importer reads files through cxgov.core.imports): the largest file, after
# unzipping a gzip, and the most data rows one import reads. Larger files are refused as a whole.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=200_000, minimum=1)
# Whole-agency archives (export_agency, import_agency): signed with HMAC-SHA256 under this key
# (blank: a key derived from SECRET_KEY, so only this installation's archives restore), and
# refused beyond this many bytes once unzipped or this many files inside.
AGENCY_ARCHIVE_SIGNING_KEY = env_str("AGENCY_ARCHIVE_SIGNING_KEY", default="")
if AGENCY_ARCHIVE_SIGNING_KEY and len(AGENCY_ARCHIVE_SIGNING_KEY) < 32:
    raise ImproperlyConfigured("AGENCY_ARCHIVE_SIGNING_KEY must be at least 32 characters.")
AGENCY_ARCHIVE_MAX_BYTES = env_int(
    "AGENCY_ARCHIVE_MAX_BYTES", default=4 * 1024 * 1024 * 1024, minimum=1024
)
AGENCY_ARCHIVE_MAX_MEMBERS = env_int("AGENCY_ARCHIVE_MAX_MEMBERS", default=100_000, minimum=10)
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", default=120, minimum=1)
MIDDLEWARE.append("cxgov.core.faults.FaultsMiddleware")

# Background tasks that fail are tried again after TASK_RETRY_BASE_SECONDS, doubling each time,
# up to TASK_MAX_ATTEMPTS tries in all; then they go to the dead-letter list for staff to retry.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", default=5, minimum=1)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", default=30, minimum=0)
# A running task holds a lease of TASK_LEASE_SECONDS that its worker renews while it runs; a task
# left running past its lease (its worker was killed) is queued again, up to TASK_MAX_ATTEMPTS
# runs, then dead-lettered. Finished task rows are deleted after TASK_RESULT_RETENTION_DAYS.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", default=300, minimum=10)
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", default=14, minimum=1)
# Periodic tasks, queued by `cxgov worker` itself (cxgov.core.schedule): it checks every
# SCHEDULE_CHECK_SECONDS; each task runs every so many minutes, 0 turns it off. Several workers
# queue a due task once between them.
SCHEDULE_CHECK_SECONDS = env_int("SCHEDULE_CHECK_SECONDS", default=30, minimum=1)
SCHEDULE_COMPLAINTS_ESCALATE_MINUTES = env_int(
    "SCHEDULE_COMPLAINTS_ESCALATE_MINUTES", default=60, minimum=0
)
# Only while COMPLAINTS_IMAP_HOST is set.
SCHEDULE_COMPLAINTS_FETCH_MAIL_MINUTES = env_int(
    "SCHEDULE_COMPLAINTS_FETCH_MAIL_MINUTES", default=5, minimum=0
)
SCHEDULE_SURVEYS_CLOSE_EXPIRED_MINUTES = env_int(
    "SCHEDULE_SURVEYS_CLOSE_EXPIRED_MINUTES", default=24 * 60, minimum=0
)
SCHEDULE_CLEARANCES_ALERT_MINUTES = env_int(
    "SCHEDULE_CLEARANCES_ALERT_MINUTES", default=24 * 60, minimum=0
)
SCHEDULE_SURVEY_REMINDERS_MINUTES = env_int(
    "SCHEDULE_SURVEY_REMINDERS_MINUTES", default=60, minimum=0
)
# Intake queues a fold of new responses into the rollups; this folds any a lost task left.
SCHEDULE_ROLLUPS_FOLD_MINUTES = env_int("SCHEDULE_ROLLUPS_FOLD_MINUTES", default=5, minimum=0)
# A change of events queues its standard's quantiles; this keeps any that nothing queued.
SCHEDULE_STANDARD_QUANTILES_MINUTES = env_int(
    "SCHEDULE_STANDARD_QUANTILES_MINUTES", default=60, minimum=0
)
SCHEDULE_RETENTION_PURGE_MINUTES = env_int(
    "SCHEDULE_RETENTION_PURGE_MINUTES", default=24 * 60, minimum=0
)
# Prepared files (exports, PDFs) finished more than a day ago are removed; asked for again,
# they are built again (decision 0049).
SCHEDULE_PREPARED_FILES_PRUNE_MINUTES = env_int(
    "SCHEDULE_PREPARED_FILES_PRUNE_MINUTES", default=60, minimum=0
)
# Monthly partitions on PostgreSQL (decision 0066): the worker keeps PARTITIONS_MONTHS_AHEAD
# months ready; the retention purge drops the audit log's months older than
# AUDIT_LOG_RETENTION_MONTHS (0 keeps the audit log for ever).
SCHEDULE_PARTITIONS_CREATE_MINUTES = env_int(
    "SCHEDULE_PARTITIONS_CREATE_MINUTES", default=24 * 60, minimum=0
)
PARTITIONS_MONTHS_AHEAD = env_int("PARTITIONS_MONTHS_AHEAD", default=3, minimum=1)
AUDIT_LOG_RETENTION_MONTHS = env_int("AUDIT_LOG_RETENTION_MONTHS", default=0, minimum=0)
# Raw survey responses (with their answers) and standards events older than these many whole
# months are removed by the same purge, and their months' rollups are final (decision 0074);
# 0 keeps them for ever.
RESPONSE_RETENTION_MONTHS = env_int("RESPONSE_RETENTION_MONTHS", default=0, minimum=0)
EVENT_RETENTION_MONTHS = env_int("EVENT_RETENTION_MONTHS", default=0, minimum=0)

# Webhooks: a delivery is tried up to WEBHOOK_MAX_ATTEMPTS times, waiting
# WEBHOOK_RETRY_BASE_SECONDS after the first failure and doubling each time; a subscription whose
# last WEBHOOK_DISABLE_AFTER_FAILURES deliveries all failed is turned off and its agency's
# administrators emailed. Plain-http and loopback targets are refused unless DEBUG (http) or
# WEBHOOK_ALLOW_LOOPBACK (127.0.0.1 and localhost, for a receiver on this machine).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", default=8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", default=60, minimum=0)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", default=5, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", default=10, minimum=1)
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
# Days a finished delivery keeps its body and the receiver's answers in the delivery log; the
# daily retention purge then empties them (the log keeps each try's time and status).
WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", default=30, minimum=1)

# Retention of personal details (defaults for agencies without their own retention policy):
# days after a complaint closes before its contact details and attachments are removed, and
# days to keep survey response IP addresses, survey contact emails and invitation emails.
RETENTION_COMPLAINT_CONTACT_DAYS = env_int(
    "RETENTION_COMPLAINT_CONTACT_DAYS", default=1095, minimum=0
)
RETENTION_SURVEY_IP_DAYS = env_int("RETENTION_SURVEY_IP_DAYS", default=30, minimum=0)
RETENTION_SURVEY_CONTACT_DAYS = env_int("RETENTION_SURVEY_CONTACT_DAYS", default=365, minimum=0)
RETENTION_INVITATION_EMAIL_DAYS = env_int("RETENTION_INVITATION_EMAIL_DAYS", default=90, minimum=0)
