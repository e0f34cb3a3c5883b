"""An explicit Deny in any policy that takes part wins over every Allow.

- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: the
  key policy, the caller's identity policies (even where the key policy does not enable IAM
  policies), its permissions boundary and session policy, the organization's SCPs and RCPs where
  they bind, and the VPC endpoint's policy.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: a Deny with
  NotPrincipal in a resource policy always denies a principal that has a permissions boundary,
  whatever NotPrincipal lists.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.inputs import KIND_NAMES
from kms_permissions.policy.access.outcome import Outcome, all_of, any_of
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.stages import rcp, scp
from kms_permissions.policy.access.stages.base import Evaluation, cite
from kms_permissions.policy.access.statements import StatementVerdict

_BOUNDED = ("user", "role", "assumed-role")


def _applies(ev: Evaluation, verdict: StatementVerdict) -> tuple[Outcome, bool]:
    """Whether a Deny applies, and whether only because of NotPrincipal and the boundary."""
    body = verdict.statement.body
    if (
        "NotPrincipal" in body
        and ev.boundary is not None
        and ev.request.caller.kind in _BOUNDED
        and verdict.applies.value is not True
    ):
        return all_of((verdict.action, verdict.resource, verdict.condition)), True
    return verdict.applies, False


def stage(ev: Evaluation) -> tuple[Outcome, list[Reason]]:
    """Whether an explicit Deny applies, and the reasons of those that do."""
    scp_binds, scp_denies = scp.denies(ev)
    rcp_binds, rcp_denies = rcp.denies(ev)
    plain = [
        *ev.key_policy,
        *ev.iam,
        *(ev.boundary or []),
        *(ev.session or []),
        *ev.vpce,
    ]
    candidates: list[tuple[StatementVerdict, Outcome | None]] = [
        (v, None) for v in plain if v.effect == "Deny"
    ]
    candidates += [(v, scp_binds) for v in scp_denies] + [(v, rcp_binds) for v in rcp_denies]
    outcomes: list[Outcome] = []
    reasons: list[Reason] = []
    for verdict, binds in candidates:
        applies, by_boundary = _applies(ev, verdict)
        outcome = applies if binds is None else all_of((binds, applies))
        outcomes.append(outcome)
        if outcome.value is not True:
            continue
        kind = KIND_NAMES[verdict.policy.kind]
        if by_boundary:
            rule = (
                f"a Deny with NotPrincipal in the {kind} always denies a principal that has a "
                "permissions boundary, whatever NotPrincipal lists"
            )
            basis = docs.BOUNDARIES
        else:
            rule = (
                f"an explicit Deny in the {kind} applies to this request; an explicit Deny in "
                "any policy wins over every Allow"
            )
            basis = docs.EVALUATION_LOGIC
        reasons.append(cite(verdict, "explicit-deny", rule, basis, "deny"))
    return any_of(outcomes, ""), reasons
