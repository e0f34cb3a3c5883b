"""Permissions an operation needs besides its own, as the KMS API Reference lists them."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.model import RequiredPermission
from kms_permissions.policy.conditions import conditions
from kms_permissions.policy.document import Statement
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import iam_allow, iam_policy
from kms_permissions.policy.statements import kms_actions

API_REFERENCE = "https://docs.aws.amazon.com/kms/latest/APIReference"
# Condition keys that show a statement expects the request to carry tags: the `Tags` parameter.
_TAG_KEYS = ("aws:requesttag/", "aws:tagkeys")


def _expects(statement: Statement, parameter: str) -> bool:
    """Whether the statement's conditions show the request carries `parameter`."""
    if parameter != "Tags":
        return False
    return any(c.key.lower().startswith(_TAG_KEYS) for c in conditions(statement))


def _said(requirement: RequiredPermission) -> str:
    parts = [requirement.permission]
    names = {"iam-policy": "IAM policy", "key-policy": "key policy"}
    if requirement.policy_types:
        parts.append(f"({' or '.join(names[t] for t in requirement.policy_types)})")
    if requirement.where:
        parts.append(requirement.where)
    return " ".join(parts)


@rule(
    "KMS140",
    "warning",
    "Operation allowed without a permission it also needs",
    name="required-permission-missing",
    kind="iam-policy",
    link=f"{API_REFERENCE}/API_CreateKey.html",
    bad=iam_policy(
        iam_allow(
            "kms:CreateKey", "*", Condition={"StringEquals": {"aws:RequestTag/Project": "Alpha"}}
        )
    ),
    good=iam_policy(
        iam_allow(
            "kms:CreateKey", "*", Condition={"StringEquals": {"aws:RequestTag/Project": "Alpha"}}
        ),
        iam_allow("kms:TagResource", "*"),
    ),
)
def required_permission_missing(ctx: Context) -> Iterator[Hit]:
    """An IAM policy that allows an operation but not another permission the API Reference
    says the operation needs: CreateKey with its `Tags` parameter needs kms:TagResource in an
    IAM policy; ReplicateKey needs kms:CreateKey in an IAM policy in the replica Region. The
    operation then fails as soon as it uses what the missing permission covers. A need tied to
    a parameter is reported only when the statement shows it expects that parameter (a
    condition on aws:RequestTag or aws:TagKeys for Tags); a need in another Region is advice,
    since another policy of the principal may grant it there."""
    if ctx.kind != "iam-policy":
        return
    allowed: set[str] = set()
    for statement in ctx.document.statements:
        if statement.effect == "Allow":
            allowed |= set(kms_actions(statement, ctx.knowledge).names)
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        for action in sorted(kms_actions(statement, ctx.knowledge).names):
            info = ctx.knowledge.actions[action]
            for need in info.required_permissions:
                if need.permission == action or need.permission in allowed:
                    continue
                if "iam-policy" not in need.policy_types:
                    continue  # granted in a key policy: not this policy's to give
                if need.parameter and not _expects(statement, need.parameter):
                    continue
                when = f" with its {need.parameter} parameter" if need.parameter else ""
                yield Hit(
                    statement,
                    f"{statement.path}.Action",
                    f"{info.api_operation or info.operation}{when} also needs {_said(need)}, "
                    "which no statement of this policy allows; allow it as well",
                    f"{info.api_operation} required permissions, KMS API Reference",
                    f"{API_REFERENCE}/API_{info.api_operation}.html",
                    severity=None if need.parameter else "info",
                )
