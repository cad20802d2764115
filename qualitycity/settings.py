"""Settings for the quality-city portal: one module, driven by the environment.

Unset, the portal runs on SQLite with Celery tasks run in-process (the embedded default for a
first look). With DATABASE_URL and REDIS_URL set it runs on PostgreSQL with a real Celery
worker on Redis, as in production and CI.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key only ever serves the embedded first look; production refuses to start
# without a key of its own (below), since anyone can read this one and forge sessions with it.
EMBEDDED_SECRET_KEY = "insecure-embedded-default-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", EMBEDDED_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "axes",
    # Two-factor sign-in: TOTP apps and single-use recovery codes (responsibilities/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qualitycity",
    "responsibilities",
    "programmes",
    "targets",
    "reports",
    "plandocs",
    "dashboards",
    "assessment",
    "bench",
    "interfaces",
    # django-ninja: in INSTALLED_APPS so that its documentation page uses the Swagger UI files
    # the package ships (served by the portal), never the CDN copy it falls back to otherwise.
    "ninja",
]

MIDDLEWARE = [
    # First: everything after it (the lockout, the audit, the API's rate limit) sees the client.
    "qualitycity.middleware.ForwardedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qualitycity.middleware.SessionRenewalMiddleware",
    "qualitycity.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qualitycity.cache_control.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # The second factor before anything else, the password change included.
    "responsibilities.middleware.TwoFactorMiddleware",
    "responsibilities.middleware.PasswordPolicyMiddleware",
    # Remembers, during an admin POST, each object's values before the admin saves it.
    "responsibilities.middleware.AdminAuditMiddleware",
    "qualitycity.middleware.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qualitycity.urls"

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
                "responsibilities.context_processors.memberships",
                "qualitycity.navigation.navigation",
                "reports.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "qualitycity.wsgi.application"
# How many reverse proxies of our own stand in front of the app servers and append to
# X-Forwarded-For (docker-compose's nginx: 1; with the intranet's HTTPS proxy in front of it: 2).
# 0 (the default) trusts no header: REMOTE_ADDR is the client.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
if not 0 <= PROXY_COUNT <= 5:
    raise ImproperlyConfigured("PROXY_COUNT 须在 0 到 5 之间 (the number of reverse proxies in front).")

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # a connection PostgreSQL (or a restart) closed is noticed before a request uses it
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
        # behind PgBouncer in transaction mode no state may outlive a transaction (README)
        disable_server_side_cursors=env_bool("DB_TRANSACTION_POOLING", False),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords as China's classified-protection baseline (等保 2.0, level 2+) asks: at least 8
# characters from 3 of the 4 classes, none of the last 5 again, changed every 90 days.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "responsibilities.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "responsibilities.passwords.PasswordHistoryValidator", "OPTIONS": {"remember": 5}},
    # Rule-following yet guessable: Admin@123, Passw0rd!, 太仓@123 (a word or place + digits).
    {"NAME": "responsibilities.passwords.CommonStemValidator"},
]
PASSWORD_MAX_AGE_DAYS = 90
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (等保 2.0), counted within the 30-minute cool-off, by user name and separately by address:
# - a user name locks after 5 failures: one person mistyping never gets there, a guesser
#   gets five tries per half hour;
# - an address locks after 30 failures, whichever names they were for: a bureau of 20-50
#   people behind one NAT address mistypes a handful of times in half an hour, while spraying
#   one password over 35 accounts takes 35. A colleague's five failures lock only their name.
# axes holds every parameter to one limit, so responsibilities.passwords'
# NameAndAddressLockoutHandler applies the address's own (AXES_ADDRESS_FAILURE_LIMIT, ours).
AXES_HANDLER = "responsibilities.passwords.NameAndAddressLockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 30
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "responsibilities.forms_auth.axes_username"

# Two-factor sign-in (django-otp). Administrators, superusers and office administrators must
# use it where OTP_REQUIRED is on: always in production, which refuses to start with it off;
# elsewhere (the demo, the embedded first look, the tests) only when OTP_REQUIRED=1, so the
# demo accounts sign in with their password alone. Anyone who enrols is asked for a code anyway.
OTP_REQUIRED = env_bool("OTP_REQUIRED", os.environ.get("DEPLOYMENT") == "production")
if os.environ.get("DEPLOYMENT") == "production" and not OTP_REQUIRED:
    raise ImproperlyConfigured(
        "生产环境不能关闭双因素登录（OTP_REQUIRED）。 Production requires OTP_REQUIRED."
    )
OTP_TOTP_ISSUER = "质量强市工作平台"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no TOTP key or QR code shown in the admin

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Simplified Chinese first, English second; the message ids are Chinese (the wording the
# users see is the source of truth) and locale/en holds the English catalogue.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["qualitycity.locale_formats"]  # dates as written in each language
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production runs collectstatic and serves hashed, compressed files (STATIC_MANIFEST=1);
    # the embedded default and the tests serve the source files through WhiteNoise's finders.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
# The demo runs with DEBUG off (the portal's own error pages) and still picks up edited files.
WHITENOISE_AUTOREFRESH = env_bool("WHITENOISE_AUTOREFRESH", DEBUG)
# Uploads: plan imports accept files up to 20 MB and check the size themselves, so a larger
# upload gets a message in Chinese rather than a bare 400. Files over 2.5 MB stream to a
# temporary file; pasted plan text (a form field, not a file) may be as large as a file; the
# review form of a long plan posts one field per task and target value.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Private files (evidence, exports) live outside any public path and are streamed by views
# that check permission.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))
# Every app server and worker must reach the same private files: PRIVATE_ROOT on a directory
# they all mount (the default), or object storage through django-storages (PRIVATE_STORAGE=s3:
# any S3-compatible store on the intranet, such as MinIO or a cloud's private object storage).
PRIVATE_STORAGE = os.environ.get("PRIVATE_STORAGE", "filesystem")
if PRIVATE_STORAGE == "s3":
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("PRIVATE_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("PRIVATE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PRIVATE_S3_REGION") or None,
            "access_key": os.environ.get("PRIVATE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("PRIVATE_S3_SECRET_KEY") or None,
            "location": os.environ.get("PRIVATE_S3_PREFIX", ""),
            # as on disk: a second file of the same name is stored beside the first, and
            # nothing is readable without the portal
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    if not STORAGES["private"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("PRIVATE_STORAGE=s3 需要 PRIVATE_S3_BUCKET (the bucket's name).")
elif PRIVATE_STORAGE != "filesystem":
    raise ImproperlyConfigured("PRIVATE_STORAGE 只能是 filesystem 或 s3 (filesystem or s3).")

# Plan imports in .doc/.wps/.et: LibreOffice converts them in the Celery worker, never in a web
# process; the path of soffice (found on PATH when empty) and how long a conversion may take.
PLANDOCS_SOFFICE = os.environ.get("PLANDOCS_SOFFICE", "")
PLANDOCS_CONVERT_SECONDS = int(os.environ.get("PLANDOCS_CONVERT_SECONDS", "60"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from the shared Redis and written through to PostgreSQL: every app server
    # sees a sign-out at once, and a flushed or evicted cache only costs a database read. (Not
    # with the per-process memory cache, where one server would keep a signed-out session.)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# Each process's own memory, for what cannot go stale because its key names every input (the
# navigation for a set of roles; a dashboard body under its data's fingerprint): no round trip.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "qualitycity-local",
    "OPTIONS": {"MAX_ENTRIES": 100},
}
# How long a process trusts the dashboard data's fingerprint it last read, in seconds: a write
# shows on the cached dashboards within this time (0: every request reads it).
DASHBOARD_FINGERPRINT_SECONDS = float(os.environ.get("DASHBOARD_FINGERPRINT_SECONDS", "1"))
# The fingerprint's query is prepared once per connection, which a transaction-mode pooler
# cannot follow from one server connection to another.
DASHBOARD_FINGERPRINT_PREPARED = not env_bool("DB_TRANSACTION_POOLING", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long Redis keeps a delivered, unacknowledged task before handing it to another worker (a
# worker killed mid-task never acknowledges it); the worker tests shorten it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
# Tests only: seconds an assessment compile pauses per department while writing, so a test can
# kill a worker in the middle of the write transaction.
ASSESSMENT_COMPILE_PAUSE = float(os.environ.get("ASSESSMENT_COMPILE_PAUSE", "0"))
# A compile job whose worker has not been heard from (its heartbeat, sent several times within
# this window) for this many seconds is taken to have died: the next compile request, the job's
# page or the beat entry below, whichever notices first, queues it again or fails it.
ASSESSMENT_RUN_STALE_SECONDS = int(os.environ.get("ASSESSMENT_RUN_STALE_SECONDS", "120"))
if ASSESSMENT_RUN_STALE_SECONDS < 2:
    raise ImproperlyConfigured("ASSESSMENT_RUN_STALE_SECONDS 至少为 2 秒 (at least 2 seconds).")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Entries beat adds to the database schedule when it starts (the migrations add the others).
# Stale compile jobs are looked for every minute, so a dead worker is noticed within the
# window plus a minute.
CELERY_BEAT_SCHEDULE = {
    "assessment.recover_stale_runs": {
        "task": "assessment.tasks.recover_stale_assessment_runs",
        "schedule": 60.0,
    },
    # 汇总表 jobs whose worker died (nobody holds their lock) are queued again every minute.
    "reports.recover_stale_compilations": {
        "task": "reports.tasks.recover_stale_compilations",
        "schedule": 60.0,
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "质量强市工作平台 <noreply@localhost>")
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")

# Notification channels besides the portal and e-mail (reports.channels): how long one post to
# a group robot or the SMS gateway may take, and the retries of a failed one (after about
# factor × 1, 2, 4, 8 seconds, jittered). The SMS gateway is the province's or a vendor's HTTP
# interface: JSON {phone, text, sign_name, timestamp} signed with X-Signature (HMAC-SHA256 of
# the body with the key); left empty, SMS is not offered.
CHANNEL_TIMEOUT_SECONDS = float(os.environ.get("CHANNEL_TIMEOUT_SECONDS", "5"))
CHANNEL_MAX_RETRIES = int(os.environ.get("CHANNEL_MAX_RETRIES", "4"))
CHANNEL_RETRY_BACKOFF = int(os.environ.get("CHANNEL_RETRY_BACKOFF", "30"))
if not 0 < CHANNEL_TIMEOUT_SECONDS <= 60 or CHANNEL_MAX_RETRIES < 0 or CHANNEL_RETRY_BACKOFF < 1:
    raise ImproperlyConfigured(
        "CHANNEL_TIMEOUT_SECONDS 须在 0 到 60 秒之间，CHANNEL_MAX_RETRIES 不能为负，"
        "CHANNEL_RETRY_BACKOFF 至少 1 秒 (timeout in (0, 60] s, retries >= 0, backoff >= 1 s)."
    )
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_SIGN_NAME = os.environ.get("SMS_GATEWAY_SIGN_NAME", "质量强市")
if SMS_GATEWAY_URL and not (SMS_GATEWAY_URL.startswith(("http://", "https://")) and SMS_GATEWAY_KEY):
    raise ImproperlyConfigured(
        "SMS_GATEWAY_URL 须为 http(s) 地址，并须同时设置 SMS_GATEWAY_KEY"
        " (SMS_GATEWAY_URL must be http(s) and needs SMS_GATEWAY_KEY)."
    )
# Django's SMTP connection waits this long too (unset, it would wait forever).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# The open interfaces (interfaces/): how many requests one API token may make a minute, how many
# indicator values one request may send, how long a token lives unless the office says
# otherwise (and at most), and how long the public results page (公示) is served from cache.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))
API_VALUES_MAX = int(os.environ.get("API_VALUES_MAX", "1000"))
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "365"))
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "1095"))
API_PUBLIC_CACHE_SECONDS = int(os.environ.get("API_PUBLIC_CACHE_SECONDS", "600"))
if API_RATE_LIMIT_PER_MINUTE < 1 or not 1 <= API_VALUES_MAX <= 50_000 or API_PUBLIC_CACHE_SECONDS < 0:
    raise ImproperlyConfigured(
        "API_RATE_LIMIT_PER_MINUTE 至少为 1，API_VALUES_MAX 须在 1 到 50000 之间，API_PUBLIC_CACHE_SECONDS 不能为负"
        " (rate limit >= 1, values per request in [1, 50000], cache seconds >= 0)."
    )
if not 1 <= API_TOKEN_DEFAULT_DAYS <= API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(
        "API_TOKEN_DEFAULT_DAYS 须在 1 到 API_TOKEN_MAX_DAYS 之间 (default token life within 1..max days)."
    )

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Idle timeout of 30 minutes: the session ends 30 minutes after the last request, renewed by
# a request at most once a minute (qualitycity.middleware.SessionRenewalMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Every script, style, font and image comes from the portal itself; no inline code at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production (DEPLOYMENT=production) behind an HTTPS reverse proxy: secure cookies, HSTS and
# a redirect to HTTPS; `manage.py check --deploy` passes with no warning (make test runs it).
if os.environ.get("DEPLOYMENT") == "production":
    if SECRET_KEY == EMBEDDED_SECRET_KEY or len(set(SECRET_KEY)) < 5 or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "生产环境必须设置自己的 SECRET_KEY（至少 50 个字符的随机串），不能使用内置的演示密钥。"
            " Production needs its own SECRET_KEY of at least 50 random characters."
        )
    # Nothing that works on one machine only: with SQLite, the in-process cache and tasks run
    # inside the request, a second app server would see its own data, its own stale plan pages
    # and no worker.
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not REDIS_URL:
        raise ImproperlyConfigured(
            "生产环境需要 PostgreSQL（DATABASE_URL）和 Redis（REDIS_URL），以便多台服务器共享数据、缓存和任务队列。"
            " Production needs DATABASE_URL (PostgreSQL) and REDIS_URL."
        )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^-/(ping|healthz)$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
