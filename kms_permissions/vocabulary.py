"""The values each `actions` filter can take, read from the dataset's own entries.

`actions --filter source=bogus` used to list every action and `cross_account=maybe` an empty
table: a value the dataset never uses is a mistake, not a question. `check_filters` refuses an
unknown field or value before anything is selected, naming the values there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypedDict

from kms_permissions.errors import InputError, shown
from kms_permissions.model import AccessLevel, ActionCrossAccount, PolicyType, ResourceName


class ActionFilters(TypedDict, total=False):
    """The filters of `kms_permissions.actions()` (the command's `--filter FIELD=VALUE`): an
    action is listed when it meets every one given. Strings match in any case."""

    cross_account: ActionCrossAccount
    """Its cross-account use, e.g. "yes"."""
    policy_type: PolicyType
    """A policy type it can be granted in."""
    access_level: AccessLevel
    """Its SAR access level, e.g. "Read"."""
    resource_type: ResourceName
    """A resource it applies to."""
    key: str
    """A condition key that applies to it, e.g. "kms:ViaService"."""
    iam_only: bool
    """Whether it can be granted only in an IAM policy."""
    key_policy_effective: bool
    """False for those whose key policy grant has no effect."""
    source: Literal["guide", "sar"]
    """The source that lists it."""


FIELDS: tuple[str, ...] = tuple(ActionFilters.__annotations__)
# Fields whose values are fixed by the filter itself rather than by the data.
_FIXED = {
    "iam_only": ("yes", "no", "true", "false", "1", "0"),
    "source": ("guide", "sar"),
}


def values(entries: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Per filter field (but `key`), the values it accepts (lower case), from the entries."""
    found: dict[str, set[str]] = {f: set() for f in FIELDS if f != "key" and f not in _FIXED}
    for entry in entries:
        if entry["cross_account"]:
            found["cross_account"].add(str(entry["cross_account"]).lower())
        found["policy_type"].update(p.lower() for p in entry["policy_types"])
        if entry["access_level"]:
            found["access_level"].add(str(entry["access_level"]).lower())
        found["resource_type"].update(r.lower() for r in entry["resources"])
        found["key_policy_effective"].add(str(entry["key_policy_effective"]).lower())
    return {**{f: sorted(v) for f, v in found.items()}, **{f: list(v) for f, v in _FIXED.items()}}


def check_filters(
    conditions: list[tuple[str, str]],
    entries: Iterable[dict[str, Any]],
    is_key: Callable[[str], bool],
    suggest: Callable[[str], list[str]],
) -> None:
    """Raise InputError for the first unknown field or value; `is_key` tells whether a name is
    a condition key of the dataset, `suggest` gives names close to a misspelt one."""
    known: dict[str, list[str]] | None = None
    for field, value in conditions:
        where = f"filter {shown(field)}={shown(value)}"
        if field not in FIELDS:
            raise InputError(f"{where}: unknown filter; filters: {', '.join(FIELDS)}")
        if not value.strip():
            raise InputError(f"{where}: no value given")
        if field == "key":
            if not is_key(value):
                close = [n for n in suggest(value) if is_key(n)]
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise InputError(f"{where}: not a condition key of the dataset{hint}")
            continue
        if known is None:
            known = values(entries)
        wanted = value.strip().lower()
        if field == "policy_type":
            wanted = wanted.replace(" ", "-")
        if wanted not in known[field]:
            raise InputError(
                f"{where}: not a value of {field} in the dataset; values: {', '.join(known[field])}"
            )
