"""Inline content of a table cell as tokens, shared by the markdown and HTML parsers.

Both renderings of a page reduce a cell to the same token stream (text, links, code, emphasis
and line breaks), so the field parsers that give the cell its meaning are written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import Tag
from bs4.element import NavigableString


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink; `text` keeps emphasis as `*...*` so templates survive."""

    text: str
    href: str


@dataclass(frozen=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True)
class Emph:
    """Emphasised (italic) text."""

    text: str


@dataclass(frozen=True)
class Break:
    """A line break (`<br />` or a paragraph boundary)."""


Token = Text | Link | Code | Emph | Break

_MD_ESCAPE = re.compile(r"\\(.)")
_MD_INLINE = re.compile(
    r"(?P<br><br\s*/?>)"
    r"|(?P<link>\[(?P<ltext>(?:[^\[\]]|\\\[|\\\])*)\]\((?P<href>[^)\s]*)\))"
    r"|(?P<code>`(?P<ctext>[^`]*)`)"
    r"|(?P<strong>\*\*)"
    r"|(?P<emph>\*(?P<etext>[^*\s][^*]*?)\*)",
)


def md_unescape(text: str) -> str:
    """Remove markdown backslash escapes (`\\.` -> `.`)."""
    return _MD_ESCAPE.sub(r"\1", text)


def squash(text: str) -> str:
    """Collapse runs of whitespace into single spaces and strip the ends."""
    return " ".join(text.split())


def md_tokens(source: str) -> list[Token]:
    """Tokenise one line of markdown inline content."""
    tokens: list[Token] = []
    pos = 0
    for match in _MD_INLINE.finditer(source):
        if match.start() > pos:
            tokens.append(Text(md_unescape(source[pos : match.start()])))
        if match.group("br"):
            tokens.append(Break())
        elif match.group("link"):
            tokens.append(Link(md_unescape(match.group("ltext")), match.group("href")))
        elif match.group("code") is not None:
            tokens.append(Code(match.group("ctext")))
        elif match.group("emph"):
            tokens.append(Emph(md_unescape(match.group("etext"))))
        pos = match.end()
    if pos < len(source):
        tokens.append(Text(md_unescape(source[pos:])))
    return tokens


_BLOCK_TAGS = {"p", "div", "li", "ul", "ol"}


def html_tokens(cell: Tag) -> list[Token]:
    """Tokenise the content of an HTML table cell."""
    tokens: list[Token] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype"):
                    continue
                tokens.append(Text(str(child)))
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    tokens.append(Break())
                elif name == "a" and child.get("href"):
                    tokens.append(Link(_emphasised_text(child), str(child["href"])))
                elif name == "code":
                    tokens.append(Code(squash(child.get_text())))
                elif name in ("em", "i"):
                    tokens.append(Emph(squash(child.get_text())))
                elif name in _BLOCK_TAGS:
                    tokens.append(Break())
                    walk(child)
                    tokens.append(Break())
                else:
                    walk(child)

    walk(cell)
    return tokens


def _emphasised_text(node: Tag) -> str:
    parts: list[str] = []
    for child in node.descendants:
        if isinstance(child, NavigableString) and child.parent is not None:
            text = str(child)
            parts.append(f"*{text.strip()}*" if child.parent.name in ("em", "i") else text)
    return squash("".join(parts))


def plain_text(tokens: list[Token]) -> str:
    """The tokens as readable plain text (links become their text)."""
    parts: list[str] = []
    for token in tokens:
        if isinstance(token, Break):
            parts.append(" ")
        elif isinstance(token, Link):
            parts.append(token.text.replace("*", ""))
        else:
            parts.append(token.text)
    return squash("".join(parts))


def split_lines(tokens: list[Token]) -> list[list[Token]]:
    """Split a token stream at line breaks, dropping empty lines."""
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Break):
            lines.append([])
        else:
            lines[-1].append(token)
    return [line for line in lines if plain_text(line) or any(isinstance(t, Link) for t in line)]


_TEMPLATE = re.compile(r"\*\s*([^*]+?)\s*\*|<([^<>]+)>")


def normalise_key_name(raw: str) -> str:
    """A condition key name in canonical form: templates become `${name}`.

    `kms:EncryptionContext:*context-key*`, `kms:EncryptionContext:context-key` and the 2017 form
    `kms:EncryptionContext:` all become `kms:EncryptionContext:${context-key}`;
    `kms:RecipientAttestation:PCR<PCR_ID>` becomes `kms:RecipientAttestation:PCR${PCR_ID}`.
    """
    name = squash(md_unescape(raw)).replace(" ", "").strip("`")
    name = _TEMPLATE.sub(lambda m: "${" + (m.group(1) or m.group(2)) + "}", name)
    if name.lower() in ("kms:encryptioncontext:", "kms:encryptioncontext:context-key"):
        name = "kms:EncryptionContext:${context-key}"
    return name
