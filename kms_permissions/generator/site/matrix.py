"""matrix.md: actions by condition keys, key columns grouped by the guide's groups.

The grid is an HTML table (a markdown table has one header row; this one has two: the groups,
then the keys), marked `kp-table kp-table--compact` for the big-table script. Under it, the same
pairs as a list per action, which is what a phone shows (assets/site-pages.css).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from kms_permissions.generator.markdown import code, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.groups import folded_columns, key_groups
from kms_permissions.generator.site.keylists import folded_names
from kms_permissions.generator.site.sections import front_matter

HERE = "matrix.md"
GUIDE_SOURCES = frozenset({"permissions", "conditions"})
MARKS = {"both": "●", "guide": "◐", "sar": "○"}
LEGEND = (
    "● the guide and the SAR pair them · ◐ only the guide (its permissions reference or "
    "condition key pages) · ○ only the SAR."
)

LIST_LEGEND = "Unmarked keys: the guide and the SAR pair them; ◐ only the guide, ○ only the SAR."

Column = tuple[str, str, list[str]]  # group label, column name, the keys folded into it


def columns(site: Site) -> list[Column]:
    """The key columns, group by group; a numbered family is one column."""
    found = []
    for label, keys in key_groups(site).items():
        used = [k for k in keys if site.keys[k].actions]
        for name, members in folded_columns(used).items():
            found.append((label, name, members))
    return found


def mark(sources: set[str]) -> str:
    """The mark of an action / key pair by the sources that pair them."""
    guide = bool(sources & GUIDE_SOURCES)
    if guide and "sar" in sources:
        return MARKS["both"]
    if guide:
        return MARKS["guide"]
    return MARKS["sar"] if sources else ""


def pages(site: Site) -> dict[str, str]:
    """matrix.md."""
    cols = columns(site)
    actions = site.sorted_names(list(site.actions))
    parts = [
        front_matter(hide_toc=True),
        "# Action &times; condition key matrix",
        "",
        f"{LEGEND} Key columns are grouped as the guide's permissions reference groups them; "
        "numbered keys are one column. On a small screen, the "
        "[list by action](#by-action) below holds the same pairs.",
        "",
        site.as_of(),
        "",
        grid(site, cols, actions),
        "",
        # The grid's pairs again: out of the search index.
        "## By action { #by-action .kp-by-action-heading data-search-exclude }",
        "",
        '<p class="kp-by-action-heading">' + text(LIST_LEGEND) + "</p>",
        "",
        '<div class="kp-by-action" markdown>',
        "",
        *by_action(site, cols, actions),
        "",
        "</div>",
        "",
    ]
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}


def grid(site: Site, cols: list[Column], actions: list[str]) -> str:
    """The matrix as an HTML table with a group row above the key row."""
    spans: list[tuple[str, int]] = []
    for label, _, _ in cols:
        if spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1] + 1)
        else:
            spans.append((label, 1))
    group_row = ['<th scope="col" data-sort-method="none">Group</th>'] + [
        f'<th scope="colgroup" colspan="{n}" class="kp-group" title="{escape(label)}">'
        f'<span class="kp-group__label">{text(label)}</span></th>'
        for label, n in spans
    ]
    firsts = {sum(n for _, n in spans[:i]) for i in range(len(spans))}
    key_row = ['<th scope="col">Action</th>'] + [
        _key_header(site, name, keys, index in firsts) for index, (_, name, keys) in enumerate(cols)
    ]
    body = []
    for action in actions:
        sources = site.actions[action].condition_key_sources
        cells = [f"<td>{_action_cell(site, action)}</td>"]
        for index, (_, _, keys) in enumerate(cols):
            found = {s for k in keys for s in sources.get(k, ())}
            edge = ' class="kp-group-start"' if index in firsts else ""
            cells.append(f"<td{edge}>{mark(found)}</td>")
        body.append("<tr>" + "\n".join(cells) + "</tr>")  # text between cells, as markdown has
    return "\n".join(
        [
            '<div class="kp-table kp-table--compact">',
            "<table>",
            "<thead>",
            '<tr class="kp-groups">' + "".join(group_row) + "</tr>",
            "<tr>" + "".join(key_row) + "</tr>",
            "</thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table>",
            "</div>",
        ]
    )


def _key_header(site: Site, name: str, keys: list[str], starts_group: bool) -> str:
    edge = ' class="kp-group-start"' if starts_group else ""
    if len(keys) == 1:
        target = site.page_of(keys[0])
        label = code(keys[0])
        inner = f'<a href="{site.href(target, HERE)}">{label}</a>' if target else label
        return f'<th scope="col"{edge}>{inner}</th>'
    return f'<th scope="col"{edge} title="{len(keys)} numbered keys">{code(name)}</th>'


def _action_cell(site: Site, action: str) -> str:
    return f'<a href="{site.href(site.action_pages[action], HERE)}">{code(action)}</a>'


def by_action(site: Site, cols: list[Column], actions: list[str]) -> list[str]:
    """The pairs as a list: each action with its keys by group, a key that only one source
    pairs with it marked."""
    lines = []
    for action in actions:
        sources = site.actions[action].condition_key_sources
        groups: dict[str, list[str]] = {}
        for label, _, keys in cols:
            for entry, members in _entries(site, keys, sources):
                shown = mark(members)
                suffix = f" {shown}" if shown != MARKS["both"] else ""
                groups.setdefault(label, []).append(entry + suffix)
        lines.append(f"- {site.name_link(action, HERE)}")
        if not groups:
            lines.append(f"    - {text('no condition key')}")
        for label, entries in groups.items():
            lines.append(f"    - {text(label)}: {', '.join(entries)}")
    return lines


def _entries(
    site: Site, keys: list[str], sources: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, set[str]]]:
    paired = [k for k in keys if k in sources]
    if not paired:
        return []
    found = {s for k in paired for s in sources[k]}
    if len(paired) >= 3:
        (entry,) = folded_names(site, paired, HERE, numbers=False)
        return [(entry, found)]
    return [(site.name_link(k, HERE), set(sources[k])) for k in paired]
