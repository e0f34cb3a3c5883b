"""VPC endpoint policies."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.policy.knowledge import GUIDE
from kms_permissions.policy.registry import Context, Hit, rule

VPC_ENDPOINT = f"{GUIDE}/kms-vpc-endpoint.html"
DENY_OTHER_ACCOUNTS = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "kms:*",
    "Resource": "arn:aws:kms:*:111122223333:key/*",
    "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}},
}
ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


@rule(
    "KMS120",
    "warning",
    "VPC endpoint policy that allows nothing",
    name="endpoint-policy-allows-nothing",
    kind="vpc-endpoint-policy",
    link=VPC_ENDPOINT,
    bad={"Version": "2012-10-17", "Statement": [DENY_OTHER_ACCOUNTS]},
    good={"Version": "2012-10-17", "Statement": [ALLOW_ALL, DENY_OTHER_ACCOUNTS]},
)
def endpoint_allows_nothing(ctx: Context) -> Iterator[Hit]:
    """A VPC endpoint policy with no Allow statement. An endpoint policy replaces the default
    (which allows everything), and a request through the endpoint must be allowed by it, so
    a deny-only endpoint policy blocks every request. Add the default Allow next to the
    Deny statements."""
    if ctx.kind != "vpc-endpoint-policy" or not ctx.document.whole:
        return
    if any(s.effect == "Allow" for s in ctx.document.statements):
        return
    yield Hit(
        None,
        "$.Statement",
        "this VPC endpoint policy has no Allow statement: every request through the endpoint "
        'is denied; add {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"} '
        "next to the Deny",
        "developer guide: VPC endpoint policies (the default policy allows all)",
        VPC_ENDPOINT,
    )
