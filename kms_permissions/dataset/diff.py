"""Differences between two dataset versions, and the changelog they make."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kms_permissions.dataset.facts import Facts, facts
from kms_permissions.dataset.memory import Dataset


@dataclass
class Diff:
    """What changed from one version to the next."""

    old: str
    new: str
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: list[dict[str, Any]] = field(default_factory=list)
    # Entities present in both versions that a source began (or stopped) listing: source ->
    # kind -> entities. Their fields' changes are in `changed` too.
    listed_by: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unlisted_by: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Whether nothing changed."""
        return not (any(self.added.values()) or any(self.removed.values()) or self.changed)

    def to_json(self) -> dict[str, Any]:
        """The diff as a JSON-ready dict (the shape `kms-permissions diff --json` prints)."""
        return {
            "format": "kms-permissions-diff/1",
            "old": self.old,
            "new": self.new,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "listed_by": self.listed_by,
            "unlisted_by": self.unlisted_by,
        }


KINDS = (
    "action",
    "condition_key",
    "action_condition_key",
    "required_permission",
    "resource_type",
    "via_service",
)


def _present(found: Facts, kind: str) -> set[str]:
    return {
        e for (k, e, f, _), _v in found.items() if k == kind and f in ("present", "arn_pattern")
    }


def diff_facts(old_facts: Facts, new_facts: Facts, old: str, new: str) -> Diff:
    """Compare two fact sets."""
    result = Diff(old, new)
    for kind in KINDS:
        was, now = _present(old_facts, kind), _present(new_facts, kind)
        result.added[kind] = sorted(now - was)
        result.removed[kind] = sorted(was - now)
    entities_new = {(k, e) for (k, e, _, _) in new_facts}
    entities_both = {(k, e) for (k, e, _, _) in old_facts} & entities_new
    for key in sorted(set(old_facts) | set(new_facts)):
        kind, entity, name, source = key
        if (kind, entity) not in entities_both:
            continue
        before, after = old_facts.get(key), new_facts.get(key)
        if name == "present" and (before is None) != (after is None):
            moved = result.listed_by if before is None else result.unlisted_by
            moved.setdefault(source, {}).setdefault(kind, []).append(entity)
        if before != after:
            result.changed.append(
                {
                    "entity_kind": kind,
                    "entity": entity,
                    "field": name,
                    "source": source,
                    "old": json.loads(before) if before is not None else None,
                    "new": json.loads(after) if after is not None else None,
                }
            )
    return result


def diff(old: Dataset, new: Dataset) -> Diff:
    """Compare two dataset versions, every field included (descriptions too)."""
    return diff_facts(
        facts(old, every_field=True), facts(new, every_field=True), old.version, new.version
    )


def changelog_section(change: Diff, date: str) -> str:
    """A markdown CHANGELOG section for one version."""
    lines = [f"## {change.new} ({date})", ""]
    labels = {
        "action": "actions",
        "condition_key": "condition keys",
        "action_condition_key": "action / condition key pairs",
        "required_permission": "required permissions (API Reference)",
        "resource_type": "resource types",
        "via_service": "services that support kms:ViaService",
    }
    for kind in KINDS:
        for verb, names in (
            ("Added", change.added.get(kind)),
            ("Removed", change.removed.get(kind)),
        ):
            if names:
                shown = ", ".join(f"`{n}`" for n in names[:30])
                more = f" and {len(names) - 30} more" if len(names) > 30 else ""
                lines.append(f"- {verb} {labels[kind]}: {shown}{more}")
    moved = {**{(s, "listed"): k for s, k in change.listed_by.items()}}
    moved.update({(s, "unlisted"): k for s, k in change.unlisted_by.items()})
    for (source, how), kinds in sorted(moved.items()):
        for kind, names in sorted(kinds.items()):
            verb = "Now listed by" if how == "listed" else "No longer listed by"
            shown = ", ".join(f"`{n}`" for n in names[:10])
            more = f" and {len(names) - 10} more" if len(names) > 10 else ""
            lines.append(f"- {verb} {source}: {len(names)} {labels[kind]}: {shown}{more}")
    listing = {
        (kind, entity, source)
        for moved_by in (change.listed_by, change.unlisted_by)
        for source, kinds in moved_by.items()
        for kind, names in kinds.items()
        for entity in names
    }
    fields = [
        item
        for item in change.changed
        if (item["entity_kind"], item["entity"], item["source"]) not in listing
    ]
    for item in fields[:40]:
        lines.append(
            f"- `{item['entity']}` {item['field']} ({item['source']}): "
            f"{_short(item['old'])} -> {_short(item['new'])}"
        )
    if len(fields) > 40:
        lines.append(f"- ... and {len(fields) - 40} more field changes")
    if change.is_empty():
        lines.append("- No change in the facts tracked.")
    return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return f"`{text[:80]}{'...' if len(text) > 80 else ''}`"
