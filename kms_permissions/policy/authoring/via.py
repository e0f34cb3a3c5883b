"""kms:ViaService values from the dataset's table of services that support the key (the guide's
list): a service named by the first part of its ViaService name (`ec2` for
`ec2.AWS_region.amazonaws.com`), its value in a Region."""

from __future__ import annotations

from kms_permissions.policy.knowledge import Knowledge
from kms_permissions.reference import via_services

REGION_PLACEHOLDER = "AWS_region"


def via_names(facts: Knowledge) -> dict[str, str]:
    """Each service's short name -> its ViaService name as the table writes it (with
    AWS_region), for the services whose names the table gives."""
    found: dict[str, str] = {}
    for service in via_services(facts.reference):
        for name in service.names:
            prefix = name.split(".", 1)[0]
            if REGION_PLACEHOLDER in name:
                found.setdefault(prefix, name)
    return dict(sorted(found.items()))


def via_value(facts: Knowledge, prefix: str, region: str) -> str:
    """The kms:ViaService value of the service `prefix` in `region`."""
    return via_names(facts)[prefix].replace(REGION_PLACEHOLDER, region)
