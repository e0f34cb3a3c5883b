"""`_slotted.dataclass` against `dataclasses.dataclass`: the same declarations, the same behaviour.

The modules a cold `check` or `explain` imports declare their classes with `_slotted` at run
time (type checkers see `dataclasses`). Each declaration below is made both ways from one source
text, and every behaviour the project relies on is compared between the twins.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
from collections.abc import Callable
from functools import cached_property
from types import MemberDescriptorType, ModuleType
from typing import Any

import pytest

from kms_permissions import _slotted

SOURCE = '''
from __future__ import annotations
from functools import cached_property
from typing import Any, ClassVar

@dataclass(frozen=True)
class Frozen:
    """A frozen record with defaults of each kind."""
    name: str
    count: int = 0
    items: list[str] = field(default_factory=list)
    note: Any = field(default=None, compare=False, repr=False)
    shared: ClassVar[int] = 7

    @property
    def size(self) -> int:
        return len(self.items) + self.count

    @cached_property
    def upper(self) -> str:
        return self.name.upper()

@dataclass
class Mutable:
    name: str
    tags: dict[str, str] = field(default_factory=dict)
    flag: bool = False

@dataclass(frozen=True, slots=True)
class Slotted:
    a: str
    b: tuple[str, ...] = ()

@dataclass(frozen=True)
class OwnHash:
    a: str

    def __hash__(self) -> int:
        return 42

@dataclass(frozen=True)
class OwnEq:
    a: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnEq)
'''


def _made_with(decorators: Any, name: str) -> ModuleType:
    module = ModuleType(name)
    module.__dict__.update(dataclass=decorators.dataclass, field=decorators.field)
    sys.modules[name] = module  # pickling finds the classes here
    exec(compile(SOURCE, f"<{name}>", "exec"), module.__dict__)
    return module


RECORDS = _made_with(_slotted, "records_twin")
REAL = _made_with(dataclasses, "dataclasses_twin")

# Arguments each class is made with: positional, by keyword, with defaults left out.
CALLS: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {
    "Frozen": [
        (("a",), {}),
        (("a", 2), {"items": ["x"]}),
        ((), {"name": "b", "note": "not compared"}),
        (("c", 1, ["y", "z"], "n"), {}),
    ],
    "Mutable": [(("a",), {}), ((), {"name": "b", "tags": {"k": "v"}, "flag": True})],
    "Slotted": [(("a",), {}), (("a", ("b",)), {})],
    "OwnHash": [(("a",), {})],
    "OwnEq": [(("a",), {})],
}
CASES = [(name, args, kwargs) for name, calls in CALLS.items() for args, kwargs in calls]


def _both(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    return getattr(RECORDS, name)(*args, **kwargs), getattr(REAL, name)(*args, **kwargs)


def _hashed(value: Any) -> object:
    """The value's hash, or the kind of error hashing it raises."""
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc).split("'")[1] if "'" in str(exc) else "TypeError"


def _repr(value: Any) -> str:
    return repr(value).replace("records_twin.", "").replace("dataclasses_twin.", "")


@pytest.mark.parametrize("name", list(CALLS))
def test_fields_and_class_attributes_are_the_dataclass_twins(name: str) -> None:
    ours, real = getattr(RECORDS, name), getattr(REAL, name)

    def described(cls: type) -> list[tuple[Any, ...]]:
        return [
            (f.name, f.type, f.default, f.default_factory, f.compare, f.repr, dict(f.metadata))
            for f in dataclasses.fields(cls)
        ]

    assert described(ours) == described(real)
    assert ours.__dataclass_params__.frozen == real.__dataclass_params__.frozen
    assert dataclasses.is_dataclass(ours)
    for attribute in ("__match_args__", "__doc__", "__qualname__"):
        assert getattr(ours, attribute) == getattr(real, attribute), attribute
    assert hasattr(ours, "__slots__") == hasattr(real, "__slots__")
    for field in dataclasses.fields(real):
        assert hasattr(ours, field.name) == hasattr(real, field.name), field.name
        if hasattr(real, field.name) and not isinstance(
            getattr(real, field.name), MemberDescriptorType
        ):  # a default, left as the class attribute (not a slot)
            assert getattr(ours, field.name) == getattr(real, field.name)
    assert (ours.__hash__ is None) == (real.__hash__ is None)


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_instances_behave_as_the_dataclass_twins(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    ours, real = _both(name, args, kwargs)
    ours_again, real_again = _both(name, args, kwargs)
    assert _repr(ours) == _repr(real)
    assert (ours == ours_again) == (real == real_again)
    assert ours != real  # a record never equals another class's instance
    assert dataclasses.asdict(ours) == dataclasses.asdict(real)
    assert dataclasses.astuple(ours) == dataclasses.astuple(real)
    assert _hashed(ours) == _hashed(real)
    assert _hashed(ours) == _hashed(ours_again)
    first = dataclasses.fields(real)[0].name
    for changed in (
        dataclasses.replace(ours, **{first: "new"}),
        _slotted.replace(ours, **{first: "new"}),
    ):
        assert type(changed) is type(ours)
        assert _repr(changed) == _repr(dataclasses.replace(real, **{first: "new"}))
    with pytest.raises(TypeError):
        _slotted.replace(ours, nothing=1)
    if real.__dataclass_params__.frozen:
        errors: tuple[Callable[[Any], None], ...] = (
            lambda v: setattr(v, first, "x"),
            lambda v: delattr(v, first),
        )
        for error in errors:
            with pytest.raises(dataclasses.FrozenInstanceError):
                error(ours)
            with pytest.raises(dataclasses.FrozenInstanceError):
                error(real)
    else:
        setattr(ours, first, "x")
        setattr(real, first, "x")
        assert _repr(ours) == _repr(real)
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert copy.deepcopy(ours) == ours and copy.copy(ours) == ours
    match ours:
        case RECORDS.Frozen(found_name) | RECORDS.Mutable(found_name):
            assert found_name == ours.name
        case _:
            pass


def test_properties_and_cached_properties_work_on_records() -> None:
    record = RECORDS.Frozen("abc", 2, ["x"])
    assert record.size == 3 and record.upper == "ABC" and record.upper == "ABC"
    assert RECORDS.Frozen.shared == 7
    assert isinstance(vars(RECORDS.Frozen)["upper"], cached_property)
    assert not hasattr(RECORDS.Slotted("a"), "__dict__")


def test_defaults_from_a_factory_are_new_each_time() -> None:
    one, two = RECORDS.Frozen("a"), RECORDS.Frozen("a")
    assert one.items == [] and one.items is not two.items


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing required arguments: name"),
        (("a",), {"name": "b"}, "multiple values for argument 'name'"),
        (("a",), {"other": 1}, "unexpected keyword argument 'other'"),
        (("a", 1, [], None, 5), {}, "takes 4 positional arguments but 5 were given"),
    ],
)
def test_wrong_calls_are_refused_as_dataclasses_refuses_them(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        RECORDS.Frozen(*args, **kwargs)
    with pytest.raises(TypeError):
        REAL.Frozen(*args, **kwargs)


@pytest.mark.parametrize(
    "body",
    [
        "    a: list = []\n",  # a mutable default
        "    a: int = 0\n    b: int\n",  # a field without default after one with
        "    a: int\n    def __post_init__(self): pass\n",  # not supported: refused
    ],
)
def test_declarations_dataclasses_refuses_or_records_do_not_support_are_refused(
    body: str,
) -> None:
    source = f"@dataclass(frozen=True)\nclass Bad:\n{body}"
    with pytest.raises((TypeError, ValueError)):
        exec(source, {"dataclass": _slotted.dataclass, "field": _slotted.field})
