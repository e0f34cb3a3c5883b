"""Parser for the guide's **Note**, **Important**, **Warning** and **Tip** callouts.

In the markdown source a callout is a line holding only the bold label, followed by its text
(lines joined by hard breaks) up to a blank line. Each callout keeps the heading it sits under.
"""

from __future__ import annotations

import re

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import md_tokens, md_unescape, plain_text, squash
from kms_permissions.scraper.records import Callout, CalloutsPage, Provenance

RENDERING = "md"
KINDS = ("Note", "Important", "Warning", "Tip")
_MARKER = re.compile(r"^\*\*(" + "|".join(KINDS) + r")\*\*\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*(?:<a name=\"(?P<anchor>[^\"]+)\"></a>)?\s*$")
_STOP = re.compile(r"^(\+ |- |\d+\. |#|\||```)")


def parse(text: str, provenance: Provenance) -> CalloutsPage:
    """Every callout of one guide page (a page may have none)."""
    where = provenance.location
    page = provenance.page or where.rsplit("/", 1)[-1].removesuffix(".md")
    lines = text.splitlines()
    callouts: list[Callout] = []
    section, anchor = page, None
    fence = False
    markers = 0
    empty = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        heading = _HEADING.match(line)
        if heading:
            section = plain_text(md_tokens(heading.group("title")))
            anchor = heading.group("anchor")
            continue
        marker = _MARKER.match(line)
        if not marker:
            continue
        markers += 1
        body: list[str] = []
        while index < len(lines) and lines[index].strip() and not _STOP.match(lines[index]):
            body.append(lines[index].strip())
            index += 1
        text_of_note = squash(plain_text(md_tokens(" ".join(body))))
        if not text_of_note:
            # Some archived revisions keep a label whose text was lost in the conversion.
            empty += 1
            continue
        callouts.append(Callout(page, md_unescape(section), anchor, marker.group(1), text_of_note))
    if markers != len(callouts) + empty:
        raise ParseError(where, RENDERING, f"{markers} callout labels, {len(callouts)} parsed")
    return CalloutsPage(provenance, tuple(callouts))
