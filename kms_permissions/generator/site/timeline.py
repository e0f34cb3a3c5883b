"""timeline/: what changed in each dataset version, as the CHANGELOG says it.

Both come from `dataset.changes.versions()` over the history table, folded alike and said in
the CHANGELOG's words (`dataset.changelog`): the same versions, the same changes.
timeline/index.md lists every version with what changed by name; each version is an entry
with an anchor on its year's page (timeline/2021.md), which the list links to. A year a page
keeps each page's weight near the others' (all of them on one page made the site's heaviest
page); long lists and the changed values are folded, so that a page stays short on a phone.
"""

from __future__ import annotations

from kms_permissions.dataset import changes
from kms_permissions.dataset.changelog import (
    coverage_text,
    entity_label,
    listing_text,
    required_parts,
    undated_section,
)
from kms_permissions.dataset.changes import (
    FoldedChange,
    Listing,
    Version,
    folded,
    kind_name,
    pairs_by_action,
)
from kms_permissions.display import compact
from kms_permissions.generator.markdown import big_table, code, fragment, table, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.keylists import folded_names
from kms_permissions.generator.site.sections import folded_unsearched as collapsible
from kms_permissions.generator.site.sections import front_matter, history_value
from kms_permissions.model import to_json

FOLDER = "timeline"
HERE = f"{FOLDER}/index.md"
# A list of more names than this is folded under its summary (a numbered run is one name).
SHOWN_NAMES = 8
# More changed values than this, or longer ones, are a folded table.
SHOWN_CHANGES = 3
SHORT_VALUES = 240
# The summary table names this many things of each kind per version, then says how many more.
SUMMARY_NAMES = 3


def pages(site: Site) -> dict[str, str]:
    """timeline/index.md and a page per year, timeline/YYYY.md."""
    versions = site.versions
    oldest = versions[-1].date if versions else None
    parts = [
        front_matter(),
        "# Timeline",
        "",
        f"What changed in each of the {len(versions)} versions of the dataset since the first "
        f"the sources allow ({text(oldest)}), newest first: what each source began or stopped "
        "listing, and the values that changed. The copies held begin at different dates for "
        "each source; where a source's first copy joins, what it lists is counted, not called "
        "added, and a date is the copy's, never the day AWS introduced something. Each "
        "version links to its entry on its year's page. "
        "[CHANGELOG.md](../downloads/CHANGELOG.md) says the same as text.",
        "",
        table(["Version", "What changed"], [_summary_row(site, v) for v in versions]),
        "",
    ]
    undated = undated_section(changes.undated(to_json(row) for row in site.history))
    if undated:
        parts += [undated.replace("## Undated", "## Undated copies").strip("\n"), ""]
    out = {HERE: "\n".join(parts).rstrip("\n") + "\n"}
    by_year: dict[str, list[Version]] = {}
    for version in versions:
        by_year.setdefault(year_of(version), []).append(version)
    for year, listed in by_year.items():
        out[f"{FOLDER}/{year}.md"] = _year_page(site, year, listed)
    return out


def year_of(version: Version) -> str:
    """The year whose page holds the version's entry."""
    return version.date[:4]


def _year_page(site: Site, year: str, versions: list[Version]) -> str:
    here = f"{FOLDER}/{year}.md"
    count = f"{len(versions)} version{'s' if len(versions) != 1 else ''}"
    parts = [
        f"# Timeline: {year}",
        "",
        f"What changed in the dataset's {count} of {year}, newest first; "
        "[every version](index.md) is listed on the timeline.",
        "",
    ]
    for version in versions:
        parts += entry(site, version, here)
    return "\n".join(parts).rstrip("\n") + "\n"


def _summary_row(site: Site, version: Version) -> list[str]:
    """A version's row: what changed, by name (the first few of each kind, then how many more)."""
    said = [text(f"first copy of {site.source_name(c.source)}") for c in version.coverage]
    for verb, listings in (("added", version.added), ("removed", version.removed)):
        by_kind: dict[str, list[str]] = {}
        for item in listings:
            by_kind.setdefault(item.kind, []).extend(item.entities)
        for kind, entities in by_kind.items():
            if kind == "action_condition_key":
                to = "added to" if verb == "added" else "removed from"
                named = _few(_labels(kind, entities), len(entities), "pairs")
                said.append(f"{text('condition keys ' + to)} {named}")
            else:
                named = _few(_labels(kind, entities), len(entities))
                said.append(f"{text(kind_name(kind, len(entities)))} {verb}: {named}")
    if version.changed:
        n = len(version.changed)
        labels = [
            f"{change.field} of {entity_label(change.kind, change.shown)}"
            for change in folded(version.changed)
        ]
        shown = _few(labels, n, limit=1)
        said.append(f"{text('values' if n != 1 else 'value')} changed: {shown}")
    if version.first:
        said.insert(0, text("first version"))
    where = f"{year_of(version)}.md#{version.anchor}"
    return [f"[{version.version}]({where})", "; ".join(said)]


def _labels(kind: str, entities: list[str]) -> list[str]:
    """Names as a reader knows them; a pair as its action, a numbered run as one name."""
    if kind == "action_condition_key":
        return [action for action, _ in pairs_by_action(entities)]
    if kind in ("action", "condition_key"):
        return compact(list(entities))
    return [entity_label(kind, e) for e in entities]


def _few(
    labels: list[str], total: int | None = None, unit: str = "in all", limit: int = SUMMARY_NAMES
) -> str:
    """The first SUMMARY_NAMES labels as code, then how many more (of `total` when the labels
    fold several)."""
    shown = [code(label) for label in labels[:limit]]
    more = len(labels) - len(shown)
    if more > 0:
        shown.append(text(f"{more} more"))
    out = ", ".join(shown)
    if total is not None and total != len(labels):
        out += " " + text(f"({total} {unit})")  # pairs by action, numbered runs as one name
    return out


def entry(site: Site, version: Version, here: str) -> list[str]:
    """One version's entry: its summary, long lists and value changes folded."""
    lines = [f"## {version.version} {{ #{version.anchor} }}", ""]
    said = []
    if version.first:
        said.append(text("The first version the sources allow."))
    said += [fragment(_upper(coverage_text(c)) + ".") for c in version.coverage]
    folds = []
    for verb, listings in (("Added", version.added), ("Removed", version.removed)):
        for item in listings:
            summary, names = _listing(site, verb, item, here)
            if len(names) <= SHOWN_NAMES:
                said.append(f"{summary}: {', '.join(names)}")
            else:
                said.append(f"{summary}: {len(item.entities)}, listed below")
                body = "\n".join(f"- {name}" for name in names)
                title = text(f"{listing_text(verb, item)} ({len(item.entities)})")
                folds.append(collapsible(title, body))
    changes = folded(version.changed)
    short = all(len(c.old or "") + len(c.new or "") <= SHORT_VALUES for c in changes)
    if 0 < len(changes) <= SHOWN_CHANGES and short:
        said += [_change_line(site, change, here) for change in changes]
    elif changes:
        n = len(version.changed)
        said.append(text(f"{n} value{'s' if n != 1 else ''} changed, listed below."))
        folds.append(
            collapsible(text(f"Values changed ({n})"), _changes_table(site, changes, here))
        )
    lines += [f"- {item}" for item in said] + [""]
    for block in folds:
        lines += [block, ""]
    return lines


def _listing(site: Site, verb: str, item: Listing, here: str) -> tuple[str, list[str]]:
    return text(listing_text(verb, item)), _names(site, item, here)


def _names(site: Site, item: Listing, here: str) -> list[str]:
    """The entities, linked, numbered runs folded."""
    if item.kind == "action_condition_key":
        return [
            f"{site.name_link(action, here)} with {_family(site, keys, here)}"
            for action, keys in pairs_by_action(item.entities)
        ]
    if item.kind == "required_permission":
        return [_required(site, entity, here) for entity in item.entities]
    if item.kind in ("action", "condition_key"):
        return folded_names(site, list(item.entities), here, numbers=False)
    return [code(e) for e in item.entities]


def _family(site: Site, keys: list[str], here: str) -> str:
    return ", ".join(folded_names(site, keys, here, numbers=False))


def _required(site: Site, entity: str, here: str) -> str:
    operation, permission, parameter, where = required_parts(entity)
    said = f"{code(operation)} needs {site.name_link(permission, here)}"
    if parameter:
        said += f" with {code(parameter)}"
    if where:
        said += f" ({fragment(where)})"
    return said


def _entity(site: Site, change: FoldedChange, here: str) -> str:
    if change.kind in ("action", "condition_key"):
        return ", ".join(folded_names(site, list(change.entities), here, numbers=False))
    if change.kind == "action_condition_key":
        return ", ".join(
            " · ".join(site.name_link(part, here) for part in entity.split("|", 1))
            for entity in change.entities
        )
    return code(entity_label(change.kind, change.shown))


def _value(site: Site, value: str | None, here: str) -> str:
    return history_value(site, value, here) if value else text("not given")


def _change_line(site: Site, change: FoldedChange, here: str) -> str:
    source = text(f"({site.source_name(change.source)})")
    before, after = _value(site, change.old, here), _value(site, change.new, here)
    return f"{_entity(site, change, here)} {code(change.field)} {source}: {before} &#8594; {after}"


def _changes_table(site: Site, changes: list[FoldedChange], here: str) -> str:
    rows = [
        [
            _entity(site, change, here),
            text(change.field),
            text(site.source_name(change.source)),
            _value(site, change.old, here),
            _value(site, change.new, here),
        ]
        for change in changes
    ]
    return big_table(["Entity", "Field", "Source", "Before", "After"], rows)


def _upper(value: str) -> str:
    return value[:1].upper() + value[1:]
