"""Names a package exports without importing them until first use (PEP 562).

A package lists `{name: submodule}` and sets `__getattr__ = exports(globals(), TABLE)`: the
first use of a name imports its submodule and keeps the value in the package's namespace, so
importing one part of a package (the evaluator, say) does not load the others.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def exports(namespace: dict[str, object], table: Mapping[str, str]) -> Callable[[str], object]:
    """The package's module `__getattr__`: `table` maps each lazy name to its submodule."""
    package = str(namespace["__name__"])

    def __getattr__(name: str) -> object:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
