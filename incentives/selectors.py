"""Reads of the catalogue: what the views, the loader and the engine need, in a bounded number of queries."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Clause, Department, Fact, Incentive, PolicyDocument
from .policy_files.reader import fact_spec
from .rules.model import FactSpec


def known_fact_specs() -> dict[str, FactSpec]:
    return {
        fact.key: fact_spec({"key": fact.key, "type": fact.type, "unit": fact.unit, "choices": fact.choices,
                             "label": fact.label, "compute": fact.compute, "growth": fact.growth,
                             "per_project": fact.per_project})
        for fact in Fact.objects.all()
    }


def known_department_keys() -> set[str]:
    return set(Department.objects.values_list("key", flat=True))


def document_list(*, region: str = "", status: str = "", kind: str = "", department: str = "",
                  q: str = "") -> QuerySet[PolicyDocument]:
    """Current documents matching the filters; `q` searches titles, clause text and incentive names."""
    documents = PolicyDocument.objects.current()
    if region:
        documents = documents.filter(region=region)
    if status:
        documents = documents.filter(status=status)
    if kind:
        documents = documents.filter(incentives__kind=kind)
    if department:
        documents = documents.filter(Q(incentives__departments__key=department) | Q(clauses__departments__key=department))
    if q:
        documents = documents.filter(
            Q(title__icontains=q) | Q(clauses__text__icontains=q) | Q(incentives__name__icontains=q)
        )
    ids = documents.values("pk")
    return (
        PolicyDocument.objects.filter(pk__in=ids)
        .annotate(clause_count=Count("clauses", distinct=True), incentive_count=Count("incentives", distinct=True))
        .order_by("region", "title")
    )


def clause_matches(*, q: str, documents: list[PolicyDocument], limit: int = 5) -> dict[int, list[Clause]]:
    """The first clauses of each document whose text contains `q`, for showing search hits."""
    if not q or not documents:
        return {}
    hits: dict[int, list[Clause]] = {}
    for clause in Clause.objects.filter(document__in=documents, text__icontains=q).only(
        "id", "document_id", "number", "title", "text"
    ):
        bucket = hits.setdefault(clause.document_id, [])
        if len(bucket) < limit:
            bucket.append(clause)
    return hits


def document_detail(*, key: str, version: int | None = None) -> PolicyDocument:
    """A document with its clauses, their departments and incentives, in four queries whatever its size."""
    documents = PolicyDocument.objects.filter(key=key)
    documents = documents.filter(version=version) if version else documents.filter(is_current=True)
    return documents.prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("position").prefetch_related(
            "departments",
            Prefetch("incentives", queryset=Incentive.objects.order_by("position")),
        )),
    ).get()


def document_versions(*, key: str) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.filter(key=key).only("id", "key", "version", "is_current", "created_at")


def incentive_detail(*, document_key: str, key: str, version: int | None = None) -> Incentive:
    incentives = Incentive.objects.filter(document__key=document_key, key=key)
    incentives = incentives.filter(document__version=version) if version else incentives.filter(document__is_current=True)
    return incentives.select_related("document", "clause").prefetch_related("departments").get()


def facts_by_key(keys: set[str] | None = None) -> dict[str, Fact]:
    facts = Fact.objects.all()
    if keys is not None:
        facts = facts.filter(key__in=keys)
    return {fact.key: fact for fact in facts}


def filter_options() -> dict[str, list[tuple[str, str]]]:
    """The values the library's filters offer, from what is loaded."""
    current = PolicyDocument.objects.current()
    regions = sorted(set(current.values_list("region", "region_name")))
    departments = list(
        Department.objects.filter(Q(incentives__document__is_current=True) | Q(clauses__document__is_current=True))
        .distinct().order_by("region", "name").values_list("key", "name")
    )
    return {
        "regions": regions,
        "statuses": list(PolicyDocument.Status.choices),
        "kinds": list(Incentive.Kind.choices),
        "departments": departments,
    }
