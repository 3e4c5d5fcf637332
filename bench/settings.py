"""The production settings as the page benchmark runs them: plain HTTP on 127.0.0.1, static files without a manifest.

`portal.settings.production` stores static files with a manifest, which needs `collectstatic` first; the
benchmark measures pages, not static files, so it names files by their plain URLs instead. Everything else
(DEBUG off, persistent database connections, template caching, security middleware) is production's.
"""
from portal.settings.production import *  # noqa: F401,F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
