"""The AWS KMS authorization reference as data.

- `kms_permissions.constants`: typed constants (StrEnums, Literals, facts), pure Python.
- `kms_permissions.load()`: the bundled dataset as typed objects; `data_path(name)` gives
  the path of a bundled file for DuckDB, pandas or polars.
- `kms_permissions.lookup()` (`lookup_action()`, `lookup_key()`), `expand()`, `actions()`,
  `condition_keys()`: questions answered.
- `kms_permissions.explain()`, `access()`: why a KMS request is allowed or denied; who can do what.
- `kms_permissions.key_policy(spec)`: the key policy a spec asks for, proved by check and explain.
"""

from __future__ import annotations

from kms_permissions._version import DATASET_VERSION, __version__

# Imported on first use, so that `import kms_permissions.constants` and the lookup command stay
# cheap. Type checkers and editors read `__init__.pyi`, which imports the same names.
__all__ = [
    "DATASET_VERSION",
    "NotFoundError",
    "Reference",
    "__version__",
    "access",
    "actions",
    "condition_keys",
    "data_path",
    "expand",
    "explain",
    "key_policy",
    "load",
    "lookup",
    "lookup_action",
    "lookup_key",
]
_LAZY = {
    "load": "reference",
    "data_path": "reference",
    "Reference": "reference",
    "lookup": "api",
    "lookup_action": "api",
    "lookup_key": "api",
    "expand": "api",
    "actions": "api",
    "condition_keys": "api",
    "NotFoundError": "api",
    "explain": "policy.access",
    "access": "policy.access",
    "key_policy": "policy.authoring",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"kms_permissions.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kms_permissions' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names with the lazy ones (IPython completes from this)."""
    return sorted({*globals(), *_LAZY})
