"""Crux settings, read from the environment (12-factor) with django-environ.

Development needs nothing set: SQLite under var/, DEBUG on, console email.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-crux-development-only"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "config.views.csrf_failure"  # the site's 403 page; a message in place for HTMX

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    "accounts",
    "debates",
    "debates.live",
    "debates.interchange",
    "ratelimits",
    "django_tasks_db",
    "analysis",
    "api",
    "notifications",
    "search",
    "feeds",
]

MIDDLEWARE = [
    "config.server_timing.ServerTimingMiddleware",
    "config.request_id.RequestIdMiddleware",  # before all that logs: each line carries the id
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.freshness.NoStoreHtmlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.method_not_allowed.MethodNotAllowedPageMiddleware",  # drawn with the nav and messages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.views.ApiNotFoundMiddleware",  # last: its problem goes out as handler404's does
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.csp",
                "debates.context_processors.site",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# Background work (issue 19's analysis): Django's tasks framework, queued in the database and run
# by `manage.py db_worker` (django-tasks-db), which `make run` starts beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How long a reply's mail waits before it goes (notifications.services): a spam reply a moderator
# hides meanwhile, or one its reader saw on the page, is never mailed. Minutes; 0 sends at once.
CRUX_REPLY_MAIL_DELAY_MINUTES = env.int("REPLY_MAIL_DELAY_MINUTES", default=5)

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
# Threads per server process that run requests (a2wsgi, config/asgi.py). More overlap database
# waits; Python runs one at a time per process anyway, so a few per core is plenty.
REQUEST_THREADS = env.int("REQUEST_THREADS", default=4)
# Crux takes forms, never uploads: a bigger request body is refused with 413 before Django runs.
REQUEST_BODY_MAX_BYTES = 1024 * 1024

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crux.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so tests with threads exercise the same locking as production;
    # one per test run, so runs side by side don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-crux-{os.getpid()}.sqlite3")}
else:
    from config.database import check_connection

    # A pool per process: a request borrows a connection and gives it back, rather than paying
    # ~10 ms to open one; the pool holds at least one connection per request thread. Each is
    # checked as it is lent, so after a database restart requests get fresh connections, not 500s.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=16),
        "timeout": 10,
        "check": check_connection,
    }
    # Parameters bound by the server, and what a connection has run twice kept prepared: PostgreSQL
    # then stops parsing and planning the same few statements on every request, which was half
    # its CPU for a signed-in page (bench/README.md, "statements PostgreSQL keeps prepared").
    # Off for a pooler in front that cannot keep them (PgBouncer before 1.21 in transaction mode).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)

AUTH_USER_MODEL = "accounts.User"

# Django's (the admin signs in with it) and allauth's (members sign in by email).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login; the display name is Crux's own field (accounts.forms).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory: a new member signs in by following the emailed link. That lets sign-up answer the
# same whether or not the address is registered (its owner is mailed instead).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # in the browser that signed up only (allauth)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.CruxAccountAdapter"
# Sign-up adds the display name; sign-in and the reset link's form only say their labels in the
# site's voice; changing the password refuses the current one (and says its labels so too).
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.SignInForm",
    "change_password": "accounts.forms.PasswordChangeForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
# One address per account; a new one replaces the old once it is verified (keeps User.email true).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or email changes
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Crux] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# allauth's rate limits (cache-backed), spelled out rather than left to its defaults.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # key: the email typed
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}

# Links in emails (notifications, issue 21) are absolute: the site's address as readers reach it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587; the console in development.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[key]
            for key, option in _SMTP_OPTIONS.items()
            if key in _email and _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Crux <noreply@crux.invalid>")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Security headers --------------------------------------------------------------------------
# Content Security Policy (django.middleware.csp): Crux's pages load only their own scripts,
# styles and images, with no inline script or style at all (so no nonce is needed), no eval
# (htmx runs without it: no hx-on, no js: values), and may not be framed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],  # htmx requests and the /live/ event streams
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_CSP["upgrade-insecure-requests"] = True
SECURE_CONTENT_TYPE_NOSNIFF = True  # X-Content-Type-Options: nosniff
SECURE_REFERRER_POLICY = "same-origin"  # other sites never see which debate a reader came from
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # frame-ancestors 'none' for browsers that predate CSP

# --- Cache and rate limits ---------------------------------------------------------------------
# The cache holds rate-limit counters (allauth's and config.ratelimit's), so in production it
# must be shared by every server process: the database cache by default (`manage.py
# createcachetable` makes its table; `make migrate` runs it), or e.g. CACHE_URL=redis://host:6379/0.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://" if DEBUG else "dbcache://crux_cache_table"
    )
}
# Server-side sessions (a stolen cookie can be revoked; nothing readable sits client-side):
# Django's database sessions, read through the cache unless the cache is that same database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    else "django.contrib.sessions.backends.cached_db"
)
# Rendered fragments of debate pages, per process: their keys carry the motion's activity stamp,
# read from the database with the motion, so no process can serve a change stale.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "crux-fragments",
    "OPTIONS": {"MAX_ENTRIES": 500},
}
# What a viewer wrote or flagged among a cached tree, rendered for them (debates.fragments): one
# entry per reader and page (2 to 4 KB for the bench's most prolific writers), kept apart so that
# many readers never push the shared trees out.
CACHES["own-regions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "crux-own-regions",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
# Per signed-in user AND per client IP (config.ratelimit): generous enough for anyone taking part
# in earnest, tight enough to stop a script. An empty string turns an action's limits off, and
# RATE_LIMITS=false all of them (e.g. for a load test from one address).
CRUX_RATE_LIMITS = {
    "post": "10/m/user,120/h/user,30/m/ip",  # arguments and replies
    "edit": "20/m/user,60/m/ip",
    "motion": "3/m/user,20/h/user,10/m/ip",  # proposing a motion, or importing one
    # The arguments imports write, each counted (config.ratelimit, attempt's cost): a few thousand
    # a day, where posting takes 120 an hour. No rate below transfer.ARGUMENTS_MAX (2,000), or the
    # largest import would never get through.
    "import-arguments": "2000/h/user,4000/d/user,10000/d/ip",
    "source": "3/m/user,20/h/user,10/m/ip",  # adding a source with its text (issue 20)
    "vote": "60/m/user,600/h/user,240/m/ip",
    "flag": "10/m/user,60/h/user,30/m/ip",
}
if not env.bool("RATE_LIMITS", default=True):
    CRUX_RATE_LIMITS = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "{asctime} {levelname} [{request_id}] {name}: {message}",
            "style": "{",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
