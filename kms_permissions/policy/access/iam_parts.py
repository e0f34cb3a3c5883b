"""Operations that also need an IAM-policy-only permission of their caller, elsewhere.

The API Reference's "Required permissions" (the dataset's `required_permissions`) say that
ReplicateKey needs kms:ReplicateKey in the primary key's policy and kms:CreateKey in an IAM
policy in the replica Region
(https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html). That part is
decided as a request of its own: the same caller, the permission on no key, in the Region the
request names (kms:ReplicaRegion; unknown when not given), decided by the caller's identity
policies within their boundary and session policy, and its SCPs. What describes the primary key
(its tags, aliases, spec...) and the endpoint the request came through are not known for it.
"""

from __future__ import annotations

from kms_permissions.policy.access.facts import IamPart
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.two_keys import KEY_PROPERTIES

# Records made without importing dataclasses (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import replace
else:
    from kms_permissions._slotted import replace

# The context key that names the Region of an operation's IAM part.
REGION_KEYS = {"kms:ReplicateKey": "kms:ReplicaRegion"}
_NOT_KNOWN = ("aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp", "aws:ResourceAccount")


def part_request(request: Request, part: IamPart) -> Request:
    """The request for the part's permission, made in the Region the request names."""
    region_key = REGION_KEYS.get(request.action)
    region = request.context.get(region_key) if region_key else None
    context = request.context.unknown_for(
        (*KEY_PROPERTIES, *_NOT_KNOWN),
        f"{{key}} describes the request's own part, not {part.permission} {part.where or ''}",
    )
    if region is not None and len(region.values) == 1:
        context = context.with_values({"aws:RequestedRegion": region.values[0]})
    else:
        context = context.unknown_for(
            ("aws:RequestedRegion",),
            f"{{key}} of {part.permission} is the Region {region_key or 'of the part'} names, "
            "which the request does not give",
        )
    return replace(
        request,
        action=part.permission,
        key_arn=None,
        other_key_arn=None,
        alias=None,
        context=context,
    )


def label(request: Request, part: IamPart) -> str:
    """How the part's reasons are prefixed."""
    region = request.context.get(REGION_KEYS.get(request.action, ""))
    where = f" ({region.values[0]})" if region is not None and len(region.values) == 1 else ""
    return f"{part.permission} in an IAM policy, {part.where or 'as well'}{where}"
