"""Operations authorized on two keys: each key's part decided as a request of its own.

The API Reference's "Required permissions" (the dataset's `required_permissions`) name the
operations that need a permission in the policies of two keys: ReEncrypt (kms:ReEncryptFrom on
the source key, kms:ReEncryptTo on the destination), UpdateAlias (kms:UpdateAlias on the alias's
current key and on its new key, https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html)
and UpdatePrimaryRegion (on the primary and the replica). A request for one of their permissions
on `key_arn` names the other key in `other_key_arn`; the other part is the same request for the
other permission on that key, decided with that key's policy and the grants for that key. Both
parts must allow; an explicit Deny in either denies. Both parts read the request's context as
given (a request does not tell ReEncrypt's source and destination encryption contexts apart),
but for the keys that describe key_arn itself (its tags, aliases, spec, usage, origin and
multi-Region type), which the other part does not know.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.facts import ActionFacts, KeyPart
from kms_permissions.policy.access.grants import Grant
from kms_permissions.policy.access.request import KEY_ARN, Request
from kms_permissions.policy.access.results import CANNOT_DECIDE, Assumption, Decision, Reason

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, replace
else:
    from kms_permissions._slotted import dataclass, replace

Outcome = tuple[Decision, bool, list[Reason]]
# Condition keys (and prefixes) that describe the key itself, not the request: what the request
# gives for them is key_arn's, so a condition on them in the other key's policy is undecided.
KEY_PROPERTIES = (
    "aws:ResourceTag/",
    "kms:ResourceAliases",
    "kms:KeySpec",
    "kms:KeyUsage",
    "kms:KeyOrigin",
    "kms:MultiRegion",
)


@dataclass(frozen=True)
class Parts:
    """The request's own part (its permission on key_arn) and the other key's part."""

    own: KeyPart
    other: KeyPart


def parts(action: ActionFacts) -> Parts | None:
    """The two key parts of the action's operation, or None for a one-key operation."""
    found = action.key_parts
    if len(found) != 2:
        return None
    own = 0 if found[0].permission == action.name else 1
    if found[own].permission != action.name:
        return None
    return Parts(found[own], found[1 - own])


def other_request(request: Request, part: KeyPart) -> Request:
    """The same request for the other part's permission on `other_key_arn`."""
    other = request.other_key_arn
    match = KEY_ARN.match(other or "")
    assert other is not None and match is not None  # parse_request checked it
    context = request.context.rederived(
        {"aws:RequestedRegion": match["region"], "aws:ResourceAccount": match["account"]}
    ).unknown_for(
        KEY_PROPERTIES,
        "{key} in the request describes key_arn; the other key's is not given (ask about it "
        "as its own request)",
    )
    # The alias of an alias operation is decided once, with the request's own part.
    return replace(
        request,
        action=part.permission,
        key_arn=other,
        other_key_arn=request.key_arn,
        alias=None,
        context=context,
    )


def grants_for(grants: list[Grant], key_arn: str) -> list[Grant]:
    """The grants for this key (a grant that names no key is taken as one for key_arn)."""
    key_id = KEY_ARN.match(key_arn)
    names = {key_arn, key_id["id"] if key_id else key_arn}
    return [g for g in grants if g.key_id in names]


def _on_other(reason: Reason, label: str) -> Reason:
    return replace(reason, rule=f"{label}: {reason.rule}")


def combine(own: Outcome, other: Outcome, label: str) -> Outcome:
    """The operation's decision from both parts: both must allow, a Deny in either denies."""
    parts_ = [own, (other[0], other[1], [_on_other(r, label) for r in other[2]])]
    decisions = [d for d, _, _ in parts_]
    if "explicit-deny" in decisions:
        decision: Decision = "explicit-deny"
    elif decisions == ["allow", "allow"]:
        decision = "allow"
    else:
        decision = "implicit-deny"
    final = any(d == "explicit-deny" and sure for d, sure, _ in parts_)
    decided = final or all(sure for _, sure, _ in parts_)
    if decision == "allow":
        return decision, decided, [r for _, _, reasons in parts_ for r in reasons]
    # A deny: the parts that deny first; of an allowing part only what it could not decide.
    deciding = [p for p in parts_ if p[0] == decision] + [
        p for p in parts_ if p[0] != decision and p[0] != "allow"
    ]
    reasons = [r for _, _, found in deciding for r in found]
    reasons += [
        r for d, _, found in parts_ if d == "allow" for r in found if r.code == CANNOT_DECIDE
    ]
    return decision, decided, reasons


def label(request: Request, part: KeyPart) -> str:
    """How the other part's reasons are prefixed."""
    return f"on the other key {request.other_key_arn} ({part.permission} on {part.resource})"


def assumption(
    request: Request, two: Parts, policy_given: bool, decision: Decision
) -> Assumption | None:
    """The other key's part, when it was not decided: assumed to allow."""
    if request.other_key_arn is not None and policy_given:
        return None
    need = f"{two.other.permission} on {two.other.resource}"
    own = f"{request.action} on {two.own.resource}"
    if request.other_key_arn is None:
        text = (
            f"the operation needs {own} (key_arn) and {need}, which the request does not name: "
            "assumed it allows (give other_key_arn and --other-key-policy)"
        )
    else:
        text = (
            f"the operation needs {own} (key_arn) and {need} ({request.other_key_arn}), whose "
            "key policy was not given: assumed it allows (give --other-key-policy)"
        )
    # Only an allow rests on it: a denying part denies the operation whatever the other says.
    return Assumption("other_key", text, decision == "allow", docs.PERMISSIONS)
