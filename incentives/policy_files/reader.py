"""Read policy and facts fixture files, and say precisely what is wrong with them."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import jsonschema
import yaml

from incentives.rules.figures import figure_in_text, normalize
from incentives.rules.model import (
    COMPUTE_OPS,
    NUMERIC_TYPES,
    Cases,
    Computed,
    CostShare,
    FactSpec,
    FactType,
    Fixed,
    NoAmount,
    PerUnit,
    Rate,
    condition_figures,
    money_figures,
)
from incentives.rules.parse import RuleError, parse_amount, parse_condition
from incentives.rules.text import clause_label

from . import yamlio

SCHEMA_PATH = Path(__file__).with_name("schema.json")
MIN_COVERAGE = 0.9


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where, and what, in words an administrator understands."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"


@dataclass
class FactsData:
    file: str
    facts: list[dict]
    digest: str


@dataclass
class PolicyData:
    file: str
    document: dict
    departments: list[dict]
    facts: list[dict]
    clauses: list[dict]
    incentives: list[dict]
    digest: str           # of the content, so a reformatted file is not a new version


@dataclass
class FileReport:
    file: str
    data: FactsData | PolicyData | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    specs: dict[str, FactSpec] = field(default_factory=dict)   # the facts the file declares, as they will stand

    @property
    def ok(self) -> bool:
        return not self.problems


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_TYPE_NAMES = {"string": "文字", "object": "映射（键: 值）", "array": "列表", "integer": "整数", "null": "空",
               "boolean": "true/false", "number": "数字"}


def _schema_message(error: jsonschema.ValidationError) -> tuple[str, str]:
    """Put a schema error in an administrator's words, with the path of the offending field."""
    path = _path(error.absolute_path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return path, f"缺少必填字段“{missing[0] if missing else expected}”"
    if kind == "additionalProperties":
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        return _path([*error.absolute_path, extra[0]]) if extra else path, f"不认识的字段“{', '.join(extra)}”"
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return path, f"应为{'或'.join(_TYPE_NAMES.get(t, t) for t in wanted)}，这里是“{instance!r}”"
    if kind == "enum":
        return path, f"“{instance}”不是可用的值，可用：{', '.join(map(str, expected))}"
    if kind == "const":
        return path, f"应为 {expected}，这里是“{instance}”"
    if kind == "pattern":
        return path, f"“{instance}”格式不对：只能用小写英文字母、数字、“-”和“_”"
    if kind == "format":
        return path, f"“{instance}”不是日期（应写成 2023-04-29）"
    if kind in ("minLength", "minItems"):
        return path, "不能为空"
    if kind == "maxLength":
        return path, f"太长：最多 {expected} 个字，这里有 {len(instance)} 个"
    return path, error.message


def _plain(value):
    """Turn YAML dates into ISO strings so that the data is JSON-safe and the schema sees strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# Lone surrogates are not Unicode text (they cannot be encoded); control characters other than tab and
# line breaks have no place in a policy, and PostgreSQL refuses NUL outright.
_UNSTORABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text_problem(text: str) -> str | None:
    """Why a string cannot be stored, or None."""
    match = _UNSTORABLE.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"含有不成对的代理字符（U+{code:04X}），不是有效的 Unicode 文字"
    return f"含有不允许的控制字符（U+{code:04X}）"


def _bad_text(value, path: tuple = ()):
    """Every key that is not text, and every text that could not be stored, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield _path(path) or "顶层", f"键“{key}”应为文字（数字、日期和 true/false 作键时请加引号）"
                continue
            problem = _text_problem(key)
            if problem:
                yield _path(path) or "顶层", f"键{problem}"
                continue
            yield from _bad_text(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _bad_text(item, (*path, i))
    elif isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            yield _path(path), problem


def digest_of(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fact_spec(raw: Mapping) -> FactSpec:
    compute = raw.get("compute") or None
    computed = None
    if isinstance(compute, Mapping) and len(compute) == 1:
        (op, inputs), = compute.items()
        computed = Computed(op, tuple(inputs))
    return FactSpec(key=raw["key"], type=FactType(raw["type"]), unit=raw.get("unit", "") or "",
                    choices=tuple(c["value"] for c in raw.get("choices", []) or []), label=raw.get("label", ""),
                    choice_labels=tuple((c["value"], c["label"]) for c in raw.get("choices", []) or []),
                    compute=computed, growth=bool(raw.get("growth")) or (computed is not None and computed.op == "growth"),
                    per_project=bool(raw.get("per_project")))


# What a kind of incentive promises, and the amount rules that can say it (docs/fixture-format.md).
KIND_AMOUNTS = {
    "one_time_reward": (Fixed, PerUnit, Cases, NoAmount),
    "rate_with_cap": (Rate, PerUnit, Cases, CostShare, NoAmount),
    "tiered": (Cases,),
    "matching": (Rate, Fixed, Cases),
    "interest_subsidy": (Rate, Fixed, Cases, NoAmount),
    "loan_or_guarantee": (NoAmount, Rate, Fixed),
    "fee_reduction": (NoAmount, Rate, Fixed, PerUnit, Cases),
    "priority_support": (NoAmount,),
}
_RULE_NAMES = {Fixed: "fixed", Rate: "rate", PerUnit: "per_unit", Cases: "cases", CostShare: "cost_share",
               NoAmount: "none"}


def _where(number: str) -> str:
    """第9条, （十）, 第三条: a clause named as the text numbers it."""
    return clause_label(number)


class _Checker:
    """Collects the problems of one file; every check names the place it looked at."""

    def __init__(self, file: str, known_facts: Mapping[str, FactSpec], known_departments: set[str]):
        self.file = file
        self.facts = dict(known_facts)
        self.departments = set(known_departments)
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    # facts ---------------------------------------------------------------
    def check_facts(self, facts: list[dict], path: str = "facts", *, facts_file: bool = False, own_prefix: str = "") -> None:
        """Check declared facts. A policy file may add choices to a fact already known (a new city) but never
        change its type, unit or label, nor drop or relabel its choices: that takes the facts file, and what
        the facts file changes is listed before anything is loaded."""
        seen: set[str] = set()
        for i, raw in enumerate(facts):
            here = f"{path}[{i}]"
            key = raw["key"]
            if key in seen:
                self.problem(f"{here}.key", f"事实项“{key}”在本文件中重复定义")
                continue
            seen.add(key)
            kind = raw["type"]
            if kind == "choice" and not raw.get("choices"):
                self.problem(here, f"选择题“{key}”须列出 choices")
            if kind != "choice" and raw.get("choices"):
                self.problem(f"{here}.choices", f"只有选择题（type: choice）才能有 choices，“{key}”是 {kind}")
            if kind == "money" and raw.get("unit", "万元") not in ("万元", ""):
                self.problem(f"{here}.unit", "金额类事实项一律以万元计（unit: 万元）")
            if raw.get("growth") and kind != "percent":
                self.problem(f"{here}.growth", f"只有百分比（type: percent）才能标为增长率，“{key}”是 {kind}")
            if raw.get("per_project") and kind not in ("money", "number", "integer"):
                self.problem(f"{here}.per_project", f"每个项目一个值（per_project）只适用于金额或数量，“{key}”是 {kind}")
            values = [c["value"] for c in raw.get("choices", []) or []]
            if len(values) != len(set(values)):
                self.problem(f"{here}.choices", f"选择题“{key}”的可选值有重复")
            spec = fact_spec(raw)
            if spec.compute is not None:
                self._check_compute(spec, raw, here)
            known = self.facts.get(key)
            if known is not None:
                spec = self._shared(known, spec, raw, here, facts_file or bool(own_prefix and key.startswith(own_prefix)))
                if spec is None:
                    continue
            self.facts[key] = spec

    def _check_compute(self, spec: FactSpec, raw: dict, here: str) -> None:
        op, inputs = spec.compute.op, spec.compute.inputs
        where = f"{here}.compute.{op}"
        if op not in COMPUTE_OPS:  # pragma: no cover - the schema admits only these
            self.problem(where, f"不认识的计算“{op}”，可用：{', '.join(COMPUTE_OPS)}")
            return
        if op in ("difference", "growth") and len(inputs) != 2:
            self.problem(where, f"{op} 须恰好列出两个事实项：[本期, 上期]")
            return
        if raw.get("per_project"):
            self.problem(f"{here}.per_project", "计算得出的事实项不能按项目分别填写")
        found = []
        for j, key in enumerate(inputs):
            source = self.facts.get(key)
            if source is None:
                self.problem(f"{where}[{j}]", f"未知的事实项“{key}”（须先定义，再用于计算）")
                return
            if source.compute is not None or source.per_project or source.type not in NUMERIC_TYPES:
                self.problem(f"{where}[{j}]", f"“{key}”须为直接填写、每个企业一个值的数值类事实项")
                return
            found.append(source)
        if len({(s.type, s.unit) for s in found}) != 1:
            self.problem(where, "参与计算的事实项类型和单位须相同")
            return
        if op == "growth":
            if spec.type != FactType.PERCENT:
                self.problem(f"{here}.type", "增长率（growth）的结果应为百分比（type: percent）")
        elif (spec.type, spec.unit or "") != (found[0].type, found[0].unit or ""):
            self.problem(f"{here}.type", f"{'差额' if op == 'difference' else '合计'}的类型和单位应与参与计算的事实项相同"
                                         f"（{found[0].type.value}{found[0].unit and '，' + found[0].unit}）")

    def _shared(self, known: FactSpec, spec: FactSpec, raw: dict, here: str, facts_file: bool) -> FactSpec | None:
        """A fact declared again: what may change, and from where; the spec to keep (None if refused)."""
        key = spec.key
        old_labels, new_labels = dict(known.choice_labels), dict(spec.choice_labels)
        dropped = [old_labels[v] for v in known.choices if v not in new_labels]
        relabelled = [f"可选值“{old_labels[v]}”改为“{new_labels[v]}”" for v in known.choices
                      if v in new_labels and new_labels[v] != old_labels[v]]
        added = [new_labels[v] for v in spec.choices if v not in old_labels]
        changes = []
        if known.type != spec.type or known.unit != spec.unit:
            changes.append(f"类型由 {known.type.value}{known.unit and '（' + known.unit + '）'} 改为 "
                           f"{spec.type.value}{spec.unit and '（' + spec.unit + '）'}")
        if known.label and spec.label != known.label:
            changes.append(f"名称由“{known.label}”改为“{spec.label}”")
        if known.compute != spec.compute:
            changes.append("计算方式改变")
        if facts_file:
            if dropped:
                changes.append(f"删除可选值：{'、'.join(dropped)}")
            changes.extend(relabelled)
            if added:
                changes.append(f"增加可选值：{'、'.join(added)}")
            if changes:
                self.warnings.append(f"{self.file}: 事实项“{key}”将变更：{'；'.join(changes)}")
            return spec
        if changes or relabelled:
            self.problem(here, f"“{key}”是已有的共用事实项，政策文件不能修改它（{'；'.join(changes + relabelled)}）；"
                               "确需修改请改 fixtures/facts.yaml，加载前会列出变更")
            return None
        if not added:
            return known
        self.warnings.append(f"{self.file}: 将为共用事实项“{key}”增加可选值：{'、'.join(added)}")
        merged = tuple(known.choice_labels) + tuple((v, new_labels[v]) for v in spec.choices if v not in old_labels)
        return FactSpec(key=key, type=known.type, unit=known.unit, choices=tuple(v for v, _ in merged),
                        label=known.label, choice_labels=merged, compute=known.compute, growth=known.growth,
                        per_project=known.per_project)

    # a policy ------------------------------------------------------------
    def check_policy(self, data: dict) -> None:
        document = data["document"]
        full = normalize(document["full_text"])
        self.check_facts(data.get("facts", []) or [], own_prefix=f"{document['region']}_")
        city = self.facts.get("city")
        if city is not None and document["region"] not in city.choices:
            self.problem("document.region", f"“{document['region']}”不是事实项 city 的可选值（{', '.join(city.choices)}）；"
                                            "新城市请在本文件 facts 中为 city 增加这个可选值（见 docs/fixture-format.md 的“How to add a city”）")
        start, end = document.get("effective_from"), document.get("effective_to")
        if start and end and start > end:
            self.problem("document.effective_to", f"失效日期 {end} 早于生效日期 {start}")
        quote = document.get("effective_quote")
        if quote and normalize(quote) not in full:
            self.problem("document.effective_quote", "这段引文不在文件全文中")

        for i, dept in enumerate(data.get("departments", [])):
            if dept["key"] in {d["key"] for d in data["departments"][:i]}:
                self.problem(f"departments[{i}].key", f"部门“{dept['key']}”重复")
            self.departments.add(dept["key"])

        clauses: dict[str, dict] = {}
        covered = 0
        for i, clause in enumerate(data["clauses"]):
            here = f"clauses[{i}]"
            number = clause["number"]
            if number in clauses:
                self.problem(f"{here}.number", f"条款编号“{number}”重复")
            clauses[number] = clause
            text = normalize(clause["text"])
            if text not in full:
                self.problem(f"{here}.text", f"{_where(number)}的条文与文件全文不一致（须逐字照录）")
            covered += len(text)
            self._check_departments(clause.get("departments", []), f"{here}.departments")
        if full and covered / len(full) < MIN_COVERAGE:
            self.warnings.append(f"{self.file}: 条款只覆盖了全文的 {covered / len(full):.0%}，请检查是否漏录条款")

        keys = [inc["key"] for inc in data.get("incentives", []) or []]
        for i, incentive in enumerate(data.get("incentives", []) or []):
            self.check_incentive(incentive, f"incentives[{i}]", clauses, keys, keys[:i], full)

    def _check_departments(self, keys: list[str], path: str) -> None:
        for j, key in enumerate(keys):
            if key not in self.departments:
                self.problem(f"{path}[{j}]", f"未知的部门“{key}”（须在 departments 中定义）")

    def _quote(self, quote: str, text: str, path: str, where: str) -> None:
        if quote and normalize(quote) not in normalize(text):
            self.problem(path, f"引文“{quote}”不在{where}的条文中")

    def check_incentive(self, incentive: dict, here: str, clauses: dict, keys: list[str], before: list[str],
                        full: str) -> None:
        if incentive["key"] in before:
            self.problem(f"{here}.key", f"激励项目“{incentive['key']}”重复")
        clause = clauses.get(incentive["clause"])
        if clause is None:
            self.problem(f"{here}.clause", f"条款“{incentive['clause']}”不存在于本文件的 clauses 中")
            return
        text, where = clause["text"], _where(incentive["clause"])
        self._check_departments(incentive.get("departments", []), f"{here}.departments")
        for j, other in enumerate(incentive.get("excludes", []) or []):
            if other == incentive["key"] or other not in keys:
                self.problem(f"{here}.excludes[{j}]", f"“{other}”不是本文件中另一个激励项目的键")
        window = incentive.get("window") or {}
        if window.get("from") and window.get("to") and window["from"] > window["to"]:
            self.problem(f"{here}.window.to", "截止日期早于开始日期")
        self._quote(window.get("quote", ""), text, f"{here}.window.quote", where)

        try:
            condition = parse_condition(incentive.get("eligibility"), self.facts, f"{here}.eligibility")
        except RuleError as exc:
            self.problem(exc.path, exc.message)
        else:
            for path, figure in condition_figures(condition, f"{here}.eligibility"):
                if not (figure_in_text(figure, text) or figure_in_text(figure, full)):
                    self.problem(path, f"数字“{figure.text}”未出现在{where}或本文件的条文中")
            self._condition_quotes(incentive.get("eligibility"), clause, clauses, f"{here}.eligibility")

        try:
            amount = parse_amount(incentive.get("amount"), self.facts, f"{here}.amount")
        except RuleError as exc:
            self.problem(exc.path, exc.message)
        else:
            for path, figure, other in money_figures(amount):
                source = clauses.get(other, clause) if other else clause
                if not figure_in_text(figure, source["text"]):
                    self.problem(f"{here}.{path}", f"金额或比例“{figure.text}”未出现在{_where(source['number'])}的条文中"
                                                  "（不得写入条文没有的数字）")
            self._amount_quotes(incentive.get("amount"), clause, clauses, f"{here}.amount")
            allowed = KIND_AMOUNTS.get(incentive["kind"], ())
            if incentive["kind"] == "rate_with_cap" and isinstance(amount, NoAmount) and not amount.mods.caps:
                self.problem(f"{here}.kind", "按比例资助（rate_with_cap）须有比例或封顶；条文两者都没有时，请用金额规则 none 并改选支持方式")
            elif allowed and not isinstance(amount, allowed):
                names = "、".join(_RULE_NAMES[t] for t in allowed)
                self.problem(f"{here}.kind", f"支持方式“{incentive['kind']}”与金额规则“{_RULE_NAMES[type(amount)]}”不符"
                                             f"（{incentive['kind']} 可用的金额规则：{names}）")

    def _cited(self, node: dict, clause: dict, clauses: dict, path: str) -> dict | None:
        """The clause a node's quote stands in: its own `clause:` where given, else the incentive's."""
        other = node.get("clause")
        if not other:
            return clause
        if not isinstance(other, str) or other not in clauses:
            self.problem(f"{path}.clause", f"条款“{other}”不存在于本文件的 clauses 中")
            return None
        return clauses[other]

    def _condition_quotes(self, node, clause: dict, clauses: dict, path: str) -> None:
        if not isinstance(node, dict):
            return
        clause = self._cited(node, clause, clauses, path)
        if clause is None:
            return
        self._quote(str(node.get("quote", "") or ""), clause["text"], f"{path}.quote", _where(clause["number"]))
        for key in ("all", "any"):
            for i, item in enumerate(node.get(key, []) or []):
                self._condition_quotes(item, clause, clauses, f"{path}.{key}[{i}]")
        if "not" in node:
            self._condition_quotes(node["not"], clause, clauses, f"{path}.not")

    def _amount_quotes(self, node, clause: dict, clauses: dict, path: str) -> None:
        if not isinstance(node, dict):
            return
        clause = self._cited(node, clause, clauses, path)
        if clause is None:
            return
        text, where = clause["text"], _where(clause["number"])
        self._quote(str(node.get("quote", "") or ""), text, f"{path}.quote", where)
        installments = node.get("installments")
        if isinstance(installments, dict):
            self._quote(str(installments.get("quote", "")), text, f"{path}.installments.quote", where)
        elif isinstance(installments, str):
            self._quote(installments, text, f"{path}.installments", where)
        for i, cap in enumerate(node.get("caps", []) or []):
            if isinstance(cap, dict):
                self._quote(str(cap.get("quote", "") or ""), text, f"{path}.caps[{i}].quote", where)
        for i, case in enumerate(node.get("cases", []) or []):
            if isinstance(case, dict):
                self._condition_quotes(case.get("when"), clause, clauses, f"{path}.cases[{i}].when")
                self._amount_quotes(case.get("amount"), clause, clauses, f"{path}.cases[{i}].amount")


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number].strip() if 0 <= number < len(lines) else ""


def yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """A YAML syntax error in Chinese, with the offending line and a hint at the usual cause."""
    if isinstance(exc, (yamlio.DuplicateKeyError, yamlio.UnsafeStructureError)):
        return f"YAML 格式错误：{exc.problem}"   # already said in Chinese
    problem = str(exc.problem or "")
    mark = exc.problem_mark
    line = _line(text, mark.line) if mark else ""
    previous = _line(text, mark.line - 1) if mark else ""
    shown = f"（该行：{line[:80]}）" if line else ""
    if "\t" in problem or "'\\t'" in problem or "character '\t'" in problem:
        return f"YAML 格式错误：这一行用了 Tab 缩进{shown}。提示：YAML 只能用空格缩进，请把 Tab 换成空格。"
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return (f"YAML 格式错误：文件在引号或括号还没有结束时就结束了{shown}。"
                "提示：检查上面是否有一个半角引号 \" 或 ' 只有开头没有结尾，或 { [ 没有对应的 } ]。")
    if "mapping values are not allowed" in problem:
        return (f"YAML 格式错误：这里出现了不该有的“: ”（冒号加空格）{shown}。"
                "提示：文字中含有半角冒号加空格时，请把整段文字用单引号括起来，或改用全角冒号“：”；"
                "也可能是上一行少了一个冒号或缩进不对。")
    if "expected ',' or '}'" in problem or "expected ',' or ']'" in problem:
        return (f"YAML 格式错误：花括号 {{…}} 或方括号 […] 里的内容没有正确分隔或结束{shown}。"
                "提示：{…} 里的文字若含半角逗号“,”、冒号“:”或引号，请把这段文字用引号括起来，或改用全角标点“，”“：”；"
                "也请检查括号是否成对。")
    if "expected <block end>, but found '<scalar>'" in problem or "could not find expected ':'" in problem:
        hint = ("提示：一个值以半角引号开头（如 quote: \"管理办法\"规定的…），YAML 会把引号内当作整个值，"
                "引号后面的文字就多出来了。请把整段文字用单引号括起来（quote: '\"管理办法\"规定的…'），"
                "或改用全角引号“”。" if re.search(r":\s+[\"']", line + previous) else
                "提示：检查这一行和上一行的缩进是否对齐，以及每个“键: 值”的冒号后是否有空格。")
        return f"YAML 格式错误：这一行的内容无法接在上文之后{shown}。{hint}"
    if "expected <block end>" in problem:
        return f"YAML 格式错误：缩进不对{shown}。提示：同一层的各项须对齐（用相同数量的空格缩进）。"
    if "while scanning a quoted scalar" in str(exc.context or "") or "found unknown escape character" in problem:
        return (f"YAML 格式错误：双引号内的文字有问题{shown}。提示：双引号内的反斜杠“\\”是转义符；"
                "请改用单引号括起，或去掉反斜杠。")
    return f"YAML 格式错误{shown}：{problem}。提示：对照 docs/fixture-format.md 的示例检查这一行的写法。"


def read_text(name: str, text: str, known_facts: Mapping[str, FactSpec] | None = None,
              known_departments: set[str] | None = None) -> FileReport:
    """Read one file's text and check everything in it; nothing is loaded anywhere."""
    report = FileReport(name)
    try:
        raw = yamlio.load(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        report.problems.append(Problem(name, f"第 {line} 行",
                                       f"含有不允许的控制字符（U+{exc.character:04X}）" if isinstance(exc.character, int)
                                       else "含有无法读取的字符"))
        return report
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        report.problems.append(Problem(name, where, yaml_message(exc, text)))
        return report
    except yaml.YAMLError as exc:
        report.problems.append(Problem(name, "", f"YAML 格式错误：{exc}"))
        return report
    except (ValueError, OverflowError, RecursionError):  # e.g. an integer of thousands of digits
        report.problems.append(Problem(name, "", "YAML 内容无法读取：含有超长的数字或无法表示的值"))
        return report
    if not isinstance(raw, dict):
        report.problems.append(Problem(name, "", "文件内容应为一个映射（以 format: 1 开头）"))
        return report
    bad = list(_bad_text(raw))
    if bad:
        report.problems.extend(Problem(name, path, message) for path, message in bad)
        return report
    data = _plain(raw)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        for error in errors:
            path, message = _schema_message(error)
            report.problems.append(Problem(name, path, message))
        return report

    checker = _Checker(name, known_facts or {}, known_departments or set())
    if data["kind"] == "facts":
        checker.check_facts(data["facts"], facts_file=True)
        report.data = FactsData(name, data["facts"], digest_of(data))
    else:
        checker.check_policy(data)
        report.data = PolicyData(name, data["document"], data.get("departments", []) or [],
                                 data.get("facts", []) or [], data["clauses"], data.get("incentives", []) or [],
                                 digest_of(data))
    report.problems.extend(checker.problems)
    report.warnings.extend(checker.warnings)
    declared = data["facts"] if data["kind"] == "facts" else data.get("facts", []) or []
    report.specs = {raw["key"]: checker.facts[raw["key"]] for raw in declared if raw["key"] in checker.facts}
    if report.problems:
        report.data = None
    return report


def read_files(files: Iterable[tuple[str, str]], known_facts: Mapping[str, FactSpec] | None = None,
               known_departments: set[str] | None = None) -> list[FileReport]:
    """Read several files in order; facts and departments of earlier files are known to later ones."""
    facts = dict(known_facts or {})
    departments = set(known_departments or set())
    reports = []
    ordered = sorted(files, key=lambda item: 0 if _looks_like_facts(item[1]) else 1)
    for name, text in ordered:
        report = read_text(name, text, facts, departments)
        reports.append(report)
        if report.data is not None:
            facts.update(report.specs)
            if isinstance(report.data, PolicyData):
                departments.update(d["key"] for d in report.data.departments)
    return reports


def _looks_like_facts(text: str) -> bool:
    return any(line.strip() == "kind: facts" for line in text.splitlines()[:20])
