"""Resources of IAM and VPC endpoint policies: alias ARNs, alias operations and actions on no
resource."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.knowledge import GUIDE, PERMISSIONS_PAGE
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import KEY_ARN, iam_allow, iam_policy
from kms_permissions.policy.statements import kms_actions, listed

ALIAS_AUTHORIZATION = f"{GUIDE}/alias-authorization.html"
ALIAS_ACCESS = f"{GUIDE}/alias-access.html"
_ALIAS_ARN = r"arn:[^:]*:kms:[^:]*:[^:]*:alias/"
_KEY_ARN = r"arn:[^:]*:kms:[^:]*:[^:]*:key/"
ALIAS_ARN = "arn:aws:kms:us-east-1:111122223333:alias/app"


def _allowed(ctx: Context, statement: Statement) -> set[str]:
    if ctx.kind == "key-policy" or statement.effect != "Allow":
        return set()
    return set(kms_actions(statement, ctx.knowledge).names)


@rule(
    "KMS110",
    "warning",
    "Alias ARN as the Resource of key operations",
    name="alias-resource-for-key-operation",
    kind="iam-policy",
    link=ALIAS_AUTHORIZATION,
    bad=iam_policy(iam_allow(["kms:Encrypt", "kms:Decrypt"], ALIAS_ARN)),
    good=iam_policy(
        iam_allow(
            ["kms:Encrypt", "kms:Decrypt"],
            "arn:aws:kms:us-east-1:111122223333:key/*",
            Condition={"StringEquals": {"kms:RequestAlias": "alias/app"}},
        )
    ),
)
def alias_resource(ctx: Context) -> Iterator[Hit]:
    """An IAM (or VPC endpoint) policy that names an alias ARN as the Resource of operations
    on a key (Encrypt, Decrypt, GenerateDataKey...). KMS authorizes those against the key's
    ARN, even when the caller names the key by its alias, so the alias entry grants nothing;
    alias ARNs are the resource only of the alias operations (CreateAlias, UpdateAlias,
    DeleteAlias). To allow use of a key through an alias, use the key ARN with
    kms:RequestAlias or kms:ResourceAliases."""
    for statement in ctx.document.statements:
        actions = _allowed(ctx, statement)
        key_only = {a for a in actions if "alias" not in ctx.knowledge.actions[a].resources}
        key_only = {a for a in key_only if "key" in ctx.knowledge.actions[a].resources}
        if not key_only:
            continue
        for path, value in statement.values("Resource"):
            if isinstance(value, str) and re.match(_ALIAS_ARN, value):
                yield Hit(
                    statement,
                    path,
                    f"alias ARN {shown(value)} for {listed(key_only)}: KMS authorizes these "
                    "against the key's ARN, so this entry grants them nothing (use the key "
                    "ARN, with kms:RequestAlias or kms:ResourceAliases)",
                    "developer guide: controlling access to aliases",
                    ALIAS_AUTHORIZATION,
                )


@rule(
    "KMS111",
    "warning",
    "Action on no resource scoped to an ARN",
    name="no-resource-action-scoped",
    kind="iam-policy",
    link=PERMISSIONS_PAGE,
    bad=iam_policy(iam_allow(["kms:ListKeys", "kms:ListAliases"], KEY_ARN)),
    good=iam_policy(iam_allow(["kms:ListKeys", "kms:ListAliases"], "*")),
)
def no_resource_scoped(ctx: Context) -> Iterator[Hit]:
    """Actions that act on no particular key (ListKeys, ListAliases, CreateKey,
    GenerateRandom...: the permissions reference gives `*` as their resource) in a statement
    whose Resource names only ARNs: IAM matches them against `*`, so the statement never
    allows them."""
    for statement in ctx.document.statements:
        actions = _allowed(ctx, statement)
        unscoped = {a for a in actions if ctx.knowledge.actions[a].resources == ("*",)}
        resources = [v for _, v in statement.values("Resource")]
        if not unscoped or not resources or not all(isinstance(v, str) for v in resources):
            continue
        if any(v == "*" or "${" in v for v in resources):
            continue
        yield Hit(
            statement,
            f"{statement.path}.Resource",
            f'{listed(unscoped)} act on no resource: IAM matches them against "*", which this '
            "Resource does not include, so the statement never allows them; move them to "
            'a statement with Resource "*"',
            "permissions reference, Resources column",
            PERMISSIONS_PAGE,
        )


def _only_keys(statement: Statement) -> bool:
    """Whether the statement's Resource names key ARNs and nothing else (no alias, pattern of
    other resources, NotResource or template value)."""
    if "NotResource" in statement.body:
        return False
    values = [v for _, v in statement.values("Resource")]
    return bool(values) and all(
        isinstance(v, str) and not isinstance(v, Unresolved) and re.match(_KEY_ARN, v) is not None
        for v in values
    )


@rule(
    "KMS112",
    "warning",
    "Alias operation allowed only on keys",
    name="alias-operation-on-keys-only",
    kind="iam-policy",
    link=ALIAS_ACCESS,
    bad=iam_policy(iam_allow(["kms:CreateAlias", "kms:DeleteAlias"], KEY_ARN)),
    good=iam_policy(iam_allow(["kms:CreateAlias", "kms:DeleteAlias"], [ALIAS_ARN, KEY_ARN])),
)
def alias_operation_on_keys(ctx: Context) -> Iterator[Hit]:
    """CreateAlias, UpdateAlias and DeleteAlias are authorized on the alias as well as on its
    key (the permissions reference lists both resources), and only an IAM policy can allow an
    alias (aliases have no policy of their own). A policy in which every statement that allows
    such an operation names only key ARNs never allows it on an alias: the request is denied
    unless another IAM policy of the principal allows the alias. A lone statement is a part of
    a policy whose other statements are not seen, and is left alone."""
    if not ctx.document.whole:
        return
    reached: dict[str, bool] = {}
    keys_only: list[tuple[Statement, set[str]]] = []
    for statement in ctx.document.statements:
        actions = _allowed(ctx, statement)
        operations = {a for a in actions if "alias" in ctx.knowledge.actions[a].resources}
        if not operations:
            continue
        only = _only_keys(statement)
        for action in operations:
            reached[action] = reached.get(action, False) or not only
        if only:
            keys_only.append((statement, operations))
    for statement, operations in keys_only:
        missing = {a for a in operations if not reached[a]}
        if missing:
            yield Hit(
                statement,
                f"{statement.path}.Resource",
                f"{listed(missing)} act on an alias as well as on its key, and this policy allows "
                f"{_pronoun(missing)} only on key ARNs: every request is denied unless another "
                "IAM policy allows the alias; add the alias ARN "
                "(arn:aws:kms:REGION:ACCOUNT:alias/NAME) to Resource",
                "permissions reference, Resources column (alias and key)",
                ALIAS_ACCESS,
            )


def _pronoun(names: set[str]) -> str:
    return "it" if len(names) == 1 else "them"
