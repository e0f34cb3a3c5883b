"""Builders for the rules' example policies (each rule shows one it flags and one it passes)."""

from __future__ import annotations

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any


ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/App"
ROOT_STATEMENT: dict[str, Any] = {
    "Sid": "EnableIAMPolicies",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def key_policy(*statements: dict[str, Any], root: bool = True) -> dict[str, Any]:
    """A key policy: the statement enabling IAM policies, then `statements`."""
    return {
        "Version": "2012-10-17",
        "Statement": [dict(ROOT_STATEMENT), *statements] if root else list(statements),
    }


def allow(actions: Any, principal: Any = None, **elements: Any) -> dict[str, Any]:
    """An Allow statement of a key policy (Principal: the App role unless given)."""
    return {
        "Effect": "Allow",
        "Principal": {"AWS": ROLE} if principal is None else principal,
        "Action": actions,
        "Resource": "*",
        **elements,
    }


def iam_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    """An IAM policy of `statements`."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def iam_allow(actions: Any, resource: Any = KEY_ARN, **elements: Any) -> dict[str, Any]:
    """An Allow statement of an IAM policy."""
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **elements}
