"""Dataset version names: the newest source revision date, `.N` for a rebuild of it."""

from __future__ import annotations

import re

from kms_permissions.errors import KmsPermissionsError

_VERSION = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d+))?$")


def base_version(newest_date: str | None) -> str:
    """`2026.06.14` for sources whose newest revision is dated 2026-06-14."""
    if not newest_date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest_date):
        raise KmsPermissionsError(
            "no dated source: a dataset version is named after its newest source revision date "
            "(give undated local pages a date with --revision-date)"
        )
    return newest_date.replace("-", ".")


def next_version(base: str, previous: str | None, same_sources: bool, same_content: bool) -> str:
    """The version for a build: `base`, or `base.N` when the same sources are rebuilt anew."""
    if previous is None or not same_sources:
        return base
    match = _VERSION.match(previous)
    if match is None or previous.split(".")[:3] != base.split("."):
        return base
    if same_content:
        return previous
    return f"{base}.{int(match.group(4) or 0) + 1}"


def pep440(version: str) -> str:
    """The version as pip spells it (leading zeros dropped)."""
    return ".".join(str(int(part)) for part in version.split("."))
