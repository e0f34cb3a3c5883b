"""`--verify`: the requests a spec means to allow and the ones it means to refuse, each decided
by `explain` against the written policy.

The intended requests are each admin's and user's operations, each service's documented calls
with the source context they carry, and each external account's uses with an IAM policy of
its own. The adversarial ones are an admin using the key or granting, a user changing the
policy, a principal of another account, a service call for another account's resource, a
grant that is not for an AWS resource, and a use not through the via-services. A case
*differs* when explain's decision is not the one the spec means (or cannot be decided).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from kms_permissions.policy.access import explain
from kms_permissions.policy.authoring import statements
from kms_permissions.policy.authoring.arns import other_account
from kms_permissions.policy.authoring.services import Pin, other_region
from kms_permissions.policy.authoring.spec import Organization, Spec
from kms_permissions.policy.authoring.via import via_value
from kms_permissions.policy.key_specs import operations
from kms_permissions.policy.knowledge import Knowledge

Expected = Literal["allow", "deny"]
# A request's context: key -> one value, or a tuple of values for a multi-valued key.
Context = tuple[tuple[str, "str | tuple[str, ...]"], ...]
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
GRANT_FOR_AWS = "kms:GrantIsForAWSResource"


def request_context(context: Context) -> dict[str, str | list[str]]:
    """The context as a request gives it (a list for a multi-valued key)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in context}


@dataclass(frozen=True)
class Case:
    """One request and the decision the spec means for it."""

    kind: Literal["intended", "adversarial"]
    what: str
    principal: str
    action: str
    context: Context
    iam_actions: tuple[str, ...]
    expected: Expected


@dataclass(frozen=True)
class Outcome:
    """A case and explain's decision on it."""

    case: Case
    decision: str
    decided: bool

    @property
    def agrees(self) -> bool:
        """explain decided what the spec means."""
        got = "allow" if self.decision == "allow" else "deny"
        return self.decided and got == self.case.expected

    def to_json(self) -> dict[str, Any]:
        """The outcome as a JSON object."""
        return {
            "kind": self.case.kind,
            "what": self.case.what,
            "principal": self.case.principal,
            "action": self.case.action,
            "context": request_context(self.case.context),
            "iam_policy_allows": list(self.case.iam_actions),
            "expected": self.case.expected,
            "decision": self.decision if self.decided else "cannot-decide",
            "agrees": self.agrees,
        }


def not_checked(facts: Knowledge) -> list[str]:
    """Administrators' permissions authorized on more than the key (an alias too): explain
    decides a request on one resource, so these are named, not decided."""
    found = []
    for name in statements.admin_actions(facts):
        info = facts.action(name)
        if info is not None and len(info.resources) > 1:
            found.append(name)
    return found


def key_arn(spec: Spec) -> str:
    """The ARN the requests name for the key (its ID is an example: the policy is the same)."""
    return f"arn:{spec.partition}:kms:{spec.region}:{spec.account}:key/{KEY_ID}"


def _role(partition: str, account: str, name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{name}"


def _stranger(spec: Spec) -> str:
    """An account neither the key's nor an external account of the spec."""
    taken = {spec.account, *(e.account for e in spec.external_accounts)}
    account = other_account(spec.account)
    while account in taken:
        account = other_account(account)
    return account


def _via_context(spec: Spec, facts: Knowledge, region: str) -> tuple[tuple[str, str], ...]:
    if not spec.via_services:
        return ()
    return (("kms:ViaService", via_value(facts, spec.via_services[0], region)),)


def cases(spec: Spec, facts: Knowledge) -> Iterator[Case]:
    """Every request to decide, intended ones first for each party."""
    crypto = operations(spec.key_spec, spec.key_usage, facts)
    admin_actions = [a for a in statements.admin_actions(facts) if a not in set(not_checked(facts))]
    for admin in spec.admins:
        for action in admin_actions:
            yield Case("intended", "administrator manages the key", admin, action, (), (), "allow")
        for action in crypto:
            yield Case("adversarial", "administrator uses the key", admin, action, (), (), "deny")
        yield Case(
            "adversarial",
            "administrator grants (itself) the use of the key",
            admin,
            statements.CREATE_GRANT,
            (),
            (),
            "deny",
        )
    for admin in spec.admins:
        yield from _replica_cases(spec, admin)
    use_of = statements.uses(spec.key_spec, spec.key_usage, facts)
    user_actions = statements.user_actions(spec, use_of)
    withheld = sorted({a for names in use_of.values() for a in names} - set(user_actions))
    via = _via_context(spec, facts, spec.region)
    bound = statements.context_actions(spec, facts) if spec.encryption_context else set()
    context = tuple(
        (f"{statements.ENCRYPTION_CONTEXT}{k}", _instance(v)) for k, v in spec.encryption_context
    )
    for user in spec.users:
        for action in user_actions:
            carried = (*via, *context) if action in bound else via
            yield Case("intended", "user uses the key", user, action, carried, (), "allow")
        for action in withheld:
            carried = (*via, *context) if action in bound else via
            yield Case(
                "adversarial",
                "user uses what users_use does not give",
                user,
                action,
                carried,
                (),
                "deny",
            )
        if spec.key_spec.symmetric_encryption and not statements.users_grant(spec):
            yield Case(
                "adversarial",
                "user limited by users_use lets an AWS service grant itself use",
                user,
                statements.CREATE_GRANT,
                ((GRANT_FOR_AWS, "true"), *via, *context),
                (),
                "deny",
            )
        if statements.users_grant(spec):
            for action in statements.GRANT_PERMISSIONS:
                carried = (*via, *context) if action == statements.CREATE_GRANT else via
                yield Case(
                    "intended",
                    "user lets an AWS service grant itself use",
                    user,
                    action,
                    ((GRANT_FOR_AWS, "true"), *carried),
                    (),
                    "allow",
                )
            yield Case(
                "adversarial",
                "user creates a grant that is not for an AWS resource",
                user,
                statements.CREATE_GRANT,
                (*via, *context),
                (),
                "deny",
            )
        yield from _context_cases(spec, user, sorted(bound & set(user_actions)), via, context)
        for action in ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"):
            yield Case("adversarial", "user administers the key", user, action, via, (), "deny")
        if spec.via_services:
            action = user_actions[0]
            yield Case(
                "adversarial",
                "user calls KMS directly, not through a via-service",
                user,
                action,
                (),
                (),
                "deny",
            )
            yield Case(
                "adversarial",
                "user calls through a via-service in another Region",
                user,
                action,
                _via_context(spec, facts, other_region(spec.region)),
                (),
                "deny",
            )
    action = crypto[0]
    stranger = _role(spec.partition, _stranger(spec), "Stranger")
    yield Case(
        "adversarial",
        "a principal of another account, with an IAM policy allowing everything",
        stranger,
        action,
        (),
        ("kms:*",),
        "deny",
    )
    insider = _role(spec.partition, spec.account, "AnyRoleWithAnIamPolicy")
    yield Case(
        "intended" if spec.iam_policies else "adversarial",
        "a principal of the account whose IAM policy allows the use"
        + ("" if spec.iam_policies else " (IAM policies are not enabled)"),
        insider,
        action,
        (),
        (action,),
        "allow" if spec.iam_policies else "deny",
    )
    yield Case(
        "adversarial",
        "a principal of the account with no IAM policy",
        insider,
        action,
        (),
        (),
        "deny",
    )
    if spec.account_via_services:
        yield from _account_via_cases(spec, facts, use_of)
    if spec.organization is not None:
        yield from _organization_cases(spec, spec.organization, use_of)
    for external in spec.external_accounts:
        yield from _external_cases(
            spec, external.account, external.uses, external.grants_for_aws_resources, use_of
        )
        yield from _grantee_cases(spec, external.account, external.grantees, external.uses, use_of)
    for service in spec.services:
        for statement in service.integration.build(service.arns, statements.env(spec, facts)):
            for action in statements.service_actions(facts, statement):
                yield from _service_cases(
                    service.integration.name, statement.principal, action, statement.pins
                )


def _instance(value: str) -> str:
    """A value a pattern matches (each `*` as nothing, each `?` as one letter); an exact
    value as it is."""
    return value.replace("*", "").replace("?", "x")


def _mismatch(value: str) -> str | None:
    """A value that the spec's value (exact or pattern) does not match, or None when every
    candidate matches it."""
    from kms_permissions.wildcards import glob

    base = _instance(value)
    for candidate in (f"x{base}", f"{base}x", "other", base.swapcase()):
        if not glob(value, candidate):
            return candidate
    return None


def _context_cases(
    spec: Spec,
    user: str,
    bound: list[str],
    via: tuple[tuple[str, str], ...],
    context: tuple[tuple[str, str], ...],
) -> Iterator[Case]:
    """A user's use without the encryption context, or with another value, is refused; and
    so is a grant not constrained to the context."""
    if not context or not bound:
        return
    action = bound[0]
    yield Case(
        "adversarial",
        "user uses the key without the encryption context",
        user,
        action,
        via,
        (),
        "deny",
    )
    for i, (name, value) in enumerate(spec.encryption_context):
        wrong = _mismatch(value)
        if wrong is None:
            continue
        other = (*context[:i], (context[i][0], wrong), *context[i + 1 :])
        yield Case(
            "adversarial",
            f"user uses the key with another {name} in the encryption context",
            user,
            action,
            (*via, *other),
            (),
            "deny",
        )
    if spec.key_spec.symmetric_encryption:
        yield Case(
            "adversarial",
            "user lets an AWS service create a grant not constrained to the encryption context",
            user,
            statements.CREATE_GRANT,
            ((GRANT_FOR_AWS, "true"), *via),
            (),
            "deny",
        )


def _replica_cases(spec: Spec, admin: str) -> Iterator[Case]:
    """Replicating into a listed Region is allowed, into any other refused; without
    replica_regions, replicating at all is refused. ReplicateKey also needs kms:CreateKey in an
    IAM policy in the replica Region (API Reference, ReplicateKey): the administrator has one,
    so that the key policy decides."""
    action = statements.REPLICATE_KEY
    create = (statements.CREATE_KEY,)
    for region in spec.replica_regions:
        yield Case(
            "intended",
            f"administrator replicates the key into {region}",
            admin,
            action,
            ((statements.REPLICA_REGION, region),),
            create,
            "allow",
        )
    elsewhere = other_region(spec.region)
    while elsewhere in spec.replica_regions or elsewhere == spec.region:
        elsewhere = "ap-northeast-3" if elsewhere != "ap-northeast-3" else "sa-east-1"
    yield Case(
        "adversarial",
        f"administrator replicates the key into a Region not listed ({elsewhere})",
        admin,
        action,
        ((statements.REPLICA_REGION, elsewhere),),
        create,
        "deny",
    )


def _account_via_cases(
    spec: Spec, facts: Knowledge, use_of: dict[str, tuple[str, ...]]
) -> Iterator[Case]:
    """Any principal of the account, with no IAM policy for KMS, uses the key through each
    service; another account's principal through it, the account's principal directly or
    through the service in another Region, are refused."""
    anyone = _role(spec.partition, spec.account, "AnyRoleOfTheAccount")
    actions = statements.account_via_actions(use_of)
    for name in spec.account_via_services:
        through = (("kms:ViaService", via_value(facts, name, spec.region)),)
        for action in actions:
            yield Case(
                "intended",
                f"a principal of the account uses the key through {name}",
                anyone,
                action,
                through,
                (),
                "allow",
            )
        if spec.key_spec.symmetric_encryption:
            yield Case(
                "intended",
                f"{name} creates a grant for an AWS resource of a principal of the account",
                anyone,
                statements.CREATE_GRANT,
                ((GRANT_FOR_AWS, "true"), *through),
                (),
                "allow",
            )
    action = actions[0]
    through = (("kms:ViaService", via_value(facts, spec.account_via_services[0], spec.region)),)
    yield Case(
        "adversarial",
        "a principal of the account creates, through the service, a grant not for an AWS resource",
        anyone,
        statements.CREATE_GRANT,
        through,
        (),
        "deny",
    )
    elsewhere = via_value(facts, spec.account_via_services[0], other_region(spec.region))
    stranger = _role(spec.partition, _stranger(spec), "AnyRoleOfAnotherAccount")
    yield Case(
        "adversarial",
        "a principal of another account through the service, with an IAM policy",
        stranger,
        action,
        through,
        (action,),
        "deny",
    )
    yield Case(
        "adversarial",
        "a principal of the account calls KMS directly",
        anyone,
        action,
        (),
        (),
        "deny",
    )
    yield Case(
        "adversarial",
        "a principal of the account through the service in another Region",
        anyone,
        action,
        (("kms:ViaService", elsewhere),),
        (),
        "deny",
    )


def _organization_cases(
    spec: Spec, organization: Organization, use_of: dict[str, tuple[str, ...]]
) -> Iterator[Case]:
    """A principal of another account of the organization uses what it was given (with an
    IAM policy of its own); of another organization, or of none, it is refused; and the key's
    own account gets nothing through the organization."""
    member = _role(spec.partition, _stranger(spec), "OrganizationMember")
    allowed = sorted({a for use in organization.uses for a in use_of[use]})
    org = ((statements.PRINCIPAL_ORG_ID, organization.id),)
    for action in allowed:
        yield Case(
            "intended",
            "an organization member uses the key",
            member,
            action,
            org,
            (action,),
            "allow",
        )
    action = allowed[0]
    yield Case(
        "adversarial",
        "an organization member without an IAM policy of its own",
        member,
        action,
        org,
        (),
        "deny",
    )
    foreign = (
        (
            statements.PRINCIPAL_ORG_ID,
            f"{organization.id[:-1]}{'b' if organization.id[-1] == 'a' else 'a'}",
        ),
    )
    yield Case(
        "adversarial",
        "a principal of another organization",
        member,
        action,
        foreign,
        (action,),
        "deny",
    )
    yield Case(
        "adversarial",
        "a principal of no organization",
        member,
        action,
        (),
        (action,),
        "deny",
    )
    insider = _role(spec.partition, spec.account, "OrganizationMemberOfTheKeysAccount")
    yield Case(
        "adversarial",
        "a principal of the key's own account in the organization, with no IAM policy",
        insider,
        action,
        org,
        (),
        "deny",
    )


def _grantee_cases(
    spec: Spec,
    account: str,
    grantees: tuple[str, ...],
    wanted: tuple[str, ...],
    use_of: dict[str, tuple[str, ...]],
) -> Iterator[Case]:
    """Another account grants its uses to a named principal (with the CLI: no AWS service, so
    no kms:GrantIsForAWSResource); to anyone else, or more operations, it is refused."""
    if not grantees:
        return
    role = _role(spec.partition, account, "GrantCreator")
    allowed = statements.grant_operations({a for use in wanted for a in use_of[use]})
    every = statements.grant_operations({a for names in use_of.values() for a in names})
    iam = (statements.CREATE_GRANT,)
    operations = (statements.GRANT_OPERATIONS, tuple(allowed))
    for grantee in grantees:
        yield Case(
            "intended",
            f"account {account} grants its uses to {grantee}",
            role,
            statements.CREATE_GRANT,
            ((statements.GRANTEE_PRINCIPAL, grantee), operations),
            iam,
            "allow",
        )
    stranger = _role(spec.partition, account, "NotANamedGrantee")
    yield Case(
        "adversarial",
        f"account {account} grants its uses to a principal not named",
        role,
        statements.CREATE_GRANT,
        ((statements.GRANTEE_PRINCIPAL, stranger), operations),
        iam,
        "deny",
    )
    more = [op for op in every if op not in allowed]
    if more:
        yield Case(
            "adversarial",
            f"account {account} grants {more[0]}, which it was not given",
            role,
            statements.CREATE_GRANT,
            (
                (statements.GRANTEE_PRINCIPAL, grantees[0]),
                (statements.GRANT_OPERATIONS, (*allowed, more[0])),
            ),
            iam,
            "deny",
        )


def _external_cases(
    spec: Spec,
    account: str,
    wanted: tuple[str, ...],
    grants: bool,
    use_of: dict[str, tuple[str, ...]],
) -> Iterator[Case]:
    role = _role(spec.partition, account, "ExternalKeyUser")
    allowed = sorted({a for use in wanted for a in use_of[use]})
    for action in allowed:
        yield Case(
            "intended", f"account {account} uses the key", role, action, (), (action,), "allow"
        )
        yield Case(
            "adversarial",
            f"account {account} without an IAM policy of its own",
            role,
            action,
            (),
            (),
            "deny",
        )
    for action in sorted({a for names in use_of.values() for a in names} - set(allowed)):
        yield Case(
            "adversarial",
            f"account {account} uses what it was not given",
            role,
            action,
            (),
            (action,),
            "deny",
        )
    if grants:
        yield Case(
            "intended",
            f"account {account} lets an AWS service grant itself use",
            role,
            statements.CREATE_GRANT,
            ((GRANT_FOR_AWS, "true"),),
            (statements.CREATE_GRANT,),
            "allow",
        )
    yield Case(
        "adversarial",
        f"account {account} creates a grant that is not for an AWS resource",
        role,
        statements.CREATE_GRANT,
        (),
        (statements.CREATE_GRANT,),
        "deny",
    )


def _service_cases(name: str, principal: str, action: str, pins: tuple[Pin, ...]) -> Iterator[Case]:
    good = tuple((pin.key, pin.good) for pin in pins)
    yield Case("intended", f"{name}: the documented call", principal, action, good, (), "allow")
    for i, pin in enumerate(pins):
        context = (*good[:i], (pin.key, pin.foreign), *good[i + 1 :])
        yield Case(
            "adversarial",
            f"{name}: {pin.wrong} ({pin.key})",
            principal,
            action,
            context,
            (),
            "deny",
        )
    yield Case(
        "adversarial",
        f"{name}: a call without the source context",
        principal,
        action,
        (),
        (),
        "deny",
    )


def _iam_policy(actions: tuple[str, ...], arn: str) -> dict[str, Any]:
    # kms:CreateKey is on no key: an IAM policy allows it on "*".
    on_key = [a for a in actions if a != statements.CREATE_KEY]
    found = [{"Effect": "Allow", "Action": on_key, "Resource": arn}] if on_key else []
    if statements.CREATE_KEY in actions:
        found.append({"Effect": "Allow", "Action": [statements.CREATE_KEY], "Resource": "*"})
    return {"Version": statements.VERSION, "Statement": found}


def verify(
    spec: Spec, policy: dict[str, Any], facts: Knowledge, dataset: str | None = None
) -> list[Outcome]:
    """Every case decided by explain against `policy`."""
    arn = key_arn(spec)
    outcomes = []
    for case in cases(spec, facts):
        request = {
            "principal": case.principal,
            "action": case.action,
            "key_arn": arn,
            "context": request_context(case.context),
        }
        iam = [_iam_policy(case.iam_actions, arn)] if case.iam_actions else []
        result = explain(policy, request, iam, dataset=dataset)
        outcomes.append(Outcome(case, result.decision, result.decided))
    return outcomes


VERIFY_FORMAT = "kms-permissions-key-policy-verify/1"


def verify_document(outcomes: list[Outcome], skipped: list[str], version: str) -> dict[str, Any]:
    """The `kms-permissions-key-policy-verify/1` document."""
    return {
        "format": VERIFY_FORMAT,
        "dataset_version": version,
        "agrees": all(o.agrees for o in outcomes),
        "requests": [o.to_json() for o in outcomes],
        "not_decided": skipped,
    }


def report(outcomes: list[Outcome]) -> str:
    """The outcomes as text, one line each, and a last line counting those that differ."""
    lines = []
    for outcome in outcomes:
        case = outcome.case
        mark = "ok     " if outcome.agrees else "DIFFERS"
        decision = outcome.decision if outcome.decided else "cannot-decide"
        context = ", ".join(
            f"{k}={','.join(v) if isinstance(v, tuple) else v}" for k, v in case.context
        )
        iam = f" [IAM policy allows {', '.join(case.iam_actions)}]" if case.iam_actions else ""
        lines.append(
            f"{mark} {case.kind:<11} expect {case.expected:<5} got {decision:<13} "
            f"{case.principal} {case.action}{' {' + context + '}' if context else ''}{iam}"
            f"  # {case.what}"
        )
    differ = sum(not o.agrees for o in outcomes)
    intended = sum(o.case.kind == "intended" for o in outcomes)
    lines.append(
        f"{len(outcomes)} requests ({intended} intended, {len(outcomes) - intended} adversarial): "
        + (f"{differ} differ from what the spec means" if differ else "all as the spec means")
    )
    return "\n".join(lines)
