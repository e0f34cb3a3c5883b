"""Global condition keys that AWS never sets for the statement's kind of principal."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.policy.conditions import limiting, when_absent
from kms_permissions.policy.document import Statement
from kms_permissions.policy.global_keys import GLOBAL_KEYS_PAGE, IAM, SERVICE, presence
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import ACCOUNT, ROLE, allow, key_policy

_NAMES = {IAM: "IAM principals (AWS)", SERVICE: "service principals"}
LOGS = {"Service": "logs.amazonaws.com"}


def principal_types(ctx: Context, statement: Statement) -> set[str] | None:
    """The principal types a statement applies to (`AWS`, `Service`, ...), None when it
    applies to anyone (`"*"`) or its Principal cannot be read; an IAM policy's is AWS."""
    if ctx.kind in ("iam-policy", "scp"):
        return {IAM}  # an identity-based policy or SCP applies to IAM principals only
    principal = statement.body.get("Principal")
    if not isinstance(principal, dict) or not principal:
        return None
    aws = principal.get("AWS")
    if aws == "*" or (isinstance(aws, list) and "*" in aws):
        return None
    return {str(name) for name in principal}


@rule(
    "KMS014",
    "warning",
    "Global condition key never present for the statement's principals",
    name="key-absent-for-principal",
    link=GLOBAL_KEYS_PAGE,
    bad=key_policy(
        allow(
            "kms:Decrypt",
            Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        )
    ),
    good=key_policy(
        allow(
            "kms:Decrypt",
            {"AWS": ROLE},
            Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        ),
        allow(
            ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
            LOGS,
            Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        ),
    ),
)
def key_absent_for_principal(ctx: Context) -> Iterator[Hit]:
    """A condition on a global key that AWS never puts in the requests of the statement's
    principals: `aws:SourceAccount`, `aws:SourceArn` and `aws:SourceOrgID` exist only when a
    service principal calls directly, so with an IAM principal (or in an IAM policy) they
    are never there; `aws:PrincipalOrgID` and `aws:PrincipalTag/...` exist only for IAM
    principals, never for a service principal. An operator that is false on a missing key
    (`StringEquals`, `ArnLike`, `Null: false`, `ForAnyValue`) makes the whole statement
    never apply; `...IfExists` and negated operators are not reported."""
    if ctx.kind not in ("key-policy", "iam-policy", "scp"):
        return
    for statement in ctx.document.statements:
        types = principal_types(ctx, statement)
        if not types:
            continue
        for condition in limiting(statement):
            entry = presence(condition.key)
            if entry is None or entry.only_for in types or when_absent(condition) is not False:
                continue
            who = " and ".join(sorted(_NAMES.get(t, t) for t in types))
            effect = "grants" if statement.effect == "Allow" else "denies"
            yield Hit(
                statement,
                condition.path,
                f"{condition.key} is never in the request of {who}: AWS sets it only for "
                f"{_NAMES[entry.only_for]}, so {condition.operator} is never true and this "
                f"statement {effect} nothing; compare {entry.instead} instead",
                f"IAM User Guide, global condition keys: {entry.key} availability",
                entry.link,
            )
