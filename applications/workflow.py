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
    FINAL = "final"                  # 已确定 (after 公示 without an upheld objection)


class Role(StrEnum):
    PREPARER = "preparer"            # an enterprise member (经办人 or signatory)
    SIGNATORY = "signatory"          # 法定代表人/授权人: the only one who submits
    INTAKE = "intake"                # a member of the round's accepting department
    REVIEWER = "reviewer"            # a member of the department of the current review step
    FINANCE = "finance"              # a member of the department of the 财政 confirmation step
    STAFF = "staff"                  # bureau staff resolving objections
    SYSTEM = "system"                # scheduled tasks (the end of 公示)


S, R = Status, Role

# (status, action) -> (new status, roles that may take it). Moves not listed are refused.
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
    (S.PUBLICITY, "uphold_objection"): (S.IN_REVIEW, frozenset({R.STAFF})),
    (S.PUBLICITY, "finalize"): (S.FINAL, frozenset({R.SYSTEM})),
}

# Statuses in which the enterprise may still edit its application.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Statuses that end an application: nothing leaves them.
TERMINAL = frozenset({S.REJECTED, S.WITHDRAWN, S.FINAL})


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
