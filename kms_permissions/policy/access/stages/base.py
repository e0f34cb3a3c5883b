"""What the stages share: the verdicts of every policy, a way to allow, and citing a statement."""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.facts import ActionFacts
from kms_permissions.policy.access.grants import Grant
from kms_permissions.policy.access.outcome import Outcome, false, unknown
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import Reason, Stage
from kms_permissions.policy.access.statements import StatementVerdict

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from kms_permissions._slotted import dataclass, field


@dataclass(frozen=True)
class Evaluation:
    """One request and the verdicts of every policy given for it.

    `boundary` and `session` are None when not given; `scps` and `rcps` hold one list of
    verdicts per level (file). `key_policy` is empty for a permission that is not on a key, which
    `key_policy_read` still holds (for notes on what a key policy cannot grant).
    """

    request: Request
    action: ActionFacts
    key_policy: list[StatementVerdict]
    iam: list[StatementVerdict]
    boundary: list[StatementVerdict] | None
    session: list[StatementVerdict] | None
    scps: list[list[StatementVerdict]]
    rcps: list[list[StatementVerdict]]
    vpce: list[StatementVerdict]
    grants: list[Grant]
    key_policy_read: list[StatementVerdict] = field(default_factory=list)  # even when not on a key


@dataclass
class Path:
    """One way to allow: whether it holds, the reasons if it does, and what is missing if not."""

    outcome: Outcome
    because: list[Reason] = field(default_factory=list)
    missing: list[Reason] = field(default_factory=list)


def cite(verdict: StatementVerdict, code: str, rule: str, basis: str, stage: Stage) -> Reason:
    """A reason located at one statement of one policy."""
    statement = verdict.statement
    return Reason(
        code=code,
        rule=rule,
        kind=verdict.policy.kind,
        file=verdict.policy.name,
        statement=statement.index,
        sid=statement.sid,
        path=statement.path,
        basis=basis,
        stage=stage,
    )


def near_misses(verdicts: list[StatementVerdict], action: str, stage: Stage) -> list[Reason]:
    """Statements that name the action but do not apply, each with what fails."""
    return [
        cite(
            v,
            "does-not-apply",
            f"this {v.effect} statement covers {action} but does not apply: {v.applies.why}",
            docs.EVALUATION_LOGIC,
            stage,
        )
        for v in verdicts
        if v.action.value is True and v.applies.value is False
    ]


def allows(verdicts: list[StatementVerdict]) -> list[StatementVerdict]:
    """The Allow statements."""
    return [v for v in verdicts if v.effect == "Allow"]


def holding(verdicts: list[StatementVerdict], pick: str) -> list[StatementVerdict]:
    """The verdicts whose `pick` outcome is true."""
    return [v for v in verdicts if getattr(v, pick).value is True]


def not_across_accounts(request: Request, action: ActionFacts) -> Path:
    """A permission that cannot be used across accounts, asked for from another account."""
    return Path(
        false("not usable across accounts"),
        missing=[
            Reason(
                "not-cross-account",
                f"{action.name} cannot be used across accounts (the key is in account "
                f"{request.key_account}, the caller in {request.caller.account})",
                "dataset",
                basis=docs.CROSS_ACCOUNT,
                stage="key-policy",
            )
        ],
    )


def undecidable(why: str) -> Path:
    """A request this analysis cannot decide at all."""
    return Path(unknown(why))
