"""Reads of the catalogue: what the views, the loader and the engine need, in a bounded number of queries.

Lists never load a document's full text; a search looks for each of its words in titles, cities, clause
texts and incentive names and summaries through subqueries (on PostgreSQL backed by trigram indexes, which
suit Chinese), so its cost does not multiply with the rows joined, and ranks documents by where the words
are found (and, on PostgreSQL, by the likeness of the title among equals).
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
import threading
from collections import OrderedDict
from typing import Callable, Generic, Hashable, NamedTuple, TypeVar

from django.db import connection
from django.utils import timezone

from django.db.models import (Case, CharField, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet,
                              Subquery, TextField, Value, When)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IContains

from .models import Clause, Department, Fact, Incentive, PolicyDocument
from .policy_files.reader import fact_spec

V = TypeVar("V")

# What a list of documents shows; never the full text.
DOCUMENT_LIST_FIELDS = ("id", "key", "version", "is_current", "region", "region_name", "issuer", "title", "number",
                        "status", "issued_on", "effective_from", "effective_to", "digest", "created_at")


_ALL_CACHES: list["BoundedCache"] = []


def clear_caches() -> None:
    """Forget everything worked out from the catalogue in this process (it is worked out again when asked for)."""
    for bounded in _ALL_CACHES:
        bounded.clear()


class BoundedCache(Generic[V]):
    """A least-recently-used map of at most `maxsize` entries, safe to share between threads.

    Holds what is worked out from immutable rows (a document version, the facts as they stand), so entries are
    never stale: their keys name the content they were made from.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        _ALL_CACHES.append(self)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class KnownSpecs(dict):
    """The fact specifications by key; `token` names the state of the facts table they were read from."""

    token: tuple = ()


_FACTS: BoundedCache[tuple[KnownSpecs, dict[str, Fact]]] = BoundedCache(maxsize=4)


class CatalogueState(NamedTuple):
    """What changes when anything a page shows of the catalogue changes: a version loaded or superseded, a
    department or a fact saved. Pages key what they keep between requests by it."""

    documents: tuple
    facts: tuple

    @property
    def key(self) -> str:
        return hashlib.sha1(repr(self).encode()).hexdigest()[:16]


def _execute_prepared(cursor, name: str, sql: str) -> None:
    """Run a query without parameters that every request runs, as a prepared statement on PostgreSQL.

    Planning the catalogue's state (seven small subqueries) took several times as long as running it; a
    statement prepared once per database connection is only executed. Prepared statements live as long as
    their session (not undone by a rollback); a new connection prepares again. Other databases run `sql`.
    """
    if connection.vendor != "postgresql":
        cursor.execute(sql)
        return
    prepare_once(cursor, name, sql)
    cursor.execute(f"EXECUTE {name}")


def execute_at(cursor, name: str, sql: str, at) -> None:
    """Run a query whose one parameter is a moment, written `{at}` in `sql` wherever it is compared: prepared once per
    connection on PostgreSQL (as `_execute_prepared`: planning it took longer than running it), else run as is."""
    if connection.vendor == "postgresql":
        prepare_once(cursor, name, sql.format(at="$1"))
        cursor.execute(f"EXECUTE {name} (%s)", [at])
        return
    value = connection.ops.adapt_datetimefield_value(at)
    cursor.execute(sql.format(at="%s"), [value] * sql.count("{at}"))


def prepare_once(cursor, name: str, sql: str) -> None:
    """PREPARE `sql` as `name` on this PostgreSQL connection, unless it already is."""
    raw = connection.connection
    if getattr(connection, "_portal_prepared_on", None) is not raw:
        connection._portal_prepared_on, connection._portal_prepared = raw, set()
    if name not in connection._portal_prepared:
        cursor.execute(f"PREPARE {name} AS {sql}")
        connection._portal_prepared.add(name)


def catalogue_state() -> CatalogueState:
    """The catalogue's state in one cheap query (row counts, highest keys, last changes of three small tables)."""
    documents, departments, facts = (model._meta.db_table for model in (PolicyDocument, Department, Fact))
    with connection.cursor() as cursor:
        _execute_prepared(
            cursor, "portal_catalogue_state",
            f"SELECT (SELECT COUNT(*) FROM {documents}), (SELECT MAX(id) FROM {documents}),"   # noqa: S608 - table names
            f" (SELECT MAX(updated_at) FROM {documents}), (SELECT MAX(updated_at) FROM {departments}),"
            f" (SELECT COUNT(*) FROM {facts}), (SELECT MAX(id) FROM {facts}), (SELECT MAX(updated_at) FROM {facts})")
        row = cursor.fetchone()
    return CatalogueState(documents=tuple(row[:4]), facts=tuple(row[4:]))


def _facts_now(state: CatalogueState | None = None) -> tuple[KnownSpecs, dict[str, Fact]]:
    token = (state or catalogue_state()).facts

    def read() -> tuple[KnownSpecs, dict[str, Fact]]:
        rows = {fact.key: fact for fact in Fact.objects.all()}
        specs = KnownSpecs({key: fact_spec({"key": fact.key, "type": fact.type, "unit": fact.unit,
                                            "choices": fact.choices, "label": fact.label, "compute": fact.compute,
                                            "growth": fact.growth, "per_project": fact.per_project})
                            for key, fact in rows.items()})
        specs.token = token
        return specs, rows
    return _FACTS.get_or_make(token, read)


def known_fact_specs(state: CatalogueState | None = None) -> KnownSpecs:
    """Every fact's specification (a copy the caller may change), read from the table only when it has changed."""
    specs, _ = _facts_now(state)
    copy = KnownSpecs(specs)
    copy.token = specs.token
    return copy


def facts_by_key(keys: set[str] | None = None, state: CatalogueState | None = None) -> dict[str, Fact]:
    """Fact rows by key, shared between requests: read them, do not change them."""
    _, rows = _facts_now(state)
    return dict(rows) if keys is None else {key: rows[key] for key in keys if key in rows}


def known_department_keys() -> set[str]:
    return set(Department.objects.values_list("key", flat=True))


@TextField.register_lookup
@CharField.register_lookup
class Finds(IContains):
    """`icontains` that PostgreSQL's trigram indexes can serve (migration 0002).

    Django's icontains compares UPPER(column), which a plain column's index cannot answer, and upper-casing
    long Chinese texts is slow besides. Here a term without letters that have case (Chinese, digits) is a
    plain LIKE, and one with them an ILIKE; both use the index. Other databases do what icontains does.
    """

    lookup_name = "finds"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        cased = not isinstance(self.rhs, str) or self.rhs.lower() != self.rhs.upper()
        return f"{lhs} {'ILIKE' if cased else 'LIKE'} {rhs}", [*lhs_params, *rhs_params]


def _words(q: str) -> list[str]:
    from .library import search_words

    return search_words(q)


def matching(q: str) -> Q:
    """Documents in which every word of `q` (any order, separated by spaces) is found somewhere: in the title,
    the city or issuer, a clause's text, or an incentive's name or summary (case-insensitive).

    One condition per word, each made of subqueries that the trigram indexes serve on PostgreSQL.
    """
    found = Q()
    for word in _words(q):
        found &= (Q(title__finds=word) | Q(region_name__finds=word) | Q(issuer__finds=word)
                  | Q(pk__in=Clause.objects.filter(text__finds=word).values("document_id"))
                  | Q(pk__in=Incentive.objects.filter(Q(name__finds=word) | Q(summary__finds=word))
                      .values("document_id")))
    return found


# How much a word found in a place counts for a document's rank: a document that names what was asked for,
# in its title or an incentive's name, comes before one that only mentions it in a clause.
WEIGHT_TITLE, WEIGHT_SUMMARY, WEIGHT_TEXT = 3, 2, 1


def _relevance(words: list[str]):
    """A document's score for the words: for each word, where it is found best (see the weights)."""
    total = Value(0, output_field=IntegerField())
    for word in words:
        named = Exists(Incentive.objects.filter(document=OuterRef("pk"), name__finds=word))
        summarised = Exists(Incentive.objects.filter(document=OuterRef("pk"), summary__finds=word))
        total = total + Case(
            When(Q(title__finds=word) | Q(region_name__finds=word) | Q(issuer__finds=word) | Q(named),
                 then=Value(WEIGHT_TITLE)),
            When(summarised, then=Value(WEIGHT_SUMMARY)),
            default=Value(WEIGHT_TEXT), output_field=IntegerField())
    return total


def _count(model, **filters) -> Coalesce:
    rows = model.objects.filter(document=OuterRef("pk"), **filters).order_by().values("document")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


_MAXIMA: BoundedCache[dict[int, Decimal | None]] = BoundedCache(maxsize=4)


def incentive_maxima(state: CatalogueState | None = None) -> dict[int, Decimal | None]:
    """The most each incentive of a current document can give, in 万元 (None where the text gives no figure),
    worked out from the amount rules once per state of the catalogue."""
    state = state or catalogue_state()

    def work_out() -> dict[int, Decimal | None]:
        from .library import maximum_amount
        from .rules.parse import parse_amount

        facts = known_fact_specs(state)
        maxima: dict[int, Decimal | None] = {}
        for pk, amount in Incentive.objects.filter(document__is_current=True).values_list("pk", "amount"):
            try:
                maxima[pk] = maximum_amount(parse_amount(amount, facts, "amount")) if amount else None
            except Exception:   # noqa: BLE001 - a rule the loader let through but cannot be read: no figure
                maxima[pk] = None
        return maxima
    return _MAXIMA.get_or_make((state.documents, state.facts), work_out)


def open_round_incentives(at=None) -> QuerySet:
    """The incentives (as ids) that an application round accepts applications for now."""
    from applications.models import Round

    at = at or timezone.now()
    return (Round.incentives.through.objects.filter(round__opens_at__lte=at, round__closes_at__gt=at)
            .values("incentive_id"))


def open_rounds_token(at=None) -> tuple:
    """What changes when a round opens, closes or is edited: the rounds open now, as (id, last change)."""
    from applications.models import Round

    at = at or timezone.now()
    sql = (f"SELECT id, updated_at FROM {Round._meta.db_table}"   # noqa: S608 - a table name
           " WHERE opens_at <= {at} AND closes_at > {at} ORDER BY id")
    with connection.cursor() as cursor:   # on every page with the filter: prepared, as the catalogue's state
        execute_at(cursor, "portal_open_rounds", sql, at)
        return tuple(cursor.fetchall())


def incentive_filter(*, kind: str = "", topic: str = "", amount_min: Decimal | None = None,
                     amount_max: Decimal | None = None, open_round: bool = False,
                     state: CatalogueState | None = None) -> Q | None:
    """What an incentive must be to be shown for the filters on incentives; None if there are none."""
    conditions = Q()
    if kind:
        conditions &= Q(kind=kind)
    if topic:
        conditions &= Q(topic=topic)
    if amount_min is not None or amount_max is not None:
        within = [pk for pk, maximum in incentive_maxima(state).items()
                  if maximum is not None and (amount_min is None or maximum >= amount_min)
                  and (amount_max is None or maximum <= amount_max)]
        conditions &= Q(pk__in=within)
    if open_round:
        conditions &= Q(pk__in=open_round_incentives())
    return conditions if conditions else None


def document_list(*, region: str = "", status: str = "", kind: str = "", department: str = "",
                  q: str = "", topic: str = "", amount_min: Decimal | None = None,
                  amount_max: Decimal | None = None, open_round: bool = False,
                  state: CatalogueState | None = None) -> QuerySet[PolicyDocument]:
    """Current documents matching the search and filters, with their clause and incentive counts, without their
    full texts; by relevance when searching (then by city and title).

    The filters on incentives (kind, topic, amount, open round) ask for one incentive that meets all of them.
    """
    documents = PolicyDocument.objects.current()
    if region:
        documents = documents.filter(region=region)
    if status:
        documents = documents.filter(status=status)
    incentives = incentive_filter(kind=kind, topic=topic, amount_min=amount_min, amount_max=amount_max,
                                  open_round=open_round, state=state)
    if incentives is not None:
        documents = documents.filter(Exists(Incentive.objects.filter(incentives, document=OuterRef("pk"))))
    if department:
        documents = documents.filter(
            Exists(Incentive.objects.filter(document=OuterRef("pk"), departments__key=department))
            | Exists(Clause.objects.filter(document=OuterRef("pk"), departments__key=department)))
    words = _words(q)
    documents = (documents.only(*DOCUMENT_LIST_FIELDS)
                 .annotate(clause_count=_count(Clause), incentive_count=_count(Incentive)))
    if not words:
        return documents.order_by("region", "title", "pk")
    documents = documents.filter(matching(q)).annotate(relevance=_relevance(words))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        # among equally relevant documents, the title closest to what was typed first
        documents = documents.annotate(likeness=TrigramSimilarity("title", Value(" ".join(words))))
        return documents.order_by("-relevance", "-likeness", "region", "title", "pk")
    return documents.order_by("-relevance", "region", "title", "pk")


class Hits(NamedTuple):
    """What of a listed document matched: incentives (best first) and clauses (those with most words first)."""

    incentives: list
    more_incentives: int
    clauses: list[Clause]


def _found(word: str, text: str) -> bool:
    return word.casefold() in text.casefold()


def library_hits(*, q: str, documents: list[PolicyDocument], kind: str = "", topic: str = "",
                 amount_min: Decimal | None = None, amount_max: Decimal | None = None,
                 open_round: bool = False, state: CatalogueState | None = None,
                 limit: int = 5) -> dict[int, Hits]:
    """For each listed document, the incentives that answer the search and filters, and the clauses in which
    the words were found; in two queries whatever the number of documents.

    An incentive answers a search when every word is in its name, summary or clause, or in its document's
    title, city or issuer, and at least one in the incentive itself; it ranks by where the words are (name
    before summary before clause text).
    """
    words = _words(q)
    incentives = incentive_filter(kind=kind, topic=topic, amount_min=amount_min, amount_max=amount_max,
                                  open_round=open_round, state=state)
    if not documents or (not words and incentives is None):
        return {}
    by_document = {document.pk: document for document in documents}
    rows = (Incentive.objects.filter(incentives or Q(), document__in=list(by_document))
            .select_related("clause").only("id", "document_id", "key", "name", "summary", "topic", "position",
                                           "clause__id", "clause__text", "clause__number")
            .order_by("document_id", "position"))
    ranked: dict[int, list[tuple[int, int, Incentive]]] = {}
    for incentive in rows:
        document = by_document[incentive.document_id]
        around = " ".join((document.title, document.region_name, document.issuer))
        score, own = 0, not words
        for word in words:
            if _found(word, incentive.name):
                score, own = score + WEIGHT_TITLE, True
            elif _found(word, incentive.summary):
                score, own = score + WEIGHT_SUMMARY, True
            elif _found(word, incentive.clause.text):
                score, own = score + WEIGHT_TEXT, True
            elif not _found(word, around):
                break
        else:
            if own:   # not every incentive of a document whose title has the words: those that speak of them
                ranked.setdefault(incentive.document_id, []).append((-score, incentive.position, incentive))
    clauses: dict[int, list[tuple[int, int, Clause]]] = {}
    if words:
        from .library import excerpt

        # a word the document names in its title, city or issuer (江门 of 江门's document) is not looked for in
        # its clauses: every clause would do; the clauses shown are those with the other words
        own = {pk: [word for word in words
                    if not _found(word, " ".join((document.title, document.region_name, document.issuer)))]
               or words for pk, document in by_document.items()}
        anywhere = Q()
        for word in words:
            anywhere |= Q(text__finds=word)
        for clause in (Clause.objects.filter(anywhere, document__in=list(by_document))
                       .only("id", "document_id", "number", "title", "text", "position")):
            looked_for = own[clause.document_id]
            found = sum(_found(word, clause.text) for word in looked_for)
            if found:
                clause.excerpt = excerpt(clause.text, looked_for)
                clauses.setdefault(clause.document_id, []).append((-found, clause.position, clause))
    hits = {}
    for pk in by_document:
        listed = [incentive for *_, incentive in sorted(ranked.get(pk, []), key=lambda row: row[:2])]
        quoted = [clause for *_, clause in sorted(clauses.get(pk, []), key=lambda row: row[:2])]
        if listed or quoted:
            hits[pk] = Hits(listed[:limit], max(0, len(listed) - limit), quoted[:limit])
    return hits


def clause_matches(*, q: str, documents: list[PolicyDocument], limit: int = 5) -> dict[int, list[Clause]]:
    """The clauses of each document in which words of `q` were found, those with the most words first."""
    return {pk: hits.clauses for pk, hits in library_hits(q=q, documents=documents, limit=limit).items()
            if hits.clauses}


def document_detail(*, key: str, version: int | None = None) -> PolicyDocument:
    """A document with its clauses, their departments and incentives, in four queries whatever its size."""
    documents = PolicyDocument.objects.filter(key=key).defer("full_text")
    documents = documents.filter(version=version) if version else documents.filter(is_current=True)
    return documents.prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("position").prefetch_related(
            "departments",
            Prefetch("incentives", queryset=Incentive.objects.order_by("position")),
        )),
    ).get()


class Head(NamedTuple):
    """What a page's title needs of a document or incentive, and the row it names."""

    pk: int
    title: str


_HEADS: BoundedCache[Head] = BoundedCache(maxsize=4096)


def document_head(*, key: str, version: int | None = None, state: CatalogueState) -> Head:
    """The document version a URL names (the current one without a version); DoesNotExist if there is none."""
    def read() -> Head:
        documents = PolicyDocument.objects.filter(key=key)
        documents = documents.filter(version=version) if version else documents.filter(is_current=True)
        return Head(*documents.values_list("pk", "title").get())
    return _HEADS.get_or_make(("document", state.documents, key, version), read)


def incentive_head(*, document_key: str, key: str, version: int | None = None, state: CatalogueState) -> Head:
    """The incentive a URL names, of the current version without a version; DoesNotExist if there is none."""
    def read() -> Head:
        incentives = Incentive.objects.filter(document__key=document_key, key=key)
        incentives = (incentives.filter(document__version=version) if version
                      else incentives.filter(document__is_current=True))
        return Head(*incentives.values_list("pk", "name").get())
    return _HEADS.get_or_make(("incentive", state.documents, document_key, key, version), read)


def document_versions(*, key: str) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.filter(key=key).only("id", "key", "version", "is_current", "created_at")


def incentive_detail(*, document_key: str, key: str, version: int | None = None) -> Incentive:
    incentives = Incentive.objects.filter(document__key=document_key, key=key)
    incentives = incentives.filter(document__version=version) if version else incentives.filter(document__is_current=True)
    return (incentives.select_related("document", "clause").defer("document__full_text")
            .prefetch_related("departments").get())


_OPTIONS: BoundedCache[dict] = BoundedCache(maxsize=4)


def filter_options(state: CatalogueState | None = None) -> dict[str, list[tuple[str, str]]]:
    """The values the library's filters offer, from what is loaded; worked out again only after a change."""
    return _OPTIONS.get_or_make((state or catalogue_state()).documents, _filter_options)


def _filter_options() -> dict[str, list[tuple[str, str]]]:
    current = PolicyDocument.objects.current()
    regions = list(current.order_by("region").values_list("region", "region_name").distinct())
    departments = list(
        Department.objects.filter(
            Exists(Incentive.departments.through.objects.filter(department=OuterRef("pk"),
                                                                incentive__document__is_current=True))
            | Exists(Clause.departments.through.objects.filter(department=OuterRef("pk"),
                                                               clause__document__is_current=True)))
        .order_by("region", "name").values_list("key", "name")
    )
    return {
        "regions": regions,
        "statuses": list(PolicyDocument.Status.choices),
        "kinds": list(Incentive.Kind.choices),
        "topics": list(Incentive.Topic.choices),
        "departments": departments,
    }
