"""Celery tasks of applying and review; autodiscovery imports this package, which imports each module."""
from . import matching, notifications  # noqa: F401
