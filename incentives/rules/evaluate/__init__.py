"""Decide whether an enterprise qualifies for an incentive, and for how much: three-valued, with reasons citing the clause."""
from .amounts import AmountResult, evaluate_amount
from .conditions import Facts, FactValueError, Specs, Verdict, compile_condition, evaluate_condition, missing_facts
from .rules import (
    DRAFT,
    EXPIRED,
    NOT_YET,
    OPEN,
    OUTSIDE_WINDOW,
    IncentiveRule,
    Result,
    RuleIndex,
    Status,
    availability,
    build_rule,
    clause_citation,
    evaluate,
    evaluate_all,
    pending_facts,
)

__all__ = [
    "DRAFT", "EXPIRED", "NOT_YET", "OPEN", "OUTSIDE_WINDOW",
    "AmountResult", "FactValueError", "Facts", "IncentiveRule", "Result", "RuleIndex", "Specs", "Status", "Verdict",
    "availability", "build_rule", "clause_citation", "compile_condition", "evaluate", "evaluate_all",
    "evaluate_amount", "evaluate_condition", "missing_facts", "pending_facts",
]
