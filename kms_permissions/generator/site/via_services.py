"""via-service.md: what value kms:ViaService takes, service by service.

The value's form and the worked examples come from `via_service` (the one place that knows the
form); the services and their names from the guide's table in the dataset (the key's
`via_services`). A page only when the dataset has that table.
"""

from __future__ import annotations

from kms_permissions import via_service
from kms_permissions.generator.markdown import code, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import front_matter
from kms_permissions.model import ViaService
from kms_permissions.policy.registry import all_rules

HERE = "via-service.md"
KEY = "kms:ViaService"
# The Regions of the worked examples: one per partition's form of Region name.
EXAMPLE_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1")
# The service of the worked examples, by its name's service part, if the table lists it.
EXAMPLE_PREFIX = "s3"
# The checker's rule on kms:ViaService values, linked when the registry has it.
RULE = "KMS015"


def pages(site: Site) -> dict[str, str]:
    """via-service.md, when the dataset holds the guide's table of services."""
    info = site.keys.get(KEY)
    if info is None or not info.via_services:
        return {}
    services = info.via_services
    example = next((s for s in services if EXAMPLE_PREFIX in s.prefixes), services[0])
    prefix = example.prefixes[0] if example.prefixes else EXAMPLE_PREFIX
    values = [via_service.value(prefix, region) for region in EXAMPLE_REGIONS]
    parts = [
        front_matter(),
        "# kms:ViaService values",
        "",
        f"The value of {site.name_link(KEY, HERE)} names the AWS service that calls KMS on the "
        "principal's behalf, in the Region of the request: "
        f"{code('SERVICE.REGION' + via_service.SUFFIX)}, with the service part the table "
        f"below gives and the Region's name (such as {code(via_service.REGION_EXAMPLE)}). "
        "The guide writes each name with "
        f"{code(via_service.PLACEHOLDER)} where the Region goes.",
        "",
        f"## Worked examples: {text(example.service)}",
        "",
        "| Region | Value |",
        "|---|---|",
        *(f"| {code(r)} | {code(v)} |" for r, v in zip(EXAMPLE_REGIONS, values, strict=True)),
        "",
        "A key used from several Regions (a multi-Region key's replicas, or a service that "
        "calls from more than one Region) needs one value per Region; several values of one "
        "condition key are alternatives:",
        "",
        "```json",
        "{",
        '  "StringEquals": {',
        f'    "kms:ViaService": ["{values[1]}", "{values[0]}"]',
        "  }",
        "}",
        "```",
        "",
        f"`kms-permissions check` reports a value of another form, or one naming no service "
        f"listed here: {site.link(RULE, f'rules/{RULE}.md', HERE)}."
        if RULE in {r.rule_id for r in all_rules()}
        else "",
        "",
        "## The services",
        "",
        f"The {len(services)} services the guide's table lists as supporting kms:ViaService "
        f"({text(_copy(site, services))}), with the names they send:",
        "",
        '<div class="kp-table" markdown>',
        "",
        "| Service | kms:ViaService name | Note |",
        "|---|---|---|",
        *(_row(s) for s in services),
        "",
        "</div>",
        "",
    ]
    return {HERE: "\n".join(parts)}


def _copy(site: Site, services: tuple[ViaService, ...]) -> str:
    """The copy of the guide the table comes from: `conditions-kms, as of 2022-12-05`."""
    sources = [site.ref.sources[s] for s in sorted({s.source_id for s in services})]
    dates = sorted(s.revision_date or "undated" for s in sources)
    pages = sorted({s.location.rsplit("/", 1)[-1].removesuffix(".md") for s in sources})
    return f"the guide's {', '.join(pages)} page, as of {dates[-1]}"


def _row(service: ViaService) -> str:
    names = "<br>".join(code(n) for n in service.names) or text("not given in the copy held")
    return f"| {text(service.service)} | {names} | {text(service.note or '')} |"
