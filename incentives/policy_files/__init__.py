"""Policy fixture files: reading and validating them, without Django, so the checker runs anywhere."""
from .reader import FileReport, Problem, PolicyData, FactsData, read_files  # noqa: F401
