"""JSON text read for checking: depth and number caps, duplicate keys kept, and positions.

Positions (where each JSON pointer's key and value start) are computed only when a finding
needs one, by a scanner of this module rather than a library: it runs on text the standard
library's parser has already accepted, so it can be short, iterative (no recursion limit on
deep input) and exact, and checking a policy file imports no third-party package.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.positions import Pointer, Position, TextLines, pointer_text
from kms_permissions.policy.reading import MAX_DEPTH

MAX_DIGITS = 40  # an account ID has 12; a 100,000-digit number is refused, not converted


class Duplicates(dict[str, Any]):
    """An object that had the same key more than once: the keys repeated (the last value wins,
    as it does for the standard library's parser)."""

    repeated: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    repeated: list[str] = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    if not repeated:
        return result
    marked = Duplicates(result)
    marked.repeated = tuple(repeated)
    return marked


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise PolicyError(f"a number of {len(text)} digits; numbers are capped at {MAX_DIGITS}")
    return int(text)


def depth(data: Any) -> int:
    """How deeply lists and objects nest in `data` (iteratively: no recursion limit)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


def check_depth(data: Any) -> None:
    """A PolicyError when `data` nests deeper than MAX_DEPTH."""
    if depth(data) > MAX_DEPTH:
        raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read")


def loads(text: str) -> Any:
    """Parse JSON text: a PolicyError with line and column, or for too deep or too long input."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read") from None
    except ValueError as exc:  # from _integer (PolicyError is a ValueError) or int()
        raise PolicyError(str(exc)) from None
    check_depth(data)
    return data


class JsonPositions:
    """Line and column of every value (of the key, for object members) of a JSON text."""

    def __init__(self, text: str, lines: TextLines | None = None, offsets: list[int] | None = None):
        # `offsets` maps each character of `text` to its offset in the file it was embedded in
        # (a policy held in a JSON string of a Terraform plan); `lines` is that file.
        self.text = text
        self.lines = lines or TextLines(text)
        self.offsets = offsets
        self._map: dict[str, tuple[int, int]] | None = None

    def _offsets(self) -> dict[str, tuple[int, int]]:
        """Per JSON pointer: (offset of the key, or of the value; offset of the value)."""
        if self._map is None:
            self._map = scan_positions(self.text)
        return self._map

    def _position(self, offset: int) -> Position:
        if self.offsets is not None:
            offset = self.offsets[offset]
        return self.lines.position(offset)

    def __call__(self, pointer: Pointer) -> Position | None:
        found = self._offsets().get(pointer_text(pointer))
        return None if found is None else self._position(found[0])

    def value_offset(self, pointer: Pointer) -> int | None:
        """Offset in the file where the value at `pointer` starts."""
        found = self._offsets().get(pointer_text(pointer))
        if found is None:
            return None
        return found[1] if self.offsets is None else self.offsets[found[1]]


_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|true|false|null|NaN")


def scan_positions(text: str) -> dict[str, tuple[int, int]]:
    """For each JSON pointer of a valid JSON text: (offset of its key, or of its value when it
    has no key; offset of its value). A repeated key keeps its last occurrence."""
    found: dict[str, tuple[int, int]] = {}
    stack: list[tuple[Pointer, bool, list[int]]] = []  # (pointer, is object, [members seen])
    at = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    pointer: Pointer = ()
    key_at: int | None = None
    while True:
        found[pointer_text(pointer)] = (at if key_at is None else key_at, at)
        char = text[at]
        if char in "{[":
            inside = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
            if text[inside] in "}]":
                at = inside + 1
            else:
                stack.append((pointer, char == "{", [0]))
                at, pointer, key_at = _member(text, inside, stack[-1])
                continue
        elif char == '"':
            at = scanstring(text, at + 1)[1]
        else:
            at = _SCALAR.match(text, at).end()  # type: ignore[union-attr]
        while True:  # the value is read: the next member, or the end of containers
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if not stack:
                return found
            if text[at] == ",":
                stack[-1][2][0] += 1
                at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
                at, pointer, key_at = _member(text, at, stack[-1])
                break
            stack.pop()
            at += 1


def _member(
    text: str, at: int, frame: tuple[Pointer, bool, list[int]]
) -> tuple[int, Pointer, int | None]:
    """(offset of the member's value, its pointer, offset of its key) for the member of an
    object or array starting at `at`."""
    pointer, is_object, seen = frame
    if not is_object:
        return at, (*pointer, seen[0]), None
    key, end = scanstring(text, at + 1)
    colon = _SPACE.match(text, end).end()  # type: ignore[union-attr]
    value = _SPACE.match(text, colon + 1).end()  # type: ignore[union-attr]
    return value, (*pointer, key), at
