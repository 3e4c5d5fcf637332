"""The public policy library: documents, their clauses, and what each incentive offers.

A loaded version never changes, so what these pages show of the catalogue is rendered once per state of the
catalogue (selectors.catalogue_state), language and day, and kept in Django's cache ({% cache %} in the
templates). The views hand the templates lazy objects: on a cached page nothing but the state is read.
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import TemplateView

from . import selectors
from .forms import LibraryFilterForm
from .models import Incentive, PolicyDocument
from .presenters import present_incentive, present_incentives

# The keys of cached fragments name the catalogue's state, so a change is never served stale; this only
# bounds how long an unused fragment lingers.
FRAGMENT_SECONDS = 6 * 3600


def today():
    """The seam for the date the library shows statuses on."""
    return timezone.localdate()


def healthz(request):
    """The process answers: no database, no template; for load balancers, and the ceiling of the page benchmark."""
    return HttpResponse("ok", content_type="text/plain")


class CataloguePage(TemplateView):
    """A page of the catalogue: knows the catalogue's state, which keys its cached fragments."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.state = selectors.catalogue_state()
        context.update(catalogue=self.state.key, today=today(), fragment_seconds=FRAGMENT_SECONDS)
        return context


class HomeView(CataloguePage):
    template_name = "incentives/home.html"
    shown = 10   # the rest are a click away, in the library

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = selectors.document_list()
        context.update(documents=SimpleLazyObject(lambda: list(documents[:self.shown])),
                       total=SimpleLazyObject(documents.count))
        return context


class _Listing:
    """The library's list for a request's parameters: worked out only when the page is not kept."""

    paginate_by = 20

    def __init__(self, request, state):
        self.request, self.state = request, state

    @cached_property
    def form(self) -> LibraryFilterForm:
        return LibraryFilterForm(self.request.GET or None, options=selectors.filter_options(self.state))

    @cached_property
    def query(self) -> str:
        return self.form.filters().get("q", "")

    @cached_property
    def paginator(self) -> Paginator:
        return Paginator(selectors.document_list(**self.form.filters()), self.paginate_by)

    @cached_property
    def page(self):
        return self.paginator.get_page(self.request.GET.get("page"))

    @cached_property
    def documents(self) -> list[PolicyDocument]:
        return list(self.page.object_list)

    @cached_property
    def page_links(self) -> list:
        return list(self.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))

    @cached_property
    def hits(self) -> dict:
        return selectors.clause_matches(q=self.query, documents=self.documents)


class DocumentListView(CataloguePage):
    template_name = "incentives/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = _Listing(self.request, self.state)
        context.update({name: SimpleLazyObject(lambda name=name: getattr(listing, name))
                        for name in ("form", "query", "paginator", "documents", "page_links", "hits")})
        context.update(
            page_obj=SimpleLazyObject(lambda: listing.page),
            # the fragment shows the form as submitted and links to other pages with the same parameters
            parameters=self.request.GET.urlencode(),
        )
        return context


class DocumentDetailView(CataloguePage):
    template_name = "incentives/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key, version = self.kwargs["key"], self.kwargs.get("version")
        try:
            head = selectors.document_head(key=key, version=version, state=self.state)
        except PolicyDocument.DoesNotExist:
            raise Http404 from None
        document = SimpleLazyObject(lambda: selectors.document_detail(key=key, version=version))
        clauses = SimpleLazyObject(lambda: list(document.clauses.all()))
        context.update(
            head=head, document=document, clauses=clauses,
            presented=SimpleLazyObject(lambda: present_incentives(
                [incentive for clause in clauses for incentive in clause.incentives.all()], document=document)),
            versions=SimpleLazyObject(lambda: list(selectors.document_versions(key=key))),
        )
        return context


class IncentiveDetailView(CataloguePage):
    template_name = "incentives/incentive_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document_key, key, version = self.kwargs["document"], self.kwargs["key"], self.kwargs.get("version")
        try:
            head = selectors.incentive_head(document_key=document_key, key=key, version=version, state=self.state)
        except Incentive.DoesNotExist:
            raise Http404 from None
        incentive = SimpleLazyObject(lambda: selectors.incentive_detail(document_key=document_key, key=key,
                                                                         version=version))

        def excluded():
            if not incentive.excludes:
                return []
            return list(incentive.document.incentives.filter(key__in=incentive.excludes).only("key", "name"))
        context.update(head=head, incentive=incentive, excluded=SimpleLazyObject(excluded),
                       presented=SimpleLazyObject(lambda: present_incentive(incentive)))
        return context
