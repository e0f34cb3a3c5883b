"""Parser for the permissions reference as website HTML (a table with rowspans).

The first column holds the operation; an operation with several grant rows (CreateAlias,
DeleteAlias, UpdateAlias) spans them with `rowspan`, as in the AWS docs layout.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import Token, html_tokens
from kms_permissions.scraper.permission_fields import (
    FIELDS,
    CellError,
    build_grant,
    field_for_header,
    parse_operation_cell,
)
from kms_permissions.scraper.records import Operation, PermissionRow, PermissionsPage, Provenance
from kms_permissions.scraper.tables import expand, header_cells, tag_rows, tag_span

RENDERING = "html-table"


def parse(text: str, provenance: Provenance) -> PermissionsPage:
    """Parse the website HTML of the permissions reference."""
    where = provenance.location
    soup = BeautifulSoup(text, "lxml")
    table = None
    columns: list[str | None] = []
    for candidate in soup.find_all("table"):
        columns = [field_for_header(h) for h in header_cells(candidate)]
        if "operation" in columns and all(f in columns for f in FIELDS):
            table = candidate
            break
    if table is None:
        raise ParseError(where, RENDERING, "no table with the permissions reference columns")
    try:
        grid = expand(tag_rows(table), len(columns), tag_span)
    except ValueError as exc:
        raise ParseError(where, RENDERING, f"permissions table: {exc}") from None
    op_col = columns.index("operation")
    operations: list[Operation] = []
    heads: list[tuple[str, str | None, tuple[str, ...], str | None]] = []
    rows: list[list[PermissionRow]] = []
    for number, row in enumerate(grid, start=1):
        try:
            cell, first = row[op_col]
            if first:
                heads.append(parse_operation_cell(html_tokens(cell)))
                rows.append([])
            cells: dict[str, list[Token]] = {}
            for column, (field_cell, _) in zip(columns, row, strict=True):
                if column in FIELDS:
                    cells[column] = html_tokens(field_cell)
            rows[-1].append(build_grant(cells))
        except CellError as exc:
            raise ParseError(where, RENDERING, f"table row {number}: {exc}") from None
    for (name, url, permissions, note), grants in zip(heads, rows, strict=True):
        operations.append(Operation(name, url, permissions, note, tuple(grants)))
    if not operations:
        raise ParseError(where, RENDERING, "the permissions table has no rows")
    if len({op.name for op in operations}) != len(operations):
        raise ParseError(where, RENDERING, "an operation appears twice")
    # Markup errors can make the HTML parser drop or move a row; every operation the page links
    # by name must have come out of the table.
    linked = set(re.findall(r"API_(\w+)\.html\"[^>]*>\s*\1\s*<", text))
    missing = sorted(linked - {op.name for op in operations})
    if missing:
        raise ParseError(where, RENDERING, f"operations linked but not in the table: {missing}")
    return PermissionsPage(provenance, tuple(operations))
