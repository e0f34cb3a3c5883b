"""Markdown fragments that show scraped text as text: no HTML, no links, no templates run."""

from __future__ import annotations

import re
from urllib.parse import quote

EMPTY = "&#8211;"  # an en dash for empty cells

# Every character markdown, HTML, tables or template engines could act on becomes an entity;
# a leading character that is not a letter or digit too (it could start a list or a heading).
_SPECIAL = frozenset("\\`*_{}[]()#+!|<>&\"'~^$")


def text(value: object) -> str:
    """Scraped text for a paragraph, list item or table cell."""
    if value is None:
        return EMPTY
    raw = " ".join(str(value).split())
    out = "".join(f"&#{ord(c)};" if c in _SPECIAL else c for c in raw)
    if out and not out[0].isalnum() and not out.startswith("&#"):
        out = f"&#{ord(out[0])};{out[1:]}"
    numbered = re.match(r"\d+([.)])", out)  # "1. " would start an ordered list
    if numbered:
        out = f"{out[: numbered.end() - 1]}&#{ord(numbered.group(1))};{out[numbered.end() :]}"
    return out


def code(value: str) -> str:
    """A name shown as inline code (names are escaped like text, then wrapped in <code>)."""
    return f"<code>{text(value)}</code>"


def link(label: str, target: str) -> str:
    """A link to another page of the site (target is a path this generator made)."""
    return f"[{label}]({target})"


def external(label: str, url: str | None) -> str:
    """A link to an https URL from the sources; anything else is shown as text only."""
    if not url or not re.fullmatch(r"https://[A-Za-z0-9.-]+/[^\s\"'<>()]*", url):
        return label
    return f"[{label}]({quote(url, safe=':/#?=&%.-_~')})"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A markdown table of already-escaped cells."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell or EMPTY for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def slug(name: str) -> str:
    """A file name for a page about `name` (`kms:ViaService` -> kms-ViaService)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "page"
