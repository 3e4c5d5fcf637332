"""The public policy library: documents, their clauses, and what each incentive offers."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .forms import LibraryFilterForm
from .models import Incentive, PolicyDocument
from .presenters import present_incentive, present_incentives


def today():
    """The seam for the date the library shows statuses on."""
    return timezone.localdate()


def healthz(request):
    """The process answers: no database, no template; for load balancers, and the ceiling of the page benchmark."""
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "incentives/home.html"
    shown = 10   # the rest are a click away, in the library

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = selectors.document_list()
        context.update(documents=documents[:self.shown], total=documents.count(), today=today())
        return context


class DocumentListView(ListView):
    template_name = "incentives/document_list.html"
    context_object_name = "documents"
    paginate_by = 20

    def get_queryset(self):
        self.form = LibraryFilterForm(self.request.GET or None, options=selectors.filter_options())
        self.filters = self.form.filters()
        return selectors.document_list(**self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = list(context["documents"])
        page = context["page_obj"]
        context.update(form=self.form, today=today(), query=self.filters.get("q", ""),
                       page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                       hits=selectors.clause_matches(q=self.filters.get("q", ""), documents=documents))
        return context


class DocumentDetailView(DetailView):
    template_name = "incentives/document_detail.html"
    context_object_name = "document"

    def get_object(self, queryset=None) -> PolicyDocument:
        try:
            return selectors.document_detail(key=self.kwargs["key"], version=self.kwargs.get("version"))
        except PolicyDocument.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        clauses = list(document.clauses.all())
        incentives = [incentive for clause in clauses for incentive in clause.incentives.all()]
        context.update(clauses=clauses, presented=present_incentives(incentives, document=document), today=today(),
                       versions=selectors.document_versions(key=document.key))
        return context


class IncentiveDetailView(DetailView):
    template_name = "incentives/incentive_detail.html"
    context_object_name = "incentive"

    def get_object(self, queryset=None) -> Incentive:
        try:
            return selectors.incentive_detail(document_key=self.kwargs["document"], key=self.kwargs["key"],
                                              version=self.kwargs.get("version"))
        except Incentive.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        excluded = self.object.document.incentives.filter(key__in=self.object.excludes).only("key", "name") \
            if self.object.excludes else []
        context.update(presented=present_incentive(self.object), today=today(), excluded=excluded)
        return context
