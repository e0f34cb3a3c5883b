"""Grants: a grant allows its grantee its operations on its key, and who may retire a grant.

- https://docs.aws.amazon.com/kms/latest/developerguide/grants.html: grants allow their grantee
  their operations, in the same or another account, with no key policy or IAM policy needed.
- https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html#grant-delete: a grant is
  retired by its retiring principal, its grantee when it allows RetireGrant, or its account,
  which can delegate that with IAM policies.
- How a permissions boundary or session policy limits what a grant allows is not documented: when
  one given does not allow the request, a grant's allow is left open.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.grants import Grant, grant_allows, names_caller, on_key
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, any_of, false, unknown
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.stages.base import Evaluation, Path
from kms_permissions.policy.access.stages.identity import iam_allow, limits


def _where(grant: Grant) -> dict[str, object]:
    return {
        "kind": "grant",
        "file": grant.name,
        "statement": grant.index,
        "sid": grant.grant_id,
        "stage": "grants",
    }


def _limited(ev: Evaluation) -> Outcome:
    if limits(ev).value is not False:
        return TRUE
    return unknown(
        "the caller's permissions boundary or session policy does not allow the request; how "
        "either limits what a grant allows is not documented"
    )


def stage(ev: Evaluation) -> Path:
    """A grant gives the caller the operation."""
    outcomes: list[Outcome] = []
    because: list[Reason] = []
    missing: list[Reason] = []
    action = ev.action
    for grant in ev.grants:
        outcome = all_of(
            (
                grant_allows(grant, ev.request, action.name, action.takes_encryption_context),
                _limited(ev),
            )
        )
        outcomes.append(outcome)
        if outcome.value is True:
            because.append(
                Reason(
                    "grant-allows",
                    f"{grant.label} gives {grant.grantee} the {action.name[4:]} operation",
                    basis=docs.GRANTS,
                    **_where(grant),  # type: ignore[arg-type]
                )
            )
        elif outcome.value is False:
            missing.append(
                Reason("grant-does-not-apply", outcome.why, basis=docs.GRANTS, **_where(grant))  # type: ignore[arg-type]
            )
    return Path(any_of(outcomes, ""), because, missing)


def retire(ev: Evaluation) -> Path:
    """Retiring a grant: its retiring principal, its grantee with RetireGrant, or its account."""
    request, action = ev.request, ev.action
    caller = request.caller
    outcomes: list[Outcome] = []
    because: list[Reason] = []
    for grant in ev.grants:
        issuing = (grant.issuing_account or "").split(":")
        issuer = issuing[4] if len(issuing) > 4 else grant.issuing_account
        retiring_account = (grant.retiring or "").endswith(":root") and (
            grant.retiring or ""
        ).split(":")[4]
        ways = [
            (
                "the grant names the caller as its retiring principal",
                names_caller(grant.retiring, request),
            ),
            (
                "the grant's grantee is the caller and the grant allows RetireGrant",
                all_of(
                    (
                        names_caller(grant.grantee, request),
                        TRUE if "RetireGrant" in grant.operations else false(""),
                    )
                ),
            ),
            (
                "the caller is the root user of the account that created the grant",
                TRUE if caller.kind == "root" and caller.account == issuer else false(""),
            ),
            (
                "the account that created the grant (or that is its retiring principal) delegates "
                "retiring it with an IAM policy that allows kms:RetireGrant",
                all_of(
                    (
                        TRUE
                        if caller.account in (issuer, retiring_account) and caller.kind != "root"
                        else false(""),
                        iam_allow(ev),
                        limits(ev),
                    )
                ),
            ),
        ]
        for rule, outcome in ways:
            outcome = all_of((on_key(grant, request), outcome))
            outcomes.append(outcome)
            if outcome.value is True:
                because.append(
                    Reason("grant-retirement", rule, basis=docs.RETIRE_GRANT, **_where(grant))  # type: ignore[arg-type]
                )
    missing = [
        Reason(
            "retire-needs-grant",
            f"{action.name}: {action.note or 'permission to retire a grant comes from the grant'}",
            "dataset",
            basis=docs.RETIRE_GRANT,
            stage="grants",
        )
    ]
    return Path(any_of(outcomes, ""), because, missing)
