"""Settings for the SMP Clinic app.

Everything that differs between a laptop, CI and a clinic's server comes from the
environment (see .env.example). With nothing set the app runs on the embedded
default: an SQLite file and a file-based Celery broker under var/.
`DJANGO_ENV=production` switches on the secure defaults a real deployment needs.
"""

import datetime
import importlib.util
import json
import os
import re
from pathlib import Path

import environ

from smpclinic.storage_settings import photo_storage_kind, photo_storage_setting

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise environ.ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

# var/ holds everything the embedded default writes: the SQLite file, the file
# broker's queues, beat's schedule and uploaded media in development.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    # No default: a production server must be given its own secret.
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-use-in-production")
# Old secrets still accepted (sessions, reset links, and the encrypted notes below).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# Free-text health notes are encrypted at rest (smpclinic.encryption). Each key is
# combined with SECRET_KEY (then each fallback): the first key encrypts, every key
# decrypts. To rotate: put a new key first, deploy, run `manage.py
# rotate_encryption_keys`, then drop the old key. Lose the keys or SECRET_KEY and the
# notes are gone: keep them with the backups' secrets, never inside a backup.
if PRODUCTION:
    # No default: a production server must be given its own keys.
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
else:
    FIELD_ENCRYPTION_KEYS = env.list(
        "FIELD_ENCRYPTION_KEYS",
        default=["497c24fbcf320c05e6f367397d9351562ac965d22371f9dd0165c7dcb78584e1"],
    )
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        bytes.fromhex(_key)
        _valid = len(_key) >= 32
    except ValueError:
        _valid = False
    if not _valid:
        raise environ.ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be hex keys of at least 32 characters, comma-separated "
            '(make one with: python -c "import secrets; print(secrets.token_hex(32))")'
        )
if not FIELD_ENCRYPTION_KEYS:
    raise environ.ImproperlyConfigured("FIELD_ENCRYPTION_KEYS needs at least one key")
# The name django-fernet-encrypted-fields reads them under.
SALT_KEY = FIELD_ENCRYPTION_KEYS
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Email providers' APIs and their delivery webhooks (EMAIL_PROVIDER below).
    "anymail",
    "smpclinic",
    "accounts",
    "clients",
    "scheduling",
    "consultations",
    "sessions_app",
    "photos",
    "aftercare",
    "billing",
    "waitlist",
    "reminders",
    "portal",
    "privacy",
    "reports",
    "clinic_settings",
    "auditlog",
    "audit",
]

MIDDLEWARE = [
    # A request id on every log line, into the Celery tasks the request starts.
    "smpclinic.request_id.RequestIdMiddleware",
    # Time and queries of every request, by view, for /metrics (smpclinic.metrics).
    "smpclinic.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below, plus the photo
    # bucket's origin when photos are in object storage).
    "smpclinic.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so static files keep their own caching headers.
    "smpclinic.middleware.NoStoreForPrivatePagesMiddleware",
    # A NUL in an address or query string is a 400, not a database error.
    "smpclinic.middleware.RefuseNulCharactersMiddleware",
    # SQLite's lock wait ran out (a burst of writers): 503 "try again", not a 500.
    "smpclinic.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The language of the page: a staff member's own, a client's own, or the visitor's
    # choice (?lang=, then the cookie, then the browser's preference).
    "smpclinic.i18n.LanguageMiddleware",
    # Who changed a health record, and from where (audit.registry lists what is audited).
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, then the second sign-in step for staff.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout noticed during sign-in into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smpclinic.urls"

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
                "accounts.context_processors.navigation",
                "smpclinic.i18n.languages",
            ],
            # `clock`: times that stay unambiguous when the clocks change.
            "builtins": ["smpclinic.templatetags.clinic_time", "smpclinic.templatetags.money_tags"],
        },
    },
]

# Django's widget templates, with inputs, text areas and drop-downs written in Python
# (the same characters, several times faster): see smpclinic/form_renderer.py.
FORM_RENDERER = "smpclinic.form_renderer.FastWidgetRenderer"

WSGI_APPLICATION = "smpclinic.wsgi.application"

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'smpclinic.sqlite3'}")
}
# Seconds an SQLite transaction waits for another to finish writing.
SQLITE_BUSY_TIMEOUT_SECONDS = 20
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction starts, not at its first write,
        # so two bookings cannot both read "free" and then both write.
        "transaction_mode": "IMMEDIATE",
        # How long a transaction waits for the write lock before giving up with
        # "database is locked". Writers queue one at a time; a burst of a hundred
        # online bookings for one time must all get an answer, not an error, and
        # five seconds (the default) runs out before the queue does. The busy
        # timeout is set here only: a PRAGMA busy_timeout would override it.
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        # WAL lets the web process read while the worker writes.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not memory, so the live server, Celery workers started by tests
    # and the test process all see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-smpclinic.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend with timestamps read by psycopg's compiled loader
    # (smpclinic/postgresql/base.py says why).
    DATABASES["default"]["ENGINE"] = "smpclinic.postgresql"
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Pages' prepared queries (smpclinic/prepared.py) are also prepared on the PostgreSQL
# server, so that each connection plans them once. Switch off behind a connection pooler
# that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "smpclinic.postgresql":
    # Planned once for any values: by default PostgreSQL plans a prepared statement again
    # for each run's values, which for a to-do list costs several times running it. Only
    # those queries are prepared; every other query is planned as before.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in while a username+address is locked out (django-axes).
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes): 5 failures for one typed email from one address lock
# that pair for 15 minutes, whether or not the account exists. Wrong two-factor codes
# count as failures too (accounts.two_factor).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's field is `username` (it holds the email).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.lockout_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Failures are cleared once someone is fully signed in (after the code, for staff
# who have one), never at the password step: that would reset the count of codes.
AXES_RESET_ON_SUCCESS = False
# Successful sign-ins go to the security log; axes keeps only the failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "code", "csrfmiddlewaretoken"]
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): the issuer name shown in authenticator apps.
OTP_TOTP_ISSUER = env.str("CLINIC_NAME", default="SMP Clinic")
# Secrets of authenticator apps are never shown in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How many backup codes a member of staff gets when they switch two-factor on.
TWO_FACTOR_BACKUP_CODES = 10
# Wrong codes allowed in one sign-in before it starts again from the password.
TWO_FACTOR_MAX_WRONG_CODES = 5

# Session limits (accounts.middleware.SessionLimitsMiddleware). Staff see every
# client's health record: 30 minutes idle and 12 hours at most. Clients see only
# their own: 12 hours idle, 7 days at most. Activity is written to the session at
# most once a minute, so an active page costs no extra write per request.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)
CLIENT_SESSION_IDLE_SECONDS = env.int("CLIENT_SESSION_IDLE_SECONDS", default=2 * 60 * 60)
CLIENT_SESSION_MAX_SECONDS = env.int("CLIENT_SESSION_MAX_SECONDS", default=7 * 24 * 60 * 60)
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60

# --- Audit trail (audit/) ----------------------------------------------------------
# django-auditlog writes its entries into audit.ChangeEntry, which also keeps the client
# each change concerns; the actor's address comes from smpclinic.net.client_ip (see
# audit.middleware). What is audited is listed in audit/registry.py.
AUDITLOG_LOGENTRY_MODEL = "audit.ChangeEntry"
# django-auditlog's own migrations would create its (unused, swapped-out) log table with
# foreign keys to users, which nothing reads and which blocks emptying the tables between
# tests. Without migrations, a swapped model gets no table.
MIGRATION_MODULES = {"auditlog": None}
# Rows loaded as they are (fixtures, restoring a test database) are not changes anyone made.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- The clinic -------------------------------------------------------------------
CLINIC_NAME = env.str("CLINIC_NAME", default="SMP Clinic")
# How clients reach the clinic; shown on booking pages and in emails.
CLINIC_PHONE = env.str("CLINIC_PHONE", default="")
CLINIC_EMAIL = env.str("CLINIC_EMAIL", default="")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="")
# The address clients reach the app at: links in emails and text messages sent by
# the worker (which has no request to take a host from) start with it.
# `make run PORT=8123` serves on that port; the links follow it unless SITE_URL is set.
WEB_PORT = env.int("WEB_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{WEB_PORT}").rstrip("/")
# The clinic's locale: its date and time formats (smpclinic/locale_formats), the first
# day of its week, how amounts are written, and the country of phone numbers typed
# without a country code. en-gb (the default), en-us or es.
CLINIC_LOCALES = {"en-gb": "GB", "en-us": "US", "es": "ES"}
CLINIC_LOCALE = env.str("CLINIC_LOCALE", default="en-gb").strip().lower().replace("_", "-")
if CLINIC_LOCALE not in CLINIC_LOCALES:
    raise environ.ImproperlyConfigured(
        f"CLINIC_LOCALE must be one of {', '.join(CLINIC_LOCALES)}, not {CLINIC_LOCALE!r}"
    )
LANGUAGE_CODE = CLINIC_LOCALE
# Named formats ("DAY_SHORT_FORMAT", "CLOCK_FORMAT"…) per language: en_GB, en (US), es.
FORMAT_MODULE_PATH = ["smpclinic.locale_formats"]
# The diary's and calendars' first day of the week: "monday", "sunday" or "saturday";
# empty follows the locale (Sunday for en-us, Monday for en-gb and es). The clinic
# settings page can override it.
CLINIC_FIRST_DAY_OF_WEEK = env.str("CLINIC_FIRST_DAY_OF_WEEK", default="").strip().lower()
if CLINIC_FIRST_DAY_OF_WEEK not in {"", "monday", "sunday", "saturday"}:
    raise environ.ImproperlyConfigured(
        "CLINIC_FIRST_DAY_OF_WEEK must be monday, sunday or saturday (or empty for the "
        f"locale's), not {CLINIC_FIRST_DAY_OF_WEEK!r}"
    )
# The clinic's one currency (ISO 4217): prices, deposits, the ledger and receipts.
CLINIC_CURRENCY = env.str("CLINIC_CURRENCY", default="GBP").upper()
# Times are stored in UTC and shown in the clinic's zone.
TIME_ZONE = env.str("CLINIC_TIME_ZONE", default="Europe/London")
USE_I18N = True
# The languages of the screens, messages and PDFs. Staff choose theirs (User.language),
# each client has theirs (Client.language); everything else follows the clinic's default.
LANGUAGES = [
    ("en-gb", "British English"),
    ("en-us", "American English"),
    ("es", "Español"),
]
# The translations (locale/<language>/LC_MESSAGES/django.po), compiled by `make install`.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The cookie that keeps a visitor's choice of language on the public pages.
LANGUAGE_COOKIE_NAME = "clinic_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True
# Phone numbers typed without a country code are read as this country's (by default
# the locale's: GB for en-gb, US for en-us, ES for es).
PHONENUMBER_DEFAULT_REGION = (
    env.str("CLINIC_PHONE_REGION", default="").strip().upper() or CLINIC_LOCALES[CLINIC_LOCALE]
)
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Static files and media -------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here; whitenoise serves it (and, in development, the
# source folders directly).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Client photos are health data: never under a public URL. PHOTO_STORAGE=s3 keeps
# them in a private S3-compatible bucket (the AWS_* variables in .env.example), handed to
# the browser by links that are signed and expire within minutes (smpclinic/storage_settings.py).
PHOTO_STORAGE = photo_storage_kind(env)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "photos": photo_storage_setting(env, private_folder=VAR_DIR / "private" / "photos"),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------
# EMAIL_URL examples: consolemail://, smtp+tls://user:password@smtp.example.com:587
# `make run` sets LOCAL_OUTBOX_DIR (var/outbox/): unless EMAIL_URL or SMS_BACKEND say
# otherwise, every email and text the demo clinic sends is written there, one file each,
# instead of scrolling past in the console among the web and worker logs.
LOCAL_OUTBOX_DIR = env.str("LOCAL_OUTBOX_DIR", default="")
_outbox = Path(LOCAL_OUTBOX_DIR).resolve() if LOCAL_OUTBOX_DIR else None
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if _outbox and "EMAIL_URL" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _outbox / "email"
# A provider's own backend class (e.g. from django-anymail) can be named directly.
if _email_backend := env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = _email_backend


def _anymail_value(name: str, raw: str):
    """An ANYMAIL_* variable as anymail takes it: true/false as booleans, JSON objects
    (e.g. ANYMAIL_SEND_DEFAULTS) parsed, and WEBHOOK_SECRET as a list ("user:pass" each,
    comma-separated) so an old secret keeps working while the provider moves to a new one."""
    if name == "WEBHOOK_SECRET":
        return [secret.strip() for secret in raw.split(",") if secret.strip()]
    if raw.lower() in {"true", "false"}:
        return raw.lower() == "true"
    if raw.lstrip().startswith("{"):
        try:
            return json.loads(raw)
        except ValueError as error:
            raise environ.ImproperlyConfigured(
                f"ANYMAIL_{name} is not valid JSON: {error}"
            ) from error
    return raw


# EMAIL_PROVIDER sends email through a provider's own API with django-anymail instead of
# EMAIL_URL: postmark, mailgun, sendgrid, amazon_ses, brevo, … (the name of any
# anymail.backends.<name> module). Its settings are ANYMAIL_* variables, named as
# anymail documents them without the dict: ANYMAIL_POSTMARK_SERVER_TOKEN,
# ANYMAIL_MAILGUN_API_KEY, ANYMAIL_POSTMARK_API_URL (another API address), …
# ANYMAIL_WEBHOOK_SECRET ("user:password") guards the provider's delivery reports at
# <SITE_URL>/anymail/<provider>/tracking/; without it that address answers 404.
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="").strip().lower()
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): _anymail_value(name.removeprefix("ANYMAIL_"), value)
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value.strip()
}
if EMAIL_PROVIDER:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", EMAIL_PROVIDER) or (
        importlib.util.find_spec(f"anymail.backends.{EMAIL_PROVIDER}") is None
    ):
        raise environ.ImproperlyConfigured(
            f"EMAIL_PROVIDER {EMAIL_PROVIDER!r} is not a provider django-anymail knows "
            "(e.g. postmark, mailgun, sendgrid, amazon_ses, brevo)"
        )
    if _email_backend:
        raise environ.ImproperlyConfigured("Set EMAIL_PROVIDER or EMAIL_BACKEND, not both")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SMP Clinic <clinic@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------
# REDIS_URL (or CELERY_BROKER_URL) moves the broker onto Redis. Without it the
# broker is a folder of files: nothing to install, fine for one machine.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="") or env.str("REDIS_URL", default="") or "filesystem://"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING below, as the web does: the same format, the request id.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How long /healthz waits for the broker before calling it down.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=2.0)

# --- Online card payments -----------------------------------------------------------
# Empty: payments are recorded at the desk (card terminal, cash, bank transfer) and
# clients are asked to call. With a Stripe secret key, clients pay deposits online on
# Stripe's Checkout page; its webhook (/pay/webhook/) confirms each payment.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the Stripe library sends its requests (a stand-in server in the tests).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# The pay button's form leads there (the page's Content-Security-Policy allows it).
STRIPE_CHECKOUT_ORIGIN = env.str("STRIPE_CHECKOUT_ORIGIN", default="https://checkout.stripe.com")

# --- Reminders ----------------------------------------------------------------------
# Text messages: the default prints them; reminders.sms.FileBackend writes them under
# var/sms/; a provider needs one small class (see reminders/sms.py).
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="reminders.sms.FileBackend" if _outbox else "reminders.sms.ConsoleBackend",
)
if _outbox:
    SMS_FILE_PATH = _outbox / "sms"
# Twilio (SMS_BACKEND=reminders.sms.TwilioBackend): the account, and the number or
# Messaging Service texts come from. Twilio reports each message's delivery to
# <SITE_URL>/sms/twilio/status/ and posts clients' replies to <SITE_URL>/sms/twilio/inbound/
# (set that as the number's "A message comes in" webhook); both are checked against
# TWILIO_AUTH_TOKEN, so without it they refuse every request.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
# Where the Twilio library sends its requests (a stand-in server in the tests).
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
# How long a send waits for Twilio before it is tried again later.
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
# How often beat runs the dispatcher, and how long a claimed reminder stays with the
# worker that claimed it before another may take it over.
REMINDER_DISPATCH_SECONDS = env.float("REMINDER_DISPATCH_SECONDS", default=60.0)
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=300)
# Hand a reminder that is due now (a confirmation) to a worker as soon as it is saved.
REMINDERS_SEND_ON_COMMIT = env.bool("REMINDERS_SEND_ON_COMMIT", default=True)

# --- Error reporting ------------------------------------------------------------
# Set to a Sentry DSN to send server errors there, scrubbed of anything about a client
# (smpclinic/errors.py). Empty: errors go to the server's log only, and the error page
# says so.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
if SENTRY_DSN:
    from smpclinic.errors import start_error_reporting

    start_error_reporting(SENTRY_DSN, environment=DJANGO_ENV, release=SENTRY_RELEASE)

# --- Metrics ---------------------------------------------------------------------
# /metrics answers these addresses, or a request with "Authorization: Bearer <token>".
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Cache (rate limits, throttling) -------------------------------------------
# Shared by every process: Redis when there is one, else files under var/.
# A Redis that cannot be reached reads as an empty cache (smpclinic.cache): the rate limits
# fail open, with a warning in the log, rather than online booking failing.
CACHES = {
    "default": (
        {
            "BACKEND": "smpclinic.cache.FailOpenRedisCache",
            "LOCATION": _redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if (_redis_url := env.str("REDIS_URL", default=""))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# --- Booking limits (per client IP) ------------------------------------------------
# Format: <count>/<period> with period s, m, h or d.
BOOKING_RATE_LIMIT = env.str("BOOKING_RATE_LIMIT", default="10/h")
API_ANON_RATE_LIMIT = env.str("API_ANON_RATE_LIMIT", default="120/h")
API_BOOKING_RATE_LIMIT = env.str("API_BOOKING_RATE_LIMIT", default="10/h")
API_USER_RATE_LIMIT = env.str("API_USER_RATE_LIMIT", default="2000/h")

# Per-address limits of the booking pages read the address here (see smpclinic.net).
RATELIMIT_IP_META_KEY = "smpclinic.net.client_ip"
# A count the cache cannot take lets the request through (see CACHES above).
RATELIMIT_FAIL_OPEN = True

# --- API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token, refused for staff who owe the clinic's two-factor sign-in.
        "accounts.authentication.TwoFactorTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # drf-spectacular, plus the 415 and 429 answers every endpoint can give.
    "DEFAULT_SCHEMA_CLASS": "scheduling.api.schema.ClinicAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "anon": API_ANON_RATE_LIMIT,
        "bookings": API_BOOKING_RATE_LIMIT,
        "user": API_USER_RATE_LIMIT,
    },
    # How many proxies in front of the app append to X-Forwarded-For; the client's
    # address for rate limits is taken that many from the right. 0: REMOTE_ADDR.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SMP Clinic API",
    "DESCRIPTION": "Availability and bookings for the clinic's diary.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Security ---------------------------------------------------------------------
# Django's database sessions, read with a query compiled once (smpclinic/sessions.py).
SESSION_ENGINE = "smpclinic.sessions"
SESSION_COOKIE_HTTPONLY = True
# The cookie outlives the idle limits above only for clients; each session save (at
# most once a minute while active) pushes it on by this much.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Only the app's own scripts, styles, fonts and images (plus data: images for QR
# codes, and blob: images for the preview of a photo picked on the device before it
# is uploaded, which never leave the browser; with PHOTO_STORAGE=s3, the bucket's origin
# for its signed photo links, added by smpclinic.csp); no inline script, style attribute or
# event handler runs, so injected markup cannot act. Templates keep their CSS and JS in
# static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health probes come over plain HTTP from inside the network: answered, not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^livez$"]
    # Set when a proxy (nginx, a load balancer) terminates TLS in front of gunicorn.
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A typed email or a URL cannot start a forged log line: \r, \n and other
        # control characters are written escaped, on every handler.
        "escape_controls": {"()": "accounts.security_log.EscapeControlCharacters"},
        # The request (or the task a request started) each line belongs to.
        "request_id": {"()": "smpclinic.request_id.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # One JSON object a line, for a log collector.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # JSON in production, readable lines in development (LOG_FORMAT overrides).
            "formatter": env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain"),
            "filters": ["request_id", "escape_controls"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own handlers replaced: its records reach the root handler above.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Sign-ins, failures, lockouts, refused pages (accounts.security_log).
        "security": {"level": "INFO"},
        # Axes repeats what the security log says; only its errors are kept.
        "axes": {"level": "ERROR"},
        # The Twilio library logs the address and headers of every request it makes.
        "twilio": {"level": "WARNING"},
    },
}

# The clinic's details (name, address, logo…) are edited on the settings page; each
# process reads them again after this many seconds (0: only when it saves them).
CLINIC_DETAILS_REFRESH_SECONDS = env.int("CLINIC_DETAILS_REFRESH_SECONDS", default=30)
