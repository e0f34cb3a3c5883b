"""The AWS KMS authorization reference as data.

- `kms_permissions.constants`: typed constants (StrEnums, Literals, facts), pure Python.
- `kms_permissions.load()`: the bundled dataset as typed objects; `data_path(name)` gives
  the path of a bundled file for DuckDB, pandas or polars.
- `kms_permissions.lookup()`, `expand()`, `actions()`, `condition_keys()`: questions answered.
- `kms_permissions.explain()`, `access()`: why a KMS request is allowed or denied; who can do what.
- `kms_permissions.key_policy(spec)`: the key policy a spec asks for, proved by check and explain.
"""

from __future__ import annotations

from kms_permissions._version import __version__

# Not `typing.TYPE_CHECKING`: importing typing would cost a third of a lookup's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kms_permissions.api import NotFoundError, actions, condition_keys, expand, lookup
    from kms_permissions.policy.access import access, explain
    from kms_permissions.policy.authoring import key_policy
    from kms_permissions.reference import Reference, data_path, load

__all__ = [
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
]
_LAZY = {
    "load": "reference",
    "data_path": "reference",
    "Reference": "reference",
    "lookup": "api",
    "expand": "api",
    "actions": "api",
    "condition_keys": "api",
    "NotFoundError": "api",
    "explain": "policy.access",
    "access": "policy.access",
    "key_policy": "policy.authoring",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `import kms_permissions.constants` and the lookup command stay cheap.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"kms_permissions.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kms_permissions' has no attribute {name!r}")
