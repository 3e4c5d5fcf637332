"""The public verification page of an application PDF: a reader of a printed copy checks reference, status and digest."""
from __future__ import annotations

import hmac

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..models import Application
from ..pdf import verification_code


def application_verification(*, reference: str) -> dict | None:
    """What the verification page may show of a submitted application: no other data of the enterprise."""
    application = (Application.objects.filter(reference=reference).select_related("enterprise", "incentive")
                   .only("reference", "status", "enterprise__name", "incentive__name").first())
    if application is None:
        return None
    digests = dict(application.pdfs.values_list("revision", "sha256"))
    submissions = [{"revision": revision, "submitted_at": submitted_at, "sha256": digests.get(revision, "")}
                   for revision, submitted_at in application.submissions.values_list("revision", "submitted_at")]
    return {"reference": application.reference, "enterprise": application.enterprise.name,
            "incentive": application.incentive.name, "status": application.get_status_display(),
            "submissions": submissions}


class ApplicationVerifyView(TemplateView):
    """Shows only what a printed copy can be checked against, and only with the code printed beside the reference."""

    template_name = "applications/verify_application.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reference = kwargs["reference"]
        code = self.request.GET.get("code", "").strip().upper().replace("-", "").replace(" ", "")
        context.update(reference=reference, code=code, record=None, code_wrong=False)
        if not code:
            return context  # the form asking for the code: nothing is looked up
        if not hmac.compare_digest(code, verification_code(reference)):
            context["code_wrong"] = True
            return context
        record = application_verification(reference=reference)
        if record is None:
            raise Http404(_("没有这个申报编号。"))
        context["record"] = record
        return context


app_name = "verify"
urlpatterns = [path("<str:reference>/", ApplicationVerifyView.as_view(), name="application")]
