"""Whether a TOML text can hold a table, told without parsing it (tomllib's import, with typing,
datetime and its regular expressions, costs a cold `check` as much as Python's own start-up).

`may_hold(text, ("tool", "kms-permissions"))` is False only when the text certainly defines
nothing at or below `tool.kms-permissions`: it reads the text's structure (table headers, keys,
and values skipped over: strings of every kind, arrays, inline tables, comments), and answers
True, so that tomllib reads the text, whenever it meets a key written with an escape, any
value or line it does not recognise, or a key path that agrees with the table's (`[tool]` then
`kms-permissions = ...`, `tool = {...}`, `[[tool]]`). Work is linear in the text.

`read_simple(text)` reads a text of the kind configuration files are (headers, one key per
line, one-line strings without escapes, booleans, arrays and inline tables of them) as tomllib
would, and leaves any other text to tomllib: writing a TOML parser is not the point, sparing
tomllib's import for the usual `[tool.kms-permissions.check]` table is.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Numbers, booleans, dates and times without a space, inf and nan.
_SCALAR = _BARE | frozenset("+.:")


class _Unsure(Exception):
    """Something the scan does not recognise: the text is left to tomllib."""


class _Scan:
    """A cursor over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def peek(self, size: int = 1) -> str:
        return self.text[self.i : self.i + size]

    def spaces(self) -> None:
        text, i = self.text, self.i
        while i < len(text) and text[i] in " \t":
            i += 1
        self.i = i

    def comment(self) -> None:
        """A comment to the end of its line (the newline left)."""
        if self.peek() == "#":
            end = self.text.find("\n", self.i)
            self.i = len(self.text) if end < 0 else end
            if self.text[self.i - 1 : self.i] == "\r":
                self.i -= 1

    def newline(self) -> bool:
        """Consume one newline (LF or CRLF); False when there is none here."""
        for mark in ("\n", "\r\n"):
            if self.text.startswith(mark, self.i):
                self.i += len(mark)
                return True
        return False

    def blanks(self) -> None:
        """Spaces, comments and newlines."""
        while True:
            self.spaces()
            self.comment()
            if not self.newline():
                return

    def end_of_line(self) -> None:
        """Spaces, a comment, then a newline or the end of the text."""
        self.spaces()
        self.comment()
        if not self.newline() and self.i < len(self.text):
            raise _Unsure

    def key(self) -> list[str | None]:
        """A dotted key's parts; None for a part written with an escape (it may be any name)."""
        parts: list[str | None] = []
        while True:
            self.spaces()
            parts.append(self.key_part())
            self.spaces()
            if self.peek() != ".":
                return parts
            self.i += 1

    def key_part(self) -> str | None:
        quote = self.peek()
        if quote in ('"', "'"):
            body = self.line_string(quote)
            return None if quote == '"' and "\\" in body else body
        start = self.i
        text = self.text
        while self.i < len(text) and text[self.i] in _BARE:
            self.i += 1
        if self.i == start:
            raise _Unsure
        return text[start : self.i]

    def line_string(self, quote: str) -> str:
        """A one-line string (basic or literal) from its opening quote; its body as written."""
        text = self.text
        i = self.i + 1
        while i < len(text):
            char = text[i]
            if char == quote:
                body = text[self.i + 1 : i]
                self.i = i + 1
                return body
            if char in "\r\n":
                break
            i += 2 if char == "\\" and quote == '"' else 1
        raise _Unsure

    def long_string(self, quote: str) -> None:
        """A multi-line string from its opening triple quote, with up to two more quotes that
        belong to its body at the end."""
        text = self.text
        mark = quote * 3
        i = self.i + 3
        end = text.find(mark, i)
        while True:
            if end < 0:
                raise _Unsure
            escape = text.find("\\", i, end) if quote == '"' else -1
            if escape >= 0:  # the escaped character is not a quote that closes
                i = escape + 2
                if i > end:
                    end = text.find(mark, i)
                continue
            i = end + 3
            extra = 0
            while extra < 2 and text.startswith(quote, i):
                i += 1
                extra += 1
            self.i = i
            return

    def value(self) -> None:
        """Skip one value."""
        char = self.peek()
        if char in ('"', "'"):
            if self.peek(3) == char * 3:
                self.long_string(char)
            else:
                self.line_string(char)
        elif char == "[":
            self.i += 1
            self.blanks()
            while self.peek() != "]":
                self.value()
                self.blanks()
                if self.peek() == ",":
                    self.i += 1
                    self.blanks()
                elif self.peek() != "]":
                    raise _Unsure
            self.i += 1
        elif char == "{":
            self.i += 1
            self.spaces()
            while self.peek() != "}":
                self.key()
                self.assignment()
                self.spaces()
                if self.peek() == ",":
                    self.i += 1
                    self.spaces()
                elif self.peek() != "}":
                    raise _Unsure
            self.i += 1
        else:
            start = self.i
            text = self.text
            while self.i < len(text) and text[self.i] in _SCALAR:
                self.i += 1
            if self.i == start:
                raise _Unsure

    def assignment(self) -> None:
        """`= value` after a key."""
        self.spaces()
        if self.peek() != "=":
            raise _Unsure
        self.i += 1
        self.spaces()
        self.value()


def _agrees(path: list[str | None], table: tuple[str, ...]) -> bool:
    """Whether a key path and the table's agree as far as both go."""
    return all(part is None or part == want for part, want in zip(path, table, strict=False))


def may_hold(text: str, table: tuple[str, ...]) -> bool:
    """False when the TOML text certainly defines nothing at or below the dotted `table`
    (its parts as tomllib gives them); True when it may, or when the text is not understood."""
    escaped = "\\u" in text or "\\U" in text
    if not escaped and not all(part in text for part in table):
        return False  # a name that appears nowhere, not even escaped, is no key
    scan = _Scan(text)
    header: list[str | None] = []
    try:
        while True:
            scan.blanks()
            if scan.i >= len(text):
                return False
            if scan.peek() == "[":
                array = scan.peek(2) == "[["
                scan.i += 2 if array else 1
                header = scan.key()
                closing = "]]" if array else "]"
                if scan.peek(len(closing)) != closing:
                    raise _Unsure
                scan.i += len(closing)
                # `[tool.kms-permissions...]`, or an array of tables on the way (`[[tool]]`).
                if _agrees(header, table) and (array or len(header) >= len(table)):
                    return True
            else:
                path = header + scan.key()
                scan.assignment()
                if _agrees(path, table):  # `tool = {...}`, or a key at or below the table
                    return True
            scan.end_of_line()
    except _Unsure:
        return True


def _plain_text(text: str) -> bool:
    """No control character but tab and newlines (LF, or CR only before LF): TOML allows no
    other in strings or comments."""
    if "\x7f" in text or "\r" in text.replace("\r\n", ""):
        return False
    return not any(ord(char) < 0x20 and char not in "\t\n\r" for char in text)


class _Reader(_Scan):
    """The scan that also builds the values of the simple subset `read_simple` takes."""

    def simple_key(self) -> str:
        """One key, not dotted; an escape in a quoted key is not taken."""
        parts = self.key()
        if len(parts) != 1 or parts[0] is None:
            raise _Unsure
        return parts[0]

    def simple_value(self) -> Any:
        char = self.peek()
        if char in ('"', "'"):
            if self.peek(3) == char * 3:
                raise _Unsure  # multi-line strings: their newline and escape rules are tomllib's
            body = self.line_string(char)
            if char == '"' and "\\" in body:
                raise _Unsure
            return body
        if char == "[":
            self.i += 1
            items: list[Any] = []
            self.blanks()
            while self.peek() != "]":
                items.append(self.simple_value())
                self.blanks()
                if self.peek() == ",":
                    self.i += 1
                    self.blanks()
                elif self.peek() != "]":
                    raise _Unsure
            self.i += 1
            return items
        if char == "{":
            self.i += 1
            table: dict[str, Any] = {}
            self.spaces()
            if self.peek() == "}":
                self.i += 1
                return table
            while True:
                key = self.simple_key()
                self.spaces()
                if self.peek() != "=" or key in table:
                    raise _Unsure
                self.i += 1
                self.spaces()
                table[key] = self.simple_value()
                self.spaces()
                if self.peek() == "}":
                    self.i += 1
                    return table
                if self.peek() != ",":
                    raise _Unsure
                self.i += 1
                self.spaces()
        for word, value in (("true", True), ("false", False)):
            if self.text.startswith(word, self.i):
                after = self.text[self.i + len(word) : self.i + len(word) + 1]
                if after not in _SCALAR:
                    self.i += len(word)
                    return value
        raise _Unsure  # numbers, dates: tomllib's


def read_simple(text: str) -> dict[str, Any] | None:
    """The document tomllib reads in a TOML text of the simple kind configuration files are
    (comments, `[table]` headers, one key per line, values that are one-line strings without
    escapes, booleans, arrays and inline tables of them), or None for any other text, which
    tomllib reads. What it returns is what `tomllib.loads` returns (a test compares them); a
    text it returns None for may still be valid TOML."""
    if not _plain_text(text):
        return None
    scan = _Reader(text)
    document: dict[str, Any] = {}
    headers: set[tuple[str, ...]] = set()
    keys: set[tuple[str, ...]] = set()
    table = document
    header: tuple[str, ...] = ()
    try:
        while True:
            scan.blanks()
            if scan.i >= len(text):
                break
            if scan.peek() == "[":
                if scan.peek(2) == "[[":
                    return None
                scan.i += 1
                parts = scan.key()
                if scan.peek() != "]" or None in parts:
                    return None
                scan.i += 1
                header = tuple(str(part) for part in parts)
                if header in headers:
                    return None
                headers.add(header)
                table = document
                for part in header:
                    table = table.setdefault(part, {})
                    if not isinstance(table, dict):  # a value reopened as a table
                        return None
            else:
                key = scan.simple_key()
                scan.spaces()
                if scan.peek() != "=":
                    return None
                scan.i += 1
                scan.spaces()
                value = scan.simple_value()
                if key in table:
                    return None
                table[key] = value
                keys.add((*header, key))
            scan.end_of_line()
    except _Unsure:
        return None
    # A value a header then reopens as a table (`a = 1` and `[a.b]`) is tomllib's error.
    for path in headers:
        if any(path[:length] in keys for length in range(1, len(path) + 1)):
            return None
    return document
