"""Dataset version names: the newest source revision date, `.N` for a rebuild of it.

A version is a real date (never `2026.13.45`), never older than the version it replaces, and a
rebuild whose content differs from the previous version of the same date gets the next `.N`:
a version number never names two different contents.
"""

from __future__ import annotations

import datetime
import re

from kms_permissions.errors import InputError, KmsPermissionsError, shown

_VERSION = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d+))?$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class VersionError(KmsPermissionsError):
    """A version that cannot be published: undated, or older than the previous one."""


def real_date(value: str, what: str = "--revision-date") -> str:
    """`value` if it is a real calendar date written YYYY-MM-DD and not in the future."""
    if not _DATE.fullmatch(value):
        raise InputError(f"{what} {shown(value)}: not a date written YYYY-MM-DD")
    try:
        date = datetime.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} {value}: not a real date") from None
    # A day of slack: the date of a page published in a time zone ahead of this one.
    if date > datetime.date.today() + datetime.timedelta(days=1):
        raise InputError(f"{what} {value}: a date in the future")
    return value


def base_version(newest_date: str | None) -> str:
    """`2026.06.14` for sources whose newest revision is dated 2026-06-14."""
    if not newest_date:
        raise VersionError(
            "no dated source: a dataset version is named after its newest source revision date "
            "(give undated local pages a date with --revision-date)"
        )
    return real_date(newest_date, "the newest source revision date").replace("-", ".")


def _key(version: str) -> tuple[int, int, int, int]:
    match = _VERSION.match(version)
    if match is None:
        raise VersionError(f"{shown(version)} is not a dataset version (YYYY.MM.DD[.N])")
    year, month, day, rebuild = match.groups()
    return int(year), int(month), int(day), int(rebuild or 0)


def next_version(base: str, previous: str | None, same_content: bool) -> str:
    """The version for a build: `base`, or `base.N` when the previous version has the same date.

    The same content keeps the previous version; different content of the same date gets the
    next `.N`; a base older than the previous version is refused.
    """
    if previous is None:
        return base
    new, old = _key(base), _key(previous)
    if new[:3] < old[:3]:
        raise VersionError(
            f"version {base} would be older than the previous version {previous}; a dataset "
            "version never goes backwards (build an older version into another folder)"
        )
    if new[:3] > old[:3]:
        return base
    if same_content:
        return previous
    return f"{base}.{old[3] + 1}"


def pep440(version: str) -> str:
    """The version as pip spells it (leading zeros dropped; a package version's `.postN` kept)."""
    release, post, number = version.partition(".post")
    normal = ".".join(str(int(part)) for part in release.split("."))
    return f"{normal}.post{int(number)}" if post else normal
