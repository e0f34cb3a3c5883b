"""KMS's decision on one request: explicit Deny first, then the ways to allow, then the endpoint.

- An explicit Deny in any policy that takes part wins over every Allow:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  (an IAM policy can deny even where the key policy does not enable IAM policies:
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
- A request through a VPC endpoint must also be allowed by the endpoint's policy:
  https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.facts import ActionFacts
from kms_permissions.policy.access.grants import Grant
from kms_permissions.policy.access.inputs import Policy
from kms_permissions.policy.access.outcome import TRUE, all_of, any_of
from kms_permissions.policy.access.paths import (
    Path,
    allows,
    by_grants,
    cite,
    cross_account,
    iam_only,
    key_policy_direct,
    near_misses,
    not_across_accounts,
    retire_grant,
    same_account_iam,
    undecidable,
)
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import CANNOT_DECIDE, Decision, Reason
from kms_permissions.policy.access.statements import StatementVerdict, evaluate_policy

_KIND_NAMES = {
    "key-policy": "key policy",
    "iam-policy": "IAM policy",
    "vpce-policy": "VPC endpoint policy",
}


def _endpoint(request: Request) -> str:
    return request.context["aws:SourceVpce"].values[0]


def _paths(
    request: Request,
    action: ActionFacts,
    key_policy: list[StatementVerdict],
    iam: list[StatementVerdict],
    grants: list[Grant],
) -> list[Path]:
    caller = request.caller
    if not action.policy_types:
        return [undecidable(f"the dataset names no policy type for {action.name}")]
    if action.iam_policy_only and not action.on_key:
        if caller.kind == "service":
            return [
                undecidable(
                    f"{action.name} is decided by IAM policies, which a service principal does "
                    "not have; how AWS authorizes the service itself is not modelled"
                )
            ]
        return [iam_only(request, iam)]
    if len(action.resources) > 1:
        return [
            undecidable(
                f"{action.name} is authorized on {' and '.join(action.resources)}; explain "
                "decides requests on one resource"
            )
        ]
    if request.cross_account and action.cross_account == "no":
        return [not_across_accounts(request, action)]
    if request.cross_account and action.cross_account != "yes":
        return [
            undecidable(
                f"the dataset says of {action.name} across accounts: {action.cross_account_text!r}"
            )
        ]
    if action.key_policy_effective is False:
        if action.name == "kms:RetireGrant":
            return [retire_grant(request, action, iam, grants)]
        return [undecidable(f"{action.name} is not effective in a key policy; no rule for it here")]
    if action.key_policy_effective is None:
        return [
            undecidable(
                f"the dataset does not say whether {action.name} is effective in a key policy"
            )
        ]
    if caller.kind == "service":
        return [key_policy_direct(request, key_policy), by_grants(request, action, grants)]
    if request.cross_account:
        return [cross_account(request, key_policy, iam), by_grants(request, action, grants)]
    paths = [key_policy_direct(request, key_policy)]
    if caller.kind != "root":
        paths.append(same_account_iam(request, key_policy, iam))
    paths.append(by_grants(request, action, grants))
    return paths


def _ineffective_notes(action: ActionFacts, key_policy: list[StatementVerdict]) -> list[Reason]:
    """Key policy statements that allow a permission a key policy cannot grant."""
    if action.key_policy_effective is not False:
        return []
    rule = (
        f"{action.name} is an IAM-policy-only permission; a key policy cannot grant it"
        if not action.on_key
        else f"{action.name} is not effective in a key policy"
    )
    code = "iam-only-in-key-policy" if not action.on_key else "not-effective-in-key-policy"
    # Only statements that name the permission itself: `kms:*` says nothing about it.
    return [
        cite(v, code, rule, docs.PERMISSIONS)
        for v in allows(key_policy)
        if v.applies.value is not False and _names(v, action.name)
    ]


def _names(verdict: StatementVerdict, action: str) -> bool:
    return any(
        isinstance(value, str) and value.lower() == action.lower()
        for _, value in verdict.statement.values("Action")
    )


def _undecided(verdicts: list[StatementVerdict], paths: list[Path]) -> list[Reason]:
    """What could not be decided: statements first, then whole ways to allow."""
    found: list[Reason] = []
    for v in verdicts:
        outcome = v.applies
        if outcome.unknown:
            found.append(
                cite(v, CANNOT_DECIDE, f"cannot decide: {outcome.why}", docs.EVALUATION_LOGIC)
            )
    for path in paths:
        why = path.outcome.why
        if path.outcome.unknown and not any(why in r.rule for r in found):
            found.append(
                Reason(CANNOT_DECIDE, f"cannot decide: {why}", "request", basis=docs.PERMISSIONS)
            )
    return found


def _notes(
    request: Request,
    action: ActionFacts,
    key_policy: list[StatementVerdict],
    iam_policies: list[Policy],
    vpce_policy: Policy | None,
) -> list[Reason]:
    """What took no part, or could not have, said so that nobody wonders."""
    notes = _ineffective_notes(action, key_policy)
    through = request.through_vpc_endpoint
    if vpce_policy and not through:
        notes.append(
            Reason(
                "vpce-policy-not-used",
                "the request does not pass through a VPC endpoint, so its policy takes no part",
                "vpce-policy",
                file=vpce_policy.name,
                basis=docs.VPC_ENDPOINT_POLICY,
            )
        )
    if through and not vpce_policy:
        notes.append(
            Reason(
                "vpce-policy-not-given",
                f"the request passes through {_endpoint(request)}, whose endpoint policy was not "
                "given and is not evaluated",
                "request",
                basis=docs.VPC_ENDPOINT_POLICY,
            )
        )
    if request.caller.kind == "service" and iam_policies:
        notes.append(
            Reason(
                "iam-policy-not-used",
                "IAM policies do not apply to a service principal",
                "iam-policy",
                basis=docs.PRINCIPAL,
            )
        )
    return notes


def _through_endpoint(request: Request, action: ActionFacts, vp: list[StatementVerdict]) -> Path:
    """The VPC endpoint's policy allows the request (always, when it takes no part)."""
    if not vp:
        return Path(TRUE)
    outcome = any_of((v.applies for v in allows(vp)), "")
    because = [
        cite(
            v,
            "vpce-policy-allows",
            f"the VPC endpoint policy allows {action.name} through {_endpoint(request)}",
            docs.VPC_ENDPOINT_POLICY,
        )
        for v in allows(vp)
        if v.applies.value is True
    ]
    missing = [
        Reason(
            "vpce-policy-does-not-allow",
            f"the request passes through {_endpoint(request)}, whose policy does not allow "
            f"{action.name} for {request.caller.label}",
            "vpce-policy",
            file=vp[0].policy.name,
            basis=docs.VPC_ENDPOINT_POLICY,
        ),
        *near_misses(vp, action.name),
    ]
    return Path(outcome, because, missing)


def decide(
    request: Request,
    action: ActionFacts,
    key_policy: Policy | None,
    iam_policies: list[Policy],
    grants: list[Grant],
    vpce_policy: Policy | None,
    dataset: str | None,
) -> tuple[Decision, bool, list[Reason]]:
    """The decision, whether it is certain, and its reasons (deciding ones first)."""
    on_key = action.on_key
    kp = evaluate_policy(key_policy, request, on_key, dataset) if key_policy else []
    iam = [
        v
        for p in (iam_policies if request.caller.kind != "service" else [])
        for v in evaluate_policy(p, request, on_key, dataset)
    ]
    through = request.through_vpc_endpoint
    vp = evaluate_policy(vpce_policy, request, on_key, dataset) if vpce_policy and through else []
    notes = _notes(request, action, kp, iam_policies, vpce_policy)

    # A permission that is not on a key is not authorized against the key policy at all.
    deciding_kp = kp if on_key else []
    denies = [v for v in [*deciding_kp, *iam, *vp] if v.effect == "Deny"]
    deny = any_of((v.applies for v in denies), "")
    paths = _paths(request, action, deciding_kp, iam, grants)
    allow = any_of((p.outcome for p in paths), "")
    endpoint = _through_endpoint(request, action, vp)
    total = all_of((allow, endpoint.outcome))

    deny_reasons = [
        cite(
            v,
            "explicit-deny",
            f"an explicit Deny in the {_KIND_NAMES[v.policy.kind]} applies to this request; "
            "an explicit Deny in any policy wins over every Allow",
            docs.EVALUATION_LOGIC,
        )
        for v in denies
        if v.applies.value is True
    ]
    allow_reasons = [r for p in paths if p.outcome.value is True for r in p.because]
    allow_reasons += endpoint.because
    missing = (
        []
        if allow.value is True
        else [r for p in paths if p.outcome.value is False for r in p.missing]
    )
    if endpoint.outcome.value is False:
        missing += endpoint.missing
    undecided = _undecided([*deciding_kp, *iam, *vp], paths)

    if deny.value is True:
        return "explicit-deny", True, deny_reasons + notes
    if deny.value is None:
        decision: Decision = "allow" if total.value is True else "implicit-deny"
        shown = allow_reasons if total.value is True else missing
        return decision, False, undecided + shown + notes
    if total.value is True:
        return "allow", True, allow_reasons + notes
    if total.value is False:
        return "implicit-deny", True, missing + notes
    return "implicit-deny", False, undecided + missing + notes
