"""kms:ViaService values: the Region part of `SERVICE.REGION.amazonaws.com`.

KMS071 reports a value not of that shape; this rule reads the Region in a value that has it.
(Whether the service is one that calls KMS for the operation needs the guide's table of
services that support kms:ViaService, which the dataset does not hold yet.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.conditions import limiting
from kms_permissions.policy.document import Unresolved
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import allow, key_policy
from kms_permissions.policy.rules.public import VIA_SERVICE

_VALUE = re.compile(r"(?P<service>[a-z0-9-]+)\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?")
# AWS Region codes: area, an optional partition word, direction, number (us-gov-west-1,
# cn-northwest-1, us-isob-east-1, ap-southeast-7, il-central-1).
REGION = re.compile(
    r"[a-z]{2}(-(gov|iso[a-z]?))?-"
    r"(central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}"
)


@rule(
    "KMS015",
    "warning",
    "kms:ViaService value with a malformed Region",
    name="via-service-region",
    link=VIA_SERVICE,
    bad=key_policy(
        allow(
            "kms:Decrypt",
            Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east1.amazonaws.com"}},
        )
    ),
    good=key_policy(
        allow(
            "kms:Decrypt",
            Condition={
                "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
            },
        )
    ),
)
def via_service_region(ctx: Context) -> Iterator[Hit]:
    """A kms:ViaService value whose Region is not a Region code (`us-east1`, `useast-1`,
    `us-east-1a`, an Availability Zone): KMS puts `SERVICE.REGION.amazonaws.com` in the
    request, with the Region code of the request, so the value never matches. Values with
    wildcards or template placeholders (`${AWS::Region}`) are not judged."""
    for statement in ctx.document.statements:
        for condition in limiting(statement):
            if condition.key.lower() != "kms:viaservice":
                continue
            for value in condition.values:
                if isinstance(value, Unresolved) or not isinstance(value, str):
                    continue
                match = _VALUE.fullmatch(value)
                if match is None or "*" in value or "?" in value or "$" in value:
                    continue  # the shape is KMS071's; patterns and placeholders are not judged
                region = match.group("region")
                if REGION.fullmatch(region):
                    continue
                yield Hit(
                    statement,
                    condition.path,
                    f"{shown(value)} has the Region {shown(region)}, which is no Region code "
                    "(like us-east-1): this value never matches; write the Region code of the "
                    "Region the service calls KMS in",
                    "kms:ViaService, condition keys: SERVICE.REGION.amazonaws.com",
                    VIA_SERVICE,
                )
