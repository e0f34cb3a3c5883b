"""Parser for the guide's table of services that support kms:ViaService (markdown copies of
conditions-kms, or of the older policy-conditions page).

The table has two columns, the service's name and its ViaService name(s)
(`ec2\\.AWS\\_region\\.amazonaws\\.com \\(EBS only\\)`). A cell may hold several names, or none
where the copy refers to the website instead ("Include both ViaService names ...: [See the AWS
documentation website for more details]"): the names found are kept, the rest is the row's note.
"""

from __future__ import annotations

import re

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import md_tokens, plain_text, squash
from kms_permissions.scraper.records import Provenance, ViaServiceRow, ViaServicesPage

KIND = "via-services"
RENDERING = "md"
_HEADER = re.compile(
    r"^\|\s*Service name\s*\|\s*(?:AWS\s+)?KMS ViaService name\s*\|\s*$", re.IGNORECASE
)
_SEPARATOR = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")
# A ViaService name with the guide's Region placeholder: SERVICE.AWS_region.amazonaws.com.
_NAME = re.compile(r"\b[a-z0-9][a-z0-9-]*\.AWS_region\.amazonaws\.com\b")


def has_table(text: str) -> bool:
    """Whether a page holds the table of services that support kms:ViaService."""
    return any(_HEADER.match(line) for line in text.splitlines())


def parse(text: str, provenance: Provenance) -> ViaServicesPage:
    """The services the table lists, in its order, with their ViaService names and notes."""
    where = provenance.location
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if _HEADER.match(line)), None)
    if start is None:
        raise ParseError(where, RENDERING, "no table of services that support kms:ViaService")
    if start + 1 >= len(lines) or not _SEPARATOR.match(lines[start + 1]):
        raise ParseError(where, RENDERING, f"line {start + 2}: the ViaService table has no rule")
    rows: list[ViaServiceRow] = []
    seen: set[str] = set()
    for number in range(start + 2, len(lines)):
        line = lines[number].strip()
        if not line.startswith("|"):
            break
        row = _row(line, f"line {number + 1}")
        if row.service in seen:
            raise ParseError(where, RENDERING, f"line {number + 1}: {row.service} is listed twice")
        seen.add(row.service)
        rows.append(row)
    if not rows:
        raise ParseError(where, RENDERING, "the ViaService table has no row")
    return ViaServicesPage(provenance, tuple(rows))


def _row(line: str, where: str) -> ViaServiceRow:
    body = line.strip()
    if not body.endswith("|"):
        raise ParseError(where, RENDERING, "a ViaService table row is not closed by a pipe")
    cells = re.split(r"(?<!\\)\|", body[1:-1])
    if len(cells) != 2:
        raise ParseError(where, RENDERING, f"a ViaService table row has {len(cells)} cells, not 2")
    service = plain_text(md_tokens(cells[0]))
    value = plain_text(md_tokens(cells[1]))
    if not service:
        raise ParseError(where, RENDERING, "a ViaService table row names no service")
    names = tuple(dict.fromkeys(_NAME.findall(value)))
    rest = squash(_NAME.sub(" ", value))
    # What is left beside the names: "(EBS only)" is a note; separators between names are not.
    note = rest.strip(" ,;") or None
    if note and note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip() or None
    if not names and not note:
        raise ParseError(where, RENDERING, f"{service}: no ViaService name and no note")
    return ViaServiceRow(service, names, note)
