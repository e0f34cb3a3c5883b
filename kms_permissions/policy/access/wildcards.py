"""IAM's wildcards: `*` any run of characters, `?` one character, everything else literal."""

from __future__ import annotations

import re
from functools import lru_cache

# A pattern piece: literal text, or a wildcard that policy variables like ${*} did not escape.
Piece = tuple[str, str]  # ("text", "abc") | ("wild", "*") | ("wild", "?")


def pieces_of(pattern: str) -> tuple[Piece, ...]:
    """A plain pattern (no policy variables) as pieces."""
    return tuple(("wild", c) if c in "*?" else ("text", c) for c in pattern)


@lru_cache(maxsize=4096)
def _compiled(pieces: tuple[Piece, ...], ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(
        (".*" if text == "*" else ".") if kind == "wild" else re.escape(text)
        for kind, text in pieces
    )
    return re.compile(regex + r"\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def matches(pieces: tuple[Piece, ...], value: str, ignore_case: bool = False) -> bool:
    """Whether `value` matches the whole pattern."""
    return _compiled(pieces, ignore_case).match(value) is not None


@lru_cache(maxsize=4096)
def _plain(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return _compiled(pieces_of(pattern), ignore_case)


def glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """Whether `value` matches a plain pattern with IAM wildcards."""
    return _plain(pattern, ignore_case).match(value) is not None
