"""Frozen slotted record classes for the read model, without `dataclasses` or `typing` at run time.

`kms_permissions.model` declares its classes with `@dataclass(frozen=True, slots=True)`, which
type checkers see; at run time it takes `dataclass`, `field`, `Generic`, `TypeVar` and `Literal`
from here. Importing `dataclasses` (it imports `inspect`, `ast`, `tokenize`, `re`...) and
`typing`, and compiling every class's methods from source as `dataclasses` does, costs about ten
times what building all the facts of `kms_permissions.constants` costs.

The classes behave as the frozen slotted dataclasses they are declared as: construction by
keyword or position, equality, hash and repr over the fields, `FrozenInstanceError` on
assignment, no `__dict__`, `__match_args__`, pickling and copying. `dataclasses.fields()`,
`replace()`, `asdict()` and `is_dataclass()` work on them: their `__dataclass_fields__` is made
by `dataclasses` itself from the same declaration, on first use. Annotations stay strings (the
model postpones them); evaluating them at run time (`typing.get_type_hints`) is not supported.
"""

from __future__ import annotations

from operator import attrgetter
from types import GenericAlias

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any
    from typing import TypeVar as _TypeVar

    _C = _TypeVar("_C", bound=type)


class _Spec:
    """What `field()` records: the field's metadata (nothing else is supported)."""

    __slots__ = ("metadata",)

    def __init__(self, metadata: dict[str, Any]) -> None:
        self.metadata = metadata


def field(*, metadata: Mapping[str, Any] | None = None) -> Any:
    """A field with metadata and no default, as `dataclasses.field(metadata=...)`."""
    return _Spec(dict(metadata or {}))


class Generic:
    """Run-time stand-in for `typing.Generic`: `ActionInfo[str]` is a plain generic alias."""

    __slots__ = ()

    def __class_getitem__(cls, item: Any) -> Any:
        return GenericAlias(cls, item)


class TypeVar:
    """Run-time stand-in for `typing.TypeVar`: a name for type checkers' use."""

    __slots__ = ("__bound__", "__name__")

    def __init__(self, name: str, *, bound: Any = None) -> None:
        self.__name__ = name
        self.__bound__ = bound

    def __repr__(self) -> str:
        return f"~{self.__name__}"


class _LiteralForm:
    """Run-time stand-in for `typing.Literal`: `Literal["a", "b"]` keeps its values as
    `__args__`."""

    __slots__ = ()

    def __getitem__(self, values: Any) -> LiteralValues:
        return LiteralValues(values if isinstance(values, tuple) else (values,))


class LiteralValues:
    """The values of a Literal alias at run time."""

    __slots__ = ("__args__",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.__args__ = values

    def __repr__(self) -> str:
        return f"Literal[{', '.join(map(repr, self.__args__))}]"


Literal = _LiteralForm()


def dataclass(*, frozen: bool, slots: bool) -> Callable[[_C], _C]:
    """The decorator of frozen slotted records (the only kind the model declares)."""
    if not (frozen and slots):
        raise TypeError("only frozen, slotted records are supported")
    return _record


def specs(cls: type) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """(name, metadata) of each field of a record class (or of a real dataclass), in order."""
    found: tuple[tuple[str, Mapping[str, Any]], ...] | None = cls.__dict__.get("_record_fields")
    if found is None:
        from dataclasses import fields

        found = tuple((spec.name, spec.metadata) for spec in fields(cls))
    return found


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


class _DataclassAttribute:
    """`__dataclass_fields__` or `__dataclass_params__` of a record class, made on first use by
    `dataclasses` from the same declaration (then stored on the class)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        import dataclasses

        namespace: dict[str, Any] = {
            "__annotations__": dict(owner.__annotations__),
            "__module__": owner.__module__,
            "__qualname__": owner.__qualname__,
        }
        for name, metadata in specs(owner):
            namespace[name] = dataclasses.field(metadata=metadata)
        twin: Any = dataclasses.dataclass(frozen=True)(type(owner.__name__, (), namespace))
        for name in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(owner, name, getattr(twin, name))
        return getattr(twin, self.name)


def _record(cls: _C) -> _C:
    # The class's own annotations (inspect.get_annotations would import inspect).
    annotations: dict[str, str] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    names = tuple(annotations)
    if not names:
        raise TypeError(f"{cls.__name__}: a record needs fields")
    namespace: dict[str, Any] = {}
    for key, value in cls.__dict__.items():
        if key in annotations:
            if not isinstance(value, _Spec):
                raise TypeError(f"{cls.__name__}.{key}: only field(metadata=...) is supported")
        elif key not in ("__dict__", "__weakref__"):
            namespace[key] = value
    fields = tuple(
        (name, cls.__dict__[name].metadata if name in cls.__dict__ else {}) for name in names
    )
    values = attrgetter(*names) if len(names) > 1 else lambda record: (getattr(record, names[0]),)
    expected = frozenset(names)
    count = len(names)
    set_field = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            if len(args) > count:
                raise TypeError(
                    f"{cls.__name__}() takes {count} positional arguments but {len(args)} "
                    "were given"
                )
            for name, value in zip(names, args, strict=False):
                if name in kwargs:
                    raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
                kwargs[name] = value
        if kwargs.keys() != expected:
            unexpected = sorted(kwargs.keys() - expected)
            if unexpected:
                raise TypeError(
                    f"{cls.__name__}() got an unexpected keyword argument {unexpected[0]!r}"
                )
            missing = [name for name in names if name not in kwargs]
            raise TypeError(f"{cls.__name__}() missing required arguments: {', '.join(missing)}")
        for name in names:
            set_field(self, name, kwargs[name])

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(values(self) == values(other))
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(values(self))

    def __setattr__(self: Any, name: str, value: object) -> None:
        raise _frozen_error(f"cannot assign to field {name!r}")

    def __delattr__(self: Any, name: str) -> None:
        raise _frozen_error(f"cannot delete field {name!r}")

    def __getstate__(self: Any) -> list[Any]:
        return list(values(self))

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    for method in (
        __init__,
        __repr__,
        __eq__,
        __hash__,
        __setattr__,
        __delattr__,
        __getstate__,
        __setstate__,
    ):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        namespace.setdefault(method.__name__, method)
    namespace.update(
        __slots__=names,
        __match_args__=names,
        _record_fields=fields,
        __dataclass_fields__=_DataclassAttribute("__dataclass_fields__"),
        __dataclass_params__=_DataclassAttribute("__dataclass_params__"),
    )
    record: _C = type(cls)(cls.__name__, cls.__bases__, namespace)
    record.__qualname__ = cls.__qualname__
    return record
