"""Parser for the example policies in the guide's markdown: its JSON code blocks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from kms_permissions.scraper.inline import md_tokens, plain_text

_FENCE = re.compile(r"^```[\w-]*\n(.*?)^```", re.S | re.M)
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*(?:<a name=\"[^\"]+\"></a>)?\s*$", re.M)


@dataclass(frozen=True)
class Example:
    """One JSON code block of a guide page: its text and, when it parses, its data."""

    page: str
    section: str
    number: int
    line: int
    text: str
    error: str | None


def examples(text: str, page: str) -> list[Example]:
    """The code blocks of a page that hold JSON (or look like JSON and fail to parse)."""
    headings = [
        (m.start(), plain_text(md_tokens(m.group("title")))) for m in _HEADING.finditer(text)
    ]
    found: list[Example] = []
    for match in _FENCE.finditer(text):
        body = match.group(1).strip()
        if not body.startswith(("{", "[")):
            continue
        section = next((t for at, t in reversed(headings) if at < match.start()), page)
        try:
            json.loads(body)
            error = None
        except json.JSONDecodeError as exc:
            error = f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        found.append(
            Example(page, section, len(found), text.count("\n", 0, match.start()) + 2, body, error)
        )
    return found
