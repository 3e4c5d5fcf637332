"""Settings read from the environment; with nothing set, SQLite and Celery in-process."""
import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="embedded-default-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "incentives",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# How long a process keeps its database connection (production: 60 s); 0 here, a connection per request or task
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one
# address, that pair is locked out for AXES_COOLOFF_TIME; administrators unlock early in the admin
# (访问尝试 › delete the attempt). The first backend only refuses locked-out pairs; the second signs in.
AUTHENTICATION_BACKENDS = [
    "portal.auth.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.auth.lockout_response"
# Behind N reverse proxies, the client's address is the N-th from the right of X-Forwarded-For;
# without them only REMOTE_ADDR is trusted (a client could otherwise pick its own address).
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Content-Security-Policy on every page (django-csp): scripts and styles only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Attachments and application PDFs: outside STATIC_ROOT and MEDIA_ROOT, served only by views that check who asks.
PRIVATE_ROOT = env.path("DJANGO_PRIVATE_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "applications.storage.PrivateStorage"},
}
# Where the public verification page printed on application PDFs is reached from outside.
PORTAL_PUBLIC_URL = env("PORTAL_PUBLIC_URL", default="http://127.0.0.1:8000")
# Uploads of supporting documents (the types are checked by content, not by name).
ATTACHMENT_MAX_BYTES = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
APPLICATION_ATTACHMENTS_MAX_BYTES = env.int("PORTAL_APPLICATION_ATTACHMENTS_MAX_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail (password reset, invitations): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="惠企政策平台 <noreply@localhost>")
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# How long an emailed invitation to join an enterprise stays valid.
INVITATION_EXPIRY_DAYS = env.int("PORTAL_INVITATION_EXPIRY_DAYS", default=7)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "incentives:check_start"
LOGOUT_REDIRECT_URL = "incentives:home"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# The fixture files loaded by `manage.py load_demo` and offered in the admin.
POLICY_FIXTURE_DIR = BASE_DIR / "fixtures"
# The largest policy file accepted, by the admin upload and `load_policy` alike (the seed files are < 150 KB).
POLICY_FILE_MAX_BYTES = 2 * 1024 * 1024
# `load_demo` creates accounts with published passwords: only where this is True (never in production).
DEMO_ACCOUNTS_ALLOWED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Review by departments, notifications and the periodic tasks (celery -A portal beat).
from celery.schedules import crontab  # noqa: E402

PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# A notification email the mail server refuses is tried this many times, then marked failed for an administrator.
NOTIFICATION_EMAIL_ATTEMPTS = env.int("PORTAL_NOTIFICATION_EMAIL_ATTEMPTS", default=5)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@portal.example.cn")
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Time limit of every review step, in working days (Monday to Friday).
REVIEW_STEP_WORKING_DAYS = env.int("PORTAL_REVIEW_STEP_WORKING_DAYS", default=10)
# region -> key of its 财政局 department, where it is not coded *-czj or named 财政局.
REVIEW_FINANCE_DEPARTMENTS = env.dict("PORTAL_REVIEW_FINANCE_DEPARTMENTS", default={})
# Enterprises with drafts in a round are reminded this many days before it closes.
ROUND_CLOSING_REMINDER_DAYS = 3
# Enterprise profiles per task when a policy change is matched against every profile (judged column-wise: larger
# chunks amortise the per-chunk work; 10,000 take about a fifth of a second of engine time, and a million profiles
# through three worker processes took 59–61 s against 62–65 s in chunks of 5,000: bench/README.md).
MATCH_CHUNK_SIZE = env.int("PORTAL_MATCH_CHUNK_SIZE", default=10000)
# Called with the ids of newly loaded document versions, after the load commits.
POLICY_LOADED_HOOKS = ["applications.services.matching.policy_loaded"]
CELERY_BEAT_SCHEDULE = {
    "notifications-drain": {"task": "applications.tasks.notifications.notifications_drain",
                            "schedule": 60.0},
    "publicity-finalize": {"task": "applications.tasks.notifications.publicity_finalize_due",
                           "schedule": crontab(minute=5)},
    "review-overdue-reminders": {"task": "applications.tasks.notifications.review_overdue_remind",
                                 "schedule": crontab(minute=0, hour="9")},
    "rounds-closing-reminders": {"task": "applications.tasks.notifications.rounds_closing_remind",
                                 "schedule": crontab(minute=30, hour="9")},
    "reviewer-daily-digest": {"task": "applications.tasks.notifications.reviewer_digest",
                              "schedule": crontab(minute=0, hour="8", day_of_week="mon-fri")},
}

# Django's database sessions, read with one plain query (portal/sessions.py): every page with a session reads it.
SESSION_ENGINE = "portal.sessions"
