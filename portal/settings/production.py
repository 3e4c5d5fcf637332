"""Production: no defaults for secrets, HTTPS only, PostgreSQL and Redis required."""
from .base import *  # noqa: F401,F403
from .base import STORAGES as _BASE_STORAGES
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Cookies are sent over HTTPS only. Only for trying the stack out over plain HTTP (docker compose on a
# laptop) set DJANGO_SECURE_COOKIES=false, or the browser cannot sign in; never on a public address.
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
DEMO_ACCOUNTS_ALLOWED = False

STORAGES = {**_BASE_STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# The cache the library's public pages are kept in (incentives.views): shared by every worker with Redis
# (DJANGO_CACHE_URL, e.g. redis://redis:6379/1; a database of its own, not the broker's), otherwise each
# process keeps its own copy in memory, which is correct too (keys name the catalogue's state), only less shared.
_CACHE_URL = env("DJANGO_CACHE_URL", default="")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": "portal",
     "TIMEOUT": 6 * 3600, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")) else
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal",
     "OPTIONS": {"MAX_ENTRIES": 2000}}
)}
