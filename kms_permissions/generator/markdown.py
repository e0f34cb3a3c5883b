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
    return line_start(fragment(" ".join(str(value).split())))


def fragment(value: str) -> str:
    """Part of a line of scraped text: every special character as an entity, runs of white
    space as one space (kept at the ends, where the fragment meets another)."""
    raw = re.sub(r"\s+", " ", value)
    return "".join(f"&#{ord(c)};" if c in _SPECIAL else c for c in raw)


def line_start(out: str) -> str:
    """A line of escaped text made safe at its start, where markdown reads block syntax: a
    leading character that is not a letter, a digit, an entity or a tag this generator wrote
    (`<code>`, `<em>`, `[` of its link) becomes an entity, and `1.` cannot start a list."""
    if out and not out[0].isalnum() and out[0] not in "&<[":
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


def big_table(headers: list[str], rows: list[list[str]], kind: str = "kp-table") -> str:
    """A table marked for the site's big-table script (site/README.md): `kp-table`, or
    `kp-table kp-table--compact` for rotated headers."""
    return f'<div class="{kind}" markdown>\n\n{table(headers, rows)}\n\n</div>'


def indent(block: str, by: str = "    ") -> str:
    """A block indented under an admonition or list item (blank lines stay blank)."""
    return "\n".join(by + line if line else "" for line in block.split("\n"))


def slug(name: str) -> str:
    """A file name for a page about `name` (`kms:ViaService` -> kms-ViaService)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "page"
