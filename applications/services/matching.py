"""免申即享 push: when policies change, every enterprise profile is matched against the changed incentives with the
questionnaire's engine, and each enterprise is told what changed for it (newly eligible, no longer, amount changed).

What an enterprise was last told it is eligible for is kept per document: one row with the incentives (by key)
and their amounts; an absent row means "eligible for none of them, or not known", so the millions of pairs that
are not eligible cost no row, and a first match writes a row per enterprise and document, not per incentive. A new
version compares against what is kept, and an unchanged result says nothing. Chunks of enterprise ids are
independent tasks: several workers share the work, and a chunk run twice notifies once (the notification key
names the enterprise, the incentive and the document version).
"""
from __future__ import annotations

import io
import itertools
import json
from decimal import Decimal
from typing import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incentives.eligibility import compiled_documents, today
from incentives.models import Incentive, PolicyDocument
from incentives.rules.batch import Columns, eligible_by_rule
from incentives.rules.evaluate.amounts import AmountResult
from incentives.rules.evaluate import OPEN, RuleIndex, availability
from incentives.rules.figures import format_money
from incentives.selectors import DOCUMENT_LIST_FIELDS, known_fact_specs

from ..models import Enterprise, Membership, MatchResult, Notification, NotificationKind, NotificationPreference
from .notifications import outbox_wake


def policy_loaded(document_ids: list[int]) -> None:
    """The loader's hook, after its transaction commits: match the profiles against these new versions."""
    if not document_ids:
        return
    from ..tasks.matching import policy_match_dispatch

    try:
        policy_match_dispatch.delay(list(document_ids), run_for_documents(document_ids))
    except Exception:  # noqa: BLE001 - the load itself succeeded; matching can be started again by hand
        import logging

        logging.getLogger(__name__).exception("policy matching not queued for documents %s", document_ids)


# --- progress: how many chunks of a match are done, visible to anyone (the admin, a bench, a shell) ---------------

_LOCAL_PROGRESS: dict[str, dict] = {}      # tasks run in-process (no broker): the progress stays here


def new_run() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


def _progress_store():
    """Redis (the broker's) when tasks go through Redis, so every worker and the web see the same counts."""
    url = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    global _REDIS
    if _REDIS is None or _REDIS[0] != url:
        import redis

        _REDIS = (url, redis.Redis.from_url(url))
    return _REDIS[1]


_REDIS = None
_PROGRESS_SECONDS = 7 * 24 * 3600


def progress_planned(run: str, *, chunks: int, profiles: int) -> None:
    store = _progress_store()
    if store is None:
        _LOCAL_PROGRESS.setdefault(run, {"done": set(), "matched": 0}).update(chunks=chunks, profiles=profiles)
        return
    key = f"portal:match:{run}"
    store.hset(key, mapping={"chunks": chunks, "profiles": profiles})
    store.expire(key, _PROGRESS_SECONDS)


def progress_done(run: str, *, chunk: int, profiles: int) -> None:
    """A chunk (named by its first id) is done; a chunk run twice counts once."""
    store = _progress_store()
    if store is None:
        state = _LOCAL_PROGRESS.setdefault(run, {"done": set(), "matched": 0})
        if chunk not in state["done"]:
            state["done"].add(chunk)
            state["matched"] += profiles
        return
    key = f"portal:match:{run}"
    if store.sadd(f"{key}:done", chunk):
        store.hincrby(key, "matched", profiles)
    store.expire(f"{key}:done", _PROGRESS_SECONDS)
    store.expire(key, _PROGRESS_SECONDS)


def run_for_documents(document_ids: Iterable[int]) -> str:
    """A new match of these document versions, remembered under each, so that their load records show its progress."""
    run = new_run()
    store = _progress_store()
    for document_id in document_ids:
        if store is None:
            _LOCAL_RUNS[document_id] = run
        else:
            store.set(f"portal:match:document:{document_id}", run, ex=_PROGRESS_SECONDS)
    return run


def progress_is_shared() -> bool:
    """Whether match progress is kept where every process sees it (Redis); otherwise tasks run in the process
    that loads the documents, the match is over when the load returns, and nothing else can read its progress."""
    return _progress_store() is not None


def document_match_progress(document_id: int) -> dict[str, int | None] | None:
    """The progress of the last match of this document version (None: none started, or long ago)."""
    store = _progress_store()
    if store is None:
        run = _LOCAL_RUNS.get(document_id)
    else:
        found = store.get(f"portal:match:document:{document_id}")
        run = found.decode() if found else None
    return match_progress(run) if run else None


_LOCAL_RUNS: dict[int, str] = {}


def match_progress(run: str) -> dict[str, int | None]:
    """{"chunks": planned (None until the dispatch has queued them all), "done": chunks done,
    "profiles": planned, "matched": profiles matched so far}."""
    store = _progress_store()
    if store is None:
        state = _LOCAL_PROGRESS.get(run, {"done": set(), "matched": 0})
        return {"chunks": state.get("chunks"), "done": len(state["done"]), "profiles": state.get("profiles"),
                "matched": state["matched"]}
    key = f"portal:match:{run}"
    found = {k.decode(): int(v) for k, v in store.hgetall(key).items()}
    return {"chunks": found.get("chunks"), "done": store.scard(f"{key}:done"), "profiles": found.get("profiles"),
            "matched": found.get("matched", 0)}


def enterprise_id_chunks(size: int | None = None) -> Iterable[list[int]]:
    """Every enterprise whose saved answers say which city they are for, as lists of ids, ordered by that city then
    pk (a plain indexed column: no profile is read to list them), so a chunk holds few cities and a worker compiles
    few regions' rules and judges large groups at once; then any that no longer say it but were told something
    before, to be told it no longer holds. A profile that names no city is eligible for nothing and is left out."""
    size = size or getattr(settings, "MATCH_CHUNK_SIZE", 5000)
    answered = (Enterprise.objects.filter(answered_city__isnull=False).order_by("answered_city", "pk")
                .values_list("pk", flat=True).iterator(10_000))
    told_before = (MatchResult.objects.filter(enterprise__answered_city__isnull=True).order_by("enterprise_id")
                   .values_list("enterprise_id", flat=True).distinct())
    chunk: list[int] = []
    for pk in itertools.chain(answered, told_before):
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def changed_incentives(document_ids: Iterable[int]) -> list[Incentive]:
    """The current incentives of the documents loaded (a later version wins if one loaded since)."""
    keys = PolicyDocument.objects.filter(pk__in=list(document_ids)).values_list("key", flat=True)
    return list(Incentive.objects.filter(document__key__in=list(keys), document__is_current=True)
                .select_related("document", "clause").order_by("document__key", "position"))


def _message(change: str, incentive: Incentive, amount: str | None) -> tuple[str, str]:
    money = format_money(Decimal(amount)) if amount is not None else ""
    if change == "eligible":
        subject = _("新政策提醒：您可能符合“%(name)s”") % {"name": incentive.name}
        body = _("根据您保存的企业信息，您可能符合%(title)s中的“%(name)s”。") % {
            "title": incentive.document.title, "name": incentive.name}
    elif change == "no_longer":
        subject = _("政策变化提醒：“%(name)s”的条件已变化") % {"name": incentive.name}
        body = _("%(title)s已修订，根据您保存的企业信息，您可能不再符合“%(name)s”。") % {
            "title": incentive.document.title, "name": incentive.name}
    else:
        subject = _("政策变化提醒：“%(name)s”的金额已变化") % {"name": incentive.name}
        body = _("%(title)s已修订，“%(name)s”按您保存的企业信息测算的金额有变化。") % {
            "title": incentive.document.title, "name": incentive.name}
    if money:
        body += _("测算金额：%(money)s。") % {"money": money}
    return subject, body


def _regions_rules(document_keys: set[str], regions: set[str], specs, on) -> tuple[RuleIndex, dict[str, Incentive]]:
    """The rules of the current versions of these documents that are of these regions and open on the day (only those
    can be eligible: a draft's, an expired document's or a closed period's facts are not even read), indexed by
    region, and the incentive rows of every one of them by stable key. Built per document version in eligibility's
    bounded cache: a worker compiles the regions of the chunks it is given (the dispatch orders chunks by city), not
    the whole catalogue."""
    if not regions or not document_keys:
        return RuleIndex(()), {}
    documents = list(PolicyDocument.objects.current().filter(key__in=sorted(document_keys), region__in=sorted(regions))
                     .only(*DOCUMENT_LIST_FIELDS).order_by("region", "key"))
    compiled = compiled_documents(documents, specs)
    rules = [rule for document in compiled for rule in document.rules if availability(rule, on) == OPEN]
    incentives = {incentive.stable_key: incentive for document in compiled for incentive in document.incentives}
    return RuleIndex(rules), incentives


def _read_cities(enterprise_ids: list[int]) -> tuple[list[int], list[object], dict | None]:
    """The chunk's enterprises in pk order and the city each answered for: on PostgreSQL the column the database
    keeps from the answers (the answers are not read for it), elsewhere from the whole answers, which come too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, answered_city FROM {Enterprise._meta.db_table} WHERE id = ANY(%s) ORDER BY id",
                           [list(enterprise_ids)])
            rows = cursor.fetchall()
        return [row[0] for row in rows], [row[1] for row in rows], None
    answers = dict(Enterprise.objects.filter(pk__in=enterprise_ids).order_by("pk").values_list("pk", "answers"))
    return list(answers), [(value or {}).get("city") for value in answers.values()], answers


def _facts_read(index: RuleIndex, specs) -> list[str]:
    return sorted({key for rule in index.rules for key in rule.eligibility.facts() | rule.amount.facts()
                   if key in specs and key != "city"})


def _read_answers(ids: list[int], keys: list[str], specs, answers: dict | None) -> dict[str, Sequence]:
    """For each fact key, the stored values of these enterprises, in the order of `ids`.

    On PostgreSQL the database takes the profiles apart (jsonb_to_record: each profile read once, only the facts
    the rules use coming back, as text), so no profile's JSON is decoded in Python."""
    if not keys or not ids:
        return {}
    if answers is not None:
        return {key: [answers[pk].get(key) for pk in ids] for key in keys}
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(key)} {'jsonb' if key in specs and specs[key].per_project else 'text'}"
                        for key in keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.id, r.* FROM {Enterprise._meta.db_table} e, jsonb_to_record(e.answers) AS r({columns}) "
                       "WHERE e.id = ANY(%s) ORDER BY e.id", [list(ids)])
        rows = cursor.fetchall()
    if [row[0] for row in rows] != list(ids):     # deleted in between: line the values up with `ids`, None if gone
        by_id = {row[0]: row[1:] for row in rows}
        rows = [(pk, *by_id.get(pk, (None,) * len(keys))) for pk in ids]
    if not rows:
        return {key: () for key in keys}
    return dict(zip(keys, list(zip(*rows))[1:]))


def match_profiles(enterprise_ids: list[int], document_ids: list[int]
                   ) -> tuple[dict[int, dict[str, dict[str, str | None]]], dict[str, Incentive], list[int], set[str]]:
    """What the engine says now: for each enterprise and document, the incentives (by key) it is eligible for with
    their amounts as stored (万元 as text, to the cent; None where the text gives none), over the current versions of
    these documents; with the incentive rows of the regions concerned, the ids matched and the documents' keys.

    The enterprises are grouped by city and each group is judged column-wise (incentives.rules.batch) against its
    own city's rules only: the rules of other cities are neither compiled nor looked at."""
    specs = known_fact_specs()
    on = today()
    document_keys = set(PolicyDocument.objects.filter(pk__in=list(document_ids)).values_list("key", flat=True))
    ids, cities, answers = _read_cities(enterprise_ids)
    city_spec = specs.get("city")

    def known(city: object) -> bool:
        return type(city) is str and (city_spec is None or city in city_spec.choices)   # else never eligible
    index, incentives = _regions_rules(document_keys, {city for city in cities if known(city)}, specs, on)
    # Only the profiles of a city with a rule open on the day are read, and of them only the facts those rules use.
    judged = [p for p, city in enumerate(cities) if known(city) and city in index.by_region]
    raw = _read_answers([ids[p] for p in judged], _facts_read(index, specs), specs, answers)
    by_city: dict[str, list[int]] = {}
    for n, position in enumerate(judged):
        by_city.setdefault(cities[position], []).append(n)
    found: dict[int, dict[str, dict[str, str | None]]] = {}
    for city, positions in by_city.items():
        subset = [ids[judged[n]] for n in positions]
        every = len(subset) == len(judged)

        def read(key, positions=positions, every=every):
            values = raw.get(key)
            if values is None:
                return [None] * len(positions)
            return values if every else [values[p] for p in positions]
        # answers are typed as the questionnaire types them (dates up to the real today), judged on `on`
        columns = Columns(len(subset), read, specs, timezone.localdate())
        by_document: dict[str, list[dict[str, str | None] | None]] = {}    # per document, each row's incentives
        for rule, rows, amounts in eligible_by_rule(index.by_region[city], columns, city=city, on=on, specs=specs):
            document_key, _, key = rule.key.partition("/")
            told = by_document.get(document_key)
            if told is None:
                told = by_document[document_key] = [None] * len(subset)
            texts = [_amount_text(amounts)] * len(rows) if isinstance(amounts, AmountResult) else map(_amount_text, amounts)
            for row, text in zip(rows, texts):
                incentives_of_row = told[row]
                if incentives_of_row is None:
                    told[row] = {key: text}
                else:
                    incentives_of_row[key] = text
        for document_key, told in by_document.items():
            for enterprise, incentives_of_row in zip(subset, told):
                if incentives_of_row is not None:
                    found.setdefault(enterprise, {})[document_key] = incentives_of_row
    return found, incentives, ids, document_keys


_CENT = Decimal("0.01")


def _amount_text(amount: AmountResult) -> str | None:
    """An amount as stored and compared: text to the cent (exact, unlike a JSON number)."""
    return None if amount.value is None else str(amount.value.quantize(_CENT))


def match_chunk(*, enterprise_ids: list[int], document_ids: list[int]) -> int:
    """Match these enterprises against the changed incentives; store the results, notify changes; return how many.

    What is stored is, per enterprise and document, what the enterprise was last told it is eligible for (one row
    with the incentives and amounts, none when nothing): a chunk run twice writes and notifies nothing the second
    time. Two runs of one chunk at once need no row locks: a row both insert breaks the unique constraint and the
    later run is retried (it then finds the row stored), upserts converge, and a notification's key names its
    enterprise, incentive, version and change, so it is written once."""
    now, incentives, ids, document_keys = match_profiles(enterprise_ids, document_ids)
    if not document_keys:
        return 0
    versions = {incentive.document.key: incentive.document.version for incentive in incentives.values()}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A crash may lose the last chunks' commits; the match is recomputed from the profiles by the next one
            # (stored results and notifications are written in the same transaction, so they are lost together).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        previous = _stored(ids, document_keys)
        inserts, updates, gone, changes = [], [], [], []
        for enterprise_id in ids:
            for document_key, told in now.get(enterprise_id, {}).items():
                stored = previous.pop((enterprise_id, document_key), None)
                version = versions[document_key]
                if stored is None:
                    inserts.append((enterprise_id, document_key, version, told))
                    changes += [("eligible", enterprise_id, f"{document_key}/{key}", amount)
                                for key, amount in told.items()]
                    continue
                before = stored[2]
                for key, amount in told.items():
                    if key not in before:
                        changes.append(("eligible", enterprise_id, f"{document_key}/{key}", amount))
                    elif before[key] != amount:
                        changes.append(("amount", enterprise_id, f"{document_key}/{key}", amount))
                changes += [("no_longer", enterprise_id, f"{document_key}/{key}", None)
                            for key in before if key not in told]
                if told != before or stored[1] != version:
                    updates.append(MatchResult(enterprise_id=enterprise_id, document_key=document_key,
                                               document_version=version, eligible=told))
        for (enterprise_id, document_key), (pk, _version, before) in previous.items():   # eligible for none now
            gone.append(pk)
            changes += [("no_longer", enterprise_id, f"{document_key}/{key}", None) for key in before]
        lost = {key for change, _, key, _ in changes if change == "no_longer"} - incentives.keys()
        incentives = {**_incentives_by_key(lost), **incentives}
        changes = [change for change in changes if change[2] in incentives]    # an incentive since removed: unsaid
        if gone:
            MatchResult.objects.filter(pk__in=gone).delete()
        _insert(inserts)
        if updates:
            MatchResult.objects.bulk_create(updates, batch_size=2000, update_conflicts=True,
                                            unique_fields=["enterprise", "document_key"],
                                            update_fields=["document_version", "eligible", "updated_at"])
        _notify(changes, incentives)
    return len(ids)


def _stored(ids: list[int], document_keys: set[str]) -> dict[tuple[int, str], tuple[int, int, dict]]:
    """What these enterprises were last told under these documents: (row id, version, {incentive key: amount text})."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":       # one array parameter, not one per id
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT enterprise_id, document_key, id, document_version, eligible::text FROM "
                           f"{MatchResult._meta.db_table} WHERE enterprise_id = ANY(%s) AND document_key = ANY(%s)",
                           [list(ids), sorted(document_keys)])
            rows = [(e, d, pk, v, json.loads(eligible)) for e, d, pk, v, eligible in cursor.fetchall()]
    else:
        rows = MatchResult.objects.filter(enterprise_id__in=ids, document_key__in=sorted(document_keys)).values_list(
            "enterprise_id", "document_key", "pk", "document_version", "eligible")
    return {(enterprise_id, document_key): (pk, version, eligible)
            for enterprise_id, document_key, pk, version, eligible in rows}


def _incentives_by_key(keys: set[str]) -> dict[str, Incentive]:
    """Current incentives by stable key (those of a region no enterprise of the chunk is in any more: rare)."""
    if not keys:
        return {}
    found: dict[str, Incentive] = {}
    for document_key, key in (k.split("/", 1) for k in keys):
        incentive = (Incentive.objects.filter(document__key=document_key, document__is_current=True, key=key)
                     .select_related("document").only("id", "key", "name", "document__key", "document__title",
                                                      "document__version").first())
        if incentive is not None:
            found[incentive.stable_key] = incentive
    return found


def _copy_text(value: str) -> str:
    """A value for COPY's text format: backslash, tab and line breaks escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert(rows: list[tuple[int, str, int, dict[str, str | None]]]) -> None:
    """New results: by COPY on PostgreSQL (the first match of a catalogue writes a row per enterprise and
    document), else in bulk."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        MatchResult.objects.bulk_create([MatchResult(enterprise_id=e, document_key=d, document_version=v,
                                                     eligible=told) for e, d, v, told in rows],
                                        batch_size=2000)
        return
    stamp = timezone.now().isoformat()
    buffer = io.StringIO()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    buffer.writelines(f"{e}\t{_copy_text(d)}\t{v}\t{_copy_text(dumps(told))}\t{stamp}\n"
                      for e, d, v, told in rows)
    buffer.seek(0)
    table = MatchResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} (enterprise_id, document_key, document_version, eligible, updated_at) "
                           "FROM STDIN WITH (FORMAT text)", buffer)


def _members(enterprise_ids: list[int]) -> list[tuple[int, int]]:
    """(enterprise, user) of the members of these enterprises: a chunk's ten thousand as one array on PostgreSQL."""
    if connection.vendor != "postgresql":
        return list(Membership.objects.filter(enterprise_id__in=enterprise_ids).values_list("enterprise_id", "user_id"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT enterprise_id, user_id FROM {Membership._meta.db_table} WHERE enterprise_id = ANY(%s)",
                       [enterprise_ids])
        return cursor.fetchall()


def _notify(changes: list[tuple[str, int, str, str | None]], incentives: dict[str, Incentive]) -> None:
    """One notification per change and member of the enterprise (not those who turned these off); keyed so that a
    chunk run twice notifies once."""
    if not changes:
        return
    enterprise_ids = sorted({enterprise_id for _, enterprise_id, _, _ in changes})
    members: dict[int, list[int]] = {}
    for enterprise_id, user_id in _members(enterprise_ids):
        members.setdefault(enterprise_id, []).append(user_id)
    if not members:
        return
    muted = set(NotificationPreference.objects.filter(
        user_id__in=[u for users in members.values() for u in users], kind=NotificationKind.POLICY_MATCH,
        enabled=False).values_list("user_id", flat=True))
    notifications = []
    for change, enterprise_id, key, amount in changes:
        users = [user_id for user_id in members.get(enterprise_id, []) if user_id not in muted]
        if not users:
            continue
        incentive = incentives[key]
        subject, body = _message(change, incentive, amount)
        url = reverse("incentives:incentive_detail", args=[incentive.document.key, incentive.key])
        notifications += [Notification(
            key=f"match:{key}:v{incentive.document.version}:{change}:{enterprise_id}:{user_id}",
            recipient_id=user_id, kind=NotificationKind.POLICY_MATCH, subject=subject[:200], body=body,
            url=url) for user_id in users]
    if notifications:
        Notification.objects.bulk_create(notifications, batch_size=2000, ignore_conflicts=True)
        transaction.on_commit(outbox_wake)
