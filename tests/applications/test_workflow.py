"""The transition table, without a database: every allowed and forbidden move, random sequences, replay."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from applications import workflow
from applications.workflow import ACTIONS, TERMINAL, TRANSITIONS, Role, Status, TransitionNotAllowed

ALL_ROLES = list(Role)
ALLOWED = [(status, action, role) for (status, action), (_, roles) in TRANSITIONS.items() for role in roles]
FORBIDDEN = [(status, action, role) for status, action, role in itertools.product(Status, sorted(ACTIONS), Role)
             if (status, action) not in TRANSITIONS or role not in TRANSITIONS[(status, action)][1]]

EXPECTED = {  # the table as the product brief tells it, written out again
    ("draft", "submit", "signatory"): "submitted", ("draft", "withdraw", "preparer"): "withdrawn",
    ("submitted", "accept", "intake"): "in_review", ("submitted", "return", "intake"): "returned",
    ("submitted", "reject", "intake"): "rejected", ("submitted", "withdraw", "signatory"): "withdrawn",
    ("returned", "resubmit", "signatory"): "submitted", ("in_review", "approve_step", "reviewer"): "in_review",
    ("in_review", "return", "finance"): "returned", ("in_review", "reject", "reviewer"): "rejected",
    ("in_review", "confirm", "finance"): "publicity", ("publicity", "file_objection", "public"): "publicity",
    ("publicity", "uphold_objection", "staff"): "in_review", ("publicity", "dismiss_objection", "staff"): "publicity",
    ("publicity", "finalize", "system"): "final", ("final", "record_payment", "finance"): "final",
}


@pytest.mark.parametrize("status, action, role", ALLOWED)
def test_every_allowed_move(status, action, role):
    assert workflow.target(status, action, {role}) == TRANSITIONS[(status, action)][0]
    assert action in workflow.actions_for(status, {role})


@pytest.mark.parametrize("status, action, role", FORBIDDEN)
def test_every_forbidden_move_is_refused(status, action, role):
    with pytest.raises(TransitionNotAllowed):
        workflow.target(status, action, {role})
    assert action not in workflow.actions_for(status, {role})


@pytest.mark.parametrize("move, expected", EXPECTED.items())
def test_the_table_says_what_the_brief_says(move, expected):
    assert workflow.target(*move[:2], {move[2]}) == expected


def test_the_enterprise_never_decides_and_staff_never_submit():
    enterprise = {Role.PREPARER, Role.SIGNATORY}
    for (status, action), (_, roles) in TRANSITIONS.items():
        if action in {"accept", "approve_step", "confirm", "reject", "finalize", "record_payment"}:
            assert not roles & enterprise, action
        if action in {"submit", "resubmit", "withdraw"}:
            assert roles <= enterprise, action


def test_nothing_leaves_rejected_or_withdrawn_and_final_only_records_payments():
    for (status, action), (target, _) in TRANSITIONS.items():
        if status in {Status.REJECTED, Status.WITHDRAWN}:
            pytest.fail(f"{action} leaves {status}")
        if status == Status.FINAL:
            assert target == Status.FINAL


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from(ALL_ROLES)), max_size=40))
def test_random_sequences_only_reach_what_the_table_allows_and_replay(sequence):
    status, log = Status.DRAFT, []
    reachable = {Status.DRAFT} | {target for target, _ in TRANSITIONS.values()}
    for action, role in sequence:
        try:
            new = workflow.target(status, action, {role})
        except TransitionNotAllowed:
            continue  # refused moves change nothing and leave no event
        assert (status, action) in TRANSITIONS and role in TRANSITIONS[(status, action)][1]
        status = new
        log.append((action, str(new)))
        assert status in reachable
        if status in TERMINAL - {Status.FINAL}:
            assert workflow.actions_for(status, set(Role)) == []
    assert workflow.replay(log) == status


def test_replay_refuses_a_forged_history():
    with pytest.raises(TransitionNotAllowed):
        workflow.replay([("submit", "submitted"), ("confirm", "publicity")])
    with pytest.raises(TransitionNotAllowed):
        workflow.replay([("submit", "final")])
    assert workflow.replay([("submit", "submitted"), ("attachment_added", ""), ("accept", "in_review")]) == "in_review"


@pytest.mark.parametrize("start, days, expected", [
    (dt.datetime(2026, 11, 23, 9), 10, dt.datetime(2026, 12, 7, 9)),    # Monday + 10 working days
    (dt.datetime(2026, 11, 27, 9), 1, dt.datetime(2026, 11, 30, 9)),    # Friday + 1 -> Monday
    (dt.datetime(2026, 11, 28, 9), 1, dt.datetime(2026, 12, 1, 9)),     # Saturday counts from Monday
    (dt.datetime(2026, 11, 25, 9), 0, dt.datetime(2026, 11, 25, 9)),
])
def test_working_days_skip_weekends(start, days, expected):
    assert workflow.add_working_days(start, days) == expected
