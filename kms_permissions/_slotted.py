"""Record classes without `dataclasses` or `typing` at run time: the read model's, and those of
the modules a cold `check` or `explain` imports.

Those modules declare their classes with `@dataclass(...)` and `field(...)`, which type checkers
see; at run time they take `dataclass` and `field` (the model also `Generic`, `TypeVar` and
`Literal`) from here. Importing `dataclasses` (it imports `inspect`, `ast`, `tokenize`, `re`...)
and `typing`, and compiling every class's methods from source as `dataclasses` does, costs about
ten times what building all the facts of `kms_permissions.constants` costs, and more than half
of a cold `explain`.

The classes behave as the dataclasses they are declared as: construction by keyword or
position, defaults (`= value`, `field(default=...)`, `field(default_factory=...)`), equality over
the fields that `compare`, repr over those that `repr`, a hash over the compared fields when
frozen (none otherwise, as `eq=True` gives), `FrozenInstanceError` on assignment to a frozen one,
`__slots__` and no `__dict__` with `slots=True`, `__match_args__`, pickling and copying. A class
annotated `ClassVar` is not a field. `dataclasses.fields()`, `replace()`, `asdict()` and
`is_dataclass()` work on them: their `__dataclass_fields__` is made by `dataclasses` itself from
the same declaration, on first use. What is not supported (inheriting fields from a record,
`__post_init__`, `init=False`, `kw_only`, `order`) is refused when the class is made.
Annotations stay strings (the modules postpone them); evaluating them at run time
(`typing.get_type_hints`) is not supported.
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


_MISSING: Any = type("MISSING", (), {"__repr__": lambda self: "MISSING"})()


class _Spec:
    """What `field()` records: default or default factory, compare, repr and metadata."""

    __slots__ = ("compare", "default", "default_factory", "metadata", "repr")

    def __init__(
        self,
        metadata: dict[str, Any],
        default: Any = _MISSING,
        default_factory: Any = _MISSING,
        compare: bool = True,
        repr: bool = True,
    ) -> None:
        self.metadata = metadata
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    compare: bool = True,
    repr: bool = True,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A field as `dataclasses.field(...)` declares it (the arguments the project uses)."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Spec(dict(metadata or {}), default, default_factory, compare, repr)


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


class _AnyForm:
    """Run-time stand-in for `typing.Any` in a module's type aliases (`dict[str, Any]`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Any"


if not TYPE_CHECKING:  # for type checkers `Any` here is typing's
    Any = _AnyForm()


def dataclass(cls: _C | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """The decorator, as `dataclasses.dataclass` (with or without arguments) for the options
    the project uses: `frozen` and `slots`."""

    def wrap(klass: _C) -> _C:
        return _record(klass, frozen, slots)

    return wrap if cls is None else wrap(cls)


def specs(cls: type) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """(name, metadata) of each field of a record class (or of a real dataclass), in order."""
    found: tuple[tuple[str, Mapping[str, Any]], ...] | None = cls.__dict__.get("_record_fields")
    if found is None:
        from dataclasses import fields

        found = tuple((spec.name, spec.metadata) for spec in fields(cls))
    return found


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of a record with some fields changed, as `dataclasses.replace` (which it is for a
    real dataclass)."""
    found = type(obj).__dict__.get("_record_fields")
    if found is None:
        from dataclasses import replace as replace_dataclass

        return replace_dataclass(obj, **changes)
    values = {name: getattr(obj, name) for name, _ in found}
    unknown = sorted(changes.keys() - values.keys())
    if unknown:
        raise TypeError(f"{type(obj).__name__}() got an unexpected keyword argument {unknown[0]!r}")
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: Any) -> Any:
    """`dataclasses.asdict` (imported when first called: output code, not the cold paths)."""
    from dataclasses import asdict as asdict_dataclass

    return asdict_dataclass(obj)


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


class _DataclassAttribute:
    """`__dataclass_fields__` or `__dataclass_params__` of a record class, made on first use by
    `dataclasses` from the same declaration (then stored on the class)."""

    def __init__(self, name: str, specs: dict[str, _Spec], frozen: bool) -> None:
        self.name = name
        self.specs = specs
        self.frozen = frozen

    def __get__(self, instance: object, owner: type) -> Any:
        import dataclasses

        namespace: dict[str, Any] = {
            "__annotations__": {name: owner.__annotations__[name] for name in self.specs},
            "__module__": owner.__module__,
            "__qualname__": owner.__qualname__,
        }
        for name, spec in self.specs.items():
            given: dict[str, Any] = {"compare": spec.compare, "repr": spec.repr}
            if spec.default is not _MISSING:
                given["default"] = spec.default
            if spec.default_factory is not _MISSING:
                given["default_factory"] = spec.default_factory
            namespace[name] = dataclasses.field(metadata=spec.metadata, **given)
        twin: Any = dataclasses.dataclass(frozen=self.frozen)(type(owner.__name__, (), namespace))
        for name in ("__dataclass_fields__", "__dataclass_params__"):
            setattr(owner, name, getattr(twin, name))
        return getattr(twin, self.name)


def _is_class_var(annotation: object) -> bool:
    text = str(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _specs_of(cls: type) -> dict[str, _Spec]:
    """The fields a class declares, in order, with what `field()` or a default says."""
    # The class's own annotations (inspect.get_annotations would import inspect).
    annotations: dict[str, str] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    for base in cls.__mro__[1:]:
        if "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"{cls.__name__}: a record cannot inherit the fields of {base}")
    found: dict[str, _Spec] = {}
    for name, annotation in annotations.items():
        if _is_class_var(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Spec):
            spec = value
        elif isinstance(value, list | dict | set):
            raise ValueError(f"{cls.__name__}.{name}: mutable default; use default_factory")
        else:
            spec = _Spec({}, default=value)
        if found and spec.default is _MISSING and spec.default_factory is _MISSING:
            last = list(found.values())[-1]
            if last.default is not _MISSING or last.default_factory is not _MISSING:
                raise TypeError(f"{cls.__name__}: non-default argument {name!r} follows default")
        found[name] = spec
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: __post_init__ is not supported by records")
    return found


def _record(cls: _C, frozen: bool, slots: bool) -> _C:
    specs = _specs_of(cls)
    names = tuple(specs)
    if not names:
        raise TypeError(f"{cls.__name__}: a record needs fields")
    fields = tuple((name, spec.metadata) for name, spec in specs.items())
    compared = tuple(name for name in names if specs[name].compare)
    shown = tuple(name for name in names if specs[name].repr)
    defaults = {name: spec for name, spec in specs.items() if spec.default is not _MISSING}
    factories = {
        name: spec.default_factory
        for name, spec in specs.items()
        if spec.default_factory is not _MISSING
    }
    required = [name for name in names if name not in defaults and name not in factories]
    values = _getter(compared)
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
            missing = [name for name in required if name not in kwargs]
            if missing:
                raise TypeError(
                    f"{cls.__name__}() missing required arguments: {', '.join(missing)}"
                )
            for name, spec in defaults.items():
                kwargs.setdefault(name, spec.default)
            for name, factory in factories.items():
                if name not in kwargs:
                    kwargs[name] = factory()
        for name in names:
            set_field(self, name, kwargs[name])

    def __repr__(self: Any) -> str:
        text = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({text})"

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

    every = _getter(names)

    def __getstate__(self: Any) -> list[Any]:
        return list(every(self))

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    methods: list[Any] = [__init__, __repr__, __eq__]
    if frozen:
        methods += [__hash__, __setattr__, __delattr__]
    if slots:
        methods += [__getstate__, __setstate__]
    generated: dict[str, Any] = {}
    for method in methods:
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        generated[method.__name__] = method
    # A __hash__ of the class's own is kept; the None that Python sets beside an __eq__ of the
    # class's own is not one (as dataclasses reads it).
    own_hash = cls.__dict__.get("__hash__", _MISSING)
    explicit_hash = not (own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__))
    if not frozen:
        generated["__hash__"] = None  # eq without frozen: unhashable, as dataclasses makes it
    if explicit_hash:
        del generated["__hash__"]
    generated.update(
        __match_args__=names,
        _record_fields=fields,
        __dataclass_fields__=_DataclassAttribute("__dataclass_fields__", specs, frozen),
        __dataclass_params__=_DataclassAttribute("__dataclass_params__", specs, frozen),
    )
    if cls.__dict__.get("__doc__") is None:  # the signature, as dataclasses writes it
        own: dict[str, str] = cls.__dict__["__annotations__"]  # noqa: RUF063 - no inspect
        parameters = ", ".join(_parameter(n, own[n], spec) for n, spec in specs.items())
        generated["__doc__"] = f"{cls.__name__}({parameters})"
    if not slots:
        for name, spec in specs.items():
            if spec.default is not _MISSING:
                setattr(cls, name, spec.default)  # the class attribute, as dataclasses leaves it
            elif isinstance(cls.__dict__.get(name), _Spec):
                delattr(cls, name)
        for name, value in generated.items():
            if name not in cls.__dict__ or name in ("__hash__", "__doc__"):
                setattr(cls, name, value)
        return cls
    namespace: dict[str, Any] = {}
    for key, value in cls.__dict__.items():
        if key not in specs and key not in ("__dict__", "__weakref__"):
            namespace[key] = value
    for name, value in generated.items():
        if name not in namespace or name in ("__hash__", "__doc__"):
            namespace[name] = value
    namespace["__slots__"] = names
    record: _C = type(cls)(cls.__name__, cls.__bases__, namespace)
    record.__qualname__ = cls.__qualname__
    return record


def _parameter(name: str, annotation: object, spec: _Spec) -> str:
    """A field as a parameter of the signature `inspect` would write."""
    text = f"{name}: {annotation!r}"
    if spec.default_factory is not _MISSING:
        return f"{text} = <factory>"
    return text if spec.default is _MISSING else f"{text} = {spec.default!r}"


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of `names` of a record, as a tuple."""
    if len(names) == 1:
        name = names[0]
        return lambda record: (getattr(record, name),)
    if not names:
        return lambda record: ()
    return attrgetter(*names)
