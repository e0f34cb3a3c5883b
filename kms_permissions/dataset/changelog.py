"""The CHANGELOG of a dataset: what `changes.versions()` found, in words.

The site's timeline (`generator/site/timeline.py`) says the same things in the same words: it
reads the phrasing here (`coverage_text`, `listing_text`, `entity_label`, `undated_section`)
and the foldings of `changes` (numbered runs, pairs by action).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kms_permissions.dataset.changes import (
    Coverage,
    Listing,
    Version,
    folded,
    kind_name,
    pairs_by_action,
    undated,
    versions,
)
from kms_permissions.display import SOURCE_NAMES, compact

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import HistoryRow


def required_parts(entity: str) -> tuple[str, str, str, str]:
    """A required permission's entity `Op|perm|param|where` as its four parts (missing ones
    empty)."""
    operation, permission, parameter, where = ([*entity.split("|"), "", "", ""])[:4]
    return operation, permission, parameter, where


def entity_label(kind: str, entity: str) -> str:
    """An entity as people read it: a required permission `Op|perm|param|where` as
    `CreateKey needs kms:TagResource with Tags`, a pair `action|key` as `action, key`."""
    if kind == "required_permission":
        operation, permission, parameter, where = required_parts(entity)
        said = f"{operation} needs {permission}"
        if parameter:
            said += f" with {parameter}"
        if where:
            said += f" ({where})"
        return said
    return entity


def value_text(value: str | None, limit: int | None = None) -> str:
    """A fact's JSON value as text: lists joined (numbered runs folded), None as `none`."""
    if value is None:
        return "none"
    decoded = json.loads(value)
    if isinstance(decoded, list):
        shown = ", ".join(compact([str(v) for v in decoded])) or "none"
    elif decoded is None:
        shown = "none"
    elif isinstance(decoded, dict):
        shown = "; ".join(f"{k}: {_plain(v)}" for k, v in decoded.items())
    else:
        shown = _plain(decoded)
    if limit is not None and len(shown) > limit:
        return shown[: limit - 3].rstrip() + "..."
    return shown


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def coverage_text(coverage: Coverage) -> str:
    """`the permissions reference is held from here (its first copy): 55 actions, ...`."""
    counts = ", ".join(f"{count} {kind_name(kind, count)}" for kind, count in coverage.counts)
    name = SOURCE_NAMES.get(coverage.source, coverage.source)
    verb = "are" if name.endswith(("pages", "notes")) else "is"
    return f"{name} {verb} held from here (its first copy){': ' + counts if counts else ''}"


def sources_text(sources: Iterable[str]) -> str:
    """The sources' names joined: `the permissions reference and the SAR`."""
    names = [SOURCE_NAMES.get(s, s) for s in sources]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def listing_text(verb: str, item: Listing) -> str:
    """`Added condition keys (the SAR)`."""
    return f"{verb} {kind_name(item.kind)} ({sources_text(item.sources)})"


HEADER = (
    "# Changelog of the KMS authorization reference\n\n"
    "One section per dataset version in which a fact changed, newest first, read from the "
    "history table: what each source began or stopped listing, and the values that changed. A "
    "source's first copy held is where its coverage begins: what it lists then is counted, "
    "not listed as added, and a date is that of a copy, never the day AWS introduced "
    "something.\n"
)


def changelog(rows: Iterable[HistoryRow], newest: str | None = None) -> str:
    """CHANGELOG.md of a history table: one section per version, newest first (`newest`: the
    date of the dataset's own version, see `versions`)."""
    rows = list(rows)
    return (
        HEADER
        + undated_section(undated(rows))
        + "".join("\n" + changelog_section(v) for v in versions(rows, newest))
    )


def undated_section(found: list[tuple[str, Coverage]]) -> str:
    """What undated copies show (no version dates it), before the versions."""
    if not found:
        return ""
    lines = ["", "## Undated", ""]
    for why, coverage in found:
        counts = ", ".join(f"{count} {kind_name(kind, count)}" for kind, count in coverage.counts)
        name = SOURCE_NAMES.get(coverage.source, coverage.source)
        lines.append(
            f"- {_upper_first(name)}: held only in an undated copy, so its facts have no date "
            f"({why}){': ' + counts if counts else ''}."
        )
    return "\n".join(lines) + "\n"


def changelog_section(version: Version) -> str:
    """One version's section of the CHANGELOG."""
    lines = [f"## {version.version} ({version.date})", ""]
    if version.first:
        lines.append("- The first version the sources allow.")
    if not version.coverage and version.is_empty():
        lines.append("- No change in the facts tracked (a source changed elsewhere on its page).")
    for coverage in version.coverage:
        lines.append(f"- {_upper_first(coverage_text(coverage))}.")
    for verb, listings in (("Added", version.added), ("Removed", version.removed)):
        for item in listings:
            lines.append(f"- {listing_text(verb, item)}: {', '.join(_entries(item))}")
    for change in folded(version.changed):
        old, new = differing(value_text(change.old), value_text(change.new), 100)
        lines.append(
            f"- {_code(entity_label(change.kind, change.shown))} {change.field} "
            f"({SOURCE_NAMES.get(change.source, change.source)}): {_code(old)} -> {_code(new)}"
        )
    return "\n".join(lines) + "\n"


def _entries(item: Listing) -> list[str]:
    """The listing's entities as markdown code, numbered runs folded, pairs by action."""
    if item.kind == "action_condition_key":
        return [
            f"{_code(action)} with {', '.join(_code(k) for k in compact(keys))}"
            for action, keys in pairs_by_action(item.entities)
        ]
    return [_code(n) for n in compact([entity_label(item.kind, e) for e in item.entities])]


def differing(old: str, new: str, limit: int) -> tuple[str, str]:
    """Two long values cut to `limit` characters around where they first differ, so that the
    change shows (`...` where text is left out)."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    start = max(0, start - limit // 3)
    return _cut(old, start, limit), _cut(new, start, limit)


def _cut(value: str, start: int, limit: int) -> str:
    shown = value[start : start + limit]
    return ("..." if start else "") + shown + ("..." if start + limit < len(value) else "")


def _code(value: str) -> str:
    """Inline code that holds backticks too (the guide's own markup in old values)."""
    if "`" not in value:
        return f"`{value}`"
    return f"`` {value} ``"


def _upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]
