"""One dataset version in memory: its tables as sorted rows (no build-time records here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from kms_permissions.dataset.columns import ALL_TABLES, TABLES, row_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import Tables

# A row of any table, for code that handles every table alike (sorting, writing, checking).
AnyRow = Mapping[str, object]


@dataclass
class Dataset:
    """A dataset version: tables keyed by name, each a list of rows sorted by the table's key."""

    tables: Tables
    version: str = ""
    # The read model as a folder stored it (None for a version built in memory).
    stored_index: dict[str, object] | None = None

    def by_name(self) -> dict[str, list[AnyRow]]:
        """Every table under its name, rows untyped: for code that handles any table alike."""
        return cast("dict[str, list[AnyRow]]", self.tables)

    def sort(self) -> None:
        """Lay every row out in its table's column order and sort every table by its key
        columns (nulls first), for byte-stable output."""
        for name, rows in self.by_name().items():
            table = ALL_TABLES[name]
            rows[:] = [row_of(table, row) for row in rows]
            rows.sort(key=lambda r: tuple(_sortable(r[k]) for k in table.key))


def as_tables(tables: dict[str, list[dict[str, object]]], where: str) -> Tables:
    """Tables whose every row was checked against its table's columns (`columns.check_row`) as
    typed tables; ValueError naming the first table missing (only history may be)."""
    for table in TABLES:
        if table.name not in tables:
            raise ValueError(f"{where}: no {table.name} table")
    return cast("Tables", tables)


def _sortable(value: object) -> tuple[int, object]:
    if value is None:
        return (0, "")
    if isinstance(value, list):
        return (1, tuple(value))
    return (1, value)
