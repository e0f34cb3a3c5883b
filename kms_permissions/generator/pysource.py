"""Python source that is safe for any text and laid out as `ruff format` lays it out.

Why imitate ruff instead of running it: the generated constants module is committed and checked
byte for byte (`generate --check`, in CI and the tests), so its text must depend on the dataset
alone, not on which ruff release is installed (its style changes between releases) or whether
one is installed at all (`generate` runs from a plain `pip install`). `ruff format --check` in CI
then tells when ruff's style and this imitation part ways.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

LINE_LENGTH = 100
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(value: str | bool | int | None) -> str:
    """A Python literal for `value`; text always comes out as a string, never as code.

    Strings use double quotes unless single quotes need fewer escapes (as ruff prefers).
    """
    if value is None or isinstance(value, bool | int):
        return repr(value)
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif not char.isprintable():
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def identifier(name: str) -> str:
    """An UPPER_SNAKE identifier for an action or key (`kms:CallerAccount` -> CALLER_ACCOUNT)."""
    text = name.split(":", 1)[1] if name.startswith("kms:") else name
    text = re.sub(r"\$\{[^}]*\}", "", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()
    if not text or text[0].isdigit():
        text = f"K_{text}"
    return text


def snake(name: str) -> str:
    """A snake_case name (`ResourceTag/` -> resource_tag, `tag-key` -> tag_key)."""
    return identifier(name).lower()


class Node:
    """A piece of an expression that can be rendered flat or exploded."""

    def flat(self) -> str:
        """The node on one line."""
        raise NotImplementedError

    def lines(self, indent: int, prefix: str, suffix: str) -> list[str]:
        """The node's lines, flat when they fit in the line length."""
        one = " " * indent + prefix + self.flat() + suffix
        if len(one) <= LINE_LENGTH or not self.can_explode():
            return [one]
        return self.exploded(indent, prefix, suffix)

    def can_explode(self) -> bool:
        """Whether the node has brackets to break at."""
        return False

    def exploded(self, indent: int, prefix: str, suffix: str) -> list[str]:
        """The node over several lines."""
        raise NotImplementedError


@dataclass
class Raw(Node):
    """Source text used as it is (a literal, a name)."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass
class Seq(Node):
    """A tuple, list or call: `opener` items `closer`, items optionally `name=` prefixed."""

    opener: str
    items: list[tuple[str, Node]]
    closer: str
    tuple_like: bool = False

    def flat(self) -> str:
        parts = [p + n.flat() for p, n in self.items]
        if self.tuple_like and len(parts) == 1:
            return f"{self.opener}{parts[0]},{self.closer}"
        return f"{self.opener}{', '.join(parts)}{self.closer}"

    def can_explode(self) -> bool:
        return bool(self.items)

    def exploded(self, indent: int, prefix: str, suffix: str) -> list[str]:
        out = [" " * indent + prefix + self.opener]
        for name, node in self.items:
            out += node.lines(indent + 4, name, ",")
        out.append(" " * indent + self.closer + suffix)
        return out


def tup(nodes: Sequence[Node]) -> Seq:
    """A tuple of nodes."""
    return Seq("(", [("", n) for n in nodes], ")", tuple_like=True)


def call(
    name: str, args: list[Node] | None = None, kwargs: list[tuple[str, Node]] | None = None
) -> Seq:
    """A call with positional and keyword arguments."""
    items = [("", a) for a in args or []] + [(f"{k}=", v) for k, v in kwargs or []]
    return Seq(f"{name}(", items, ")")


def dictionary(entries: list[tuple[Node, Node]]) -> Seq:
    """A dict literal."""
    return Seq("{", [(key.flat() + ": ", value) for key, value in entries], "}")


def dict_lines(entries: list[tuple[Node, Node]], indent: int) -> list[str]:
    """The entries of a dict literal, one `key: value,` after another."""
    out: list[str] = []
    for key, value in entries:
        out += value.lines(indent, key.flat() + ": ", ",")
    return out
