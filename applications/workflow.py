"""The application workflow as data: which action moves which status where, and who may take it (no Django)."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"          # 待受理
    IN_REVIEW = "in_review"          # 审核中 (the current review step says at which department)
    RETURNED = "returned"            # 退回修改
    REJECTED = "rejected"            # 不予支持
    WITHDRAWN = "withdrawn"          # 已撤回
    PUBLICITY = "publicity"          # 公示中
    FINAL = "final"                  # 已确定 (after 公示 without an upheld objection); payments are recorded here


class Role(StrEnum):
    PREPARER = "preparer"            # an enterprise member (经办人 or signatory)
    SIGNATORY = "signatory"          # 法定代表人/授权人: the only one who submits
    INTAKE = "intake"                # a member of the round's accepting department
    REVIEWER = "reviewer"            # a member of the department of the current review step
    FINANCE = "finance"              # a member of the department of the 财政 confirmation step
    STAFF = "staff"                  # bureau staff of the accepting department, resolving objections
    PUBLIC = "public"                # anyone, during 公示
    SYSTEM = "system"                # scheduled tasks (the end of 公示)


S, R = Status, Role

# (status, action) -> (new status, roles that may take it). Moves not listed are refused.
# Some actions keep the status (approve_step moves between review steps; objections and payments are recorded
# against an application without moving it): they are here so that who may take them is decided in one place.
TRANSITIONS: dict[tuple[Status, str], tuple[Status, frozenset[Role]]] = {
    (S.DRAFT, "submit"): (S.SUBMITTED, frozenset({R.SIGNATORY})),
    (S.DRAFT, "withdraw"): (S.WITHDRAWN, frozenset({R.PREPARER, R.SIGNATORY})),
    (S.SUBMITTED, "withdraw"): (S.WITHDRAWN, frozenset({R.PREPARER, R.SIGNATORY})),
    (S.RETURNED, "resubmit"): (S.SUBMITTED, frozenset({R.SIGNATORY})),
    (S.RETURNED, "withdraw"): (S.WITHDRAWN, frozenset({R.PREPARER, R.SIGNATORY})),
    (S.SUBMITTED, "accept"): (S.IN_REVIEW, frozenset({R.INTAKE})),
    (S.SUBMITTED, "return"): (S.RETURNED, frozenset({R.INTAKE})),
    (S.SUBMITTED, "reject"): (S.REJECTED, frozenset({R.INTAKE})),
    (S.IN_REVIEW, "approve_step"): (S.IN_REVIEW, frozenset({R.REVIEWER})),
    (S.IN_REVIEW, "return"): (S.RETURNED, frozenset({R.REVIEWER, R.FINANCE})),
    (S.IN_REVIEW, "reject"): (S.REJECTED, frozenset({R.REVIEWER, R.FINANCE})),
    (S.IN_REVIEW, "confirm"): (S.PUBLICITY, frozenset({R.FINANCE})),
    (S.PUBLICITY, "file_objection"): (S.PUBLICITY, frozenset({R.PUBLIC})),
    (S.PUBLICITY, "dismiss_objection"): (S.PUBLICITY, frozenset({R.STAFF})),
    (S.PUBLICITY, "uphold_objection"): (S.IN_REVIEW, frozenset({R.STAFF})),
    (S.PUBLICITY, "finalize"): (S.FINAL, frozenset({R.SYSTEM})),
    (S.FINAL, "record_payment"): (S.FINAL, frozenset({R.FINANCE})),
}

ACTIONS = frozenset(action for (_, action) in TRANSITIONS)

# Statuses in which the enterprise may still edit its application.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Statuses that end an application: only recording payments keeps a FINAL one moving.
TERMINAL = frozenset({S.REJECTED, S.WITHDRAWN, S.FINAL})
# Statuses in which a department has something to decide.
UNDER_REVIEW = frozenset({S.SUBMITTED, S.IN_REVIEW})


class TransitionNotAllowed(Exception):
    """The action is not one the table allows from this status, or not for this role."""

    def __init__(self, status: str, action: str, roles: frozenset[str] = frozenset()):
        super().__init__(f"{action} not allowed from {status} for {sorted(roles)}")
        self.status, self.action, self.roles = status, action, roles


def target(status: str, action: str, roles: frozenset[str] | set[str]) -> Status:
    """The status the action leads to, if one of `roles` may take it from `status`; else TransitionNotAllowed."""
    move = TRANSITIONS.get((Status(status), action))
    if move is None or not (move[1] & set(roles)):
        raise TransitionNotAllowed(status, action, frozenset(roles))
    return move[0]


def actions_for(status: str, roles: frozenset[str] | set[str]) -> list[str]:
    """The actions `roles` may take from `status`, in table order."""
    return [action for (source, action), (_, allowed) in TRANSITIONS.items()
            if source == status and allowed & set(roles)]


def replay(events: list[tuple[str, str]], start: str = Status.DRAFT) -> Status:
    """The status a history of (action, recorded target) leads to from `start`, checked against the table."""
    status = Status(start)
    for action, recorded in events:
        if action not in ACTIONS:
            continue  # history that moves nothing (drafts saved, uploads, notes)
        move = TRANSITIONS.get((status, action))
        if move is None or move[0] != recorded:
            raise TransitionNotAllowed(status, action)
        status = move[0]
    return status


def add_working_days(start, days: int):
    """`start` moved forward by `days` working days (Monday to Friday); a weekend start counts from Monday."""
    import datetime as dt

    moved, left = start, days
    while moved.weekday() >= 5:
        moved += dt.timedelta(days=1)
    while left > 0:
        moved += dt.timedelta(days=1)
        if moved.weekday() < 5:
            left -= 1
    return moved
