"""The AWS KMS authorization reference as data.

- `kms_permissions.constants`: typed constants (StrEnums, Literals, facts), pure Python.
- `kms_permissions.load()`: the bundled dataset as typed objects; `data_path(name)` gives
  the path of a bundled file for DuckDB, pandas or polars.
- `kms_permissions.lookup()`, `expand()`, `actions()`, `condition_keys()`: questions answered.
"""

from __future__ import annotations

from kms_permissions._version import __version__

# Not `typing.TYPE_CHECKING`: importing typing would cost a third of a lookup's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kms_permissions.reference import Reference, data_path, load

__all__ = ["Reference", "__version__", "data_path", "load"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import kms_permissions.constants` stays cheap.
    if name in ("load", "data_path", "Reference"):
        from kms_permissions import reference

        return getattr(reference, name)
    raise AttributeError(f"module 'kms_permissions' has no attribute {name!r}")
