"""Celery tasks of applying and review; autodiscovery imports this package, which imports each module."""
from .pdf import application_pdf_generate  # noqa: F401,E402
from . import matching, notifications  # noqa: F401,E402
