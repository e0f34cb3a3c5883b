"""HTML table helpers: header lookup and rowspan/colspan expansion (AWS docs table layout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bs4 import BeautifulSoup, Tag

from kms_permissions.scraper.inline import squash

Cell = TypeVar("Cell")


def header_cells(table: Tag) -> list[str]:
    """The table's column headers, whitespace-normalised."""
    first = table.find("tr")
    if not isinstance(first, Tag):
        return []
    return [squash(th.get_text()) for th in first.find_all("th")]


def find_table(soup: BeautifulSoup, wanted: tuple[str, ...]) -> Tag | None:
    """The first table whose headers start with `wanted` (case-insensitive prefixes)."""
    for table in soup.find_all("table"):
        if headers_match(header_cells(table), wanted):
            return table
    return None


def headers_match(headers: list[str], wanted: tuple[str, ...]) -> bool:
    """Whether `headers` start, column by column, with the `wanted` prefixes."""
    lowered = [h.lower() for h in headers]
    return len(lowered) >= len(wanted) and all(
        h.startswith(w) for h, w in zip(lowered, wanted, strict=False)
    )


def tag_rows(table: Tag) -> list[list[Tag]]:
    """The data rows of a bs4 table, as lists of cells."""
    rows = [tr for tr in table.find_all("tr") if tr.find("td") is not None]
    return [list(tr.find_all(["td", "th"], recursive=False)) for tr in rows]


def tag_span(cell: Tag) -> tuple[int, int]:
    """(rowspan, colspan) of a bs4 cell."""
    return _int(cell.get("rowspan")), _int(cell.get("colspan"))


def expand(
    rows: list[list[Cell]], width: int, span: Callable[[Cell], tuple[int, int]]
) -> list[list[tuple[Cell, bool]]]:
    """Rows as `width` cells each, rowspans copied down; `True` marks a cell's first row.

    Raises ValueError when a row does not fill exactly `width` columns.
    """
    pending: dict[int, tuple[Cell, int]] = {}
    grid: list[list[tuple[Cell, bool]]] = []
    for number, cells in enumerate(rows, start=1):
        row: list[tuple[Cell, bool]] = []
        column = 0
        queue = list(cells)
        while column < width:
            if column in pending:
                cell, left = pending[column]
                row.append((cell, False))
                if left > 1:
                    pending[column] = (cell, left - 1)
                else:
                    del pending[column]
                column += 1
                continue
            if not queue:
                raise ValueError(f"row {number} has {column} of {width} cells")
            cell = queue.pop(0)
            rowspan, colspan = span(cell)
            for _ in range(colspan):
                if column >= width:
                    raise ValueError(f"row {number} is wider than {width} cells")
                row.append((cell, True))
                if rowspan > 1:
                    pending[column] = (cell, rowspan - 1)
                column += 1
        if queue:
            raise ValueError(f"row {number} has more than {width} cells")
        grid.append(row)
    if pending:
        raise ValueError("a rowspan runs past the last row")
    return grid


def _int(value: object) -> int:
    try:
        number = int(str(value)) if value is not None else 1
    except ValueError:
        return 1
    return max(number, 1)


def int_attribute(value: object) -> int:
    """A rowspan/colspan attribute as a positive int (1 when absent or malformed)."""
    return _int(value)
