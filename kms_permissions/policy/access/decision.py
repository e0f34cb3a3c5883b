"""KMS's decision on one request, stage by stage in AWS's order.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: an
explicit Deny anywhere wins (`stages.deny`); then every limit must allow (the organization's RCPs
and SCPs, the VPC endpoint's policy) and one way to allow must hold (the key policy, identity
policies within their boundary and session policy, a grant). Each stage is one module of
`stages`; each reason names its stage.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.facts import ActionFacts
from kms_permissions.policy.access.grants import Grant
from kms_permissions.policy.access.inputs import Policy
from kms_permissions.policy.access.outcome import all_of, any_of
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import CANNOT_DECIDE, Decision, Reason
from kms_permissions.policy.access.stages import (
    deny,
    endpoint,
    grants,
    identity,
    key_policy,
    rcp,
    scp,
)
from kms_permissions.policy.access.stages.base import (
    Evaluation,
    Path,
    allows,
    cite,
    not_across_accounts,
    undecidable,
)
from kms_permissions.policy.access.statements import StatementVerdict, evaluate_policy

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from kms_permissions._slotted import dataclass, field


@dataclass(frozen=True)
class Policies:
    """Every policy and grant given for a request."""

    key_policy: Policy | None
    iam: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    session: Policy | None = None
    scps: list[Policy] = field(default_factory=list)
    rcps: list[Policy] = field(default_factory=list)
    vpce: Policy | None = None
    grants: list[Grant] = field(default_factory=list)


def evaluation(
    request: Request,
    action: ActionFacts,
    given: Policies,
    dataset: str | None,
    resource_arn: str | None = None,
) -> Evaluation:
    """The verdicts of every policy that takes part, on the key (or on `resource_arn`)."""
    on_key = action.on_key

    def verdicts(policy: Policy | None) -> list[StatementVerdict]:
        if policy is None:
            return []
        return evaluate_policy(policy, request, on_key, dataset, resource_arn)

    service = request.caller.kind == "service"
    identity_side = not service
    # A permission that is not on a key is not authorized against the key policy at all.
    read = verdicts(given.key_policy) if resource_arn is None else []
    kp = read if on_key else []
    return Evaluation(
        request=request,
        action=action,
        key_policy=kp,
        iam=[v for p in (given.iam if identity_side else []) for v in verdicts(p)],
        boundary=verdicts(given.boundary) if given.boundary and identity_side else None,
        session=verdicts(given.session) if given.session and identity_side else None,
        scps=[verdicts(p) for p in given.scps],
        rcps=[verdicts(p) for p in given.rcps],
        vpce=verdicts(given.vpce) if given.vpce and request.through_vpc_endpoint else [],
        grants=given.grants if resource_arn is None else [],
        key_policy_read=read,
    )


def _paths(ev: Evaluation) -> list[Path]:
    """The ways to allow that can hold for this request."""
    request, action = ev.request, ev.action
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
        return [identity.iam_only(ev)]
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
            return [grants.retire(ev)]
        return [undecidable(f"{action.name} is not effective in a key policy; no rule for it here")]
    if action.key_policy_effective is None:
        return [
            undecidable(
                f"the dataset does not say whether {action.name} is effective in a key policy"
            )
        ]
    if caller.kind == "service":
        return [key_policy.stage(ev), grants.stage(ev)]
    if request.cross_account:
        return [identity.cross_account(ev), grants.stage(ev)]
    paths = [key_policy.stage(ev)]
    if caller.kind != "root":
        paths.append(identity.same_account(ev))
    paths.append(grants.stage(ev))
    return paths


def _alias_path(ev: Evaluation) -> Path:
    """The alias side of an alias operation: an identity policy allows it on the alias.

    https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html: CreateAlias,
    UpdateAlias and DeleteAlias need the permission on the alias (in an IAM policy; a key policy
    cannot name an alias) and on the key.
    """
    alias = ev.request.alias_arn
    allowed = all_of((identity.iam_allow(ev), identity.limits(ev)))
    because = [
        cite(
            v,
            "alias-iam-allows",
            f"the IAM policy allows {ev.request.action} on the alias {alias}",
            docs.ALIAS_ACCESS,
            "identity",
        )
        for v in allows(ev.iam)
        if v.applies.value is True
    ]
    if ev.request.caller.kind == "root":
        because = [
            Reason(
                "root-user",
                f"the root user has every permission in its account, the alias {alias} included",
                "request",
                basis=identity.ROOT_USER,
                stage="identity",
            )
        ]
    missing = [
        Reason(
            "no-alias-iam-allow",
            f"{ev.request.action} is authorized on the alias too, and no IAM policy of "
            f"{ev.request.caller.label} allows it on {alias}",
            "iam-policy",
            basis=docs.ALIAS_ACCESS,
            stage="identity",
        ),
        *identity.limit_reasons(ev, False),
    ]
    return Path(allowed, because, missing)


def _ineffective_notes(ev: Evaluation) -> list[Reason]:
    """Key policy statements that allow a permission a key policy cannot grant."""
    action = ev.action
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
        cite(v, code, rule, docs.PERMISSIONS, "key-policy")
        for v in allows(ev.key_policy_read)
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
                cite(
                    v,
                    CANNOT_DECIDE,
                    f"cannot decide: {outcome.why}",
                    docs.EVALUATION_LOGIC,
                    "request",
                )
            )
    for path in paths:
        why = path.outcome.why
        if path.outcome.unknown and not any(why in r.rule for r in found):
            found.append(
                Reason(CANNOT_DECIDE, f"cannot decide: {why}", "request", basis=docs.PERMISSIONS)
            )
    return found


def _notes(ev: Evaluation, given: Policies) -> list[Reason]:
    """What took no part, or could not have, said so that nobody wonders."""
    request = ev.request
    notes = _ineffective_notes(ev)
    through = request.through_vpc_endpoint
    if given.vpce and not through:
        notes.append(
            Reason(
                "vpce-policy-not-used",
                "the request does not pass through a VPC endpoint, so its policy takes no part",
                "vpce-policy",
                file=given.vpce.name,
                basis=docs.VPC_ENDPOINT_POLICY,
                stage="endpoint",
            )
        )
    if through and not given.vpce:
        notes.append(
            Reason(
                "vpce-policy-not-given",
                f"the request passes through {endpoint.endpoint_id(ev)}, whose endpoint policy "
                "was not given and is not evaluated",
                "request",
                basis=docs.VPC_ENDPOINT_POLICY,
                stage="endpoint",
            )
        )
    if request.caller.kind == "service" and (given.iam or given.boundary or given.session):
        notes.append(
            Reason(
                "iam-policy-not-used",
                "IAM policies do not apply to a service principal",
                "iam-policy",
                basis=docs.PRINCIPAL,
                stage="identity",
            )
        )
    for policies, binding, code, kind, basis in (
        (given.scps, scp.applies(request), "scp-not-used", "scp", docs.SCP),
        (
            given.rcps,
            rcp.applies(request, ev.action.name, ev.action.on_key),
            "rcp-not-used",
            "rcp",
            docs.RCP,
        ),
    ):
        if policies and binding.value is False:
            notes.append(Reason(code, binding.why, kind, basis=basis, stage=kind))  # type: ignore[arg-type]
    return notes


def decide(
    request: Request, action: ActionFacts, given: Policies, dataset: str | None
) -> tuple[Decision, bool, list[Reason]]:
    """The decision, whether it is certain, and its reasons (deciding ones first)."""
    ev = evaluation(request, action, given, dataset)
    on_alias = "alias" in action.resources and request.alias_arn is not None
    alias_ev = evaluation(request, action, given, dataset, request.alias_arn) if on_alias else None
    notes = _notes(ev, given)

    deny_outcome, deny_reasons = deny.stage(ev)
    if alias_ev is not None:
        alias_deny, alias_reasons = deny.stage(alias_ev)
        deny_outcome = any_of((deny_outcome, alias_deny), "")
        deny_reasons += alias_reasons
    paths = _paths(ev)
    allow = any_of((p.outcome for p in paths), "")
    limits = [scp.stage(ev), endpoint.stage(ev)]
    if alias_ev is not None:
        limits.append(_alias_path(alias_ev))
    total = all_of((allow, *(p.outcome for p in limits)))

    allow_reasons = [r for p in paths if p.outcome.value is True for r in p.because]
    allow_reasons += [r for p in limits for r in p.because]
    missing = (
        []
        if allow.value is True
        else [r for p in paths if p.outcome.value is False for r in p.missing]
    )
    missing += [r for p in limits if p.outcome.value is False for r in p.missing]
    every = [
        *ev.key_policy,
        *ev.iam,
        *(ev.boundary or []),
        *(ev.session or []),
        *ev.vpce,
        *(v for level in [*ev.scps, *ev.rcps] for v in level),
    ]
    undecided = _undecided(every, [Path(deny_outcome), *paths, *limits])

    if deny_outcome.value is True:
        return "explicit-deny", True, deny_reasons + notes
    if deny_outcome.value is None:
        decision: Decision = "allow" if total.value is True else "implicit-deny"
        shown = allow_reasons if total.value is True else missing
        return decision, False, undecided + shown + notes
    if total.value is True:
        return "allow", True, allow_reasons + notes
    if total.value is False:
        return "implicit-deny", True, missing + notes
    return "implicit-deny", False, undecided + missing + notes
