"""The optional parts of the package: which extra brings which packages, and the check for them.

The core (the constants, `load()`, `data_path()`, lookups, `check` of policy JSON, `verify`)
needs nothing outside the standard library. A verb that needs more calls `require` first, so
that a missing extra is one line saying what to install, not a traceback. Standard library only.
"""

from __future__ import annotations

from kms_permissions.errors import KmsPermissionsError

# Extra -> the modules it provides (as imported), as pyproject.toml's optional dependencies.
EXTRAS: dict[str, tuple[str, ...]] = {
    "scrape": ("requests", "bs4", "lxml", "platformdirs", "filelock"),
    "parquet": ("pyarrow",),
    "site": ("mkdocs", "material", "rjsmin", "rcssmin"),
    "templates": ("yaml",),
}


class MissingExtra(KmsPermissionsError):
    """A verb or function needs an extra that is not installed."""

    exit_status = 2


def missing(*extras: str) -> list[str]:
    """The extras among `extras` of which some module cannot be imported."""
    import importlib.util  # here: most runs never ask, and its import costs a cold check

    return [
        extra
        for extra in extras
        if any(importlib.util.find_spec(module) is None for module in EXTRAS[extra])
    ]


def require(*extras: str) -> None:
    """Raise MissingExtra naming what to install unless every module of `extras` is there."""
    absent = missing(*extras)
    if not absent:
        return
    names = " and ".join(f"'{extra}'" for extra in absent)
    noun = "extra" if len(absent) == 1 else "extras"
    raise MissingExtra(
        f"needs the {names} {noun}: pip install 'kms-permissions[{','.join(absent)}]'"
    )
