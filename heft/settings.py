"""HEFT Hub settings: one module, driven by environment variables.

HEFT_ENVIRONMENT picks the defaults: "production" (the default, so nothing insecure happens by accident),
"development" (`make run`) or "test" (`make test`). Production refuses to start without its secrets and
says which variable is missing and how to set it.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = os.environ.get("HEFT_ENVIRONMENT", "production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"HEFT_ENVIRONMENT={ENVIRONMENT!r} is not known: use production, development or test."
    )
PRODUCTION = ENVIRONMENT == "production"


def env(name: str, default: str | None = None, *, hint: str = "") -> str:
    """A variable from the environment; in production a variable without a default must be set."""
    value = os.environ.get(name)
    if value not in (None, ""):
        return value
    if default is not None and not (PRODUCTION and hint):
        return default
    raise ImproperlyConfigured(f"Set the environment variable {name}. {hint}".strip())


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    "insecure-development-key-never-used-in-production",
    hint='Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"',
)
ALLOWED_HOSTS = env(
    "DJANGO_ALLOWED_HOSTS",
    "127.0.0.1,localhost,testserver",
    hint="A comma-separated list of the host names the site is served on, e.g. heft.example.nhs.uk",
).split(",")
# Where people reach HEFT Hub. Every link in an email is built from it, never from a request's host name.
HEFT_SITE_URL = env(
    "HEFT_SITE_URL",
    "http://127.0.0.1:8000",
    hint="The address people open HEFT Hub at, e.g. https://heft.example.nhs.uk (emails link to it)",
).rstrip("/")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            hint="e.g. postgres://heft:PASSWORD@db.internal:5432/heft",
        ),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "heft.core",
    "heft.accounts",
    "heft.audit",
    "heft.audit_log",
    "heft.programmes",
    "heft.practices",
    "heft.trainees",
    "heft.community",
    "heft.preferencing",
    "heft.teaching",
    "heft.content",
    "heft.reports",
    "heft.api",
    "heft.privacy",
    "heft.setup",
    "heft.people",
    "heft.home",
    "heft.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "heft.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "heft.accounts.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "heft.accounts.middleware.StaffMfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "heft.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

if PRODUCTION:
    # App servers serve their own static files (collected, compressed, cache-busted); runserver and the
    # test live server use the staticfiles app instead.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "heft.urls"
WSGI_APPLICATION = "heft.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2 with the NHS.UK components. Only *.jinja names are looked up here.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "heft.core.jinja2.environment",
            "context_processors": ["heft.home.context_processors.navigation"],
        },
    },
    {
        # The admin and django-allauth ship Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heft.home.context_processors.nhs_page",
            ]
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: sign in by email; accounts are created by programme teams, never by sign-up.
ACCOUNT_ADAPTER = "heft.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Sign-in throttling (the cache below shares the counts between app processes): after 5 failed attempts
# on one account in 5 minutes (password or authenticator code), or 10 from one address in a minute, the
# next is refused.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind a reverse proxy every request arrives from the proxy's address: the number of proxies in front
# of the app that add to X-Forwarded-For, so that limits per address count each client, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("HEFT_TRUSTED_PROXY_COUNT", "0"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HEFT Hub"
# Accept the code of the 30-second period either side too: a code typed as it turns over still works.
MFA_TOTP_TOLERANCE = 1
# Staff must have TOTP before they reach anything else; turned off only where explicitly asked for.
HEFT_REQUIRE_STAFF_MFA = env_bool("HEFT_REQUIRE_STAFF_MFA", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "heft" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    hint="e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and friends",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "HEFT Hub <no-reply@heft.invalid>")

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if ENVIRONMENT == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}

# Security: secure by default; development over plain http relaxes only what http cannot do.
SECURE = PRODUCTION
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "heft.accounts.sessions"  # database sessions that know their user
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after 30 minutes without a request, and 12 hours after sign-in whatever happens
# (heft.accounts.middleware.SessionTimeoutMiddleware); the cookie lasts no longer than that.
HEFT_SESSION_IDLE_SECONDS = 30 * 60
HEFT_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = HEFT_SESSION_ABSOLUTE_SECONDS
SECURE_SSL_REDIRECT = SECURE and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = 63072000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if DEBUG:
    # Django's debug pages use inline styles.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"].append("'unsafe-inline'")

# Every log line passes a filter that masks personal data and secrets (emails, GMC numbers, authenticator
# codes, tokens, query strings; heft/privacy/logs.py). Django's own loggers (requests, the development
# server) lose Django's default handlers, which would write unmasked, and go through the same one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "heft.privacy.logs.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": sys.stderr, "filters": ["personal_data"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 100

# Offers: the reply deadline a run's publication proposes, and how long before it the reminder goes, both in
# working hours (weekends and England's bank holidays skipped).
HEFT_OFFER_REPLY_WORKING_HOURS = int(os.environ.get("HEFT_OFFER_REPLY_WORKING_HOURS", "48"))
HEFT_OFFER_REMINDER_HOURS = int(os.environ.get("HEFT_OFFER_REMINDER_HOURS", "24"))
# Time out: within the allowance (days of absence a training year absorbs) a HEFT place is never at risk;
# beyond it by more than this many days, or overlapping a HEFT post, the programme team decides.
HEFT_TIME_OUT_ALLOWANCE_DAYS = 14
HEFT_PLACE_AT_RISK_DAYS_BEYOND_ALLOWANCE = int(
    os.environ.get("HEFT_PLACE_AT_RISK_DAYS_BEYOND_ALLOWANCE", "14")
)

# The cache holds sign-in throttling counts (HEFT_RATE_LIMITS count in a table of their own). It is a table
# in the database, so every app process shares the counts; `migrate` creates it (heft/accounts/signals.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "heft_cache",
        # Every write counts the rows, so the table is kept small: past 10,000 entries the expired go
        # first (and only then a third of the rest, whose counts would start again).
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
# With a Redis server (HEFT_REDIS_URL, e.g. redis://127.0.0.1:6379/0; docs/deploy.md) the cache and the rate
# limits' counters live there instead, shared by every app process as the tables are, so that counting a
# request no longer commits a write to the database. Sessions stay in the database either way: signing a user
# out everywhere deletes their session rows (heft.accounts.services.user_sessions_end), and a copy of a
# session kept in Redis would outlive that.
HEFT_REDIS_URL = os.environ.get("HEFT_REDIS_URL", "")
if HEFT_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": HEFT_REDIS_URL,
            "KEY_PREFIX": "heft",
        }
    }
# Rate limits (heft.core.ratelimit): scope -> (requests, seconds) per user, feed token or client address.
HEFT_RATE_LIMITS = {
    "api": (300, 60),  # per user or token holder, every API operation together
    "exports": (60, 60 * 60),  # CSV and Excel downloads, per user
    "calendar_feeds": (120, 60 * 60),  # a private feed (per feed token) or a group's calendar (per user)
    "public_calendar_feeds": (1200, 60 * 60),  # per client address: calendar services poll for many
    "check_in": (10, 10 * 60),  # attendance codes tried, per user (pages and API together)
}

if ENVIRONMENT == "test":
    # Tests create many users: a fast hasher keeps the suite quick. Never outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Out of reach for the suite; tests of the limits set their own (tests/security/test_rate_limits.py).
    HEFT_RATE_LIMITS = {scope: (1_000_000, seconds) for scope, (_, seconds) in HEFT_RATE_LIMITS.items()}
