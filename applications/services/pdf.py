"""Storing an application's PDF: the file in private storage and its row, once per revision."""
from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from ..models import Application, ApplicationPdf
from .events import event_record

logger = logging.getLogger(__name__)


def application_pdf_store(*, application: Application, revision: int, content: bytes) -> ApplicationPdf | None:
    """Write the PDF of `revision` with its sha256 and size; return the revision's PDF, or None if it is stale.

    The file is written before the row: a row never points at a missing file. When another worker stored
    this revision first, the unique constraint refuses the second row and its file is deleted again.
    """
    if not content.startswith(b"%PDF-"):
        raise ValueError("申报书内容不是 PDF 文件")
    pdf = ApplicationPdf(application=application, revision=revision, size=len(content),
                         sha256=hashlib.sha256(content).hexdigest())
    pdf.file.save("application.pdf", ContentFile(content), save=False)  # the name comes from pdf_path
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.revision != revision:
                raise _Stale
            pdf.save()
            event_record(application=locked, action="pdf_generated", source=locked.status, target=locked.status,
                         actor_label="系统", data={"revision": revision, "sha256": pdf.sha256, "size": pdf.size})
    except _Stale:
        pdf.file.delete(save=False)
        logger.info("PDF of %s revision %s not stored: the application has moved on", application.pk, revision)
        return None
    except IntegrityError:
        pdf.file.delete(save=False)  # the orphan of the race this worker lost
        return ApplicationPdf.objects.get(application=application, revision=revision)
    return pdf


class _Stale(Exception):
    pass
