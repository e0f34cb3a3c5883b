"""HTML table helpers: header lookup and rowspan/colspan expansion (AWS docs table layout)."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from kms_permissions.scraper.inline import squash


def header_cells(table: Tag) -> list[str]:
    """The table's column headers, whitespace-normalised."""
    first = table.find("tr")
    if not isinstance(first, Tag):
        return []
    return [squash(th.get_text()) for th in first.find_all("th")]


def find_table(soup: BeautifulSoup, wanted: tuple[str, ...]) -> Tag | None:
    """The first table whose headers start with `wanted` (case-insensitive prefixes)."""
    for table in soup.find_all("table"):
        headers = [h.lower() for h in header_cells(table)]
        if len(headers) >= len(wanted) and all(
            h.startswith(w) for h, w in zip(headers, wanted, strict=False)
        ):
            return table
    return None


def body_rows(table: Tag) -> list[Tag]:
    """The rows of a table that hold data cells (not the header row)."""
    return [tr for tr in table.find_all("tr") if tr.find("td") is not None]


def expand(table: Tag, width: int) -> list[list[tuple[Tag, bool]]]:
    """Rows as `width` cells each, rowspans copied down; `True` marks a cell's first row.

    Raises ValueError when a row does not fill exactly `width` columns.
    """
    pending: dict[int, tuple[Tag, int]] = {}
    grid: list[list[tuple[Tag, bool]]] = []
    for number, tr in enumerate(body_rows(table), start=1):
        cells = [td for td in tr.find_all(["td", "th"], recursive=False)]
        row: list[tuple[Tag, bool]] = []
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
            span = _int(cell.get("rowspan"))
            for _ in range(_int(cell.get("colspan"))):
                if column >= width:
                    raise ValueError(f"row {number} is wider than {width} cells")
                row.append((cell, True))
                if span > 1:
                    pending[column] = (cell, span - 1)
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
