"""Service control policies: every level of the caller's organization path must allow.

https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html:
each file is one level (the root, each OU, the account); a request is allowed only if every level
has an Allow that covers it, and a Deny at any level denies it.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html: SCPs
bind the users and roles of member accounts, their root users included, and not the management
account, service-linked roles, or service principals (which belong to no account).
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, any_of, false, unknown
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.stages.base import Evaluation, Path, allows, cite, near_misses
from kms_permissions.policy.access.statements import StatementVerdict


def applies(request: Request) -> Outcome:
    """Whether SCPs bind the caller (false with why not)."""
    caller = request.caller
    if caller.kind == "service":
        return false("SCPs do not apply to service principals")
    if request.management_account and caller.account == request.management_account:
        return false(f"SCPs do not apply to the management account {caller.account}")
    linked = caller.service_linked
    if linked is None:
        return unknown(
            f"{caller.label} may be a service-linked role's session, to which SCPs do not apply; "
            "give the request's principal_arn (the role's ARN with its path)"
        )
    if linked:
        return false("SCPs do not apply to service-linked roles")
    return TRUE


def denies(ev: Evaluation) -> tuple[Outcome, list[StatementVerdict]]:
    """Whether SCPs bind the caller, and their Deny statements."""
    if not ev.scps:
        return false(""), []
    return applies(ev.request), [v for level in ev.scps for v in level if v.effect == "Deny"]


def stage(ev: Evaluation) -> Path:
    """Every level of SCPs allows the request (true when none is given or they do not apply)."""
    if not ev.scps:
        return Path(TRUE)
    binding = applies(ev.request)
    if binding.value is False:
        return Path(TRUE)
    levels = [any_of((v.applies for v in allows(level)), "") for level in ev.scps]
    outcome = all_of((binding, *levels))
    action = ev.request.action
    because = [
        cite(
            v,
            "scp-allows",
            f"this level of the caller's organization allows {action}",
            docs.SCP_EVALUATION,
            "scp",
        )
        for level in ev.scps
        for v in allows(level)
        if v.applies.value is True
    ]
    missing: list[Reason] = []
    for level, result in zip(ev.scps, levels, strict=True):
        if result.value is False:
            missing.append(
                Reason(
                    "scp-does-not-allow",
                    f"no statement of this service control policy allows {action}; every level "
                    "of the caller's organization must allow it",
                    "scp",
                    file=level[0].policy.name if level else None,
                    basis=docs.SCP_EVALUATION,
                    stage="scp",
                )
            )
            missing += near_misses(level, action, "scp")
    return Path(outcome, because, missing)
