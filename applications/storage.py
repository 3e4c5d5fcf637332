"""Private file storage: attachments and PDFs live outside static and media, and have no public URL."""
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_ROOT, read at each use (tests point it at a temporary folder)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files are served only through a view that checks who asks")
