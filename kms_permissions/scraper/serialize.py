"""Records to and from JSON-ready dicts (for the scrape file and the parsed-page cache)."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load(cls: type[T], data: Any) -> T:
    """Build a record of type `cls` (a dataclass) from its `dataclasses.asdict` form."""
    return typing.cast(T, _load(cls, data))


def _load(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        unknown = set(data) - fields
        if unknown:
            raise ValueError(f"{kind.__name__}: unknown fields {sorted(unknown)}")
        return kind(**{name: _load(hints[name], data[name]) for name in fields if name in data})
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        chosen = [o for o in options if o is not type(None)]
        return _load(chosen[0], data)
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(kind)
        return tuple(_load(item, v) for v in data)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_load(item, v) for v in data]
    if kind in (str, int, bool) and not isinstance(data, kind):
        raise ValueError(f"expected {kind.__name__}, got {data!r}")
    return data
