"""The worked cases' vocabulary: the example accounts and principals, the `Case` record, and
the helpers that write their policies and requests (`cases` and `guide_cases` use them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kms_permissions.policy.access.results import Decision

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
KEY_ARN = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
APP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/App"
APP_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/App/i-0123456789"
ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"
USER = f"arn:aws:iam::{ACCOUNT}:user/ExampleUser"
EXTERNAL_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/Partner"
MANAGEMENT_ACCOUNT = "999988887777"
ORG_ID = "o-a1b2c3d4e5"
SLR_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"
SLR_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)
LOGS_ARN = f"arn:aws:logs:us-west-2:{ACCOUNT}:log-group:app"
VPCE = "vpce-1234abcdf5678c90a"

Json = dict[str, Any]
ExpectedReason = tuple[str, str, int | None]


@dataclass(frozen=True)
class Case:
    """One scenario: inputs, the decision KMS makes, and the reasons explain gives."""

    slug: str
    title: str
    rule: str
    basis: str
    key_policy: Json
    request: Json
    decision: Decision
    reasons: tuple[ExpectedReason, ...]
    iam_policies: tuple[Json, ...] = ()
    grants: tuple[Json, ...] = ()
    vpce_policy: Json | None = None
    scps: tuple[Json, ...] = ()
    rcps: tuple[Json, ...] = ()
    permissions_boundary: Json | None = None
    session_policy: Json | None = None
    other_key_policy: Json | None = None
    # False for a case whose answer depends on what the request cannot give.
    decided: bool = True

    def inputs(self) -> dict[str, Any]:
        """The case's inputs as `explain`'s keyword arguments."""
        return {
            "key_policy": self.key_policy,
            "request": self.request,
            "iam_policies": self.iam_policies,
            "grants": self.grants,
            "vpce_policy": self.vpce_policy,
            "scps": self.scps,
            "rcps": self.rcps,
            "permissions_boundary": self.permissions_boundary,
            "session_policy": self.session_policy,
            "other_key_policy": self.other_key_policy,
        }


def statement(
    effect: str,
    principal: Any,
    actions: str | list[str],
    sid: str | None = None,
    condition: Json | None = None,
) -> Json:
    """A key policy (or endpoint policy) statement."""
    body: Json = {"Effect": effect, "Principal": principal, "Action": actions, "Resource": "*"}
    if sid:
        body = {"Sid": sid, **body}
    if condition:
        body["Condition"] = condition
    return body


def enable_iam(account: str = ACCOUNT) -> Json:
    """The default key policy's statement that enables IAM policies for the account."""
    return statement(
        "Allow", {"AWS": f"arn:aws:iam::{account}:root"}, "kms:*", "Enable IAM policies"
    )


def policy(*statements: Json) -> Json:
    """A policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def iam_policy(
    effect: str, actions: str | list[str], resource: str = KEY_ARN, **extra: Any
) -> Json:
    """An identity policy with one statement."""
    return policy({"Effect": effect, "Action": actions, "Resource": resource, **extra})


def request(
    principal: str, action: str, context: Json | None = None, vpce: str | None = None
) -> Json:
    """A request on the example key."""
    body: Json = {"principal": principal, "action": action, "key_arn": KEY_ARN}
    if context:
        body["context"] = context
    if vpce:
        body["vpce"] = vpce
    return body


USE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
]
