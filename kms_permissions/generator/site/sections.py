"""Parts several pages share: front matter, folded blocks, disagreements, notes, history."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kms_permissions.display import compact, family
from kms_permissions.generator.markdown import big_table, code, fragment, indent, table, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.provenance import newest_copy
from kms_permissions.model import SOURCE_OF_PAGE_KIND, Discrepancy, Note
from kms_permissions.names import natural_key

# A table of disagreements with more rows than this gets the big-table filter.
FILTERED = 5
# Pages people look names up on: the search ranks them above the guide's notes (site/README.md).
SEARCH_BOOST = 2


def front_matter(boost: bool = True, hide_toc: bool = False) -> str:
    """The YAML front matter of a generated page."""
    lines = []
    if boost:
        lines += ["search:", f"  boost: {SEARCH_BOOST}"]
    if hide_toc:
        lines += ["hide:", "  - toc"]
    return "---\n" + "\n".join(lines) + "\n---\n" if lines else ""


def folded(title: str, body: str, kind: str = "note") -> str:
    """A closed collapsible block (Material's `???`); `title` is the generator's own text."""
    return f'??? {kind} "{title}"\n\n{indent(body)}\n'


def folded_unsearched(title: str, body: str, kind: str = "note") -> str:
    """A closed collapsible block, as `folded` makes it, that the site search leaves out (it
    skips an element marked data-search-exclude; Material's parser then skips every
    <details> of the page, so use it on a page whose folded blocks are all repetitive)."""
    return (
        f'<details class="{kind}" data-search-exclude markdown>\n'
        f"<summary>{title}</summary>\n\n{body}\n\n</details>\n"
    )


def unsearched_block(body: str) -> str:
    """Markdown the site search leaves out (Material's data-search-exclude on a div around it).
    `body` must hold no div: Material's parser ends an exclusion at the first closing tag of
    the same name."""
    return f"<div data-search-exclude markdown>\n\n{body}\n\n</div>\n"


def not_searched(heading: str) -> str:
    """A heading whose section the site search leaves out (Material's data-search-exclude):
    long repetitive tables that would weigh on every page's search index."""
    return f"{heading} {{ data-search-exclude }}"


# Disagreements --------------------------------------------------------------------------------

KIND_TITLES = {
    "action-only-in-api": "Actions only the API Reference names",
    "action-only-in-sar": "Actions only the SAR lists",
    "action-only-in-guide": "Actions only the guide lists",
    "key-only-in-sar": "Condition keys only the SAR describes",
    "key-only-in-guide": "Condition keys only the guide describes",
    "key-only-in-sar-for-action": "Keys the SAR pairs with an action and the guide does not",
    "key-only-in-guide-for-action": "Keys the guide pairs with an action and the SAR does not",
    "condition-type-differs": "Condition key types that differ",
    "permission-not-named-by-api": "Permissions the API Reference does not name",
}


def kind_title(kind: str) -> str:
    """The heading of a kind of disagreement."""
    return KIND_TITLES.get(kind, kind.replace("-", " ").capitalize())


def discrepancy_groups(rows: Iterable[Discrepancy]) -> dict[str, list[list[Discrepancy]]]:
    """Kind -> rows folded per subject family: the 24 NitroTPMPCR rows of one action that say
    the same but for the number are one group."""
    by_kind: dict[str, dict[tuple[Any, ...], list[Discrepancy]]] = {}
    for row in rows:
        parts = row.subject.split("|")
        detail = row.detail
        for part in parts:
            detail = detail.replace(part, family(part))
        sources = (row.guide_source, row.sar_source, row.api_source)
        key = ("|".join(family(part) for part in parts), detail, sources)
        by_kind.setdefault(row.kind, {}).setdefault(key, []).append(row)
    return {
        kind: [sorted(g, key=lambda r: natural_key(r.subject)) for g in groups.values()]
        for kind, groups in sorted(by_kind.items())
    }


def subject_cell(site: Site, group: list[Discrepancy], here: str) -> str:
    """The subject of a folded group: each name linked, numbered runs shown once."""
    subjects = [row.subject.split("|") for row in group]
    if len(group) == 1:
        return " · ".join(site.name_link(part, here) for part in subjects[0])
    heads = list(dict.fromkeys(parts[0] for parts in subjects))
    if len(heads) == 1 and all(len(parts) == 2 for parts in subjects):
        tails = [parts[1] for parts in subjects]
        return f"{site.name_link(heads[0], here)} · {_family_links(site, tails, here)}"
    return _family_links(site, [row.subject for row in group], here)


def _family_links(site: Site, names: list[str], here: str) -> str:
    """`kms:...NitroTPMPCR{0..23}` with a link to each instance's page by its number."""
    shown = code(", ".join(compact(names)))
    links = []
    for name in names:
        number = name[len(family(name).removesuffix("{n}")) :]
        links.append(site.name_link(name, here, label=number) if number else "")
    return f"{shown} ({', '.join(link for link in links if link)})"


def detail_cell(site: Site, group: list[Discrepancy], here: str) -> str:
    """What the sources say, for one row (the first of a folded group, said of them all)."""
    detail = group[0].detail
    if len(group) > 1:
        name = group[0].subject.split("|")[-1]
        names = [row.subject.split("|")[-1] for row in group]
        detail = detail.replace(name, compact(names)[0])
    return prose.inline(site, detail, here)


def sources_cell(site: Site, row: Discrepancy) -> str:
    """The pages compared, with their dates."""
    cited = []
    for source_id in (row.guide_source, row.sar_source, row.api_source):
        source = site.ref.sources.get(source_id or "")
        if source:
            name = site.source_name(SOURCE_OF_PAGE_KIND.get(source.kind, source.kind))
            cited.append(f"{name} ({source.revision_date or 'undated'})")
    return text("; ".join(cited) or None)


def discrepancy_section(site: Site, rows: tuple[Discrepancy, ...], here: str) -> list[str]:
    """The disagreements about one action or key, grouped by kind, numbered runs folded."""
    if not rows:
        return []
    out = [not_searched("## Where the sources disagree"), ""]
    table_rows = []
    for kind, groups in discrepancy_groups(rows).items():
        for group in groups:
            count = f" ({len(group)} rows)" if len(group) > 1 else ""
            table_rows.append([text(kind_title(kind) + count), detail_cell(site, group, here)])
    header = ["Kind", "What each says"]
    out += [
        big_table(header, table_rows) if len(table_rows) > FILTERED else table(header, table_rows)
    ]
    return [*out, ""]


# Notes that mention a name ---------------------------------------------------------------------


def mentions_section(site: Site, name: str, here: str) -> list[str]:
    """Links back to the guide's callouts that name it."""
    found = site.mentioned_in.get(name, [])
    if not found:
        return []
    out = ["## Notes of the guide that mention it", ""]
    for path, note in found:
        chapter = site.note_pages[path][0]
        anchor = note_anchor(note)
        label = fragment(f"{chapter}: {note.kind} in “{note.section}”")
        out.append(f"- {site.link(label, path, here, anchor)}")
    return [*out, ""]


def note_anchor(note: Note) -> str:
    """The id of a callout on its notes page."""
    return f"note-{note.page}-{note.position}"


# History --------------------------------------------------------------------------------------


def history_section(site: Site, entity: str, here: str) -> list[str]:
    """What each source said about it, from when until when: folded, and kept out of search.
    Rows alike but for a numbered pair (PCR0 ... PCR23) are one row."""
    rows = sorted(
        site.history_of.get(entity, []),
        # Undated facts (valid_from null) first: no date orders them.
        key=lambda r: (
            r.valid_from is not None,
            r.valid_from or "",
            natural_key(r.entity),
            r.field,
            r.source,
        ),
    )
    if not rows:
        return []
    runs: dict[tuple[Any, ...], list[str]] = {}
    for row in rows:
        other = _other_side(row.entity, entity)
        key = (row.valid_from, row.valid_to, row.source, row.field, row.value)
        runs.setdefault((*key, family(other) if other else ""), []).append(other)
    cells = []
    for (start, end, source, field, value, _), others in runs.items():
        # Names of pairs as code, not links: a pair of the past may no longer hold.
        named = sorted((o for o in others if o), key=natural_key)
        shown = code(", ".join(compact(named))) if named else ""
        cells.append(
            [
                text(str(start) if start else "undated copy"),
                text(str(end) if end else newest_copy(site, source)),
                text(site.source_name(source)),
                shown or text(field),
                history_value(site, value, here),
            ]
        )
    body = big_table(["From", "Until", "Source", "Field or pair", "Value"], cells)
    return [
        not_searched("## History"),
        "",
        "What each source said, and from which copy until which (the dataset's history "
        "table). Dates are those of the copies held, which begin "
        + fragment(_coverage_starts(site, {row.source for row in rows}))
        + ".",
        "",
        folded(f"{len(rows)} facts over time", body),
    ]


def _other_side(pair: str, entity: str) -> str:
    """The other name of an action|key pair seen from one of its names ('' for an entity)."""
    if "|" not in pair:
        return ""
    action, key = pair.split("|", 1)
    return key if action == entity else action


def _coverage_starts(site: Site, sources: set[str]) -> str:
    """Where the copies of the sources the rows cite begin (only those: a page names no source
    that says nothing about it)."""
    starts = [
        f"{site.first_copy(s)} for {site.source_name(s)}"
        for s in ("permissions", "conditions", "sar", "api")
        if s in sources and site.first_copy(s)
    ]
    return ", ".join(starts)


def history_value(site: Site, value: str, here: str) -> str:
    """A history row's JSON value as text; source text rendered as prose."""
    decoded: Any = json.loads(value)
    if isinstance(decoded, list):
        return ", ".join(code(v) for v in compact([str(v) for v in decoded])) or text("none")
    if decoded is None:
        return text("none")
    if isinstance(decoded, bool):
        return text("yes" if decoded else "no")
    if isinstance(decoded, dict):
        return text("; ".join(f"{k}: {v}" for k, v in decoded.items()))
    return prose.inline(site, str(decoded), here) if decoded != "" else text("listed")
