"""One page per condition key: what the guide and the SAR say of it, and the actions it
applies to."""

from __future__ import annotations

from kms_permissions.display import compact
from kms_permissions.generator.markdown import code, external, fragment, table, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.context import GUIDE, POLICY, Site
from kms_permissions.generator.site.groups import group_of
from kms_permissions.generator.site.provenance import absent, source_lines
from kms_permissions.generator.site.sections import (
    discrepancy_section,
    front_matter,
    history_section,
    mentions_section,
    not_searched,
    unsearched_block,
)
from kms_permissions.model import ConditionKeyInfo


def pages(site: Site) -> dict[str, str]:
    """condition-keys/NAME.md for every condition key."""
    groups = group_of(site)
    return {path: page(site, key, path, groups[key]) for key, path in site.key_pages.items()}


def page(site: Site, key: str, here: str, group: str) -> str:
    """The page of one condition key."""
    info = site.keys[key]
    parts = [front_matter(), f"# {text(key)}", ""]
    parts += _descriptions(site, info, here)
    # Out of the search index, as on action pages: the same words on every page.
    parts += [unsearched_block(table(["Fact", "Value"], facts(site, info, here, group))), ""]
    if info.via_services:
        parts += [
            f"The value it takes, service by service, with worked examples: "
            f"{site.link('kms:ViaService values', 'via-service.md', here)}.",
            "",
        ]
    # The actions are listed by name: the names search finds each one's own page.
    parts += _instances(info)
    parts += [not_searched("## Actions"), ""]
    actions = site.sorted_names(list(info.actions))
    parts += [
        f"- {site.name_link(a, here)} ({fragment(_sources(site, info.action_sources[a]))})"
        for a in actions
    ] or [text(f"None: no source pairs {key} with an action.")]
    parts.append("")
    if info.not_applying:
        parts += [
            "## Left out by a newer source",
            "",
            "An older or undated source pairs it with these; the newest dated source that speaks "
            "of the pair does not (see the discrepancies):",
            "",
            *(
                f"- {code(a)} ({fragment(_sources(site, info.action_sources[a]))})"
                for a in site.sorted_names(list(info.not_applying))
            ),
            "",
        ]
    parts += mentions_section(site, key, here)
    parts += discrepancy_section(site, info.discrepancies, here)
    parts += history_section(site, key, here)
    return "\n".join(parts).rstrip("\n") + "\n"


# Where the headline's attribution goes in a source's heading.
NEWEST = "\x00newest\x00"


def _descriptions(site: Site, info: ConditionKeyInfo[str], here: str) -> list[str]:
    """The guide's and the SAR's words, each quoted and attributed (the guide's is sometimes
    a sentence of its page rather than a definition, as for aws:SourceIp)."""
    out: dict[str, list[str]] = {}
    if info.guide_description:
        where = f"{GUIDE}/{info.section}.html" + (f"#{info.anchor}" if info.anchor else "")
        page = external(text(info.section), where) if info.section else text("the guide")
        date = text(info.as_of.get("conditions") or "undated")
        said = (
            f"The guide's condition key pages ({page}, as of {date}{NEWEST}):"
            if info.guide_condition_type or info.section != "conditions-aws"
            else f"The guide mentions it on its page {page} (as of {date}{NEWEST}) without an "
            "entry of its own for it; the passage:"
        )
        out["conditions"] = [said, "", _quote(prose.block(site, info.guide_description, here)), ""]
    if info.sar_description:
        out["sar"] = [
            f"The SAR (as of {text(site.newest('sar'))}{NEWEST}):",
            "",
            _quote(prose.block(site, info.sar_description, here)),
            "",
        ]
    if info.api_description:
        operations = ", ".join(
            site.name_link(a, here) for a, s in info.action_sources.items() if "api" in s
        )
        out["api"] = [
            f"The API Reference (as of {text(info.as_of.get('api') or 'undated')}{NEWEST}), in "
            f"the text of {operations}:",
            "",
            _quote(prose.block(site, info.api_description, here)),
            "",
        ]
    if not out:
        return [text("No source describes it."), ""]
    # The headline (the newest dated source's words) first, the older ones after it.
    first = info.description_source
    said = ", the newest dated source" if len(out) > 1 else ""
    ordered = [out[first]] if first in out else []
    ordered += [v for k, v in out.items() if k != first]
    return [
        line.replace(NEWEST, said if number == 0 else "")
        for number, part in enumerate(ordered)
        for line in part
    ]


def _instances(info: ConditionKeyInfo[str]) -> list[str]:
    """The instances the SAR enumerates, each with its own description where it gives one."""
    names = [n for n in info.sar_names if "${" not in n]
    if not info.is_template or not names:
        return []
    said = dict(zip(info.sar_names, info.sar_descriptions, strict=False))
    rows = [[code(n), text(said.get(n) or "the template's description")] for n in names]
    return [
        "## Instances",
        "",
        f"The SAR lists {len(names)} instances of it, each a key of its own in policies:",
        "",
        table(["Key", "The SAR's description"], rows),
        "",
    ]


def _quote(block: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block.split("\n"))


def facts(site: Site, info: ConditionKeyInfo[str], here: str, group: str) -> list[list[str]]:
    """The fact table's rows; an absent fact names the source that lacks it."""
    guide = info.guide_condition_type is not None

    def conditions(value: str | None) -> str:
        return text(value) if value else absent(site, "conditions", info.in_guide)

    def headline(field: str, value: str | None) -> str:
        source = info.headline_sources.get(field)
        if not value or source is None:
            return text(value or "not given")
        when = info.headline_as_of.get(field)
        dated = f"as of {when.isoformat()}" if when else "undated"
        return text(f"{value} ({site.short_sources([source])}, {dated})")

    deprecated = text("yes" if info.deprecated else "no")
    if info.replacement:
        deprecated += f", use {site.name_link(info.replacement, here)}"
    policy_types = ", ".join(POLICY[p] for p in info.policy_types)
    sar_names = ", ".join(code(n) for n in compact(list(info.sar_names)))
    return [
        ["Condition type", headline("condition_type", info.condition_type)],
        ["Values", headline("value_type", info.value_type)],
        ["Condition type (guide)", conditions(info.guide_condition_type)],
        ["Values (guide)", conditions(info.guide_value_type)],
        ["Type (SAR)", text(info.sar_type) if info.sar_type else absent(site, "sar", info.in_sar)],
        ["Policy types (guide)", conditions(policy_types or None)],
        ["Deprecated (guide)", deprecated if guide or info.deprecated else conditions(None)],
        [
            "API operations (guide)",
            prose.inline(site, info.operations_text, here)
            if info.operations_text
            else conditions(None),
        ],
        ["SAR names", sar_names or text("the same as the guide's" if info.in_sar else "none")],
        ["Group", text(group)],
        ["Sources", source_lines(site, info.as_of, info.listed_since, info.listed_in)],
    ]


def _sources(site: Site, sources: tuple[str, ...]) -> str:
    return ", ".join(site.source_name(s) for s in sources)
