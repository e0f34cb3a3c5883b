"""One dataset version in memory: its tables as sorted rows (no build-time records here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kms_permissions.dataset.columns import ALL_TABLES

Row = dict[str, Any]


@dataclass
class Dataset:
    """A dataset version: tables keyed by name, each a list of rows sorted by the table's key."""

    tables: dict[str, list[Row]]
    version: str = ""
    # The read model as a folder stored it (None for a version built in memory).
    stored_index: dict[str, Any] | None = None

    def rows(self, table: str) -> list[Row]:
        """The rows of one table."""
        return self.tables[table]

    def sort(self) -> None:
        """Sort every table by its key columns (nulls first), for byte-stable output."""
        for name, rows in self.tables.items():
            key = ALL_TABLES[name].key
            rows.sort(key=lambda r: tuple(_sortable(r[k]) for k in key))


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, list):
        return (1, tuple(value))
    return (1, value)
