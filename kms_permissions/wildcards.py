"""IAM's wildcards: `*` any run of characters, `?` one character, everything else literal.

Matched without a regular expression: a backtracking engine takes exponential time on
`*a*a*a*a*b` against a run of `a`s. The pattern is cut at its stars into segments; the first
must match at the start, the last at the end, and each one between at its leftmost place after
the one before (taking the leftmost place never loses a match), so the value is scanned once.
A segment that is one literal run is found by `str.find` (linear). A segment with `?`s between
literal runs is found by shift-and (bitap): one pass over the value carrying, as the bits of one
integer, which prefixes of the segment end at the current character, so each character costs
a few operations on an integer of the segment's length in bits, done in C a machine word at a
time, and never a check run by run (`a?a?a?...?b` against `aaa...` would cost n times the
pattern's length in Python steps). Nothing is compiled or cached.
"""

from __future__ import annotations

from collections.abc import Iterable

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

# A pattern piece: literal text, or a wildcard that policy variables like ${*} did not escape.
Piece = tuple[str, str]  # ("text", "abc") | ("wild", "*") | ("wild", "?")


@dataclass(frozen=True)
class _Segment:
    """A part of the pattern between stars: its length and its literal runs (offset, text);
    the characters between the runs are `?`s."""

    length: int
    runs: tuple[tuple[int, str], ...]

    def fits(self, value: str, at: int) -> bool:
        """Whether the segment matches `value` at offset `at` (the caller checked the room)."""
        for offset, run in self.runs:  # noqa: SIM110 - a loop, not all(...): expand calls this most
            if not value.startswith(run, at + offset):
                return False
        return True

    def find(self, value: str, start: int, end: int) -> int:
        """The leftmost offset in [start, end - length] where the segment matches, or -1."""
        last = end - self.length
        if start > last:
            return -1
        if not self.runs:  # only `?`s: any place with room will do
            return start
        if len(self.runs) == 1:
            offset, run = self.runs[0]
            found = value.find(run, start + offset, last + offset + len(run))
            return found - offset if found >= 0 else -1
        return self._shift_and(value, start, end)

    def _shift_and(self, value: str, start: int, end: int) -> int:
        """`find` by shift-and: bit i of `state` is set when the segment's first i + 1
        characters end at the character just read."""
        anything = (1 << self.length) - 1  # a character the segment does not name: only `?`s
        for offset, run in self.runs:
            for i in range(len(run)):
                anything &= ~(1 << (offset + i))
        masks: dict[str, int] = {}
        for offset, run in self.runs:
            for i, char in enumerate(run):
                masks[char] = masks.get(char, anything) | (1 << (offset + i))
        whole = 1 << (self.length - 1)
        state = 0
        for at in range(start, end):
            state = ((state << 1) | 1) & masks.get(value[at], anything)
            if state & whole:
                return at - self.length + 1
        return -1


def pieces_of(pattern: str) -> tuple[Piece, ...]:
    """A plain pattern (no policy variables) as pieces."""
    return tuple(("wild", c) if c in "*?" else ("text", c) for c in pattern)


def _fold(text: str) -> str:
    """Lower case character by character (a character whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _segments(pieces: tuple[Piece, ...], ignore_case: bool) -> list[_Segment]:
    segments: list[_Segment] = []
    runs: list[tuple[int, str]] = []
    run: list[str] = []
    length = 0
    for kind, text in (*pieces, ("wild", "*")):
        if kind == "text":
            run.append(_fold(text) if ignore_case else text)
            length += len(text)
            continue
        if run:
            runs.append((length - len(run), "".join(run)))
            run = []
        if text == "*":
            segments.append(_Segment(length, tuple(runs)))
            runs, length = [], 0
        else:
            length += 1
    return segments


def matches(pieces: tuple[Piece, ...], value: str, ignore_case: bool = False) -> bool:
    """Whether `value` matches the whole pattern."""
    if ignore_case:
        value = _fold(value)
    return _fits(_segments(pieces, ignore_case), value)


def _fits(segments: list[_Segment], value: str) -> bool:
    first, *middle = segments
    if not middle:  # no star: the value is exactly as long as the pattern
        return first.length == len(value) and first.fits(value, 0)
    *middle, last = middle
    end = len(value) - last.length
    if first.length > end or not (first.fits(value, 0) and last.fits(value, end)):
        return False
    at = first.length
    for segment in middle:
        found = segment.find(value, at, end)
        if found < 0:
            return False
        at = found + segment.length
    return True


def glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """Whether `value` matches a plain pattern with IAM wildcards."""
    if not pattern.isascii():  # folded character by character, as `matches` folds pieces
        return matches(pieces_of(pattern), value, ignore_case)
    # The evaluator and the checker match action names this way tens of thousands of times a
    # run: an ASCII pattern is cut with str.split rather than a piece per character.
    if ignore_case:
        pattern, value = pattern.lower(), _fold(value)
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    return _fits(_plain_segments(pattern), value)


def _plain_segments(pattern: str) -> list[_Segment]:
    """The segments `_segments` makes of a plain pattern's pieces."""
    segments = []
    for part in pattern.split("*"):
        runs = []
        offset = 0
        for chunk in part.split("?"):
            if chunk:
                runs.append((offset, chunk))
            offset += len(chunk) + 1
        segments.append(_Segment(len(part), tuple(runs)))
    return segments


def glob_all(pattern: str, values: Iterable[str], ignore_case: bool = False) -> list[str]:
    """The values that match a plain pattern with IAM wildcards, in their order (the pattern
    is cut into segments once for all of them)."""
    segments = _segments(pieces_of(pattern), ignore_case)
    return [v for v in values if _fits(segments, _fold(v) if ignore_case else v)]
