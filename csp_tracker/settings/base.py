"""Settings shared by every environment; each one is read from the environment.

local.py, test.py and production.py only override.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The Django admin, for service administrators (superusers) only, signed in to through
    # the service's own sign-in (two factors).
    "accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The project's own package: the template filters every page uses.
    "csp_tracker",
    "jobs",
    "accounts",
    "plans",
    "partnerships",
    "priorities",
    "actions",
    "performance",
    "reporting",
    "publishing",
    "pages",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (with a nonce per response) and Permissions-Policy headers.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware: saves the session only when it changed or is half-way to
    # expiring, instead of SESSION_SAVE_EVERY_REQUEST's write per request.
    "accounts.middleware.SessionRenewMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csp_tracker.urls"
WSGI_APPLICATION = "csp_tracker.wsgi.application"

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
                "csp_tracker.context_processors.navigation",
                # CSP_NONCE; templates print {{ request.csp_nonce }}.
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections: a web process keeps its connection for this many seconds instead
# of opening one per request (0, the default here, closes it after each request;
# production.py keeps it for 60 s). Checked before a request reuses it, so a connection
# the database closed is replaced rather than failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL plans a query each time it is sent with its values written in (Django's
# default): about 5 ms of an action page's 6 ms in the database was planning (issue 15).
# With the values sent apart, psycopg prepares a query the second time a connection runs
# it, and the database keeps its plan for as long as the (persistent) connection lives.
# A pooler in transaction mode (PgBouncer before 1.21) cannot keep prepared statements:
# set DB_PREPARED_STATEMENTS=false behind one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=1
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at about 25 ms a hash here (accounts/hashers.py); the others only verify older
# hashes, which are re-hashed with Argon2id at the person's next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "actions:mine"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request. Not saved on every request: the
# session is saved when it changes, or once less than half of its age is left
# (accounts.middleware.SessionRenewMiddleware), so an idle person is signed out between 15
# and 30 minutes after their last request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Database sessions that remember their expiry date (for SessionRenewMiddleware).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttling (django-axes): failures are counted per account and, separately, per
# client address, so many addresses guessing at one account are stopped, and so is one
# address trying a few passwords at each of many accounts. Completing a password reset
# clears the account's failures (accounts.views), so its owner is never locked out for long.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset on success: a sign-in would also clear its address's failures, so one working
# account would let an address guess at every other account without limit.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "accounts.throttle.username_of"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Two-factor sign-in (django-otp): an authenticator app's codes (TOTP) and single-use
# recovery codes. Required for superusers and county admins (plans.rules).
OTP_TOTP_ISSUER = "CSP Tracker"
# How long a sign-in may wait between the password and the second factor (seconds).
TWO_FACTOR_PENDING_SECONDS = 10 * 60

# Password reset links: at most this many asked for one email address, and from one client
# address, in each window (seconds); counted in the cache.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=10)
PASSWORD_RESET_LIMIT_WINDOW = env.int("PASSWORD_RESET_LIMIT_WINDOW", default=60 * 60)


def client_address_settings(trusted_proxy_count: int) -> tuple[tuple[str, ...], int | None]:
    """Where django-axes (through django-ipware) reads the client address from.

    trusted_proxy_count is how many reverse proxies (the TLS proxy in production) stand in
    front of the app, each adding the address it was reached from to X-Forwarded-For. With 0
    the app is reached directly and REMOTE_ADDR is the client: the header, which anyone can
    send, is never read. With N the client is the N-th address from the right of the header;
    whatever a client wrote there itself is further left and ignored. django-ipware counts
    the proxies written in the header after the client, and the last proxy is not in it (it
    is REMOTE_ADDR), hence N - 1. REMOTE_ADDR is read only for a request without the header.
    """
    if trusted_proxy_count <= 0:
        return ("REMOTE_ADDR",), None
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), trusted_proxy_count - 1


TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = client_address_settings(
    TRUSTED_PROXY_COUNT
)
AXES_IPWARE_PROXY_ORDER = "left-most"
# Not strict: a longer chain (a client's own X-Forwarded-For in front) still gives the
# address the trusted proxies saw, where strict mode would fall back to the proxy's own.
IPWARE_STRICT = False

# Content-Security-Policy (django-csp 4): nothing but this site's own files, and inline
# scripts only with the response's nonce (base.html's two GOV.UK Frontend snippets). No
# inline styles, and one style attribute: django-simple-history's admin history page has
# style="border-top: 0" (simple_history/object_history_list.html), allowed by its hash
# alone. data: images are the empty favicon base.html declares so that no /favicon.ico is
# requested.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs any of these features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The files the app writes (published PDFs, report PDFs) go through Django's storage API:
# the local file system (MEDIA_ROOT) by default; with S3_BUCKET set, an S3-compatible
# bucket shared by every web process and worker, so no machine keeps files of its own.
# Without keys, boto3 finds credentials itself (environment, instance role).
S3_BUCKET = env("S3_BUCKET", default="")
_files: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    _files = {
        "BACKEND": "csp_tracker.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            # "path" for most S3-compatible servers; "auto" lets boto3 choose (AWS).
            "addressing_style": env("S3_ADDRESSING_STYLE", default="auto"),
            "location": env("S3_PREFIX", default=""),
            # A published PDF is never replaced: a second file of the same name is
            # stored beside it under a name of its own.
            "file_overwrite": False,
            "default_acl": None,
        },
    }
STORAGES = {
    "default": _files,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CSP Tracker <no-reply@csp-tracker.invalid>")
# The address the service is reached at, for links in emails sent by scheduled tasks.
CSP_SITE_URL = env("CSP_SITE_URL", default="http://127.0.0.1:8000")

# Rendering a document (the preview and each PDF) runs in a child process with this
# budget (csp_tracker/budget.py): past it the publish fails, saying why. A Celery task that
# renders needs a hard time limit above it.
CSP_RENDER_SECONDS = env.float("CSP_RENDER_SECONDS", default=120)
CSP_RENDER_MEMORY_MB = env.int("CSP_RENDER_MEMORY_MB", default=1024)
CSP_PREVIEW_SECONDS = env.float("CSP_PREVIEW_SECONDS", default=20)

# Celery: without REDIS_URL every task runs in-process, so the embedded default needs
# no broker.
REDIS_URL = env("REDIS_URL", default="")
# The cache (the password reset limits): Redis where REDIS_URL is set, so every web worker
# counts together; memory otherwise.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "csp-tracker",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # A ready exception report's page body, rendered from its snapshot once per web
    # process (the report never changes; a rebuild is a new revision). In memory, so a
    # deploy's new templates are used from the restart; bounded (~200 KiB a report).
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rendered",
        "OPTIONS": {"MAX_ENTRIES": 50},
    },
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Every task has a soft limit (SoftTimeLimitExceeded: the service marks its row failed
# with the reason) and a hard one (the worker process is killed). PDF renders (report
# builds, publishing) have longer limits of their own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CSP_PDF_TASK_SOFT_TIME_LIMIT = env.int("CSP_PDF_TASK_SOFT_TIME_LIMIT", default=300)
CSP_PDF_TASK_TIME_LIMIT = env.int("CSP_PDF_TASK_TIME_LIMIT", default=330)
# Redis hands an unacknowledged message to another worker after the visibility timeout:
# longer than the longest task, so a task still running is never delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(CSP_PDF_TASK_TIME_LIMIT, CELERY_TASK_TIME_LIMIT) + 60,
}
# Workers are recycled before they grow (issue 15: a child grew 159 to 192 MiB over 195
# builds): after this many tasks, or once a child passes this many KiB.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=262144)

# The job outbox (jobs/): a request sends its job with one attempt to reach the broker,
# waiting at most this many seconds; a job the broker did not take stays recorded.
CSP_BROKER_SEND_TIMEOUT = env.float("CSP_BROKER_SEND_TIMEOUT", default=1.0)
# The sweep (jobs.resend, every CSP_JOB_SWEEP_SECONDS, see csp_tracker/celery.py) sends
# a pending job once it is this old (the request's own send normally takes milliseconds),
CSP_JOB_PENDING_GRACE_SECONDS = env.int("CSP_JOB_PENDING_GRACE_SECONDS", default=30)
# and a job sent or started but not finished once its hard time limit and this are past;
CSP_JOB_RESEND_GRACE_SECONDS = env.int("CSP_JOB_RESEND_GRACE_SECONDS", default=60)
# a job started this many times without finishing is given up (its row fails, "Try again").
CSP_JOB_MAX_RUNS = env.int("CSP_JOB_MAX_RUNS", default=3)

# Email: every send is recorded per recipient (reporting.EmailDelivery) and a failure is
# tried again after CSP_EMAIL_RETRY_BASE_SECONDS, doubling each time, up to
# CSP_EMAIL_MAX_ATTEMPTS tries (60 s and 8 tries: the last about 2 hours after the first);
# then it is listed on the partnership's reports page with the reason.
CSP_EMAIL_RETRY_BASE_SECONDS = env.int("CSP_EMAIL_RETRY_BASE_SECONDS", default=60)
CSP_EMAIL_MAX_ATTEMPTS = env.int("CSP_EMAIL_MAX_ATTEMPTS", default=8)
# An SMTP server that accepts the connection and then hangs costs at most this long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Where people report accessibility problems and ask for documents in another format.
CSP_CONTACT_EMAIL = env("CSP_CONTACT_EMAIL", default="kentcommunitysafetyteam@kent.gov.uk")

# The one clock: a fixed "today" for the demo and the tests (see csp_tracker/clock.py).
CSP_TODAY = env("CSP_TODAY", default="")

# Tests that need PostgreSQL/Redis fail instead of skipping when this is set (CI).
CSP_REQUIRE_SERVICES = env.bool("CSP_REQUIRE_SERVICES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
