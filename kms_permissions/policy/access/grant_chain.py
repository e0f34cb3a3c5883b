"""What a grantee may create with the CreateGrant permission it holds from a grant.

https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-creategrant:
the child grant may allow only operations of its parent grant, and its grant constraints must be
at least as strict as the parent's (it may add pairs to an EncryptionContextSubset or turn it
into an EncryptionContextEquals, not the reverse). The new grant is read from the CreateGrant
request's context: kms:GrantOperations its operations, kms:GrantConstraintType its constraint's
type, kms:EncryptionContext:KEY its constraint's pairs (for CreateGrant those keys are the grant
constraint's, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).

At least as strict is read as: every request the child allows, the parent allows. A parent's
EncryptionContextEquals P admits only a child's EncryptionContextEquals of exactly P; a parent's
EncryptionContextSubset P admits a child's Subset or Equals whose pairs include P. Keys compare
without case, values with (GrantConstraints). A parent's SourceArn constraint admits only a
child with the same SourceArn (kms:GrantConstraintSourceArn): another ARN allows other requests.
A request that gives the new grant's pairs without its constraint type cannot be decided.
"""

from __future__ import annotations

import json

from kms_permissions.policy.access.outcome import TRUE, Outcome, false, unknown
from kms_permissions.policy.access.request import Request

TYPES = ("EncryptionContextEquals", "EncryptionContextSubset")
_CONTEXT_PREFIX = "kms:encryptioncontext:"
Pairs = tuple[tuple[str, str], ...]


def _shown(pairs: dict[str, str] | Pairs) -> str:
    found = dict(pairs)
    return json.dumps(found, ensure_ascii=False) if found else "none"


def operations_within(label: str, parent: tuple[str, ...], request: Request) -> Outcome:
    """The new grant's operations are some or all of the parent grant's."""
    wanted = request.context.get("kms:GrantOperations")
    if wanted is None:
        return unknown(
            f"{label} allows CreateGrant only for its own operations; the request does not "
            "give kms:GrantOperations (the new grant's operations)"
        )
    beyond = [o for o in wanted.values if o not in parent]
    if beyond:
        return false(
            f"{label} allows CreateGrant only for its own operations "
            f"({', '.join(parent)}); the new grant asks for {', '.join(beyond)}"
        )
    return TRUE


def _child(request: Request) -> tuple[str | None, dict[str, str]] | Outcome:
    """The new grant's constraint type and pairs, or why they cannot be read."""
    pairs = {
        v.name[len(_CONTEXT_PREFIX) :]: v.values[0]
        for v in request.context.values()
        if v.name.lower().startswith(_CONTEXT_PREFIX) and not v.is_list
    }
    given = request.context.get("kms:GrantConstraintType")
    if given is None:
        if pairs:
            return unknown(
                "the request gives the new grant's encryption context pairs but not "
                "kms:GrantConstraintType (EncryptionContextEquals or EncryptionContextSubset)"
            )
        return None, {}
    kind = given.values[0]
    if kind not in TYPES:
        return unknown(f"kms:GrantConstraintType {kind!r} is not one of {', '.join(TYPES)}")
    return kind, pairs


def constraints_within(
    label: str,
    equals: Pairs | None,
    subset: Pairs | None,
    source_arn: str | None,
    request: Request,
) -> Outcome:
    """The new grant's constraints are at least as strict as the parent grant's."""
    if source_arn is not None:
        child_arn = request.context.get("kms:GrantConstraintSourceArn")
        if child_arn is None or child_arn.values[0] != source_arn:
            has = "none" if child_arn is None else child_arn.values[0]
            return false(
                f"{label} has the constraint SourceArn {source_arn}; a grant it lets its grantee "
                f"create must have the same, and the new grant's (kms:GrantConstraintSourceArn) "
                f"is {has}"
            )
    if equals is None and subset is None:
        return TRUE
    child = _child(request)
    if isinstance(child, Outcome):
        return child
    kind, pairs = child
    have = {k.lower(): v for k, v in pairs.items()}
    if kind is None and equals is None and not subset:
        return TRUE  # an empty EncryptionContextSubset admits every request
    if kind is None:
        return false(
            f"{label} has an encryption context constraint, so the grants it lets its grantee "
            "create must have one at least as strict; the request gives no "
            "kms:GrantConstraintType (the new grant has none)"
        )
    if equals is not None:
        wanted = {k.lower(): v for k, v in equals}
        if kind != "EncryptionContextEquals" or have != wanted:
            return false(
                f"{label} has the constraint EncryptionContextEquals {_shown(equals)}; a grant "
                f"it lets its grantee create must have exactly that, and the new grant has "
                f"{kind} {_shown(pairs)}"
            )
    if subset is not None:
        missing = [(k, v) for k, v in subset if have.get(k.lower()) != v]
        if missing:
            return false(
                f"{label} has the constraint EncryptionContextSubset {_shown(subset)}; a grant "
                f"it lets its grantee create must keep those pairs, and the new grant's "
                f"{kind} {_shown(pairs)} lacks {_shown(tuple(missing))}"
            )
    return TRUE
