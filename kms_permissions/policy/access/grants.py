"""Grants as ListGrants returns them, and whether one gives the caller the requested operation.

https://docs.aws.amazon.com/kms/latest/developerguide/grants.html: a grant allows its grantee
principal the grant's operations on its key, in the same or another account; a grantee whose grant
allows CreateGrant may create grants only for operations its own grant has, with constraints at
least as strict (`grant_chain`).
https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html: the grant operations
(named as ListGrants returns them), and a grantee is one principal: AWS refuses a wildcard.
https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html: encryption context
constraints apply to cryptographic operations that take an encryption context (not to management
operations such as RetireGrant, nor to asymmetric keys); their keys ignore case, values do not.
"""

from __future__ import annotations

import json

from kms_permissions.policy.access import docs, facts, grant_chain
from kms_permissions.policy.access.inputs import Given, InputError, load_json
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, false, unknown
from kms_permissions.policy.access.principals import match_principal
from kms_permissions.policy.access.request import KEY_ARN, Request

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

_CONTEXT_PREFIX = "kms:encryptioncontext:"
# CreateGrant's Operations, as ListGrants returns them: each the name of its permission.
GRANT_OPERATIONS = (
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
)
_GRANTEES = ("GranteePrincipal", "GranteeServicePrincipal")
_CONSTRAINTS = ("EncryptionContextEquals", "EncryptionContextSubset", "SourceArn")
_FIELDS = {
    "GranteeServicePrincipal",
    "KeyId",
    "GrantId",
    "Name",
    "CreationDate",
    "GranteePrincipal",
    "RetiringPrincipal",
    "IssuingAccount",
    "Operations",
    "Constraints",
}


@dataclass(frozen=True)
class Grant:
    """One grant on a KMS key."""

    name: str
    index: int
    grant_id: str | None
    key_id: str | None
    grantee: str
    retiring: str | None
    issuing_account: str | None
    operations: tuple[str, ...]
    context_equals: tuple[tuple[str, str], ...] | None
    context_subset: tuple[tuple[str, str], ...] | None
    source_arn: str | None = None

    @property
    def label(self) -> str:
        """How reports name the grant."""
        return f"grant {self.grant_id}" if self.grant_id else f"grant {self.index}"


def _context_map(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InputError(f"{where}: an encryption context is an object of string: string")
    return tuple(sorted(value.items()))


def _grant(data: Any, name: str, index: int, dataset: str | None) -> Grant:
    where = f"{name}: grant {index}"
    if not isinstance(data, dict):
        raise InputError(f"{where}: a grant is an object as ListGrants returns it")
    extra = sorted(set(data) - _FIELDS)
    if extra:
        raise InputError(f"{where}: unknown field {extra[0]!r}")
    grantee = _grantee(data, where)
    operations = data.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise InputError(f"{where}.Operations: a non-empty list of operation names")
    for operation in operations:
        if (
            operation not in GRANT_OPERATIONS
            or facts.action_facts(f"kms:{operation}", dataset) is None
        ):
            raise InputError(
                f"{where}.Operations: {operation!r} is not a grant operation (CreateGrant's "
                "Operations, as ListGrants returns them)"
            )
    constraints = data.get("Constraints") or {}
    if not isinstance(constraints, dict) or set(constraints) - set(_CONSTRAINTS):
        raise InputError(f"{where}.Constraints: only {', '.join(_CONSTRAINTS)}")
    source_arn = constraints.get("SourceArn")
    if source_arn is not None and not isinstance(source_arn, str):
        raise InputError(f"{where}.Constraints.SourceArn: must be a string")
    equals = constraints.get("EncryptionContextEquals")
    subset = constraints.get("EncryptionContextSubset")
    for field in ("KeyId", "GrantId", "RetiringPrincipal", "IssuingAccount"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise InputError(f"{where}.{field}: must be a string")
    return Grant(
        name=name,
        index=index,
        grant_id=data.get("GrantId"),
        key_id=data.get("KeyId"),
        grantee=grantee,
        retiring=data.get("RetiringPrincipal"),
        issuing_account=data.get("IssuingAccount"),
        operations=tuple(operations),
        context_equals=None if equals is None else _context_map(equals, f"{where}.Constraints"),
        context_subset=None if subset is None else _context_map(subset, f"{where}.Constraints"),
        source_arn=source_arn,
    )


def _grantee(data: dict[str, Any], where: str) -> str:
    """The grantee: GranteePrincipal, or GranteeServicePrincipal; one, never a wildcard."""
    given = [f for f in _GRANTEES if data.get(f) is not None]
    if len(given) != 1:
        raise InputError(f"{where}: one of GranteePrincipal and GranteeServicePrincipal")
    field = given[0]
    grantee = data[field]
    if not isinstance(grantee, str) or not grantee.strip():
        raise InputError(f"{where}.{field}: a principal (a string)")
    if any(c in grantee for c in "*?"):
        raise InputError(
            f"{where}.{field}: {grantee!r}: a grantee is one principal; AWS refuses a wildcard "
            f"({docs.CREATE_GRANT})"
        )
    if field == "GranteeServicePrincipal" and not grantee.endswith(
        (".amazonaws.com", ".amazonaws.com.cn")
    ):
        raise InputError(f"{where}.{field}: {grantee!r} is not a service principal")
    return grantee


def parse_grants(source: Given, name: str, dataset: str | None = None) -> list[Grant]:
    """The grants of a file: one grant, or ListGrants' `{"Grants": [...]}`."""
    name, data = load_json(source, name)
    if isinstance(data, dict) and "Grants" in data:
        if not isinstance(data["Grants"], list):
            raise InputError(f"{name}: Grants: a list of grants, as ListGrants returns them")
        return [_grant(g, name, i, dataset) for i, g in enumerate(data["Grants"])]
    if isinstance(data, dict) and "Statement" in data:
        raise InputError(f"{name}: a policy document, not a grant (a grant has no Statement)")
    if isinstance(data, dict) and not set(data) & {"Operations", *_GRANTEES}:
        raise InputError(
            f"{name}: not a grant: no Operations or grantee, as ListGrants returns a grant"
        )
    return [_grant(data, name, 0, dataset)]


def _names(principal: str) -> dict[str, str]:
    kind = "Service" if principal.endswith((".amazonaws.com", ".amazonaws.com.cn")) else "AWS"
    return {kind: principal}


def names_caller(principal: str | None, request: Request) -> Outcome:
    """Whether a grant's grantee or retiring principal is the caller."""
    if not principal:
        return false("no principal")
    match = match_principal(_names(principal), request.caller)
    if match.direct.value is not True and match.any.value is True:
        return unknown(
            f"{principal} is the account; whether its users and roles then need IAM "
            "permission is not documented for grants"
        )
    return (
        match.direct if match.direct.value is not False else false(f"{principal} is not the caller")
    )


def on_key(grant: Grant, request: Request) -> Outcome:
    """Whether the grant is for the requested key."""
    if grant.key_id is None or request.key_arn is None:
        return TRUE
    key_id = KEY_ARN.match(request.key_arn)
    if grant.key_id == request.key_arn or (key_id and grant.key_id == key_id["id"]):
        return TRUE
    return false(f"{grant.label} is for key {grant.key_id}")


def _encryption_context(request: Request) -> dict[str, str]:
    """The request's encryption context, its keys as the request writes them."""
    found = {}
    for value in request.context.values():
        if value.name.lower().startswith(_CONTEXT_PREFIX) and not value.is_list:
            found[value.name[len(_CONTEXT_PREFIX) :]] = value.values[0]
    return found


def _shown(context: dict[str, str] | tuple[tuple[str, str], ...]) -> str:
    """An encryption context for a message, as JSON with its keys as written."""
    pairs = dict(context)
    return json.dumps(pairs, ensure_ascii=False) if pairs else "none"


def constraints_hold(
    grant: Grant, request: Request, operation: str, takes_context: bool
) -> Outcome:
    """Whether the grant's encryption context constraints let this request through."""
    if operation == "CreateGrant":
        return grant_chain.constraints_within(
            grant.label, grant.context_equals, grant.context_subset, grant.source_arn, request
        )
    if grant.context_equals is None and grant.context_subset is None:
        return TRUE
    if operation == "RetireGrant" or not takes_context:
        return TRUE  # constraints apply only to operations that take an encryption context
    spec = request.context.get("kms:KeySpec")
    if spec is not None and spec.values[0] != "SYMMETRIC_DEFAULT":
        return TRUE  # constraints do not apply to asymmetric keys
    given = _encryption_context(request)
    # Keys ignore case, values do not (GrantConstraints).
    have = {k.lower(): v for k, v in given.items()}
    if grant.context_equals is not None:
        wanted = {k.lower(): v for k, v in grant.context_equals}
        if have != wanted:
            return false(
                f"{grant.label} requires the encryption context to equal "
                f"{_shown(grant.context_equals)}; the request has {_shown(given)}"
            )
    if grant.context_subset is not None:
        missing = tuple((k, v) for k, v in grant.context_subset if have.get(k.lower()) != v)
        if missing:
            return false(
                f"{grant.label} requires the encryption context to include {_shown(missing)}; "
                f"the request has {_shown(given)}"
            )
    return TRUE


def _source_holds(grant: Grant, request: Request) -> Outcome:
    if grant.source_arn is None:
        return TRUE
    given = request.context.get("aws:SourceArn")
    if given is None:
        return false(
            f"{grant.label} requires aws:SourceArn {grant.source_arn}; the request has none"
        )
    if given.values[0] != grant.source_arn:
        return false(
            f"{grant.label} requires aws:SourceArn {grant.source_arn}; the request has "
            f"{given.values[0]}"
        )
    return TRUE


def grant_allows(grant: Grant, request: Request, permission: str, takes_context: bool) -> Outcome:
    """Whether the grant gives the caller this permission (`kms:Decrypt`) on this key."""
    operation = permission.removeprefix("kms:")
    if operation not in grant.operations:
        return false(f"{grant.label} does not include the {operation} operation")
    return all_of(
        (
            on_key(grant, request),
            names_caller(grant.grantee, request),
            _source_holds(grant, request),
            grant_chain.operations_within(grant.label, grant.operations, request)
            if operation == "CreateGrant"
            else TRUE,
            constraints_hold(grant, request, operation, takes_context),
        )
    )
