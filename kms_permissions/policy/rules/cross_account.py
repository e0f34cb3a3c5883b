"""Permissions granted across accounts that cannot be used across accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.conditions import limiting
from kms_permissions.policy.document import Document, Statement
from kms_permissions.policy.knowledge import GUIDE, PERMISSIONS_PAGE
from kms_permissions.policy.principals import OWN_ACCOUNT, aws_principals
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import OTHER_ACCOUNT, allow, key_policy
from kms_permissions.policy.statements import effective_in, fact, granted, is_pattern, listed

KEY_ARN = r"arn:aws[\w-]*:kms:[^:]*:(\d{12}):key/"


def _root_enabling(statement: Statement) -> str | None:
    """The account of a statement giving its root kms:* on "*" (the IAM-enabling statement)."""
    actions = {str(v) for _, v in statement.values("Action")}
    resources = {str(v) for _, v in statement.values("Resource")}
    if statement.effect != "Allow" or not actions & {"kms:*", "*"} or resources != {"*"}:
        return None
    roots = [p.account for p in aws_principals(statement) if p.root and p.account]
    return roots[0] if roots and roots[0] != OWN_ACCOUNT else None


def infer_account(document: Document, kind: str) -> str | None:
    """The account a key policy belongs to: the one its statement enabling IAM policies names."""
    if kind != "key-policy":
        return None
    for statement in document.statements:
        account = _root_enabling(statement)
        if account:
            return account
    return None


def _foreign(ctx: Context, statement: Statement, own: str | None) -> tuple[set[str], str]:
    """The other accounts a statement grants to (key policy) or on whose keys it grants (IAM
    policy), and how to say so."""
    if ctx.kind == "key-policy":
        if own is None:
            return set(), ""
        accounts = {
            p.account
            for p in aws_principals(statement)
            if p.account and p.account not in (own, OWN_ACCOUNT)
        }
        return accounts, f"to principals of account {', '.join(sorted(accounts))}"
    named = {
        m.group(1)
        for _, v in statement.values("Resource")
        if isinstance(v, str) and (m := re.match(KEY_ARN, v))
    }
    if own is not None:
        accounts = named - {own}
        return accounts, f"on keys of account {', '.join(sorted(accounts))}"
    if len(named) > 1:
        return named, (
            f"on keys of accounts {', '.join(sorted(named))} (whichever is not the caller's "
            "is another account)"
        )
    return set(), ""


@rule(
    "KMS030",
    "warning",
    "Permission that cannot be used cross-account",
    name="not-usable-cross-account",
    link=PERMISSIONS_PAGE,
    bad=key_policy(allow("kms:ScheduleKeyDeletion", {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"})),
    good=key_policy(allow("kms:Decrypt", {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"})),
)
def cross_account(ctx: Context) -> Iterator[Hit]:
    """A permission the permissions reference marks "Cross-account use: No" (key
    administration, aliases, tags, rotation...), granted to another account's principals in
    a key policy, or in an IAM policy on another account's keys: it has no effect there. The
    owning account is `--account`, else (key policy) the account its IAM-enabling statement
    names; an IAM policy on keys of two accounts is reported without it. A wildcard that
    includes such permissions is noted (info), not warned about."""
    own = ctx.account or infer_account(ctx.document, ctx.kind)
    if ctx.kind == "vpc-endpoint-policy":
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        accounts, where = _foreign(ctx, statement, own)
        if not accounts:
            continue
        for path, value in statement.values("Action"):
            if not isinstance(value, str) or not value.lower().startswith("kms:"):
                continue
            if is_pattern(value):
                matched = [ctx.knowledge.actions[a] for a in ctx.knowledge.expand(value)]
                local = {
                    a.action
                    for a in matched
                    if a.cross_account == "no" and effective_in(ctx.kind, a)
                }
                if local:
                    yield Hit(
                        statement,
                        path,
                        f"{value} granted {where} includes {len(local)} permissions that "
                        f"cannot be used cross-account (no effect there): {listed(local)}; "
                        "name the permissions the other account needs instead",
                        "cross-account use of each matched action, as the newest dated "
                        "source stating it says",
                        PERMISSIONS_PAGE,
                        severity="info",
                    )
                continue
            entry = ctx.knowledge.action(value)
            if entry and entry.cross_account == "no" and effective_in(ctx.kind, entry):
                yield Hit(
                    statement,
                    path,
                    f"{entry.action} cannot be used cross-account: granting it {where} has "
                    "no effect; grant it to principals of the key's own account",
                    fact(entry, "cross_account"),
                    PERMISSIONS_PAGE,
                )


EXTERNAL = f"{GUIDE}/key-policy-modifying-external-accounts.html"
_OTHER_ROOT = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}


def grant_for_aws_resource(statement: Statement) -> bool:
    """Whether a statement requires kms:GrantIsForAWSResource to be true."""
    return any(
        c.key.lower() == "kms:grantisforawsresource"
        and c.base == "Bool"
        and {str(v).lower() for v in c.values} == {"true"}
        for c in limiting(statement)
    )


def grantees_named(statement: Statement) -> bool:
    """Whether a statement names the principals its grants may be for: kms:GranteePrincipal
    compared with StringEquals (no IfExists, no set operator, no wildcard). Then the account
    cannot give any principal use, only those (AWS's cross-account Auto Scaling example:
    a grant for a service-linked role, created with the CLI)."""
    return any(
        c.key.lower() == "kms:granteeprincipal"
        and c.base == "StringEquals"
        and not c.if_exists
        and c.set_operator is None
        and all(isinstance(v, str) and "*" not in v and "?" not in v for v in c.values)
        for c in limiting(statement)
    )


@rule(
    "KMS031",
    "info",
    "Cross-account CreateGrant without kms:GrantIsForAWSResource",
    name="cross-account-create-grant",
    link=EXTERNAL,
    bad=key_policy(allow(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], _OTHER_ROOT)),
    good=key_policy(
        allow(
            ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            _OTHER_ROOT,
            Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        )
    ),
)
def cross_account_create_grant(ctx: Context) -> Iterator[Hit]:
    """kms:CreateGrant given to another account's principals (key policy), or on another
    account's keys (IAM policy), without `"Bool": {"kms:GrantIsForAWSResource": "true"}`:
    the other account can create grants on this key for any principal of any account,
    lasting until revoked, outside this key policy's view. The guide's example for external
    accounts gives CreateGrant only with that condition, so that only AWS services integrated
    with KMS create grants for their resources. Advice: some designs mean it (a person who
    creates grants with the CLI); a statement that names the grantees (kms:GranteePrincipal
    with StringEquals) is not flagged. Needs `--account` unless the key policy's statement
    enabling IAM policies names the account."""
    own = ctx.account or infer_account(ctx.document, ctx.kind)
    if ctx.kind not in ("key-policy", "iam-policy"):
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow" or grant_for_aws_resource(statement):
            continue
        if grantees_named(statement):
            continue
        if "kms:CreateGrant" not in granted(statement, ctx.knowledge, ctx.kind):
            continue
        accounts, where = _foreign(ctx, statement, own)
        if accounts:
            yield Hit(
                statement,
                f"{statement.path}.Action" if "Action" in statement.body else statement.path,
                f"kms:CreateGrant {where} with no kms:GrantIsForAWSResource condition: that "
                "account can give any principal lasting use of the key through grants; add "
                '"Bool": {"kms:GrantIsForAWSResource": "true"} so that only AWS services '
                "create grants, for their resources",
                "guide, key-policy-modifying-external-accounts: allow attachment of persistent "
                "resources",
                EXTERNAL,
            )
