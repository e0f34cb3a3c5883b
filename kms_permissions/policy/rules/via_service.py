"""kms:ViaService values against the guide's table of services that support the key.

KMS071 reports a value that is not `SERVICE.REGION.amazonaws.com` at all; this rule reads the
parts of one that is (the table is the dataset's, `reference.via_services`; the value's form
and the Region's are `kms_permissions.via_service`'s). The table does not say which operations
each service calls, so that is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions import via_service
from kms_permissions.policy.conditions import limiting
from kms_permissions.policy.document import Unresolved
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import allow, key_policy
from kms_permissions.policy.rules.public import VIA_SERVICE
from kms_permissions.reference import via_services


@rule(
    "KMS015",
    "warning",
    "kms:ViaService value naming no service that supports it, or no Region",
    name="via-service-value",
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
def via_service_value(ctx: Context) -> Iterator[Hit]:
    """A kms:ViaService value of the form `SERVICE.REGION.amazonaws.com` whose service is not
    one the guide lists as supporting kms:ViaService (`sns`, `iam`, a typo), or whose Region
    is not a Region name (`us-east1`, `us-east-1a`, an Availability Zone): no request carries
    it, so the value never matches. Values with wildcards or template placeholders
    (`${AWS::Region}`) are not judged.

    Not checked: whether the named service ever calls the statement's operations
    (`ec2.REGION.amazonaws.com` with kms:Sign, say). The guide's table, the only source the
    dataset reads for kms:ViaService, lists the services that send the key and their names,
    not the operations each calls on a caller's behalf, and no other page the dataset holds
    says it; a service-to-operations map written here would be a guess that goes stale as
    services add integrations. What the dataset does say is which operations kms:ViaService
    is a condition key of: a statement that limits an operation it is not one of (ListAliases,
    ListKeys) by kms:ViaService never allows it, and KMS010/KMS013 report that."""
    services = via_services(ctx.knowledge.reference)
    if not services:
        return  # a dataset without the guide's table: nothing to compare with
    prefixes = {prefix for service in services for prefix in service.prefixes}
    elided = tuple(s.service for s in services if not s.names)
    for statement in ctx.document.statements:
        for condition in limiting(statement):
            if condition.key.lower() != "kms:viaservice":
                continue
            for value in condition.values:
                if isinstance(value, Unresolved) or not isinstance(value, str) or "$" in value:
                    continue
                if via_service.split(value) is None:
                    continue  # not of the form at all: KMS071's
                problem = via_service.problem(value, prefixes, elided)
                if problem is None:
                    continue
                yield Hit(
                    statement,
                    condition.path,
                    f"{problem}: no request carries it, so this value never matches; write "
                    "the name of a service the guide lists, with a Region name (s3.us-east-1."
                    "amazonaws.com)",
                    f"guide, conditions-kms: services that support kms:ViaService (dataset "
                    f"table of {len(services)} services)",
                    VIA_SERVICE,
                )
