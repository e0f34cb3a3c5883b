"""One page per action: what each source says about the permission, and how the facts fit."""

from __future__ import annotations

from kms_permissions.generator.markdown import EMPTY, code, external, fragment, table, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.access import case_page, cases_for
from kms_permissions.generator.site.answers import answers
from kms_permissions.generator.site.context import POLICY, Site
from kms_permissions.generator.site.groups import group_of
from kms_permissions.generator.site.keylists import key_list
from kms_permissions.generator.site.provenance import absent, listed_since, source_lines
from kms_permissions.generator.site.sections import (
    discrepancy_section,
    front_matter,
    history_section,
    mentions_section,
    not_searched,
    unsearched_block,
)
from kms_permissions.model import ActionInfo, RequiredPermission
from kms_permissions.policy.access import docs as aws


def pages(site: Site) -> dict[str, str]:
    """actions/NAME.md for every action."""
    groups = group_of(site)
    return {path: page(site, action, path, groups) for action, path in site.action_pages.items()}


def page(site: Site, action: str, here: str, groups: dict[str, str]) -> str:
    """The page of one action."""
    info = site.actions[action]
    parts = [front_matter(), f"# {text(action)}", ""]
    parts += _answers(site, info, here)
    parts += _description(site, info, here)
    if info.permission_only:
        parts += [
            "The SAR marks it *permission only*: no API operation of that name; "
            "other operations check it.",
            "",
        ]
    if info.note:
        parts += ['!!! note "From the permissions reference"', ""]
        parts += ["    " + line if line else "" for line in _block_lines(site, info.note, here)]
        parts.append("")
    # The facts table is out of the search index: its words (Write, key, as of ...) are the
    # same on every page, and the names in it have their own pages.
    parts += [unsearched_block(table(["Fact", "Value"], facts(site, info, here))), ""]
    parts += how_they_fit(site, info, here)
    parts += _grants(site, info, here)
    parts += _api_section(site, info, here)
    parts += _condition_keys(site, info, here, groups)
    parts += mentions_section(site, action, here)
    parts += _cases(site, action, here)
    parts += discrepancy_section(site, info.discrepancies, here)
    parts += history_section(site, action, here)
    return "\n".join(parts).rstrip("\n") + "\n"


def _answers(site: Site, info: ActionInfo[str], here: str) -> list[str]:
    """One plain sentence per question a reader has, from the facts below. The same sentences
    open many pages: out of the search index, where they would rank every action page for
    "another account" (the cross-account and policy pages say them once)."""
    lines = []
    for question, answer in answers(info):
        more = f" ({external(text('AWS: grants'), aws.GRANTS)})" if question == "Grants" else ""
        lines.append(f"- **{question}:** {prose.inline(site, answer, here)}{more}")
    return [unsearched_block("\n".join(lines))]


def _block_lines(site: Site, value: str, here: str) -> list[str]:
    return prose.block(site, value, here).split("\n")


def _stated(site: Site, info: ActionInfo[str], fact: str) -> str:
    """` (API Reference, as of 2026-11-20)`: the source of a headline fact and its date."""
    source = info.headline_sources.get(fact)
    if source is None:
        return ""
    when = info.headline_as_of.get(fact)
    dated = f"as of {when.isoformat()}" if when else "undated"
    return " " + text(f"({site.short_sources([source])}, {dated})")


def _description(site: Site, info: ActionInfo[str], here: str) -> list[str]:
    """The headline description with its source, and the other source's where it differs."""
    if not info.description:
        return [text(f"No description: {site.source_name('sar')} does not list it."), ""]
    parts = [prose.block(site, info.description, here), ""]
    parts += [f"*{text('Description from')}{_stated(site, info, 'description')}*", ""]
    said = {"sar": info.sar_description, "api": info.api_description}
    for source, value in said.items():
        if source == info.headline_sources.get("description"):
            continue
        if value and value != info.description:
            when = info.as_of.get(source)
            dated = f"as of {when.isoformat()}" if when else "undated"
            parts += [f"{text(f'{site.short_sources([source])} ({dated}):')}", ""]
            parts += ["> " + prose.inline(site, value, here), ""]
    return parts


def facts(site: Site, info: ActionInfo[str], here: str) -> list[list[str]]:
    """The fact table's rows: each headline value with its source and date."""
    resources = [
        f"{code(r)} ({code(info.resource_arns[r])})" if r in info.resource_arns else code(r)
        for r in info.resources
    ]
    return [
        ["Operation", external(text(info.operation), info.api_reference_url)],
        ["Policy types", policy_types_text(site, info) + _stated(site, info, "policy_types")],
        [
            "Works in a key policy",
            _key_policy_effective(site, info) + _stated(site, info, "key_policy_effective"),
        ],
        ["Cross-account use", _cross_account(site, info, here)],
        [
            "Resources",
            (", ".join(resources) + _stated(site, info, "resources"))
            if resources
            else absent(site, "sar", info.in_sar),
        ],
        [
            "Access level",
            text(info.access_level) + _stated(site, info, "access_level")
            if info.access_level
            else _sar(site, info),
        ],
        [
            "Dependent actions",
            (", ".join(site.name_link(d, here) for d in info.dependent_actions) or text("none"))
            + _stated(site, info, "dependent_actions")
            if info.in_sar
            else _sar(site, info),
        ],
        ["Sources", source_lines(site, info.as_of, info.listed_since, info.listed_in)],
    ]


def _sar(site: Site, info: ActionInfo[str]) -> str:
    return absent(site, "sar", info.in_sar)


def policy_types_text(site: Site, info: ActionInfo[str]) -> str:
    """Where it can be granted, in words: a key policy only "Key policy" says IAM counts too."""
    if not info.policy_types:
        return text("not given: no source says where to grant it")
    shown = ", ".join(POLICY[p] for p in info.policy_types)
    if info.policy_types == ("key-policy",):
        shown += "; IAM policies too, where the key policy enables them"
    return text(shown)


def _key_policy_effective(site: Site, info: ActionInfo[str]) -> str:
    if info.key_policy_effective is None:
        return text("not given: no source says where to grant it")
    if info.key_policy_effective:
        return text("yes")
    if "key-policy" not in info.policy_types:
        return text("no: it is not granted in a key policy")
    return text("no: a key policy statement that allows it has no effect")


def _cross_account(site: Site, info: ActionInfo[str], here: str) -> str:
    """The headline value with its source, then each source's words."""
    if info.cross_account is None:
        return text("not given: no source says")
    lines = [text(info.cross_account) + _stated(site, info, "cross_account")]
    if info.guide_cross_account == "contradictory":
        lines.append(text(f"The guide says both: {info.guide_cross_account_text}"))
    elif info.guide_cross_account_text:
        lines.append(fragment(f"The permissions reference: {info.guide_cross_account_text}"))
    if info.api_cross_account_text:
        api = prose.inline(site, info.api_cross_account_text, here)
        lines.append(f"{fragment('The API Reference: ')}{api}")
    return "<br>".join(lines)


def how_they_fit(site: Site, info: ActionInfo[str], here: str) -> list[str]:
    """A permission granted in an IAM policy that a policy alone cannot allow (RetireGrant):
    the facts that explain it, side by side."""
    said = []
    if info.guide_key_policy_effective is False:
        where = ", ".join(POLICY[p] for p in info.guide_policy_types) or "no policy type"
        said.append(
            f"The permissions reference gives {where} as where to grant it, and says it is "
            "not effective in a key policy: a key policy statement allowing it does nothing."
        )
    unnamed = [d for d in info.discrepancies if d.kind == "permission-not-named-by-api"]
    if unnamed:
        said.append(
            f"The API Reference names no permission for {info.operation}: it says the "
            "permission is determined by the grant, so the grant decides who may call it (its "
            "retiring principal, for one), and an IAM policy only adds principals to those."
        )
    if not said or not unnamed:
        return []
    lines = ['!!! info "How these facts fit"', ""]
    lines += [f"    {fragment(s)}\n" for s in said]
    cases = cases_for(info.action)
    if cases:
        lines.append(
            "    Worked cases, decided by `kms-permissions explain`: "
            + ", ".join(site.link(fragment(c.title), case_page(c), here, c.slug) for c in cases)
            + ".\n"
        )
    return lines


def _grants(site: Site, info: ActionInfo[str], here: str) -> list[str]:
    if not info.grants:
        return []
    rows = [
        [
            text(POLICY[g.policy_type]),
            prose.inline(site, g.qualifier, here) if g.qualifier else EMPTY,
            text(g.cross_account_text),
            ", ".join(code(r) for r in g.resources),
            prose.inline(site, g.resource_note or g.condition_keys_note, here),
        ]
        for g in info.grants
    ]
    header = ["Policy type", "Qualifier", "Cross-account", "Resources", "Note"]
    # A table of marks, the same on most pages: nothing a search would look for.
    return [not_searched("## Where it can be granted"), "", table(header, rows), ""]


def _api_section(site: Site, info: ActionInfo[str], here: str) -> list[str]:
    if not info.in_api:
        return []
    lines = ["## What the API Reference says", ""]
    first = listed_since(site, "api", info.listed_since.get("api"), info.listed_in.get("api"))
    operation = info.api_operation or info.operation
    intro = f"For the {operation} operation ({site.newest('api')} copy"
    intro += f", botocore {site.api_release})" if site.api_release else ")"
    lines += [text(intro + (f"; {first}." if first else ".")), ""]
    if info.api_cross_account_text:
        lines += [
            f"**Cross-account use:** {prose.inline(site, info.api_cross_account_text, here)}",
            "",
        ]
    if info.required_permissions:
        lines += [
            "**Required permissions**, each with the parameter or Region it depends on:",
            "",
            required_table(site, info.required_permissions, here),
            "",
        ]
    others = [r for r in info.required_by if r.operation != operation]
    if others:
        lines += [
            "**Other operations that need it:**",
            "",
            required_table(site, tuple(others), here, by_operation=True),
            "",
        ]
    return lines


def required_table(
    site: Site, rows: tuple[RequiredPermission, ...], here: str, by_operation: bool = False
) -> str:
    """Required permissions as a table: what, where to grant it, on what, when, where."""
    first = "Operation" if by_operation else "Permission"
    cells = []
    for row in rows:
        name = (
            site.name_link(site.by_operation[row.operation], here, label=row.operation)
            if by_operation and row.operation in site.by_operation
            else text(row.operation)
            if by_operation
            else site.name_link(row.permission, here)
        )
        cells.append(
            [
                name,
                text(", ".join(POLICY[p] for p in row.policy_types) or "not said"),
                text(row.resource or "the operation's resource"),
                text(f"the {row.parameter} parameter" if row.parameter else "always"),
                text(row.where or "anywhere"),
                prose.inline(site, row.sentence, here),
            ]
        )
    header = [first, "Grant it in", "On", "Needed", "Where", "The API Reference's words"]
    return table(header, cells)


def _condition_keys(
    site: Site, info: ActionInfo[str], here: str, groups: dict[str, str]
) -> list[str]:
    lines = []
    if info.grants:
        # Lists of names, the same on many pages: the names search finds each key's own page.
        lines += [not_searched("## Condition keys"), ""]
        for grant in info.grants:
            if len(info.grants) > 1:
                title = f"{POLICY[grant.policy_type]} {grant.qualifier or ''}".strip()
                lines += [f"### {text(title)}", ""]
            if not grant.condition_keys:
                note = grant.condition_keys_note
                lines += [text(f"None ({note})" if note else "None"), ""]
            for group in grant.condition_keys:
                lines += [f"**{text(group.label or 'Condition keys')}**", ""]
                applying = [k for k in group.keys if k not in info.keys_not_applying]
                lines += key_list(site, applying, here)
                # Listed here, left out by a newer source: named, not linked as applying.
                lines += [
                    f"- {code(k)} ({text('left out by a newer source: see Discrepancies')})"
                    for k in group.keys
                    if k in info.keys_not_applying
                ]
                lines.append("")
    sources = info.condition_key_sources
    others = [k for k in info.condition_keys if "permissions" not in sources[k]]
    if others:
        lines += [not_searched("## Condition keys other sources list"), ""]
        lines += [
            "The permissions reference does not list these for it; the sources named do "
            "(the condition key pages through the operations each key applies to).",
            "",
        ]

        def by_whom(names: list[str]) -> str:
            found = {s for name in names for s in sources[name]}
            order = ("permissions", "conditions", "sar", "api")
            return fragment(", ".join(site.source_name(s) for s in order if s in found))

        lines += key_list(site, others, here, note=by_whom)
        lines.append("")
    rules: dict[str, list[str]] = {}
    for key, rule in info.condition_key_rules.items():
        rules.setdefault(rule, []).append(key)
    for rule, keys in rules.items():
        named = ", ".join(site.name_link(k, here) for k in keys)
        lines += [
            f"{text('The sources do not list it yet; by their rule (' + rule + '):')} {named}.",
            "",
        ]
    return lines


def _cases(site: Site, action: str, here: str) -> list[str]:
    cases = cases_for(action)
    if not cases:
        return []
    lines = ["## Worked cases", "", "Requests for it that `kms-permissions explain` decides:", ""]
    for case in cases:
        shown = site.link(fragment(case.title), case_page(case), here, case.slug)
        lines.append(f"- {shown}: {text(case.decision)}")
    return [*lines, ""]
