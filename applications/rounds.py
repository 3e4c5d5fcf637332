"""What makes a round openable: incentives of current, applicable documents of one city (no writes)."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from incentives.models import Incentive, PolicyDocument


def round_problems(incentives: list[Incentive], *, transitional_basis: str, on: dt.date) -> list[str]:
    """Why these incentives cannot be opened together in a round on this day; empty if they can."""
    problems = []
    if not incentives:
        return [_("请至少选择一个激励项目。")]
    regions = {incentive.document.region for incentive in incentives}
    if len(regions) > 1:
        problems.append(_("一个批次只能包含同一城市的激励项目（所选项目来自：%(r)s）。") % {
            "r": "、".join(sorted({i.document.region_name for i in incentives}))})
    for incentive in incentives:
        document = incentive.document
        if not document.is_current:
            problems.append(_("《%(t)s》不是当前版本，不能用于开放申报：%(n)s。") % {"t": document.title, "n": incentive.name})
            continue
        status = document.status_on(on)
        if status == PolicyDocument.Status.DRAFT:
            problems.append(_("《%(t)s》是征求意见稿，尚未施行，不能开放申报：%(n)s。") % {"t": document.title, "n": incentive.name})
        elif status == PolicyDocument.Status.EXPIRED and not transitional_basis.strip():
            problems.append(_("《%(t)s》已于 %(d)s 失效：开放申报须填写“过渡期依据”（如文件有效期内已完成的项目）。") % {
                "t": document.title, "d": document.effective_to or "—"})
        elif status == "not_yet":
            problems.append(_("《%(t)s》尚未施行（%(d)s 起施行）。") % {"t": document.title, "d": document.effective_from})
    return problems


def documents_required_of(incentives: list[Incentive]) -> dict:
    """The documents the policy data lists for each incentive, keyed as the round stores them."""
    return {"common": [], "by_incentive": {f"{i.document.key}/{i.key}": list(i.documents_required or [])
                                           for i in incentives}}


def documents_text(required: dict, names: dict[str, str] | None = None) -> str:
    """The round's documents as administrators edit them: common lines first, then a [key] heading per incentive."""
    names = names or {}
    lines = list(required.get("common", []))
    for key, docs in required.get("by_incentive", {}).items():
        lines.append(f"[{key}] {names.get(key, '')}".rstrip())
        lines.extend(docs)
    return "\n".join(lines)


def documents_parse(text: str, known_keys: set[str]) -> tuple[dict, list[str]]:
    """Read the edited text back; a heading naming no incentive of the round is a problem, said by its line."""
    required: dict = {"common": [], "by_incentive": {}}
    problems: list[str] = []
    current: list[str] = required["common"]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("["):
            key = line[1:line.find("]")] if "]" in line else ""
            if key not in known_keys:
                problems.append(_("第%(n)d行：[%(key)s] 不是本批次所选项目的代码。") % {"n": number, "key": key})
                current = []
                continue
            current = required["by_incentive"].setdefault(key, [])
        elif line not in current:
            current.append(line)
    return required, problems
