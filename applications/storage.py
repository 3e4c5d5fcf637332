"""Private file storage: attachments and PDFs live outside static and media, and have no public URL."""
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("private files are served only through a view that checks who asks")
