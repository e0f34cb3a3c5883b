"""Privilege escalation and least privilege: who may give themselves more than they hold.

A grant gives its grantee the grant operations it lists; kms:CreateGrant therefore lets its
holder give itself (or anyone) Decrypt and the other operations. kms:PutKeyPolicy lets its
holder rewrite the policy. Granted on every key by an IAM policy, either reaches every key
whose key policy enables IAM policies.
"""

from __future__ import annotations

from collections.abc import Iterator, Set

from kms_permissions.policy.conditions import limiting
from kms_permissions.policy.document import Statement
from kms_permissions.policy.key_specs import KEY_SPECS, KeySpecError, operations
from kms_permissions.policy.knowledge import DEFAULT_ADMIN_ACTIONS, GUIDE
from kms_permissions.policy.principals import aws_principals
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import (
    ACCOUNT,
    KEY_ARN,
    ROLE,
    allow,
    iam_allow,
    iam_policy,
    key_policy,
)
from kms_permissions.policy.rules.cross_account import grant_for_aws_resource
from kms_permissions.policy.statements import cryptographic, granted, listed

GRANTS = f"{GUIDE}/grants.html"
LEAST_PRIVILEGE = f"{GUIDE}/iam-policies-best-practices.html"
DEFAULT_ADMINS = f"{GUIDE}/key-policy-default.html#key-policy-default-allow-administrators"
ESCALATING = ("kms:CreateGrant", "kms:PutKeyPolicy")
# Condition keys that confine what a grant may give.
# (kms:ViaService: only the service creates the grant, for its resource.)
_GRANT_LIMITS = {"kms:grantoperations", "kms:granteeprincipal", "kms:viaservice"}
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"


def _holdings(ctx: Context) -> dict[str, set[str]]:
    """Each AWS principal's actions in the Allow statements of a key policy."""
    held: dict[str, set[str]] = {}
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        actions = granted(statement, ctx.knowledge, ctx.kind)
        for principal in aws_principals(statement):
            held.setdefault(principal.text, set()).update(actions)
    return held


def _grant_limited(statement: Statement) -> bool:
    return grant_for_aws_resource(statement) or any(
        c.key.lower() in _GRANT_LIMITS for c in limiting(statement)
    )


@rule(
    "KMS150",
    "info",
    "CreateGrant lets a principal give itself what the key policy does not",
    name="grant-escalation",
    link=GRANTS,
    bad=key_policy(allow(list(DEFAULT_ADMIN_ACTIONS), {"AWS": ADMIN})),
    good=key_policy(
        allow(
            [a for a in DEFAULT_ADMIN_ACTIONS if a != "kms:Create*"] + ["kms:CreateAlias"],
            {"AWS": ADMIN},
        ),
        allow(
            ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            {"AWS": ROLE},
            Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ),
)
def grant_escalation(ctx: Context) -> Iterator[Hit]:
    """A key policy Allow that gives kms:CreateGrant (by name or through `kms:Create*`,
    `kms:*`) to IAM principals to which this policy gives no cryptographic operation, with no
    kms:GrantIsForAWSResource, kms:GrantOperations, kms:GranteePrincipal or kms:ViaService
    condition: they can
    create a grant naming themselves as grantee for kms:Decrypt and every other operation, so
    the separation between administrators and users is not there. Likewise a key user given
    CreateGrant beside some operations: it can grant itself the other operations of every key
    spec that allows the ones it holds (Encrypt beside Decrypt on a symmetric key). The
    guide's default administrator statement (`kms:Create*`) is the common case, hence advice
    rather than a warning. The account itself (root) and
    `"*"` are left to the other rules."""
    if ctx.kind != "key-policy":
        return
    usable = cryptographic(ctx.knowledge)
    held = _holdings(ctx)
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or _grant_limited(statement):
            continue
        if "kms:CreateGrant" not in granted(statement, ctx.knowledge, ctx.kind):
            continue
        for principal in aws_principals(statement):
            if principal.anyone or principal.root:
                continue
            uses = usable & held.get(principal.text, set())
            through = _naming(ctx, statement, "kms:CreateGrant")
            if not uses:
                yield Hit(
                    statement,
                    principal.path,
                    f"{principal.text} may create grants ({through}) but not use the key: it "
                    "can give itself kms:Decrypt and every other operation through a grant; "
                    "list the administration actions without kms:CreateGrant (kms:CreateAlias "
                    'instead of kms:Create*), or add a "Bool": {"kms:GrantIsForAWSResource": '
                    '"true"} statement for grants',
                    "guide, grants: a grant gives its grantee the grant operations it lists",
                    GRANTS,
                )
                continue
            more = _gained(ctx, uses)
            if more:
                yield Hit(
                    statement,
                    principal.path,
                    f"{principal.text} may create grants ({through}) and use the key only for "
                    f"{listed(uses)}: through a grant it can give itself {listed(more)} as "
                    "well (on any key that allows the operations it holds); limit its grants "
                    'with "ForAllValues:StringEquals": {"kms:GrantOperations": [...]} naming '
                    'what it holds, or with "Bool": {"kms:GrantIsForAWSResource": "true"}',
                    "guide, grants: a grant gives its grantee the grant operations it lists; "
                    "API Reference, CreateKey: the operations each key spec and usage allows",
                    GRANTS,
                )


def _gained(ctx: Context, uses: Set[str]) -> set[str]:
    """The cryptographic operations a principal holding `uses` gains through a grant whatever
    the key is: those of every key spec and usage that allows all of `uses` (a key that did
    not allow them could not be the one the policy is for), less `uses`. Empty when no key
    spec allows them all (the policy cannot tell what the key is)."""
    kinds = []
    for spec in KEY_SPECS.values():
        for usage in spec.usages:
            try:
                allowed = set(operations(spec, usage, ctx.knowledge))
            except KeySpecError:
                continue
            if uses <= allowed:
                kinds.append(allowed - uses)
    return set.intersection(*kinds) if kinds else set()


def _naming(ctx: Context, statement: Statement, action: str) -> str:
    """The Action value through which a statement grants `action` (`kms:Create*`, `kms:*`)."""
    for _, value in statement.values("Action"):
        if isinstance(value, str) and (
            value.lower() == action.lower() or action in ctx.knowledge.expand(value)
        ):
            return value
    return action


def every_key(statement: Statement) -> str | None:
    """The Resource value by which a statement covers every key (`*`, `arn:...:key/*`)."""
    for _, value in statement.values("Resource"):
        if not isinstance(value, str):
            continue
        if value == "*":
            return value
        parts = value.split(":", 5)
        if len(parts) == 6 and parts[2] in ("kms", "*") and parts[5] in ("*", "key/*"):
            return value
    return None


def _explicit_kms(statement: Statement) -> bool:
    return any(
        isinstance(v, str) and v.lower().startswith("kms:") for _, v in statement.values("Action")
    )


@rule(
    "KMS151",
    "warning",
    "IAM policy gives PutKeyPolicy or CreateGrant on every key",
    name="admin-on-every-key",
    link=LEAST_PRIVILEGE,
    bad=iam_policy(iam_allow("kms:*", "*")),
    good=iam_policy(iam_allow(["kms:PutKeyPolicy", "kms:CreateGrant"], KEY_ARN)),
    kind="iam-policy",
)
def admin_on_every_key(ctx: Context) -> Iterator[Hit]:
    """An IAM policy Allow that names KMS actions giving kms:PutKeyPolicy or kms:CreateGrant
    (`kms:*`, `kms:Put*`, `kms:Create*`, or by name) on every key (`Resource "*"` or
    `arn:aws:kms:*:*:key/*`) with no condition: its holder can rewrite the key policy of, or
    give itself Decrypt on, every key whose key policy enables IAM policies, the keys made for
    other teams included. A policy of `Action "*"` (an administrator's) is not reported."""
    if ctx.kind != "iam-policy":
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or not _explicit_kms(statement) or limiting(statement):
            continue
        where = every_key(statement)
        escalating = granted(statement, ctx.knowledge, ctx.kind) & set(ESCALATING)
        if where is None or not escalating:
            continue
        yield Hit(
            statement,
            f"{statement.path}.Action",
            f"{listed(escalating)} on every key (Resource {where!r}): the holder can take "
            "over every key whose key policy enables IAM policies; name the key ARNs it "
            "administers, or add a condition (aws:ResourceTag, kms:GrantIsForAWSResource)",
            "guide, IAM policy best practices: least privilege",
            LEAST_PRIVILEGE,
        )


@rule(
    "KMS152",
    "info",
    "Cryptographic operations on every key",
    name="crypto-on-every-key",
    link=LEAST_PRIVILEGE,
    bad=iam_policy(iam_allow(["kms:Decrypt", "kms:GenerateDataKey"], "*")),
    good=iam_policy(
        iam_allow(["kms:Decrypt", "kms:GenerateDataKey"], KEY_ARN),
        iam_allow(["kms:ListKeys", "kms:ListAliases"], "*"),
    ),
    kind="iam-policy",
)
def crypto_on_every_key(ctx: Context) -> Iterator[Hit]:
    """An IAM policy Allow of cryptographic operations (Decrypt, Encrypt, GenerateDataKey...)
    on every key (`Resource "*"`, `arn:aws:kms:*:*:key/*` or every key of an account) with no
    condition: the guide's best practice is to name the keys, or to limit by
    kms:ViaService, kms:ResourceAliases or aws:ResourceTag. Actions that can only be granted
    on `*` (ListKeys, CreateKey, GenerateRandom: the permissions reference gives them no key
    resource) are never reported."""
    if ctx.kind != "iam-policy":
        return
    usable = cryptographic(ctx.knowledge)
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or not _explicit_kms(statement) or limiting(statement):
            continue
        where = _account_keys(statement) or every_key(statement)
        crypto = granted(statement, ctx.knowledge, ctx.kind) & usable
        if where is None or not crypto:
            continue
        yield Hit(
            statement,
            f"{statement.path}.Resource",
            f"{listed(crypto)} on every key (Resource {where!r}): name the key ARNs, or limit "
            "with kms:ViaService, kms:ResourceAliases or aws:ResourceTag",
            "guide, IAM policy best practices: least privilege",
            LEAST_PRIVILEGE,
        )


def _account_keys(statement: Statement) -> str | None:
    """A Resource naming every key of an account (`arn:aws:kms:*:111122223333:key/*`)."""
    for _, value in statement.values("Resource"):
        if isinstance(value, str):
            parts = value.split(":", 5)
            if len(parts) == 6 and parts[2] == "kms" and parts[5] == "key/*":
                return value
    return None
