"""What changed in each dataset version, read from the history table alone: computed here,
said in words by `dataset.changelog`.

The CHANGELOG and the site's timeline both come from `versions()` and fold alike (`folded`,
`pairs_by_action`), so they list the same versions and the same changes. A version is a date at
which some fact of the history table starts or ends. A source's first copy is where its
coverage begins: the facts it brings then are not changes, and are summed up as "held from
here" instead of listed as added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kms_permissions.display import SOURCE_NAMES, compact
from kms_permissions.names import natural_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import HistoryRow

# Entity kinds in the order versions list them, with their plural names.
KINDS = {
    "action": "actions",
    "condition_key": "condition keys",
    "action_condition_key": "action / condition key pairs",
    "required_permission": "required permissions",
    "resource_type": "resource types",
    "via_service": "services that support kms:ViaService",
}
# Kinds whose presence is a fact of its own, not a field of an entity.
_PRESENCE = ("present", "arn_pattern")

FactKey = tuple[str, str, str, str]  # entity kind, entity, field, source


@dataclass(frozen=True)
class Listing:
    """Entities of one kind that the same sources began (or stopped) listing in a version."""

    kind: str
    sources: tuple[str, ...]
    entities: tuple[str, ...]


@dataclass(frozen=True)
class FieldChange:
    """A field of an entity that a source gave another value (JSON text; None: not given)."""

    kind: str
    entity: str
    field: str
    source: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Coverage:
    """A source whose first copy held is in this version, with what it lists, per kind."""

    source: str
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Version:
    """The changes of one dataset version."""

    date: str
    first: bool
    coverage: tuple[Coverage, ...]
    added: tuple[Listing, ...]
    removed: tuple[Listing, ...]
    changed: tuple[FieldChange, ...]

    @property
    def version(self) -> str:
        """The version's name: `2026.11.20` (see `dataset.versions.base_version`)."""
        return self.date.replace("-", ".")

    @property
    def anchor(self) -> str:
        """An id for the version's entry: `v2026-11-20`."""
        return f"v{self.date}"

    def is_empty(self) -> bool:
        """Whether no fact changed (a source's coverage may still begin here)."""
        return not (self.added or self.removed or self.changed)


def versions(rows: Iterable[HistoryRow], newest: str | None = None) -> list[Version]:
    """Every version of a history table, newest first.

    `rows` are history rows as the table's JSON holds them (`model.to_json` turns the read
    model's `HistoryRow` into one). `newest`, the date of the dataset's own version, is a
    version even when no fact changed in it (its sources changed elsewhere on their pages).
    """
    starts: dict[str, dict[FactKey, str]] = {}
    ends: dict[str, dict[FactKey, str]] = {}
    first_copy: dict[str, str] = {}
    for row in rows:
        key = (row["entity_kind"], row["entity"], row["field"], row["source"])
        if row["valid_to"]:
            ends.setdefault(row["valid_to"], {})[key] = row["value"]
        start, source = row["valid_from"], row["source"]
        if start is None:
            continue  # shown only by undated copies: in no version's changes (see `undated`)
        starts.setdefault(start, {})[key] = row["value"]
        if source not in first_copy or start < first_copy[source]:
            first_copy[source] = start
    dates = sorted(set(starts) | set(ends) | ({newest} if newest else set()))
    found = [
        _version(date, index == 0, starts.get(date, {}), ends.get(date, {}), first_copy)
        for index, date in enumerate(dates)
    ]
    return found[::-1]


def undated(rows: Iterable[HistoryRow]) -> list[tuple[str, Coverage]]:
    """The facts that only undated copies show, per source: why (the copies), and what they
    list. They are facts with no date, so no version begins them."""
    started: dict[FactKey, str] = {}
    why: dict[str, str] = {}
    for row in rows:
        if row["valid_from"] is None:
            key = (row["entity_kind"], row["entity"], row["field"], row["source"])
            started[key] = row["value"]
            why.setdefault(row["source"], row["undated"] or "undated copy")
    return [(why[s], Coverage(s, _counts(started, s))) for s in _in_order(why)]


def _version(
    date: str,
    first: bool,
    started: dict[FactKey, str],
    ended: dict[FactKey, str],
    first_copy: Mapping[str, str],
) -> Version:
    joining = [s for s in SOURCE_NAMES if first_copy.get(s) == date]
    joining += sorted(s for s, start in first_copy.items() if start == date and s not in joining)
    coverage = tuple(Coverage(s, _counts(started, s)) for s in joining)
    started = {k: v for k, v in started.items() if k[3] not in joining}
    listed = {(k[0], k[1], k[3]) for k in started if k[2] in _PRESENCE and k not in ended}
    unlisted = {(k[0], k[1], k[3]) for k in ended if k[2] in _PRESENCE and k not in started}
    changed = []
    for key in set(started) | set(ended):
        kind, entity, field, source = key
        if field not in _PRESENCE and (kind, entity, source) in listed | unlisted:
            continue  # the fields of an entity a source began or stopped listing
        if field in _PRESENCE and (key not in started or key not in ended):
            continue  # listed or unlisted, not changed
        old, new = ended.get(key), started.get(key)
        if old != new:
            changed.append(FieldChange(kind, entity, field, source, old, new))
    return Version(
        date=date,
        first=first,
        coverage=coverage,
        added=_listings(listed),
        removed=_listings(unlisted),
        changed=tuple(sorted(changed, key=_change_order)),
    )


def _counts(started: Mapping[FactKey, str], source: str) -> tuple[tuple[str, int], ...]:
    entities = {(k[0], k[1]) for k in started if k[3] == source and k[2] in _PRESENCE}
    counts = [(kind, sum(1 for k, _ in entities if k == kind)) for kind in KINDS]
    return tuple((kind, count) for kind, count in counts if count)


def _in_order(sources: Iterable[str]) -> tuple[str, ...]:
    order = list(SOURCE_NAMES)
    return tuple(sorted(set(sources), key=lambda s: (order.index(s) if s in order else 99, s)))


def _listings(found: set[tuple[str, str, str]]) -> tuple[Listing, ...]:
    """Entities grouped by kind and by the sources that list them."""
    by_entity: dict[tuple[str, str], list[str]] = {}
    for kind, entity, source in found:
        by_entity.setdefault((kind, entity), []).append(source)
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (kind, entity), sources in by_entity.items():
        groups.setdefault((kind, _in_order(sources)), []).append(entity)
    out = [
        Listing(kind, sources, tuple(sorted(names, key=entity_order)))
        for (kind, sources), names in groups.items()
    ]
    return tuple(sorted(out, key=lambda item: (_kind_order(item.kind), _source_order(item))))


def entity_order(entity: str) -> tuple[tuple[object, ...], ...]:
    """Natural order of entities, a pair `action|key` by its action first."""
    return tuple(natural_key(part) for part in entity.split("|"))


def _kind_order(kind: str) -> tuple[int, str]:
    kinds = list(KINDS)
    return (kinds.index(kind) if kind in kinds else len(kinds), kind)


def _source_order(item: Listing) -> tuple[tuple[int, str], ...]:
    order = list(SOURCE_NAMES)
    return tuple((order.index(s) if s in order else len(order), s) for s in item.sources)


def _change_order(change: FieldChange) -> tuple[Any, ...]:
    return (
        _kind_order(change.kind),
        entity_order(change.entity),
        change.field,
        change.source,
    )


@dataclass(frozen=True)
class FoldedChange:
    """Field changes alike but for the entity, numbered entities folded into one name."""

    kind: str
    entities: tuple[str, ...]
    shown: str
    field: str
    source: str
    old: str | None
    new: str | None


def folded(changes: Iterable[FieldChange]) -> list[FoldedChange]:
    """The changes with numbered runs of entities (NitroTPMPCR0 .. 23) that changed alike
    folded into one (`...NitroTPMPCR{0..23}`), in the order of their first entity."""
    groups: dict[tuple[str, str, str, str | None, str | None, str], list[str]] = {}
    for change in changes:
        family = _family(change.entity)
        key = (change.kind, change.field, change.source, change.old, change.new, family)
        groups.setdefault(key, []).append(change.entity)
    out = []
    for (kind, field, source, old, new, _), entities in groups.items():
        names = sorted(entities, key=entity_order)
        shown = ", ".join(compact(names))
        out.append(FoldedChange(kind, tuple(names), shown, field, source, old, new))
    return out


def _family(name: str) -> str:
    end = len(name)
    while end and name[end - 1].isdigit():
        end -= 1
    return name[:end] if end < len(name) else name


def pairs_by_action(entities: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Action / condition key pairs (`action|key`) grouped by action, in their order."""
    by_action: dict[str, list[str]] = {}
    for entity in entities:
        action, key = entity.split("|", 1)
        by_action.setdefault(action, []).append(key)
    return list(by_action.items())


def kind_name(kind: str, count: int | None = None) -> str:
    """What entities of a kind are called (`condition keys`; `condition key` for one)."""
    name = KINDS.get(kind, kind.replace("_", " ") + "s")
    return name[:-1] if count == 1 else name
