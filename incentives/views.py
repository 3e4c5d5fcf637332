"""The public policy library: documents, their clauses, and what each incentive offers.

A loaded version never changes, so what these pages show of the catalogue is rendered once per state of the
catalogue (selectors.catalogue_state), language and day, and kept in Django's cache. Two levels:

- For a visitor who is not signed in, the whole page is the same for everyone but for the address in the
  navigation (login's `next`, the language form) and the CSRF token: the page is kept with markers in their
  place, keyed by the state, language, day and the normalised request, and the markers are filled in for each
  request (`KeptPage`). Nothing of one visitor is ever kept; each gets their own token.
- For a signed-in user, the navigation is rendered for them and only the catalogue's part comes from the
  cache ({% cache %} fragments in the templates).

The views hand the templates lazy objects: on a kept page nothing but the state is read.
"""
from __future__ import annotations

import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext
from django.views.generic import TemplateView

from . import selectors
from .library import MAX_QUERY, LibraryForm, LibraryQuery, read_query
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


# What stands in a kept page for the request's own address and CSRF token. The address marker ends in "?",
# which the `urlencode` filter writes as %3F and HTML escaping leaves alone: the two places it appears in
# (a URL parameter, an attribute) are told apart and each filled in with the right escaping.
PATH_MARK = "/kept-page-address?"
PATH_MARK_URLENCODED = urlencode(PATH_MARK)
CSRF_MARK = "keptpagecsrftokenmarker"


class _KeptRequest:
    """The request as a kept page shows it: the same for every visitor (the address is a marker)."""

    def __init__(self, request):
        self._request = request

    def get_full_path(self) -> str:
        return PATH_MARK

    def __getattr__(self, name):
        return getattr(self._request, name)


class CataloguePage(TemplateView):
    """A page of the catalogue: knows the catalogue's state, which keys what is kept of it."""

    def get(self, request, *args, **kwargs):
        self.state = selectors.catalogue_state()
        if request.user.is_authenticated or len(get_messages(request)):
            return super().get(request, *args, **kwargs)   # the navigation is theirs, or a message is waiting
        identity = hashlib.sha1(repr(self.kept_identity()).encode()).hexdigest()
        key = f"page:{type(self).__name__}:{self.state.key}:{get_language()}:{today().isoformat()}:{identity}"
        html = cache.get(key)
        if html is None:
            context = self.get_context_data(**kwargs)
            context.update(csrf_token=CSRF_MARK, request=_KeptRequest(request))
            html = self.render_to_response(context).rendered_content
            cache.set(key, html, FRAGMENT_SECONDS)
        path = request.get_full_path()
        return HttpResponse(html.replace(PATH_MARK_URLENCODED, urlencode(path))
                            .replace(PATH_MARK, escape(path)).replace(CSRF_MARK, get_token(request)))

    def kept_identity(self) -> tuple:
        """What of the request the page depends on (besides the catalogue, language and day), normalised."""
        return tuple(sorted(self.kwargs.items()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not hasattr(self, "state"):
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
    """The library's list for a request: worked out only when the page is not kept."""

    paginate_by = 20

    def __init__(self, query: LibraryQuery, state):
        self.query, self.state = query, state

    @cached_property
    def form(self) -> LibraryForm:
        return LibraryForm(self.query, options=selectors.filter_options(self.state))

    @cached_property
    def paginator(self) -> Paginator:
        return Paginator(selectors.document_list(**self.query.filters(), state=self.state), self.paginate_by)

    @cached_property
    def page(self):
        return self.paginator.get_page(self.query.page)

    @cached_property
    def documents(self) -> list[PolicyDocument]:
        return list(self.page.object_list)

    @cached_property
    def page_links(self) -> list[tuple[object, str]]:
        """(page number or the ellipsis, its address); the address keeps the search and filters."""
        return [(n, "" if n == self.paginator.ELLIPSIS else "?" + self.query.parameters(page=n))
                for n in self.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)]

    @cached_property
    def previous_link(self) -> str:
        return "?" + self.query.parameters(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @cached_property
    def next_link(self) -> str:
        return "?" + self.query.parameters(page=self.page.next_page_number()) if self.page.has_next() else ""

    @cached_property
    def hits(self) -> dict:
        filters = self.query.filters()
        for name in ("region", "status", "department"):
            filters.pop(name)
        return selectors.library_hits(documents=self.documents, state=self.state, **filters)


class DocumentListView(CataloguePage):
    template_name = "incentives/document_list.html"

    @cached_property
    def query(self) -> LibraryQuery:
        return read_query(self.request.GET, options=selectors.filter_options(self.state))

    @cached_property
    def listing_key(self) -> str:
        key = self.query.key
        if self.query.open:   # which rounds are open changes with the clock and the rounds, not the catalogue
            key += "|" + hashlib.sha1(repr(selectors.open_rounds_token()).encode()).hexdigest()[:12]
        return key

    @cached_property
    def notes(self) -> list[str]:
        notes = list(self.query.errors)
        if self.query.shortened:
            notes.insert(0, gettext("搜索词过长，已截取为前 %(n)s 个字。") % {"n": MAX_QUERY})
        return notes

    def kept_identity(self) -> tuple:
        return self.listing_key, tuple(self.notes)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = _Listing(self.query, self.state)
        context.update({name: SimpleLazyObject(lambda name=name: getattr(listing, name))
                        for name in ("form", "paginator", "documents", "page_links", "hits")})
        context.update(
            query=self.query, listing_key=self.listing_key, notes=self.notes,
            page_obj=SimpleLazyObject(lambda: listing.page),
            previous_link=SimpleLazyObject(lambda: listing.previous_link),
            next_link=SimpleLazyObject(lambda: listing.next_link),
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
