"""Test settings: the embedded default unless DATABASE_URL / CELERY_BROKER_URL say otherwise."""
from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"
