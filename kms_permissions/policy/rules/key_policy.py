"""Key policies: what only IAM policies can grant, the account statement, the lockout check,
and the Resource element."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.model import ActionInfo
from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.key_resource import reaches_key, resource_value
from kms_permissions.policy.knowledge import GUIDE, PERMISSIONS_PAGE
from kms_permissions.policy.principals import aws_principals, is_own
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import allow, key_policy
from kms_permissions.policy.statements import cryptographic, fact, granted, note_basis, note_link

KEY_POLICIES = f"{GUIDE}/key-policy-overview.html"
DEFAULT_POLICY = f"{GUIDE}/key-policy-default.html"
PUT_KEY_POLICY = "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html"
_KEY_ARN = r"arn:[^:]*:kms:[^:]*:[^:]*:key/"


def _allow_entries(ctx: Context) -> Iterator[tuple[Statement, str, ActionInfo[str]]]:
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        for path, value in statement.values("Action"):
            entry = ctx.knowledge.action(value) if isinstance(value, str) else None
            if entry is not None:
                yield statement, path, entry


def _ineffective_qualifier(action: ActionInfo[str]) -> str | None:
    for grant in action.grants:
        qualifier = grant.qualifier or ""
        if "not effective in a key policy" in qualifier.lower():
            return qualifier
    return None


@rule(
    "KMS020",
    "warning",
    "IAM-policy-only permission in a key policy",
    name="iam-only-in-key-policy",
    link=PERMISSIONS_PAGE,
    bad=key_policy(allow(["kms:Decrypt", "kms:CreateKey"])),
    good=key_policy(allow("kms:Decrypt")),
)
def iam_only_in_key_policy(ctx: Context) -> Iterator[Hit]:
    """Permissions the permissions reference lists for IAM policies only (CreateKey, ListKeys,
    ListAliases, GenerateRandom, the custom key store operations): they act on no particular
    key, so a key policy cannot grant them and the entry has no effect. Wildcards that happen
    to include them (`kms:Create*`) are not reported."""
    if ctx.kind != "key-policy":
        return
    for statement, path, entry in _allow_entries(ctx):
        if (
            entry.iam_policy_only
            and entry.key_policy_effective is False
            and not _ineffective_qualifier(entry)
        ):
            yield Hit(
                statement,
                path,
                f"{entry.action} can be granted only in an IAM policy; in a key policy this "
                "entry has no effect; grant it in an IAM policy and remove it here",
                fact(entry, "policy_types"),
                PERMISSIONS_PAGE,
            )


@rule(
    "KMS021",
    "warning",
    "Permission not effective in a key policy",
    name="not-effective-in-key-policy",
    link=PERMISSIONS_PAGE,
    bad=key_policy(allow("kms:RetireGrant")),
    good=key_policy(allow("kms:RevokeGrant")),
)
def not_effective_in_key_policy(ctx: Context) -> Iterator[Hit]:
    """Permissions the permissions reference marks "not effective in a key policy" (such as
    kms:RetireGrant, which the grant itself authorizes): the key policy entry has no
    effect."""
    if ctx.kind != "key-policy":
        return
    for statement, path, entry in _allow_entries(ctx):
        qualifier = _ineffective_qualifier(entry)
        if qualifier:
            yield Hit(
                statement,
                path,
                f"{entry.action} in a key policy: {qualifier.rstrip('.')}; remove it from "
                "the key policy",
                f"{entry.action} policy type qualifier, permissions reference",
                PERMISSIONS_PAGE,
            )


def _administered(ctx: Context, on_key: bool = True) -> bool:
    """Whether an Allow statement gives kms:PutKeyPolicy to some AWS principal (`on_key`: only
    statements whose Resource can be the key count; the others give nothing)."""
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or (on_key and reaches_key(statement)[0] == "never"):
            continue
        principal = statement.body.get("Principal")
        if isinstance(principal, str | list) and principal != "*":
            return True  # a malformed Principal (KMS105): whom it meant is unknown
        if not (isinstance(principal, Unresolved) or aws_principals(statement)):
            continue
        if "kms:PutKeyPolicy" in granted(statement, ctx.knowledge, ctx.kind):
            return True
    return False


def _enables_iam(statement: Statement, own: str | None) -> bool:
    if statement.effect != "Allow" or reaches_key(statement)[0] == "never":
        return False
    principal = statement.body.get("Principal")
    if isinstance(principal, Unresolved) or (
        isinstance(principal, str | list) and principal != "*"
    ):
        return True  # computed by a template, or malformed (KMS105): not judged here
    return any(
        p.anyone or (p.root and (own is None or p.account is None or is_own(p, own)))
        for p in aws_principals(statement)
    )


@rule(
    "KMS050",
    "info",
    "Key policy does not enable IAM policies",
    name="iam-policies-not-enabled",
    link=f"{DEFAULT_POLICY}#key-policy-default-allow-root-enable-iam",
    bad=key_policy(allow("kms:*"), root=False),
    good=key_policy(allow("kms:Decrypt")),
)
def iam_policies_not_enabled(ctx: Context) -> Iterator[Hit]:
    """IAM policies give access to a KMS key only for what its key policy allows the account
    itself (`arn:aws:iam::ACCOUNT:root`, or `"*"` with conditions). A key policy that names
    the account nowhere keeps every IAM policy out: only the principals it names can use the
    key. That is a legitimate design, so this is advice. A root statement with only some
    actions enables IAM policies for those; that is not reported. A root statement whose
    Resource is not the key enables nothing (KMS090 reports the Resource)."""
    if ctx.kind != "key-policy" or not ctx.document.whole or not _administered(ctx):
        return
    if any(_enables_iam(s, ctx.account) for s in ctx.document.statements):
        return
    note = ctx.knowledge.note("iam-policies", "key policy")
    yield Hit(
        None,
        "$.Statement",
        "no statement allows the account (arn:aws:iam::ACCOUNT:root): IAM policies cannot "
        "give anyone access to this key; only the principals this policy names have it; "
        "if IAM policies should grant access, allow the account (kms:*), as the default key "
        "policy does",
        note_basis(note),
        note_link(note),
    )


@rule(
    "KMS051",
    "error",
    "Nobody may change the key policy (lockout)",
    name="no-key-administrator",
    link=PUT_KEY_POLICY,
    bad={
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    },
    good=key_policy(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ),
)
def no_key_administrator(ctx: Context) -> Iterator[Hit]:
    """A whole key policy in which no Allow statement gives kms:PutKeyPolicy to an AWS
    principal (the account, an IAM principal, or `"*"`). Key policies grant nothing by
    default, so CreateKey and PutKeyPolicy refuse it (the policy lockout safety check: the
    policy must let the caller change it later); bypassing the check leaves a key nobody can
    manage. A deny-only policy is the common case, and so is an administrator statement whose
    Resource is not the key (an S3 ARN pasted from another policy), which never applies. (The
    policies AWS sets on AWS managed keys allow nobody kms:PutKeyPolicy on purpose: nobody may
    change them.)"""
    if ctx.kind != "key-policy" or not ctx.document.whole or _administered(ctx):
        return
    allows = any(s.effect == "Allow" for s in ctx.document.statements)
    if _administered(ctx, on_key=False):
        what = (
            "the statements that allow kms:PutKeyPolicy have a Resource that is not this key, "
            "so they never apply"
        )
    elif allows:
        what = "no statement allows kms:PutKeyPolicy to an AWS principal"
    else:
        what = "the key policy allows nothing (it has no Allow statement)"
    yield Hit(
        None,
        "$.Statement",
        f"{what}: CreateKey and PutKeyPolicy refuse it (policy lockout safety check), and if "
        "the check is bypassed nobody can manage the key; allow the account (kms:*) or a "
        "key administrator (kms:PutKeyPolicy), as the default key policy does",
        "KMS API reference, PutKeyPolicy: BypassPolicyLockoutSafetyCheck",
        PUT_KEY_POLICY,
    )


@rule(
    "KMS090",
    "error",
    "Key policy Resource other than *",
    name="key-policy-resource",
    link=KEY_POLICIES,
    bad=key_policy(allow("kms:Decrypt") | {"Resource": "arn:aws:s3:::my-bucket"}),
    good=key_policy(allow("kms:Decrypt")),
)
def key_policy_resource(ctx: Context) -> Iterator[Hit]:
    """In a key policy the Resource is `"*"`, meaning the key the policy is attached to. Any
    other value is not the key: an S3 or IAM ARN never matches, so the statement never
    applies (in the statement enabling IAM policies that locks the account out); AWS has
    refused values other than `"*"` since August 2025. A KMS key ARN may name the key itself
    but is still not the documented form (a warning)."""
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        reach, _ = reaches_key(statement)
        for path, value in statement.values("Resource"):
            if value == "*" or not isinstance(value, str | Unresolved):
                continue
            never = resource_value(value) == "never"
            if never and reach == "never":
                what = 'this is not the key, so the statement never applies; write "*"'
            elif never:
                what = 'this is not the key and matches nothing; write "*"'
            elif re.match(_KEY_ARN, str(value)):
                what = 'a key ARN; write "*"'
            else:
                what = 'it may name the key, but write "*"'
            yield Hit(
                statement,
                path,
                f"Resource {shown(str(value))} in a key policy: {what}, which means this key"
                + ("" if never else ' (AWS documents "*" as the only value)'),
                'developer guide, key policies: Resource is "*"',
                KEY_POLICIES,
                severity=None if never else "warning",
            )


_CRYPTO_EXAMPLE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
_ADMIN = {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"}


def _usable_by_someone(ctx: Context) -> bool:
    """Whether an Allow that can apply to the key gives a cryptographic operation to anyone
    (the account included: then IAM policies may give it), or cannot be read for sure.
    kms:GetPublicKey counts: an asymmetric key's public key is used outside KMS (to verify
    or encrypt), so a key whose users only fetch it is used."""
    usable = cryptographic(ctx.knowledge) | {"kms:GetPublicKey"}
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or reaches_key(statement)[0] == "never":
            continue
        actions = [v for _, v in statement.values("Action")]
        if any(not isinstance(v, str) for v in actions) or isinstance(
            statement.body.get("Principal"), Unresolved
        ):
            return True  # computed by a template: not judged
        if granted(statement, ctx.knowledge, ctx.kind) & usable:
            return True
    return False


@rule(
    "KMS052",
    "warning",
    "Nobody may use the key",
    name="key-usable-by-nobody",
    link=DEFAULT_POLICY,
    bad=key_policy(allow(["kms:Describe*", "kms:Put*", "kms:List*"], _ADMIN), root=False),
    good=key_policy(
        allow(["kms:Describe*", "kms:Put*", "kms:List*"], _ADMIN),
        allow(_CRYPTO_EXAMPLE),
        root=False,
    ),
)
def key_usable_by_nobody(ctx: Context) -> Iterator[Hit]:
    """A whole key policy in which no Allow gives any cryptographic operation (Encrypt,
    Decrypt, GenerateDataKey, Sign, ..., or GetPublicKey) to anyone, the account included:
    neither the key policy nor IAM policies let anybody use the key, which is then only
    administered. Add a statement for the key's users (as the default key policy does), or
    enable IAM policies.
    (A key policy that no one may change is KMS051's.)"""
    if ctx.kind != "key-policy" or not ctx.document.whole or not _administered(ctx):
        return
    if _usable_by_someone(ctx):
        return
    yield Hit(
        None,
        "$.Statement",
        "no statement allows a cryptographic operation (kms:Encrypt, kms:Decrypt, "
        "kms:GenerateDataKey...) to anyone, and IAM policies are not enabled for one: nobody "
        "can use this key; add a statement for its users, as the default key policy does",
        "guide, default key policy: allows key users to use the key",
        f"{DEFAULT_POLICY}#key-policy-default-allow-users",
    )


@rule(
    "KMS053",
    "info",
    "One administrator and IAM policies not enabled",
    name="single-administrator",
    link=f"{DEFAULT_POLICY}#key-policy-default-allow-root-enable-iam",
    bad=key_policy(allow("kms:*", _ADMIN), root=False),
    good=key_policy(allow("kms:*", _ADMIN)),
)
def single_administrator(ctx: Context) -> Iterator[Hit]:
    """A whole key policy that does not enable IAM policies and gives kms:PutKeyPolicy to
    exactly one principal: if that role or user is deleted (or its trust policy breaks), no
    one can change the key policy and only AWS Support can help. The guide's default key
    policy enables IAM policies for this reason. Name a second administrator, or allow the
    account."""
    if ctx.kind != "key-policy" or not ctx.document.whole:
        return
    if any(_enables_iam(s, ctx.account) for s in ctx.document.statements):
        return
    admins: dict[str, str] = {}
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or reaches_key(statement)[0] == "never":
            continue
        if isinstance(statement.body.get("Principal"), Unresolved):
            return  # computed by a template: not judged
        if "kms:PutKeyPolicy" in granted(statement, ctx.knowledge, ctx.kind):
            for principal in aws_principals(statement):
                admins.setdefault(principal.text, principal.path)
    if len(admins) != 1:
        return
    ((name, path),) = admins.items()
    statement = next(s for s in ctx.document.statements if path.startswith(s.path + "."))
    yield Hit(
        statement,
        path,
        f"{name} is the only principal that may change this key policy, and IAM policies are "
        "not enabled: if it is deleted, nobody can manage the key; add a second administrator "
        "or a statement allowing the account (arn:aws:iam::ACCOUNT:root)",
        "guide, default key policy: allows access to the AWS account and enables IAM policies",
        f"{DEFAULT_POLICY}#key-policy-default-allow-root-enable-iam",
    )
