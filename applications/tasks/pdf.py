"""The task that renders and stores an application's PDF after its submission commits."""
from __future__ import annotations

import logging

from celery import shared_task

from ..models import Application, ApplicationPdf, Submission
from ..pdf import render_application_pdf, verification_url
from ..services.pdf import application_pdf_store

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=5,
             retry_backoff_max=300, retry_jitter=True, max_retries=6, soft_time_limit=60, time_limit=90)
def application_pdf_generate(application_id: int, revision: int) -> str:
    """Make the PDF of one submission, once: a duplicate, retried or superseded task does nothing."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("PDF for application %s: no such application", application_id)
        return "missing"
    if application.revision != revision:
        return "stale"
    if ApplicationPdf.objects.filter(application=application, revision=revision).exists():
        return "exists"
    submission = Submission.objects.filter(application=application, revision=revision).first()
    if submission is None:
        logger.warning("PDF for application %s revision %s: no submission", application_id, revision)
        return "missing"
    content = render_application_pdf(submission.snapshot, verify_url=verification_url(application.reference))
    stored = application_pdf_store(application=application, revision=revision, content=content)
    return "stored" if stored is not None else "stale"
