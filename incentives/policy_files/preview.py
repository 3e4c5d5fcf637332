"""What the portal will show for every incentive of a policy file, before the file is loaded."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from incentives.rules.describe import describe_amount, describe_condition
from incentives.rules.model import ALWAYS, AllOf, AnyOf, Cases, Compare, FactSpec, NoAmount, Not, PerUnit, Rate
from incentives.rules.parse import parse_amount, parse_condition
from incentives.rules.text import clause_label

from .reader import FileReport, PolicyData

NOT_STATED = "文件未载明"

KIND_LABELS = {
    "one_time_reward": "一次性奖励", "rate_with_cap": "按比例资助（封顶）", "tiered": "分档奖励", "matching": "配套奖励",
    "interest_subsidy": "贴息", "loan_or_guarantee": "融资、担保服务", "fee_reduction": "费用、租金减免",
    "priority_support": "优先支持、非资金支持",
}
BENEFICIARY_LABELS = {"enterprise": "企业", "park": "园区", "institution": "机构", "person": "个人", "organisation": "组织"}
STATUS_LABELS = {"in_force": "现行有效", "draft": "征求意见稿", "expired": "已失效"}


@dataclass
class IncentivePreview:
    key: str
    name: str
    citation: str                     # 江门市·第9条
    kind: str
    beneficiary: str
    summary: str
    conditions: list[str]
    amount: str
    quotes: list[tuple[str, str]]     # (where, passage)
    window: str = ""
    excludes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class DocumentPreview:
    file: str
    title: str
    metadata: list[tuple[str, str]]
    incentives: list[IncentivePreview]
    warnings: list[str]


def _quotes(node, clause: str, found: list[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        clause = node.get("clause") or clause
        for key in ("quote",):
            if isinstance(node.get(key), str) and node[key]:
                found.append((clause, node[key]))
        for key, value in node.items():
            if key != "quote":
                _quotes(value, clause, found)
    elif isinstance(node, list):
        for item in node:
            _quotes(item, clause, found)


def _leaves(condition):
    if isinstance(condition, Compare):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf)):
        for item in condition.items:
            yield from _leaves(item)
    elif isinstance(condition, Not):
        yield from _leaves(condition.item)


def _warnings(raw: dict, condition, amount, specs: Mapping[str, FactSpec]) -> list[str]:
    found = []
    if condition == ALWAYS:
        found.append("条文未规定申请条件：本市所有申请对象都会被判为符合")
    for leaf in _leaves(condition):
        if not leaf.quote and not leaf.label:
            found.append(f"条件“{leaf.fact}”没有引用条文原文（quote）")
    if isinstance(amount, NoAmount) and not amount.mods.caps and raw["kind"] not in ("priority_support", "loan_or_guarantee", "fee_reduction"):
        found.append("条文未规定具体金额")
    rules = [amount] + ([case.amount for case in amount.cases] if isinstance(amount, Cases) else [])
    for rule in rules:
        if isinstance(rule, (Rate, PerUnit)) and rule.mods.floor is not None:
            found.append(f"有下限“不低于{rule.mods.floor.text}”：按比例计算结果低于下限时按下限显示，并提示核定")
        if isinstance(rule, (Rate, PerUnit)) and not rule.mods.caps and rule.mods.up_to:
            found.append("“最高/不超过”是比例的上限，条文没有金额封顶")
    return found


def preview_report(report: FileReport, specs: Mapping[str, FactSpec]) -> DocumentPreview | None:
    """The preview of a file that validated; None for a facts file or a file with problems."""
    data = report.data
    if not isinstance(data, PolicyData):
        return None
    doc = data.document
    city = specs.get("city")
    region = city.choice_label(doc["region"]) if city is not None else doc["region"]
    status = STATUS_LABELS.get(doc["status"], doc["status"])
    if doc.get("status_basis"):
        status += f"（依据：{doc['status_basis']}）"
    term = (f"{doc.get('effective_from') or NOT_STATED} 至 {doc.get('effective_to') or '文件未载明终止日期'}"
            if doc.get("effective_from") or doc.get("effective_to") else "文件未载明施行日期和有效期")
    metadata = [
        ("地区", region), ("标题", doc["title"]), ("发文机关", doc.get("issuer") or NOT_STATED),
        ("文号", doc.get("number") or NOT_STATED), ("印发日期", doc.get("issued_on") or NOT_STATED),
        ("有效期", term + (f"（原文：{doc['effective_quote']}）" if doc.get("effective_quote") else "")),
        ("状态", status), ("条款", f"{len(data.clauses)} 条"), ("激励项目", f"{len(data.incentives)} 项"),
    ]
    by_number = {c["number"]: c for c in data.clauses}
    keys = {raw["key"]: raw["name"] for raw in data.incentives}
    previews = []
    for raw in data.incentives:
        condition = parse_condition(raw.get("eligibility"), specs, "eligibility")
        amount = parse_amount(raw.get("amount"), specs, "amount")
        quotes: list[tuple[str, str]] = []
        _quotes(raw.get("eligibility"), raw["clause"], quotes)
        _quotes(raw.get("amount"), raw["clause"], quotes)
        window = raw.get("window") or {}
        window_text = ""
        if window:
            window_text = f"{window.get('from') or '—'} 至 {window.get('to') or '—'}"
            if window.get("quote"):
                window_text += f"（原文：{window['quote']}）"
                quotes.append((raw["clause"], window["quote"]))
        previews.append(IncentivePreview(
            key=raw["key"], name=raw["name"], citation=f"{region}·{clause_label(raw['clause'])}",
            kind=KIND_LABELS.get(raw["kind"], raw["kind"]),
            beneficiary=BENEFICIARY_LABELS.get(raw["beneficiary"], raw["beneficiary"]), summary=raw["summary"],
            conditions=[f"企业注册地：{region}"] + describe_condition(condition, specs),
            amount=describe_amount(amount, specs),
            quotes=[(f"{region}·{clause_label(number)}" if number in by_number else number, text)
                    for number, text in quotes],
            window=window_text, excludes=[f"{keys.get(k, k)}（{k}）" for k in raw.get("excludes", []) or []],
            warnings=_warnings(raw, condition, amount, specs),
        ))
    return DocumentPreview(report.file, doc["title"], metadata, previews, list(report.warnings))


def preview_text(preview: DocumentPreview) -> str:
    """The preview as plain text for the shell."""
    lines = [f"== {preview.file}：《{preview.title}》"]
    lines += [f"  {label}：{value}" for label, value in preview.metadata]
    lines += [f"  注意 {warning}" for warning in preview.warnings]
    for item in preview.incentives:
        lines += ["", f"【{item.name}】 {item.key} · {item.citation} · {item.kind} · 申请对象：{item.beneficiary}",
                  f"  摘要：{item.summary}", "  条件："]
        lines += [f"    - {line}" for line in item.conditions]
        lines.append(f"  金额：{item.amount}")
        if item.window:
            lines.append(f"  申报期：{item.window}")
        if item.excludes:
            lines.append(f"  不可同时享受：{'、'.join(item.excludes)}")
        lines += [f"  引文 {where}：{text}" for where, text in item.quotes]
        lines += [f"  注意：{warning}" for warning in item.warnings]
    return "\n".join(lines)
