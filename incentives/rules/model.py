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


@dataclass(frozen=True)
class FactSpec:
    """What the rules need to know of a fact: its type, unit and allowed values."""

    key: str
    type: FactType
    unit: str = ""
    choices: tuple[str, ...] = ()
    label: str = ""
    choice_labels: tuple[tuple[str, str], ...] = ()

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

    def facts(self) -> frozenset[str]:
        return frozenset({self.fact})


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

CAP_SCOPES = ("project", "enterprise", "year", "enterprise_year", "person_year")


@dataclass(frozen=True)
class Cap:
    value: Figure
    per: str


@dataclass(frozen=True)
class Modifiers:
    up_to: bool = False
    floor: Figure | None = None
    caps: tuple[Cap, ...] = ()
    installments: str = ""
    quote: str = ""


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

    def facts(self) -> frozenset[str]:
        return frozenset({self.base})


@dataclass(frozen=True)
class PerUnit:
    base: str
    per: Figure
    value: Figure
    mods: Modifiers = field(default_factory=Modifiers)

    def facts(self) -> frozenset[str]:
        return frozenset({self.base})


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


AmountRule = Fixed | Rate | PerUnit | Cases | NoAmount


def money_figures(rule: AmountRule) -> list[tuple[str, Figure]]:
    """List the figures of an amount rule with the path of each, for checking them against the text."""
    found: list[tuple[str, Figure]] = []

    def walk(node: AmountRule, path: str) -> None:
        if isinstance(node, Fixed):
            found.append((f"{path}.value", node.value))
        elif isinstance(node, Rate):
            found.append((f"{path}.{'ratio' if node.rate.ratio else 'rate'}", node.rate))
        elif isinstance(node, PerUnit):
            found.extend([(f"{path}.per", node.per), (f"{path}.value", node.value)])
        elif isinstance(node, Cases):
            for i, case in enumerate(node.cases):
                walk(case.amount, f"{path}.cases[{i}].amount")
        if node.mods.floor is not None:
            found.append((f"{path}.floor", node.mods.floor))
        for i, cap in enumerate(node.mods.caps):
            found.append((f"{path}.caps[{i}].value", cap.value))

    walk(rule, "amount")
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

