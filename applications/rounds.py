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


def documents_required_of(incentives: list[Incentive]) -> list[str]:
    """The documents the policy data lists for these incentives, each once, in order."""
    seen: list[str] = []
    for incentive in incentives:
        for doc in incentive.documents_required or []:
            if doc not in seen:
                seen.append(doc)
    return seen
