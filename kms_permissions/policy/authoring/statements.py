"""The statements of a key policy, built from a checked spec and the dataset.

Every list of permissions is explicit (no wildcard): what a wildcard covers changes when KMS
adds operations, and an administrator's `kms:Create*` covers CreateGrant, with which they could
grant themselves the use of the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kms_permissions.policy.authoring.services import INTEGRATIONS, Env, Pin, ServiceStatement
from kms_permissions.policy.authoring.spec import Spec
from kms_permissions.policy.authoring.via import via_value
from kms_permissions.policy.key_specs import (
    DESCRIBE_KEY,
    KEY_SPECS,
    KeySpec,
    operations,
    use_name,
)
from kms_permissions.policy.knowledge import DEFAULT_ADMIN_ACTIONS, Knowledge

VERSION = "2012-10-17"
ID_PREFIX = "kms-permissions-key-policy-new-"
CREATE_GRANT = "kms:CreateGrant"
# The grant permissions of the console's default "Allow attachment of persistent resources"
# statement (key-policy-default), for grants an AWS service creates.
GRANT_PERMISSIONS = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")
GRANT_FOR_AWS = {"Bool": {"kms:GrantIsForAWSResource": "true"}}
# The console's default key administrators statement plus RotateKeyOnDemand; expanded through
# the dataset, then CreateGrant and every cryptographic operation are taken out.
ADMIN_PATTERNS = (*DEFAULT_ADMIN_ACTIONS, "kms:RotateKeyOnDemand")

REPLICATE_KEY = "kms:ReplicateKey"
CREATE_KEY = "kms:CreateKey"
REPLICA_REGION = "kms:ReplicaRegion"
PRINCIPAL_ORG_ID = "aws:PrincipalOrgID"
CALLER_ACCOUNT = "kms:CallerAccount"
GRANTEE_PRINCIPAL = "kms:GranteePrincipal"
GRANT_OPERATIONS = "kms:GrantOperations"
ENCRYPTION_CONTEXT = "kms:EncryptionContext:"

Statement = dict[str, Any]


def _one_or_list(values: Iterable[str]) -> str | list[str]:
    names = list(values)
    return names[0] if len(names) == 1 else names


def is_pattern(value: str) -> bool:
    """Whether a condition value has IAM's wildcards (then StringLike compares it)."""
    return "*" in value or "?" in value


def context_condition(spec: Spec) -> dict[str, Any] | None:
    """The condition requiring the spec's encryption context: StringEquals for each exact
    value, StringLike for each pattern; None when the spec names none."""
    condition: dict[str, Any] = {}
    for name, value in spec.encryption_context:
        operator = "StringLike" if is_pattern(value) else "StringEquals"
        condition.setdefault(operator, {})[f"{ENCRYPTION_CONTEXT}{name}"] = value
    return condition or None


def context_actions(spec: Spec, facts: Knowledge) -> set[str]:
    """The permissions every one of the spec's encryption context keys applies to (the
    dataset's kms:EncryptionContext:${context-key}): the others never carry a context."""
    found: set[str] | None = None
    for name, _ in spec.encryption_context:
        key = facts.key(f"{ENCRYPTION_CONTEXT}{name}")
        applies = facts.key_actions(key) if key is not None else set()
        found = applies if found is None else found & applies
    return found or set()


def on_key(facts: Knowledge, patterns: Iterable[str]) -> list[str]:
    """The permissions `patterns` cover that a key policy grants on the key, sorted."""
    found: set[str] = set()
    for pattern in patterns:
        for name in facts.expand(pattern):
            info = facts.action(name)
            if (
                info is not None
                and "key" in info.resources
                and "key-policy" in info.policy_types
                and info.key_policy_effective is not False
            ):
                found.add(info.action)
    return sorted(found)


def uses(spec: KeySpec, usage: str, facts: Knowledge) -> dict[str, tuple[str, ...]]:
    """The uses a key allows, by name (`decrypt`, `re-encrypt`, `describe-key` ...): the
    permissions each needs."""
    found: dict[str, list[str]] = {}
    for name in (*operations(spec, usage, facts), DESCRIBE_KEY):
        info = facts.action(name)
        if info is not None:
            found.setdefault(use_name(info.operation), []).append(info.action)
    return {use: tuple(sorted(names)) for use, names in sorted(found.items())}


def admin_actions(facts: Knowledge) -> list[str]:
    """What key administrators are allowed: management, never use nor CreateGrant."""
    crypto: set[str] = set()
    for key_spec in KEY_SPECS.values():
        for usage in key_spec.usages:
            crypto.update(operations(key_spec, usage, facts))
    return [a for a in on_key(facts, ADMIN_PATTERNS) if a != CREATE_GRANT and a not in crypto]


def _statement(
    sid: str, principal: dict[str, Any], actions: list[str], condition: dict[str, Any] | None
) -> Statement:
    body: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": actions[0] if len(actions) == 1 else actions,
        "Resource": "*",
    }
    if condition:
        body["Condition"] = condition
    return body


def _aws(principals: Iterable[str]) -> dict[str, Any]:
    names = list(principals)
    return {"AWS": names[0] if len(names) == 1 else names}


def account_via_actions(use_of: Mapping[str, tuple[str, ...]]) -> list[str]:
    """What every principal of the account may do through the spec's account_via_services:
    every use of the key (as in AWS managed keys' policies)."""
    return sorted({name for names in use_of.values() for name in names})


def _account_through(
    spec: Spec, facts: Knowledge, use_of: Mapping[str, tuple[str, ...]]
) -> list[Statement]:
    """Every principal of the account through the services; for a symmetric encryption key
    also CreateGrant, as AWS managed keys give it, but only for grants for AWS resources."""
    values = [via_value(facts, name, spec.region) for name in spec.account_via_services]
    condition = {
        "StringEquals": {CALLER_ACCOUNT: spec.account, "kms:ViaService": _one_or_list(values)}
    }
    sid = "AllowAccountPrincipalsThroughServices"
    out = [_statement(sid, {"AWS": "*"}, account_via_actions(use_of), condition)]
    if spec.key_spec.symmetric_encryption:
        out.append(
            _statement(
                f"{sid}GrantsForAwsResources",
                {"AWS": "*"},
                [CREATE_GRANT],
                _merge(GRANT_FOR_AWS, condition),
            )
        )
    return out


def user_actions(spec: Spec, use_of: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The permissions users get: those of `users_use`, or of every use the key allows."""
    return sorted({name for use in (spec.users_use or use_of) for name in use_of[use]})


def users_grant(spec: Spec) -> bool:
    """Whether users let AWS services create grants for AWS resources: for a symmetric
    encryption key whose users have every use (a service's grant gives it the operations it
    needs; users limited to some uses could pass on more through it)."""
    return bool(spec.users) and spec.key_spec.symmetric_encryption and not spec.users_use


def _user_grants(
    spec: Spec, via: dict[str, Any] | None, context: dict[str, Any] | None
) -> list[Statement]:
    """Users let AWS services create grants for AWS resources. With an encryption context, a
    grant must be constrained to it too (the condition reads a CreateGrant's constraints), so
    that no grant widens the users' use; listing and revoking grants carry no context."""
    sid = "AllowKeyUsersGrantsForAwsResources"
    if not context:
        return [
            _statement(sid, _aws(spec.users), list(GRANT_PERMISSIONS), _merge(GRANT_FOR_AWS, via))
        ]
    others = [name for name in GRANT_PERMISSIONS if name != CREATE_GRANT]
    return [
        _statement(
            f"{sid}WithTheEncryptionContext",
            _aws(spec.users),
            [CREATE_GRANT],
            _merge(GRANT_FOR_AWS, via, context),
        ),
        _statement(
            "AllowKeyUsersToListAndRevokeGrants",
            _aws(spec.users),
            others,
            _merge(GRANT_FOR_AWS, via),
        ),
    ]


def grant_operations(names: Iterable[str]) -> list[str]:
    """The grant operations (as CreateGrant names them: each its permission's name) of
    permissions a grant can give, and CreateGrant: a grantee may pass on no more than its own
    grant's operations (KMS's rule for grants)."""
    from kms_permissions.policy.access.grants import GRANT_OPERATIONS as OPERATIONS

    found = {CREATE_GRANT.removeprefix("kms:")}
    found.update(n.removeprefix("kms:") for n in names if n.removeprefix("kms:") in OPERATIONS)
    return sorted(found)


def grantee_condition(grantees: Iterable[str], names: Iterable[str]) -> dict[str, Any]:
    """Grants only for the named principals, and only of the given permissions."""
    return {
        "StringEquals": {GRANTEE_PRINCIPAL: _one_or_list(grantees)},
        "ForAllValues:StringEquals": {GRANT_OPERATIONS: grant_operations(names)},
    }


def via_condition(spec: Spec, facts: Knowledge) -> dict[str, Any] | None:
    """The condition that limits users to requests through the spec's services, in its
    Region; None when the spec names none."""
    if not spec.via_services:
        return None
    values = [via_value(facts, name, spec.region) for name in spec.via_services]
    return {"StringEquals": {"kms:ViaService": values[0] if len(values) == 1 else values}}


def env(spec: Spec, facts: Knowledge) -> Env:
    """What service statements need besides their ARNs."""
    return Env(spec.account, spec.region, lambda prefix, region: via_value(facts, prefix, region))


def _merge(*conditions: dict[str, Any] | None) -> dict[str, Any] | None:
    merged: dict[str, Any] = {}
    for condition in conditions:
        for operator, keys in (condition or {}).items():
            merged.setdefault(operator, {}).update(keys)
    return merged or None


def _pins(pins: Iterable[Pin]) -> dict[str, Any]:
    condition: dict[str, Any] = {}
    for pin in pins:
        condition.setdefault(pin.operator, {})[pin.key] = pin.value
    return condition


def service_actions(facts: Knowledge, statement: ServiceStatement) -> list[str]:
    """The permissions a service statement grants: its documented patterns expanded, less
    those a `kms:` condition key of it does not apply to (the condition could never hold
    for them, so the documented statement does not grant them either)."""
    names = on_key(facts, statement.actions)
    for pin in statement.pins:
        key = facts.key(pin.key)
        if pin.key.startswith("kms:") and key is not None:
            applies = facts.key_actions(key)
            names = [n for n in names if n in applies]
    return names


def _camel(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", text))


def build(spec: Spec, facts: Knowledge) -> list[Statement]:
    """The statements, in a fixed order, each with a Sid that says what it is for."""
    out: list[Statement] = []
    if spec.iam_policies:
        out.append(_statement("EnableIamPoliciesOfTheAccount", _aws([spec.root]), ["kms:*"], None))
    if spec.admins:
        out.append(
            _statement("AllowKeyAdministration", _aws(spec.admins), admin_actions(facts), None)
        )
    if spec.replica_regions:
        out.append(
            _statement(
                "AllowKeyAdministratorsToReplicateTheKey",
                _aws(spec.admins),
                [REPLICATE_KEY],
                {"StringEquals": {REPLICA_REGION: _one_or_list(spec.replica_regions)}},
            )
        )
    use_of = uses(spec.key_spec, spec.key_usage, facts)
    via = via_condition(spec, facts)
    if spec.users:
        crypto = user_actions(spec, use_of)
        context = context_condition(spec)
        if context:
            bound = sorted(set(crypto) & context_actions(spec, facts))
            free = [name for name in crypto if name not in bound]
            out.append(
                _statement(
                    "AllowKeyUsersToUseTheKeyWithTheEncryptionContext",
                    _aws(spec.users),
                    bound,
                    _merge(via, context),
                )
            )
            if free:
                out.append(_statement("AllowKeyUsersToDescribeTheKey", _aws(spec.users), free, via))
        else:
            out.append(_statement("AllowKeyUsersToUseTheKey", _aws(spec.users), crypto, via))
        if users_grant(spec):
            out += _user_grants(spec, via, context)
    if spec.account_via_services:
        out += _account_through(spec, facts, use_of)
    if spec.organization is not None:
        names = sorted({n for use in spec.organization.uses for n in use_of[use]})
        out.append(
            _statement(
                "AllowOrganizationToUseTheKey",
                {"AWS": "*"},
                names,
                # The key's own account is left out: there a key policy grant needs no IAM
                # permission, so every role of it would get the use; name those as users.
                {
                    "StringEquals": {PRINCIPAL_ORG_ID: spec.organization.id},
                    "StringNotEquals": {CALLER_ACCOUNT: spec.account},
                },
            )
        )
    for external in spec.external_accounts:
        root = f"arn:{spec.partition}:iam::{external.account}:root"
        names = sorted({n for use in external.uses for n in use_of[use]})
        if names:
            out.append(
                _statement(f"AllowAccount{external.account}ToUseTheKey", _aws([root]), names, None)
            )
        if external.grantees:
            out.append(
                _statement(
                    f"AllowAccount{external.account}GrantsToNamedPrincipals",
                    _aws([root]),
                    [CREATE_GRANT],
                    grantee_condition(external.grantees, names),
                )
            )
        if external.grants_for_aws_resources:
            out.append(
                _statement(
                    f"AllowAccount{external.account}GrantsForAwsResources",
                    _aws([root]),
                    list(GRANT_PERMISSIONS),
                    GRANT_FOR_AWS,
                )
            )
    return [*out, *service_statements(spec, facts)]


def service_statements(spec: Spec, facts: Knowledge) -> list[Statement]:
    """The statements of the spec's service integrations, in the spec's order."""
    out: list[Statement] = []
    seen: dict[str, int] = {}
    for service in spec.services:
        for statement in service.integration.build(service.arns, env(spec, facts)):
            sid = f"Allow{_camel(service.integration.name)}To{_camel(statement.purpose)}"
            seen[sid] = seen.get(sid, 0) + 1
            if seen[sid] > 1:
                sid = f"{sid}{seen[sid]}"
            out.append(
                _statement(
                    sid,
                    {statement.principal_kind: statement.principal},
                    service_actions(facts, statement),
                    _pins(statement.pins),
                )
            )
    return out


# The Sids `build` gives, but for the service integrations' (Allow<Integration>To<Purpose>).
_SIDS = re.compile(
    r"(?:EnableIamPoliciesOfTheAccount|AllowKeyAdministration|AllowKeyAdministratorsToReplicateTheKey"
    r"|AllowKeyUsers[A-Za-z]+|AllowAccount\d{12}(?:ToUseTheKey|GrantsForAwsResources"
    r"|GrantsToNamedPrincipals)"
    r"|AllowOrganizationToUseTheKey|AllowAccountPrincipalsThroughServices(?:GrantsForAwsResources)?)\Z"
)


def written_sid(sid: str) -> bool:
    """Whether `sid` is one this writer gives (to recognise its own earlier output)."""
    if _SIDS.match(sid):
        return True
    prefixes = [f"Allow{_camel(name)}To" for name in INTEGRATIONS]
    return any(sid.startswith(p) and sid[len(p) :].isalnum() for p in prefixes)


def policy_id(body: list[Statement]) -> str:
    """The policy's Id: a digest of its statements, so that `--out` knows an earlier output of
    its own, unchanged since, from a file someone wrote or edited."""
    import hashlib
    import json

    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{ID_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def policy(spec: Spec, facts: Knowledge) -> dict[str, Any]:
    """The key policy document."""
    body = build(spec, facts)
    return {"Version": VERSION, "Id": policy_id(body), "Statement": body}
