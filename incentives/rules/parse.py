"""Build rule values from the plain data of a fixture file, naming the place of every error."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from .figures import MONEY, PERCENT, Figure, FigureError, parse_figure
from .model import (
    CAP_SCOPES,
    COMPARISONS,
    NUMERIC_TYPES,
    ALWAYS,
    AllOf,
    AmountRule,
    AnyOf,
    Cap,
    Case,
    Cases,
    Compare,
    CostShare,
    Condition,
    FactSpec,
    FactType,
    Fixed,
    Installment,
    Installments,
    Modifiers,
    NoAmount,
    Not,
    PerUnit,
    Rate,
)


class RuleError(ValueError):
    """A rule that cannot be read; `path` says where, `message` what is wrong (in Chinese)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _figure(raw: object, path: str) -> Figure:
    try:
        return parse_figure(raw)
    except FigureError as exc:
        raise RuleError(path, str(exc)) from None


def _mapping(raw: object, path: str, what: str) -> Mapping:
    if not isinstance(raw, Mapping):
        raise RuleError(path, f"{what}应为一个映射（键: 值），这里是“{raw!r}”")
    return raw


def _no_unknown_keys(raw: Mapping, allowed: set[str], path: str) -> None:
    for key in raw:
        if key not in allowed:
            hint = ""
            if raw[key] is None and not str(key).isascii():
                hint = ("。提示：“{key}”像是一段文字的后半截——{{…}} 里的半角逗号“,”会把文字切开，"
                        "请把含逗号的文字加引号，或改用全角逗号“，”").format(key=key)
            raise RuleError(f"{path}.{key}", f"不认识的字段“{key}”，可用的字段：{', '.join(sorted(allowed))}{hint}")


def _fact(key: object, facts: Mapping[str, FactSpec], path: str) -> FactSpec:
    spec = facts.get(key) if isinstance(key, str) else None
    if spec is None:
        raise RuleError(path, f"未知的事实项“{key}”（须在 facts.yaml 或本文件的 facts 中定义）")
    return spec


def parse_condition(raw: object, facts: Mapping[str, FactSpec], path: str) -> Condition:
    """Read a condition: {fact, <op>: value}, {all: [...]}, {any: [...]} or {not: ...}."""
    if raw is None:
        return ALWAYS
    node = _mapping(raw, path, "条件")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        _no_unknown_keys(node, {key, "quote", "label", "clause"}, path)
        items = node[key]
        if not isinstance(items, list) or not items:
            raise RuleError(f"{path}.{key}", f"“{key}”应为一个非空的条件列表")
        parsed = tuple(parse_condition(item, facts, f"{path}.{key}[{i}]") for i, item in enumerate(items))
        return AllOf(parsed) if key == "all" else AnyOf(parsed)
    if "not" in node:
        _no_unknown_keys(node, {"not", "quote", "label", "clause"}, path)
        return Not(parse_condition(node["not"], facts, f"{path}.not"))
    if "fact" not in node:
        raise RuleError(path, "条件应含“fact”（及一个比较，如 eq、gte），或为 all / any / not")
    ops = [key for key in node if key in COMPARISONS]
    _no_unknown_keys(node, {"fact", "quote", "label", "clause", *COMPARISONS}, path)
    if len(ops) != 1:
        raise RuleError(path, f"条件应恰好有一个比较（{', '.join(COMPARISONS)}），这里有 {len(ops)} 个")
    op = ops[0]
    key = node["fact"]
    spec = _fact(key, facts, f"{path}.fact")
    if spec.per_project:
        raise RuleError(f"{path}.fact", f"“{key}”每个项目各有一个值，只能作为金额的计算基数，不能用于条件")
    common = {"quote": str(node.get("quote", "") or ""), "label": str(node.get("label", "") or ""),
              "clause": str(node.get("clause", "") or "")}
    computed = [(key, spec.compute)] if spec.compute else []
    target = node[op]
    if isinstance(target, Mapping):          # {fact: a, gte: {fact: b}}: one fact against another
        _no_unknown_keys(target, {"fact"}, f"{path}.{op}")
        other = _fact(target.get("fact"), facts, f"{path}.{op}.fact")
        if op in ("in", "not_in"):
            raise RuleError(f"{path}.{op}", "两个事实项之间只能用 eq、ne、gt、gte、lt、lte 比较")
        numeric = spec.type in NUMERIC_TYPES and other.type in NUMERIC_TYPES
        if not (numeric or spec.type == other.type == FactType.DATE) or (numeric and (spec.type, spec.unit) != (other.type, other.unit)):
            raise RuleError(f"{path}.{op}.fact", f"“{key}”与“{other.key}”的类型或单位不同，不能相互比较")
        if other.per_project:
            raise RuleError(f"{path}.{op}.fact", f"“{other.key}”每个项目各有一个值，不能用于条件")
        if other.compute:
            computed.append((other.key, other.compute))
        return Compare(fact=key, op=op, value=None, other=other.key, computed=tuple(computed), **common)
    value, figure = _compare_value(target, op, spec, f"{path}.{op}")
    return Compare(fact=key, op=op, value=value, figure=figure, computed=tuple(computed), **common)


def _compare_value(raw: object, op: str, spec: FactSpec, path: str) -> tuple[object, Figure | None]:
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            raise RuleError(path, f"“{op}”后应为一个非空列表")
        return tuple(_compare_value(item, "eq", spec, f"{path}[{i}]")[0] for i, item in enumerate(raw)), None
    if spec.type == FactType.BOOL:
        if not isinstance(raw, bool):
            raise RuleError(path, f"事实项“{spec.key}”是是/否题，应与 true 或 false 比较")
        if op not in ("eq", "ne"):
            raise RuleError(path, f"是/否题“{spec.key}”只能用 eq 或 ne 比较")
        return raw, None
    if spec.type == FactType.CHOICE:
        if raw not in spec.choices:
            raise RuleError(path, f"“{raw}”不是事实项“{spec.key}”的可选值（{', '.join(spec.choices)}）")
        if op not in ("eq", "ne"):
            raise RuleError(path, f"选择题“{spec.key}”只能用 eq、ne、in 或 not_in 比较")
        return raw, None
    if spec.type == FactType.DATE:
        return str(raw), None
    figure = _figure(raw, path)
    if figure.per:
        raise RuleError(path, f"“{raw}”是单价，条件中应与“{spec.key}”同一单位的数字比较")
    expected = {FactType.MONEY: MONEY, FactType.PERCENT: PERCENT}.get(spec.type, spec.unit)
    if figure.unit and figure.unit != expected:
        raise RuleError(path, f"“{raw}”的单位与事实项“{spec.key}”的单位（{expected or '无'}）不一致")
    if not figure.unit and spec.type in (FactType.MONEY, FactType.PERCENT):
        raise RuleError(path, f"“{raw}”缺少单位，请照条文写成如“1000万元”或“20%”")
    return figure.value, figure


def _installments(raw: object, path: str) -> Installments:
    """{quote, schedule: [{share: "30%", when: 项目开工后}, ...]}; a bare string is the quote alone."""
    if not raw:
        return Installments()
    if isinstance(raw, str):
        return Installments(quote=raw)
    node = _mapping(raw, path, "分期兑付")
    _no_unknown_keys(node, {"quote", "schedule"}, path)
    quote = node.get("quote")
    if not isinstance(quote, str) or not quote:
        raise RuleError(f"{path}.quote", "分期兑付须引用条文原句（quote）")
    items = node.get("schedule", []) or []
    if not isinstance(items, list):
        raise RuleError(f"{path}.schedule", "schedule 应为列表，每期一项")
    schedule = []
    for i, item in enumerate(items):
        here = f"{path}.schedule[{i}]"
        item = _mapping(item, here, "一期兑付")
        _no_unknown_keys(item, {"share", "when"}, here)
        share = None
        if item.get("share") is not None:
            share = _figure(item["share"], f"{here}.share")
            if share.unit != PERCENT or not 0 < share.value <= 100:
                raise RuleError(f"{here}.share", f"“{item['share']}”应为不超过100%的比例，如“30%”")
        when = item.get("when", "")
        if not isinstance(when, str):
            raise RuleError(f"{here}.when", "when 应为文字，照条文写兑付的时间或条件")
        schedule.append(Installment(share, when))
    shares = [step.share for step in schedule]
    if shares and all(share is not None for share in shares) and sum(s.value for s in shares) != 100:
        raise RuleError(f"{path}.schedule", f"各期比例合计为{format(sum(s.value for s in shares).normalize(), 'f')}%，应为100%")
    if any(share is not None for share in shares) and not all(share is not None for share in shares):
        raise RuleError(f"{path}.schedule", "各期比例要么都写（share），要么都不写（条文未规定每期比例）")
    return Installments(quote=quote, schedule=tuple(schedule))


def _modifiers(node: Mapping, path: str) -> Modifiers:
    up_to = node.get("up_to", False)
    if not isinstance(up_to, bool):
        raise RuleError(f"{path}.up_to", "up_to 应为 true 或 false")
    floor = _money(node["floor"], f"{path}.floor") if node.get("floor") is not None else None
    caps_raw = node.get("caps", []) or []
    if not isinstance(caps_raw, list):
        raise RuleError(f"{path}.caps", "caps 应为列表")
    caps = []
    for i, cap in enumerate(caps_raw):
        cap_path = f"{path}.caps[{i}]"
        cap = _mapping(cap, cap_path, "封顶")
        _no_unknown_keys(cap, {"value", "per", "quote"}, cap_path)
        if "value" not in cap:
            raise RuleError(cap_path, "封顶缺少 value")
        per = cap.get("per", "award")
        if per not in CAP_SCOPES:
            raise RuleError(f"{cap_path}.per", f"“{per}”不是封顶范围，可用：{', '.join(CAP_SCOPES)}")
        caps.append(Cap(_money(cap["value"], f"{cap_path}.value"), per))
    clause = node.get("clause", "") or ""
    if not isinstance(clause, str):
        raise RuleError(f"{path}.clause", "clause 应为本文件中一个条款的编号（文字）")
    return Modifiers(up_to=up_to, floor=floor, caps=tuple(caps),
                     installments=_installments(node.get("installments"), f"{path}.installments"),
                     quote=str(node.get("quote", "") or ""), clause=clause)


def _money(raw: object, path: str) -> Figure:
    figure = _figure(raw, path)
    if figure.unit != MONEY or figure.per:
        raise RuleError(path, f"“{raw}”应为金额（如“100万元”“1亿元”）")
    return figure


def _base(node: Mapping, facts: Mapping[str, FactSpec], path: str) -> FactSpec:
    key = node.get("base")
    if key is None:
        raise RuleError(path, "缺少计算基数 base（一个金额类事实项）")
    spec = _fact(key, facts, f"{path}.base")
    if spec.type not in NUMERIC_TYPES:
        raise RuleError(f"{path}.base", f"计算基数“{key}”应为数值类事实项，这里是 {spec.type.value}")
    return spec


_COMMON = {"type", "up_to", "floor", "caps", "installments", "quote", "clause"}
_FIELDS = {
    "fixed": {"value"},
    "rate": {"base", "rate", "ratio"},
    "per_unit": {"base", "per", "value"},
    "cases": {"cases"},
    "cost_share": {"split", "parties", "base", "of"},
    "none": set(),
}


def parse_amount(raw: object, facts: Mapping[str, FactSpec], path: str = "amount") -> AmountRule:
    """Read an amount rule: fixed, rate, per_unit, cases or none, with its modifiers."""
    if raw is None:
        return NoAmount()
    node = _mapping(raw, path, "金额规则")
    kind = node.get("type")
    if kind not in _FIELDS:
        raise RuleError(f"{path}.type", f"金额规则类型“{kind}”不认识，可用：{', '.join(_FIELDS)}")
    _no_unknown_keys(node, _COMMON | _FIELDS[kind], path)
    mods = _modifiers(node, path)
    if kind != "none" and not mods.quote:
        raise RuleError(f"{path}.quote", "金额规则须引用条文原句（quote）")
    if kind == "fixed":
        if "value" not in node:
            raise RuleError(path, "fixed 规则缺少 value")
        return Fixed(_money(node["value"], f"{path}.value"), mods)
    if kind == "rate":
        if ("rate" in node) == ("ratio" in node):
            raise RuleError(path, "rate 规则应有 rate（如“20%”）或 ratio（如“1:1”）之一")
        key = "rate" if "rate" in node else "ratio"
        rate = _figure(node[key], f"{path}.{key}")
        if key == "rate" and rate.unit != PERCENT:
            raise RuleError(f"{path}.rate", f"比例“{node[key]}”应写成百分数，如“20%”")
        if key == "ratio" and not rate.ratio:
            raise RuleError(f"{path}.ratio", f"“{node[key]}”应写成“1:1”这样的比例")
        if rate.value <= 0 or (key == "rate" and rate.value > 100):
            raise RuleError(f"{path}.{key}", f"比例“{node[key]}”应大于0且不超过100%")
        base = _base(node, facts, path)
        return Rate(base.key, rate, mods, computed=base.compute, per_project=base.per_project)
    if kind == "per_unit":
        if "value" not in node:
            raise RuleError(path, "per_unit 规则缺少 value")
        value = _figure(node["value"], f"{path}.value")
        if value.unit != MONEY:
            raise RuleError(f"{path}.value", f"“{node['value']}”应为金额（如“10万元”）或单价（如“2万元/人”“50元/吨”）")
        base = _base(node, facts, path)
        if value.per:                       # "2万元/人": per one unit of the base
            if "per" in node:
                raise RuleError(f"{path}.per", f"“{node['value']}”已写明按{value.per}计，不要再写 per")
            if (base.unit or "") != value.per:
                raise RuleError(f"{path}.value", f"“{node['value']}”按{value.per}计，计算基数“{base.key}”的单位却是“{base.unit or '无'}”")
            per = Figure(f"1{value.per}", Decimal(1), value.per)
        else:
            if "per" not in node:
                raise RuleError(path, "per_unit 规则缺少 per（如“1亿元”），或把 value 写成单价（如“2万元/人”）")
            per = _figure(node["per"], f"{path}.per")
            if per.value <= 0:
                raise RuleError(f"{path}.per", "计量单位应大于0")
        return PerUnit(base.key, per, value, mods, computed=base.compute, per_project=base.per_project)
    if kind == "cases":
        items = node.get("cases")
        if not isinstance(items, list) or not items:
            raise RuleError(f"{path}.cases", "cases 应为非空列表")
        cases = []
        for i, item in enumerate(items):
            case_path = f"{path}.cases[{i}]"
            item = _mapping(item, case_path, "分档")
            _no_unknown_keys(item, {"when", "amount"}, case_path)
            if "amount" not in item:
                raise RuleError(case_path, "分档缺少 amount")
            cases.append(Case(parse_condition(item.get("when"), facts, f"{case_path}.when"),
                              parse_amount(item["amount"], facts, f"{case_path}.amount")))
        return Cases(tuple(cases), mods)
    if kind == "cost_share":
        split, parties = node.get("split"), node.get("parties")
        parts = str(split or "").replace("：", ":").split(":")
        try:
            figures = tuple(_figure(part, f"{path}.split") for part in parts)
        except RuleError:
            figures = ()
        if len(figures) < 2 or any(f.unit or f.value <= 0 for f in figures):
            raise RuleError(f"{path}.split", f"“{split}”应照条文写成“7:3”这样的分担比例")
        if not isinstance(parties, list) or len(parties) != len(figures) or not all(isinstance(p, str) and p for p in parties):
            raise RuleError(f"{path}.parties", f"parties 应按 split 的顺序列出{len(figures)}个分担方，如 [企业, 市财政]（最后一方为出资的政府一方）")
        base = _base(node, facts, path).key if node.get("base") else ""
        of = node.get("of", "") or ""
        if not isinstance(of, str):
            raise RuleError(f"{path}.of", "of 应为文字：照条文写分担的是什么费用，如“办学费用”")
        return CostShare(figures, tuple(parties), base, mods, of)
    return NoAmount(mods)


def decimal_or_none(value: object) -> Decimal | None:
    """Coerce a fact value to Decimal where it is a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
    return None
