"""Writes: one service per state change, each in one transaction that checks who acts and records what it did."""
from .enterprises import enterprise_answers_save, now  # noqa: F401
from .pdf import application_pdf_store  # noqa: F401,E402
