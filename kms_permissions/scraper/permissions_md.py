"""Parser for the permissions reference in its markdown rendering (nested lists).

Each API operation is a top-level list item (`- **[Name](api-url) `kms:Name` note**`) whose
sub-items hold the grant rows, either one field per sub-item or all four fields of a row in one
sub-item separated by ` / ` (operations with several rows, such as CreateAlias).
"""

from __future__ import annotations

import re

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import Token, md_tokens
from kms_permissions.scraper.permission_fields import (
    CellError,
    build_grant,
    field_for_header,
    parse_operation_cell,
)
from kms_permissions.scraper.records import Operation, PermissionsPage, Provenance

RENDERING = "md-list"
_FIELD_LABEL = re.compile(r"\*\*(?P<label>[^*]+?):\s*\*\*")
_TOP_ITEM = re.compile(r"^- (?P<body>\S.*)$")
_SUB_ITEM = re.compile(r"^\s{2,}- (?P<body>.*)$")


def parse(text: str, provenance: Provenance) -> PermissionsPage:
    """Parse the markdown rendering of the permissions reference."""
    where = provenance.location
    if not re.search(r"^#\s+.*permissions", text, re.IGNORECASE | re.MULTILINE):
        raise ParseError(where, RENDERING, "no '# ... permissions' title: not the permissions page")
    items = _items(text, where)
    if not items:
        raise ParseError(where, RENDERING, "no API operation items found")
    operations: list[Operation] = []
    for line_no, heading, subs in items:
        try:
            operations.append(_operation(heading, subs))
        except CellError as exc:
            raise ParseError(where, RENDERING, f"line {line_no}: {exc}") from None
    named = sum(1 for _, heading, _ in items if "APIReference/API_" in heading)
    if named != len(operations):
        raise ParseError(
            where, RENDERING, f"{named} operations link the API reference, {len(operations)} parsed"
        )
    _check_unique(operations, where)
    return PermissionsPage(provenance, tuple(operations))


def _items(text: str, where: str) -> list[tuple[int, str, list[str]]]:
    items: list[tuple[int, str, list[str]]] = []
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        top = _TOP_ITEM.match(line)
        if top and top.group("body").startswith("**"):
            in_table = True
            items.append((number, top.group("body"), []))
            continue
        if not in_table:
            continue
        sub = _SUB_ITEM.match(line)
        if sub:
            items[-1][2].append(sub.group("body"))
        elif line.startswith("#"):
            break
        elif line.strip() and not line.startswith(" "):
            raise ParseError(where, RENDERING, f"line {number}: unexpected text inside the table")
    return items


def _operation(heading: str, subs: list[str]) -> Operation:
    name, url, permissions, note = parse_operation_cell(md_tokens(_unbold(heading)))
    rows: list[dict[str, list[Token]]] = []
    for sub in subs:
        for field, value in _fields(sub):
            if field == "policy_type" or not rows:
                rows.append({})
            if field in rows[-1]:
                raise CellError(f"{name}: field {field} twice in one grant row")
            rows[-1][field] = md_tokens(value)
    if not rows:
        raise CellError(f"{name}: no grant rows")
    grants = tuple(build_grant(row) for row in rows)
    return Operation(name, url, permissions, note, grants)


def _unbold(heading: str) -> str:
    body = heading.strip()
    if not (body.startswith("**") and body.endswith("**")) or len(body) < 4:
        raise CellError(f"operation item {body[:40]!r} is not in bold")
    return body[2:-2]


def _fields(sub: str) -> list[tuple[str, str]]:
    labels = list(_FIELD_LABEL.finditer(sub))
    if not labels or labels[0].start() != 0:
        raise CellError(f"sub-item {sub[:50]!r} does not start with a field label")
    fields: list[tuple[str, str]] = []
    for index, label in enumerate(labels):
        field = field_for_header(label.group("label"))
        if field is None or field == "operation":
            raise CellError(f"unknown field label {label.group('label')!r}")
        end = labels[index + 1].start() if index + 1 < len(labels) else len(sub)
        value = sub[label.end() : end].strip()
        if index + 1 < len(labels):
            value = value.removesuffix("/").rstrip()
        fields.append((field, value))
    return fields


def _check_unique(operations: list[Operation], where: str) -> None:
    seen: set[str] = set()
    for op in operations:
        if op.name in seen:
            raise ParseError(where, RENDERING, f"operation {op.name} appears twice")
        seen.add(op.name)


def has_table(text: str) -> bool:
    """Whether the page holds the permissions list (the archived guide only links to it)."""
    return any(_TOP_ITEM.match(line) and "APIReference/API_" in line for line in text.splitlines())
