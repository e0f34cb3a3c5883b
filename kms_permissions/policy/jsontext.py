"""JSON text read for checking: depth and number caps, duplicate keys kept, and positions.

Positions (where a JSON pointer's key and value start) are found only for the values a finding
cites, by a scanner of this module rather than a library: it runs on text the standard
library's parser has already accepted, so it can be short, iterative (no recursion limit on
deep input) and exact, and checking a policy file imports no third-party package.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_left
from collections import OrderedDict
from json.decoder import scanstring  # type: ignore[attr-defined]

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.positions import Pointer, Position, TextLines
from kms_permissions.policy.reading import MAX_DEPTH

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

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


def _float(text: str) -> float:
    """A number with a fraction or exponent; one too long, or beyond a float's range (which
    Python would make infinite), is refused."""
    if len(text) > 2 * MAX_DIGITS:
        raise PolicyError(f"a number of {len(text)} characters; numbers are capped at {MAX_DIGITS}")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise PolicyError(f"the number {text} is beyond the range of a float")
    return value


class _NotJson(ValueError):
    """NaN or Infinity, which Python's parser takes and JSON (and AWS) do not."""


def _constant(name: str) -> Any:
    raise _NotJson(name)


def _constant_at(text: str, name: str) -> str:
    """Where the first `name` outside a string is (line and column), for the message."""
    for token in _CONSTANT.finditer(text):
        if token.group(1):
            line = text.count("\n", 0, token.start()) + 1
            column = token.start() - text.rfind("\n", 0, token.start())
            return f"line {line} column {column}: "
    return ""


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


def first_duplicate(data: Any) -> tuple[str, str] | None:
    """(JSON path of the object, key) of the first key that an object of `data` (as `loads`
    read it) had more than once; None when there is none. Iterative, linear in `data`."""
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, Duplicates):
            return path, value.repeated[0]
        if isinstance(value, dict):
            stack.extend((v, f"{path}.{k}") for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
    return None


def check_depth(data: Any) -> None:
    """A PolicyError when `data` nests deeper than MAX_DEPTH."""
    if depth(data) > MAX_DEPTH:
        raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read")


def _said(exc: json.JSONDecodeError) -> str:
    """Where and what the parser found, said at the comma where the mistake is a comma before
    `]` or `}` (the most common one in published policies: JSON allows none, nor does AWS)."""
    before = exc.doc[: exc.pos].rstrip()
    closing = exc.doc[exc.pos : exc.pos + 1]
    if before.endswith(",") and closing in ("]", "}"):
        comma = len(before) - 1
        line = exc.doc.count("\n", 0, comma) + 1
        column = comma - exc.doc.rfind("\n", 0, comma)
        return (
            f"line {line} column {column}: a comma before {closing!r}, which JSON does not "
            "allow; remove it"
        )
    return f"line {exc.lineno} column {exc.colno}: {exc.msg}"


def loads(text: str) -> Any:
    """Parse JSON text: a PolicyError with line and column, or for too deep or too long input."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise PolicyError(_said(exc)) from None
    except _NotJson as exc:
        where = _constant_at(text, str(exc))
        raise PolicyError(f"{where}{exc} is not JSON (JSON has no NaN or Infinity)") from None
    except RecursionError:
        raise PolicyError(f"nested deeper than {MAX_DEPTH} levels; not read") from None
    except ValueError as exc:  # from _integer (PolicyError is a ValueError) or int()
        raise PolicyError(str(exc)) from None
    check_depth(data)
    return data


class JsonPositions:
    """Line and column of the values (of the key, for object members) of a JSON text, found
    when asked for: a lookup walks from the top along its pointer, reading only the members of
    the objects and arrays on the way (kept for later lookups, the latest few thousand) and
    stepping over the others whole, by where each bracket closes (found in one pass over the
    text). A lookup costs the length of its path's members, never the depth times the size of
    the text."""

    def __init__(self, text: str, lines: TextLines | None = None, offsets: list[int] | None = None):
        # `offsets` maps each character of `text` to its offset in the file it was embedded in
        # (a policy held in a JSON string of a Terraform plan); `lines` is that file.
        self.text = text
        self._lines = lines
        self.offsets = offsets
        self._closes: Brackets | None = None
        # The members read lately, the most recent last: a lookup reads the containers on its
        # path, so the document's and its Statement list's stay while those of the statements
        # looked up long ago make room (a file of many statements is not held twice over).
        self._members: OrderedDict[int, dict[str, tuple[int, int]] | list[int]] = OrderedDict()

    @property
    def lines(self) -> TextLines:
        """The lines of the file the text is in."""
        if self._lines is None:
            self._lines = TextLines(self.text)
        return self._lines

    def _find(self, pointer: Pointer) -> tuple[int, int] | None:
        """(offset of the key, or of the value; offset of the value) of a pointer, in `text`."""
        at = _SPACE.match(self.text, 0).end()  # type: ignore[union-attr]
        found = (at, at)
        for step in pointer:
            members = self._members_of(at)
            if isinstance(members, dict):
                found_member = members.get(str(step))
                if found_member is None:
                    return None
                found = found_member
            elif members is not None:
                index = step if isinstance(step, int) else int(step) if str(step).isdigit() else -1
                if not 0 <= index < len(members):
                    return None
                found = (members[index], members[index])
            else:
                return None
            at = found[1]
        return found

    def _members_of(self, at: int) -> dict[str, tuple[int, int]] | list[int] | None:
        """The members of the object or array at `at` (None for a scalar), read once."""
        if self.text[at] not in "{[":
            return None
        members = self._members.get(at)
        if members is None:
            members = self._members[at] = self._read_members(at)
            if len(self._members) > _MEMBERS_KEPT:
                self._members.popitem(last=False)
        else:
            self._members.move_to_end(at)
        return members

    def _read_members(self, start: int) -> dict[str, tuple[int, int]] | list[int]:
        text = self.text
        is_object = text[start] == "{"
        keyed: dict[str, tuple[int, int]] = {}
        indexed: list[int] = []
        at = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        while text[at] not in "}]":
            if is_object:  # a repeated key keeps its last occurrence, as the data does
                key, end = scanstring(text, at + 1)
                colon = _SPACE.match(text, end).end()  # type: ignore[union-attr]
                value = _SPACE.match(text, colon + 1).end()  # type: ignore[union-attr]
                keyed[key] = (at, value)
            else:
                value = at
                indexed.append(value)
            at = _SPACE.match(text, self._skip(value)).end()  # type: ignore[union-attr]
            if text[at] == ",":
                at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
        return keyed if is_object else indexed

    def _skip(self, at: int) -> int:
        """The offset just after the value starting at `at`."""
        char = self.text[at]
        if char in "{[":
            if self._closes is None:
                self._closes = closing_brackets(self.text)
            return self._closes.close(at) + 1
        if char == '"':
            end: int = scanstring(self.text, at + 1)[1]
            return end
        return _SCALAR.match(self.text, at).end()  # type: ignore[union-attr]

    def _position(self, offset: int) -> Position:
        if self.offsets is not None:
            offset = self.offsets[offset]
        return self.lines.position(offset)

    def __call__(self, pointer: Pointer) -> Position | None:
        found = self._find(pointer)
        return None if found is None else self._position(found[0])

    def value_offset(self, pointer: Pointer) -> int | None:
        """Offset in the file where the value at `pointer` starts."""
        found = self._find(pointer)
        if found is None:
            return None
        return found[1] if self.offsets is None else self.offsets[found[1]]


# Containers whose members a JsonPositions keeps (see `_members`).
_MEMBERS_KEPT = 4096
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|true|false|null|NaN")
# A string (skipped whole, so that brackets inside it do not count) or a bracket.
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
# A string (skipped whole) or one of the constants Python's parser takes beyond JSON.
_CONSTANT = re.compile(r'"(?:[^"\\]++|\\.)*+"|(NaN|-?Infinity)')


class Brackets:
    """Where each `{` and `[` of a valid JSON text closes, found in one pass (linear in the
    text) and kept as two arrays of offsets in the order the brackets open (8 bytes a bracket,
    where a dict of ints takes about a hundred)."""

    def __init__(self, text: str) -> None:
        self.opens = array("q")
        self.closes = array("q")
        opened: list[int] = []
        for token in _TOKEN.finditer(text):
            char = text[token.start()]
            if char in "{[":
                opened.append(len(self.opens))
                self.opens.append(token.start())
                self.closes.append(-1)
            elif char in "}]":
                self.closes[opened.pop()] = token.start()

    def close(self, at: int) -> int:
        """The offset of the bracket closing the one opened at `at`."""
        index = bisect_left(self.opens, at)
        if index == len(self.opens) or self.opens[index] != at:
            raise KeyError(at)
        return self.closes[index]


def closing_brackets(text: str) -> Brackets:
    """Where each bracket of a valid JSON text closes (see `Brackets`)."""
    return Brackets(text)
