"""Writes to the catalogue: loading fixture files, all or nothing."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Clause, Department, Fact, Incentive, PolicyDocument, PolicyLoad
from .policy_files import FactsData, PolicyData, Problem, read_files
from .policy_files.preview import DocumentPreview, preview_report
from .selectors import known_department_keys, known_fact_specs


class PolicyFilesInvalid(Exception):
    """One or more files did not validate; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class PolicyFileTooLarge(Exception):
    """A file past settings.POLICY_FILE_MAX_BYTES, refused before it is read whole."""

    def __init__(self, name: str):
        super().__init__(f"{name}: 文件过大（上限 {_megabytes(settings.POLICY_FILE_MAX_BYTES)}）")


@dataclass
class LoadOutcome:
    file: str
    result: str                     # PolicyLoad.Result, or "facts"
    document: PolicyDocument | None = None
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def policy_files_preview(*, files: Iterable[tuple[str, str]]) -> tuple[list[DocumentPreview], list[str]]:
    """Validate files and say what the portal would show for them (with the facts they would change); writes nothing."""
    files = list(files)
    limit = settings.POLICY_FILE_MAX_BYTES
    too_big = [Problem(name, "", f"文件过大（{_megabytes(len(text.encode('utf-8', 'surrogatepass')))}，上限 {_megabytes(limit)}）")
               for name, text in files if len(text.encode("utf-8", "surrogatepass")) > limit]
    if too_big:
        raise PolicyFilesInvalid(too_big)
    specs = known_fact_specs()
    reports = read_files(files, specs, known_department_keys())
    problems = [problem for report in reports for problem in report.problems]
    if problems:
        raise PolicyFilesInvalid(problems)
    for report in reports:
        specs.update(report.specs)
    previews = [preview for report in reports if (preview := preview_report(report, specs)) is not None]
    facts_warnings = [warning for report in reports if isinstance(report.data, FactsData) for warning in report.warnings]
    return previews, facts_warnings


def policy_files_load(*, files: Iterable[tuple[str, str]], by: str = "", dry_run: bool = False) -> list[LoadOutcome]:
    """Validate every file, then load them all in one transaction; refuse all if any is invalid."""
    files = list(files)
    limit = settings.POLICY_FILE_MAX_BYTES  # the same for the admin upload and load_policy
    sizes = {name: len(text.encode("utf-8", "surrogatepass")) for name, text in files}
    too_big = [Problem(name, "", f"文件过大（{_megabytes(size)}，上限 {_megabytes(limit)}）")
               for name, size in sizes.items() if size > limit]
    if too_big:
        raise PolicyFilesInvalid(too_big)
    reports = read_files(files, known_fact_specs(), known_department_keys())
    problems = [problem for report in reports for problem in report.problems]
    if problems:
        raise PolicyFilesInvalid(problems)
    with transaction.atomic():
        outcomes = []
        for report in reports:
            if isinstance(report.data, FactsData):
                outcome = LoadOutcome(report.file, "facts", counts={"facts": len(report.data.facts)})
                if not dry_run:
                    _facts_upsert(report.data.facts)
            else:
                outcome = _policy_load(report.data, by=by, dry_run=dry_run)
            outcome.warnings = report.warnings
            outcomes.append(outcome)
        if not dry_run:
            _after_load(outcomes)
        return outcomes


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def policy_file_read(path: Path) -> str:
    """A file's text, read no further than the size limit; OSError, UnicodeDecodeError or PolicyFileTooLarge."""
    with path.open("rb") as file:
        data = file.read(settings.POLICY_FILE_MAX_BYTES + 1)
    if len(data) > settings.POLICY_FILE_MAX_BYTES:
        raise PolicyFileTooLarge(path.name)
    return data.decode("utf-8")


def _after_load(outcomes: list[LoadOutcome]) -> None:
    """Call settings.POLICY_LOADED_HOOKS with the new document versions once the load commits."""
    ids = [o.document.pk for o in outcomes if o.document is not None
           and o.result in (PolicyLoad.Result.CREATED, PolicyLoad.Result.NEW_VERSION)]
    for hook in getattr(settings, "POLICY_LOADED_HOOKS", []) if ids else []:
        transaction.on_commit(partial(import_string(hook), ids))


def _facts_upsert(facts: list[dict], *, keep_shared: str | None = None) -> None:
    """Create or update facts. From a policy file (keep_shared = its region prefix), a fact it does not own keeps
    everything and only gains the choices the file adds; the reader has refused any other change."""
    start = Fact.objects.count()
    existing = {fact.key: fact for fact in Fact.objects.filter(key__in=[raw["key"] for raw in facts])}
    for offset, raw in enumerate(facts):
        values = {
            "label": raw["label"], "label_en": raw.get("label_en", ""), "type": raw["type"],
            "unit": raw.get("unit", "") or ("万元" if raw["type"] == "money" else "%" if raw["type"] == "percent" else ""),
            "group": raw.get("group", Fact.Group.OTHER), "help_text": raw.get("help", ""),
            "help_en": raw.get("help_en", ""), "choices": raw.get("choices", []) or [],
            "compute": raw.get("compute") or None, "growth": bool(raw.get("growth")),
            "per_project": bool(raw.get("per_project")),
        }
        fact = existing.get(raw["key"])
        if fact is not None and keep_shared is not None and not raw["key"].startswith(keep_shared):
            known = {choice["value"] for choice in fact.choices}
            added = [choice for choice in values["choices"] if choice["value"] not in known]
            if added:
                fact.choices = [*fact.choices, *added]
                fact.save(update_fields=["choices", "updated_at"])
            continue
        if fact is None:
            Fact.objects.create(key=raw["key"], position=start + offset, **values)
        elif any(getattr(fact, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(fact, name, value)
            fact.save()


def _region_name(region: str) -> str:
    city = Fact.objects.filter(key="city").first()
    return city.choice_label(region) if city else region


def _policy_load(data: PolicyData, *, by: str, dry_run: bool) -> LoadOutcome:
    doc = data.document
    counts = {"clauses": len(data.clauses), "incentives": len(data.incentives)}
    current = PolicyDocument.objects.select_for_update().filter(key=doc["key"], is_current=True).first()
    if current is not None and current.digest == data.digest:
        if not dry_run:
            PolicyLoad.objects.create(fixture_name=Path(data.file).name, digest=data.digest, document=current,
                                      result=PolicyLoad.Result.UNCHANGED, loaded_by=by)
        return LoadOutcome(data.file, PolicyLoad.Result.UNCHANGED, current, current.version, counts)
    previous = PolicyDocument.objects.filter(key=doc["key"]).order_by("-version").first()
    version = previous.version + 1 if previous else 1
    result = PolicyLoad.Result.NEW_VERSION if previous else PolicyLoad.Result.CREATED
    if dry_run:
        return LoadOutcome(data.file, result, None, version, counts)

    _facts_upsert(data.facts, keep_shared=f"{doc['region']}_")
    departments = {}
    for raw in data.departments:
        department, _ = Department.objects.update_or_create(
            key=raw["key"],
            defaults={"name": raw["name"], "short_name": raw.get("short_name", ""), "region": doc["region"]},
        )
        departments[department.key] = department
    wanted = {key for item in (*data.clauses, *data.incentives) for key in item.get("departments", [])}
    departments.update({d.key: d for d in Department.objects.filter(key__in=wanted - set(departments))})

    PolicyDocument.objects.filter(key=doc["key"], is_current=True).update(is_current=False)
    document = PolicyDocument.objects.create(
        key=doc["key"], version=version, is_current=True, region=doc["region"], region_name=_region_name(doc["region"]),
        issuer=doc.get("issuer", ""), status_basis=doc.get("status_basis", ""), title=doc["title"], number=doc.get("number", ""), status=doc["status"],
        issued_on=_date(doc.get("issued_on")), effective_from=_date(doc.get("effective_from")),
        effective_to=_date(doc.get("effective_to")), effective_quote=doc.get("effective_quote", ""),
        full_text=doc["full_text"], source_file=doc.get("source_file", ""), fixture_name=Path(data.file).name,
        digest=data.digest,
    )
    clauses = Clause.objects.bulk_create([
        Clause(document=document, position=i, number=raw["number"], chapter=raw.get("chapter", ""),
               title=raw.get("title", ""), text=raw["text"])
        for i, raw in enumerate(data.clauses)
    ])
    Clause.departments.through.objects.bulk_create([
        Clause.departments.through(clause_id=clause.pk, department_id=departments[key].pk)
        for clause, raw in zip(clauses, data.clauses) for key in raw.get("departments", [])
    ])
    by_number = {clause.number: clause for clause in clauses}
    incentives = Incentive.objects.bulk_create([
        Incentive(
            document=document, clause=by_number[raw["clause"]], position=i, key=raw["key"], name=raw["name"],
            name_en=raw.get("name_en", ""), kind=raw["kind"], beneficiary=raw["beneficiary"],
            topic=raw.get("topic", Incentive.Topic.OTHER),
            summary=raw["summary"], eligibility=raw.get("eligibility"), amount=raw.get("amount"),
            window_from=_date((raw.get("window") or {}).get("from")),
            window_to=_date((raw.get("window") or {}).get("to")),
            window_quote=(raw.get("window") or {}).get("quote", ""), excludes=raw.get("excludes", []) or [],
            documents_required=raw.get("documents", []) or [],
        )
        for i, raw in enumerate(data.incentives)
    ])
    Incentive.departments.through.objects.bulk_create([
        Incentive.departments.through(incentive_id=incentive.pk, department_id=departments[key].pk)
        for incentive, raw in zip(incentives, data.incentives) for key in raw.get("departments", [])
    ])
    PolicyLoad.objects.create(fixture_name=Path(data.file).name, digest=data.digest, document=document, result=result,
                              loaded_by=by)
    return LoadOutcome(data.file, result, document, version, counts)
