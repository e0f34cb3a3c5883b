"""History: every version the sources allow, folded into a temporal table of facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kms_permissions.dataset.facts import FactKey, Facts, facts, revisions, undated_copies
from kms_permissions.dataset.memory import Dataset
from kms_permissions.dataset.merge import merge
from kms_permissions.dataset.timeline import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import HistoryRow


@dataclass
class _Open:
    value: str
    start: str | None  # None while only undated copies of its source have shown it
    undated: str | None
    first_revision: str
    last_revision: str


@dataclass
class History:
    """The merged versions in date order and the temporal table built from them."""

    versions: list[tuple[str, Dataset]]
    rows: list[HistoryRow]

    def newest(self) -> Dataset:
        """The newest version's dataset."""
        return self.versions[-1][1]


def build_history(
    versions: list[Version], progress: Callable[[str], None] | None = None
) -> History:
    """Merge each version and record, per fact, the intervals in which it held."""
    merged: list[tuple[str, Dataset]] = []
    open_facts: dict[FactKey, _Open] = {}
    rows: list[HistoryRow] = []
    for version in versions:
        dataset = merge(version.snapshot)
        merged.append((version.date, dataset))
        current: Facts = facts(dataset)
        revs = revisions(dataset)
        undated = undated_copies(dataset)
        for key in list(open_facts):
            state = open_facts[key]
            if current.get(key) != state.value:
                rows.append(_row(key, state, version.date))
                del open_facts[key]
        for key, value in current.items():
            revision = revs.get(key[3], "")
            # A fact its source shows only in undated copies gets no date from the version: the
            # version's date is some other source's.
            start = None if key[3] in undated else version.date
            held = open_facts.get(key)
            if held is None:
                open_facts[key] = _Open(value, start, undated.get(key[3]), revision, revision)
                continue
            held.last_revision = revision
            if held.start is None and start is not None:
                held.start, held.undated = start, None
        if progress:
            progress(version.date)
    rows.extend(_row(key, state, None) for key, state in open_facts.items())
    return History(merged, rows)


def _row(key: FactKey, state: _Open, valid_to: str | None) -> HistoryRow:
    kind, entity, field, source = key
    return {
        "entity_kind": kind,
        "entity": entity,
        "field": field,
        "value": state.value,
        "source": source,
        "valid_from": state.start,
        "undated": state.undated if state.start is None else None,
        "valid_to": valid_to,
        "first_revision": state.first_revision,
        "last_revision": state.last_revision,
    }
