"""JSON for the lookup hot path without importing the `json` package.

`import json` pulls in `re` and `enum` and costs more than the rest of a lookup together. The
C scanner and string encoder behind `json` (`_json`) do the work without them; where `_json` is
missing (not CPython) this falls back to `json`. Output is byte-identical to
`json.dumps(obj, ensure_ascii=False, indent=1)`, which a test checks.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _Context:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_reject_constant)
    memo: ClassVar[dict[str, str]] = {}


_scan: Callable[[str, int], tuple[Any, int]] | None
try:
    from _json import encode_basestring as _encode_string
    from _json import make_scanner as _make_scanner

    _scan = _make_scanner(_Context())  # type: ignore[arg-type]  # duck-typed context
except ImportError:  # pragma: no cover - Pythons without the C accelerator
    _scan = None


def loads(data: bytes | str) -> Any:
    """Parse a JSON document."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if _scan is None:  # pragma: no cover
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip())
    try:
        value, end = _scan(text, start)
    except StopIteration:
        raise ValueError(f"no JSON value at offset {start}") from None
    except SystemError:
        # The C scanner reports some errors through json.decoder, which this module does not
        # import (that is its point); it then fails without an exception of its own.
        raise ValueError("not valid JSON (cut off or malformed)") from None
    if text[end:].strip():
        raise ValueError(f"extra data after the JSON value at offset {end}")
    return value


def dumps(value: Any, indent: int = 1) -> str:
    """Serialise as `json.dumps(value, ensure_ascii=False, indent=indent)` does."""
    if _scan is None:  # pragma: no cover
        import json

        return json.dumps(value, ensure_ascii=False, indent=indent)
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value: Any, parts: list[str], indent: int, level: int) -> None:
    if isinstance(value, str):
        parts.append(_encode_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} is not JSON")
        parts.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = "\n" + " " * (indent * (level + 1))
        parts.append("{")
        for number, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            parts.append(("," if number else "") + inner + _encode_string(key) + ": ")
            _write(item, parts, indent, level + 1)
        parts.append("\n" + " " * (indent * level) + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = "\n" + " " * (indent * (level + 1))
        parts.append("[")
        for number, item in enumerate(value):
            parts.append(("," if number else "") + inner)
            _write(item, parts, indent, level + 1)
        parts.append("\n" + " " * (indent * level) + "]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
