"""The rule types: conditions over facts and amount rules, as immutable values."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .figures import Figure


class FactType(str, Enum):
    BOOL = "bool"
    MONEY = "money"
    PERCENT = "percent"
    NUMBER = "number"
    INTEGER = "integer"
    CHOICE = "choice"
    DATE = "date"


NUMERIC_TYPES = {FactType.MONEY, FactType.PERCENT, FactType.NUMBER, FactType.INTEGER}


COMPUTE_OPS = ("difference", "growth", "sum")


@dataclass(frozen=True)
class Computed:
    """A fact worked out from others: difference [a, b] = a − b; growth [now, before] = (now − before) ÷ before; sum."""

    op: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class FactSpec:
    """What the rules need to know of a fact: its type, unit and allowed values."""

    key: str
    type: FactType
    unit: str = ""
    choices: tuple[str, ...] = ()
    label: str = ""
    choice_labels: tuple[tuple[str, str], ...] = ()
    compute: Computed | None = None     # not asked: worked out from the facts it names
    growth: bool = False                # a percentage that is a growth rate (may exceed 100%)
    per_project: bool = False           # one value per project (an enterprise may declare several)

    def choice_label(self, value: object) -> str:
        return dict(self.choice_labels).get(str(value), str(value))


# --- conditions -------------------------------------------------------------

COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in")


@dataclass(frozen=True)
class Compare:
    """One fact compared with a value the text gives."""

    fact: str
    op: str
    value: object                       # bool, str, Decimal, or a tuple for in / not_in
    figure: Figure | None = None        # where the value is a figure of the text
    quote: str = ""
    label: str = ""
    other: str = ""                     # compared with another fact ({fact: a, gte: {fact: b}}), not a figure
    computed: tuple[tuple[str, Computed], ...] = ()   # the computed facts among fact/other, with their formulas
    clause: str = ""                    # another clause of the same document that the quote stands in

    def facts(self) -> frozenset[str]:
        """The facts a person answers: the inputs of a computed fact rather than the fact itself."""
        if not self.other and not self.computed:
            return frozenset({self.fact})
        formulas = dict(self.computed)
        found: set[str] = set()
        for key in (self.fact, self.other):
            if key:
                found.update(formulas[key].inputs if key in formulas else (key,))
        return frozenset(found)


@dataclass(frozen=True)
class AllOf:
    items: tuple["Condition", ...]

    def facts(self) -> frozenset[str]:
        return frozenset().union(*(item.facts() for item in self.items))


@dataclass(frozen=True)
class AnyOf:
    items: tuple["Condition", ...]

    def facts(self) -> frozenset[str]:
        return frozenset().union(*(item.facts() for item in self.items))


@dataclass(frozen=True)
class Not:
    item: "Condition"

    def facts(self) -> frozenset[str]:
        return self.item.facts()


Condition = Compare | AllOf | AnyOf | Not
ALWAYS = AllOf(())


# --- amounts ----------------------------------------------------------------

CAP_SCOPES = ("award", "project", "enterprise", "year", "enterprise_year", "person_year")   # award: the text names no scope


@dataclass(frozen=True)
class Cap:
    value: Figure
    per: str


@dataclass(frozen=True)
class Installment:
    """One payment of a schedule: a share of the amount (or none stated), and when the text says it is paid."""

    share: Figure | None
    when: str = ""


@dataclass(frozen=True)
class Installments:
    """Staged or split payments as the text gives them: 30% then 70%; 分三年 (shares not stated)."""

    quote: str = ""
    schedule: tuple[Installment, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.quote or self.schedule)

    def __str__(self) -> str:
        return self.quote


@dataclass(frozen=True)
class Modifiers:
    up_to: bool = False
    floor: Figure | None = None
    caps: tuple[Cap, ...] = ()
    installments: Installments = field(default_factory=Installments)
    quote: str = ""
    clause: str = ""                    # the clause the quote stands in, where not the incentive's own


@dataclass(frozen=True)
class Fixed:
    value: Figure
    mods: Modifiers = field(default_factory=Modifiers)

    def facts(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class Rate:
    base: str
    rate: Figure                         # in %, a ratio 1:1 is 100%
    mods: Modifiers = field(default_factory=Modifiers)
    computed: Computed | None = None     # where the base is a computed fact
    per_project: bool = False            # the base holds one value per project

    def facts(self) -> frozenset[str]:
        return frozenset(self.computed.inputs) if self.computed else frozenset({self.base})


@dataclass(frozen=True)
class PerUnit:
    base: str
    per: Figure                          # "1亿元"; for "2万元/人" the figure "1人" is implied
    value: Figure
    mods: Modifiers = field(default_factory=Modifiers)
    computed: Computed | None = None
    per_project: bool = False

    def facts(self) -> frozenset[str]:
        return frozenset(self.computed.inputs) if self.computed else frozenset({self.base})


@dataclass(frozen=True)
class Case:
    when: Condition
    amount: "AmountRule"


@dataclass(frozen=True)
class Cases:
    cases: tuple[Case, ...]
    mods: Modifiers = field(default_factory=Modifiers)

    def facts(self) -> frozenset[str]:
        return frozenset().union(*(c.when.facts() | c.amount.facts() for c in self.cases))


@dataclass(frozen=True)
class NoAmount:
    mods: Modifiers = field(default_factory=Modifiers)

    def facts(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class CostShare:
    """Costs shared between parties in a stated split ("由企业和市财政按7:3的比例共同承担"): the last party's share
    is what the policy pays; the amount follows where a base (the cost) is asked, else only the share is shown."""

    split: tuple[Figure, ...]
    parties: tuple[str, ...]
    base: str = ""
    mods: Modifiers = field(default_factory=Modifiers)
    of: str = ""                          # what is shared, as the text names it (办学费用)

    @property
    def share(self):
        """The paying party's share, in %."""
        return self.split[-1].value / sum(figure.value for figure in self.split) * 100

    def facts(self) -> frozenset[str]:
        return frozenset({self.base}) if self.base else frozenset()


AmountRule = Fixed | Rate | PerUnit | Cases | CostShare | NoAmount


def money_figures(rule: AmountRule) -> list[tuple[str, Figure, str]]:
    """List the figures of an amount rule with the path of each and the clause it must stand in ("" = the
    incentive's own clause), for checking them against the text."""
    found: list[tuple[str, Figure, str]] = []

    def walk(node: AmountRule, path: str, clause: str) -> None:
        clause = node.mods.clause or clause
        here: list[tuple[str, Figure]] = []
        if isinstance(node, Fixed):
            here.append((f"{path}.value", node.value))
        elif isinstance(node, Rate):
            here.append((f"{path}.{'ratio' if node.rate.ratio else 'rate'}", node.rate))
        elif isinstance(node, PerUnit):
            if not node.value.per:
                here.append((f"{path}.per", node.per))
            here.append((f"{path}.value", node.value))
        elif isinstance(node, Cases):
            for i, case in enumerate(node.cases):
                walk(case.amount, f"{path}.cases[{i}].amount", clause)
        elif isinstance(node, CostShare):
            found.append((f"{path}.split", Figure(":".join(f.text for f in node.split), node.share, "%", ratio=True), clause))
        if node.mods.floor is not None:
            here.append((f"{path}.floor", node.mods.floor))
        for i, cap in enumerate(node.mods.caps):
            here.append((f"{path}.caps[{i}].value", cap.value))
        for i, step in enumerate(node.mods.installments.schedule):
            if step.share is not None:
                here.append((f"{path}.installments.schedule[{i}].share", step.share))
        found.extend((where, figure, clause) for where, figure in here)

    walk(rule, "amount", "")
    return found


def condition_figures(condition: Condition, path: str) -> list[tuple[str, Figure]]:
    """List the figures a condition compares with, with the path of each."""
    if isinstance(condition, Compare):
        return [(f"{path}.{condition.op}", condition.figure)] if condition.figure is not None and condition.figure.unit else []
    if isinstance(condition, Not):
        return condition_figures(condition.item, f"{path}.not")
    key = "all" if isinstance(condition, AllOf) else "any"
    found: list[tuple[str, Figure]] = []
    for i, item in enumerate(condition.items):
        found.extend(condition_figures(item, f"{path}.{key}[{i}]"))
    return found

