"""What kind of policy a document is, read from its content, and which of its statements
concern KMS.

The checker judges a policy only as what it is: a repository holds S3 bucket policies, role
trust policies, SCPs and VPC endpoint policies beside its key policies, and none of them is
wrong for not being a key policy. `infer_kind` says what a document is and from what it
concluded that; where the content cannot tell two kinds apart it says which it assumed
(`--kind` or `per-file-kinds` decide then).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from kms_permissions.policy.conditions import conditions
from kms_permissions.policy.document import Document, Statement
from kms_permissions.wildcards import glob

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

# Kinds the checker judges as KMS policies, and kinds in which it checks only the statements
# that name KMS actions (an SCP or RCP) or nothing at all (another service's policy).
KMS_KINDS = ("key-policy", "iam-policy", "vpc-endpoint-policy")
OTHER_KINDS = ("scp", "rcp", "trust-policy", "resource-policy")
KINDS = (*KMS_KINDS, *OTHER_KINDS)
# Kinds that cannot grant a KMS action: no KMS rule applies to them.
NOT_KMS = ("trust-policy", "resource-policy")
# Condition keys by which a policy exempts principals for who they are (their ARN, account,
# organization path, tags): what an SCP's Deny does to spare its administrators, and never what
# an identity-based policy needs (it is attached to the principals it concerns).
_PRINCIPAL_EXEMPTIONS = ("aws:principalarn", "aws:principalaccount", "aws:principalorgpaths")
_PRINCIPAL_TAG = "aws:principaltag/"
# A file or folder name that says "service control policy" (scp, scps, service_control_policy,
# ServiceControlPolicies): repositories keep their SCPs apart from their IAM policies. A file's
# name may hold it as a word (scp-deny-regions.json); a folder's must be it.
_SCP_WORD = r"(?:scps?|service[-_ ]?control[-_ ]?polic(?:y|ies))"
_SCP_FILE = rf"(?:^|[^a-z0-9]){_SCP_WORD}(?:[^a-z0-9]|$)"
# What a role trust policy's statements allow (IAM User Guide, role trust policies).
_TRUST_ACTIONS = (
    r"sts:(AssumeRole(WithSAML|WithWebIdentity)?|TagSession|SetSourceIdentity|SetContext)"
)
# The patterns are compiled on first use (re's own cache), not at import: a cold `check` of a
# key policy never needs them.


@dataclass(frozen=True)
class Kind:
    """A policy's kind and what says so (`given`: an option, a setting or the template)."""

    kind: str
    reason: str

    @property
    def about_kms(self) -> bool:
        """Whether KMS rules apply to the policy at all."""
        return self.kind not in NOT_KMS


def _strings(statement: Statement, element: str) -> list[str]:
    return [v for _, v in statement.values(element) if isinstance(v, str)]


def _service(action: str) -> str | None:
    """The service prefix of an action (`s3` of `s3:GetObject`), None for `*`."""
    prefix, colon, _ = action.partition(":")
    return prefix.lower() if colon else None


def names_kms(action: str) -> bool:
    """Whether an Action value can match a KMS action (`kms:Decrypt`, `kms:*`, `*`, `k*`)."""
    service, colon, _ = action.lower().partition(":")
    if colon:
        return glob(service, "kms")
    return glob(service, "kms:decrypt")


def concerns_kms(statement: Statement) -> bool:
    """Whether a statement is about KMS: it names a KMS action (a pattern that matches one
    included), or a NotAction that does not exclude every KMS action; a statement without
    either element is about KMS when its Resource names a KMS ARN."""
    if "NotAction" in statement.body:
        return not any(v.lower() in ("kms:*", "*") for v in _strings(statement, "NotAction"))
    if "Action" in statement.body:
        return any(names_kms(v) for v in _strings(statement, "Action"))
    return any(":kms:" in v for v in _strings(statement, "Resource"))


def kms_part(document: Document, kind: str) -> Document:
    """The statements the checker judges: all of a key policy or VPC endpoint policy (all of
    it concerns the key or the endpoint), those about KMS elsewhere (and, beside them, those
    with no Action at all: AWS refuses the whole policy for one), none of a policy that
    cannot grant KMS actions."""
    if kind in ("key-policy", "vpc-endpoint-policy"):
        return document
    kept: tuple[Statement, ...] = ()
    if kind not in NOT_KMS and any(concerns_kms(s) for s in document.statements):
        kept = tuple(
            s
            for s in document.statements
            if concerns_kms(s) or not {"Action", "NotAction"} & set(s.body)
        )
    return Document(kept, document.whole, document.version)


def _listed(names: set[str]) -> str:
    return ", ".join(sorted(names))


def _keys(statement: Statement) -> set[str]:
    return {c.key.lower() for c in conditions(statement)}


def _exempts_principals(statement: Statement) -> str | None:
    """The condition key by which a statement spares principals for who they are."""
    for key in sorted(_keys(statement)):
        if key in _PRINCIPAL_EXEMPTIONS or key.startswith(_PRINCIPAL_TAG):
            return key
    return None


def _trust_action(action: str) -> bool:
    """Whether a role trust policy may allow `action` (the prefix first: it is cheap)."""
    return action[:4].lower() == "sts:" and bool(
        re.fullmatch(_TRUST_ACTIONS, action, re.IGNORECASE)
    )


def _named_scp(path: str) -> str | None:
    """The file's name, or its folder's, where it names the file a service control policy."""
    parts = PurePath(path).parts
    if parts and re.search(_SCP_FILE, PurePath(parts[-1]).stem, re.IGNORECASE):
        return parts[-1]
    if len(parts) > 1 and re.fullmatch(_SCP_WORD, parts[-2], re.IGNORECASE):
        return parts[-2]
    return None


def _without_principal(document: Document, path: str) -> Kind:
    """An identity-based policy or an SCP: both have no Principal. An SCP is told apart where
    the content cannot be an identity-based policy's (every statement a Deny that spares some
    principals by their ARN, account or tags), or where its file's name says so."""
    statements = document.statements
    if statements and all(s.effect == "Deny" for s in statements):
        exemptions = sorted({k for s in statements if (k := _exempts_principals(s))})
        if exemptions:
            return Kind(
                "scp",
                f"no Principal, every statement a Deny, and principals exempted by "
                f"{', '.join(exemptions)}: a service control policy (an identity-based policy "
                "is attached to the principals it concerns and has none to exempt)",
            )
    named = _named_scp(path) if path else None
    if named is not None:
        return Kind("scp", f"no Principal, and the file's path names an SCP ({named!r})")
    guardrail = statements and all(s.effect == "Deny" for s in statements)
    return Kind(
        "iam-policy",
        "no statement names a Principal: an identity-based policy"
        + (
            " (every statement a Deny: it may be an SCP, which reads the same; no rule "
            "that only an Allow of an identity-based policy breaks applies to a Deny; "
            "say --kind scp for one)"
            if guardrail
            else " (an SCP reads the same; say --kind scp for one)"
        ),
    )


def infer_kind(document: Document, path: str = "") -> Kind:
    """The kind of a policy file, from its content (and, for a document with no Principal,
    the file's path), with the reason."""
    statements = document.statements
    with_principal = [s for s in statements if "Principal" in s.body or "NotPrincipal" in s.body]
    if not with_principal:
        return _without_principal(document, path)
    actions = [a for s in statements for a in _strings(s, "Action") + _strings(s, "NotAction")]
    if actions and all(_trust_action(a) for a in actions):
        return Kind(
            "trust-policy", "every action is sts:AssumeRole* or sts:TagSession: a trust policy"
        )
    services = {s for a in actions if (s := _service(a)) is not None}
    if actions and not any(names_kms(a) for a in actions):
        return Kind(
            "resource-policy",
            f"a Principal, and actions of {_listed(services)} only: that service's resource "
            "policy, which cannot grant KMS permissions",
        )
    if services - {"kms"}:
        if all(s.effect == "Deny" for s in statements):
            return Kind(
                "rcp",
                f"Deny statements with a Principal over the actions of {_listed(services)}: "
                "a resource control policy",
            )
        return Kind(
            "resource-policy",
            f"a Principal, and actions of {_listed(services)}: a key policy grants only kms "
            "actions",
        )
    scoped = [_strings(s, "Resource") for s in with_principal]
    if all(r and all(":kms:" in v for v in r) for r in scoped):
        return Kind(
            "vpc-endpoint-policy",
            "a Principal, and every statement's Resource names KMS keys: a key policy's "
            'Resource is "*" (this key), a VPC endpoint policy names the keys it lets through',
        )
    public = all(s.body.get("Principal") in ("*", {"AWS": "*"}) for s in with_principal)
    if public and any("*" in _strings(s, "Action") for s in with_principal):
        return Kind(
            "vpc-endpoint-policy",
            'Action "*" to Principal "*": a VPC endpoint policy (AWS\'s default '
            "full-access endpoint policy is this one statement)",
        )
    return Kind("key-policy", 'a Principal, and KMS actions on Resource "*": a key policy')
