"""Where a finding is in the file: JSON paths, JSON pointers, and line and column.

A policy is checked as data; its findings name JSON paths into that data
(`$.Statement[1].Condition["StringEquals"]["kms:CallerAccount"]`). A `Locator` turns such a
path into the line and column of the file it came from: the policy file itself, or the
template or plan that holds the policy somewhere inside.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from kms_permissions._slotted import dataclass, field

Pointer = tuple[str | int, ...]
Position = tuple[int, int]  # line and column, both from 1
Lookup = Callable[[Pointer], Position | None]

_SEGMENT = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def segments(path: str) -> Pointer:
    """The pointer of a path the checker wrote (`$.Statement[0].Condition["Null"]["k"]`)."""
    out: list[str | int] = []
    at = 1 if path.startswith("$") else 0
    while at < len(path):
        match = _SEGMENT.match(path, at)
        if match is None:
            break
        name, index, quoted = match.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        at = match.end()
    return tuple(out)


def pointer_text(pointer: Pointer) -> str:
    """RFC 6901 text of a pointer (`/Statement/0/Action`)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in pointer)


class TextLines:
    """Offsets of a text turned into lines and columns (columns count characters)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class Locator:
    """Positions of a policy's paths in its file.

    `root` is where the policy sits in the file's data; `moved` maps a pointer of the policy
    as checked to its pointer in the file, where the two differ (a statement chosen by
    CloudFormation's `Fn::If` sits one level deeper in the template); `fallback` is the
    position given when nothing better is known (the attribute holding an embedded policy).
    """

    lookup: Lookup | None
    root: Pointer = ()
    moved: dict[Pointer, Pointer] = field(default_factory=dict)
    fallback: Position | None = None

    def pointer(self, path: str) -> Pointer:
        """The pointer in the file of a path into the checked policy."""
        wanted = segments(path)
        for length in range(len(wanted), 0, -1):
            prefix = wanted[:length]
            if prefix in self.moved:
                return self.moved[prefix] + wanted[length:]
        return self.root + wanted

    def locate(self, path: str) -> Position | None:
        """Line and column of a path (of its nearest enclosing value that exists)."""
        if self.lookup is None:
            return self.fallback
        pointer = self.pointer(path)
        for length in range(len(pointer), -1, -1):
            found = self.lookup(pointer[:length])
            if found is not None:
                return found
        return self.fallback


_ESCAPE_LENGTH = {"u": 6}


def string_offsets(text: str, quote: int) -> list[int]:
    """For each character of the JSON string whose opening quote is at `text[quote]`, the
    offset in `text` where it is written (escapes take 2 or 6 characters, a surrogate pair
    12), and one more entry for the end."""
    offsets: list[int] = []
    at = quote + 1
    while at < len(text) and text[at] != '"':
        offsets.append(at)
        if text[at] != "\\":
            at += 1
            continue
        step = _ESCAPE_LENGTH.get(text[at + 1], 2)
        high = step == 6 and 0xD800 <= int(text[at + 2 : at + 6], 16) < 0xDC00
        if high and text[at + 6 : at + 8] == "\\u":
            step = 12  # a surrogate pair is one character once decoded
        at += step
    offsets.append(at)
    return offsets
