"""The Python API: the lookup verbs as functions returning typed results.

>>> import kms_permissions as kp
>>> kp.lookup("kms:Decrypt").usable_cross_account
True
>>> kp.lookup_action("Decrypt").access_level
'Write'

>>> kp.expand("kms:GetKey*")
['kms:GetKeyLastUsage', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus']

Every function raises the project's own errors (`kms_permissions.errors.KmsPermissionsError`)
with the messages the command line prints: `NotFoundError` (also a KeyError) for an unknown
name, `InputError` (also a ValueError) for a filter the dataset has no value for,
`ArgumentTypeError` (also a TypeError) for an argument of the wrong type, `DatasetError` or
`IntegrityError` for a dataset that cannot be used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import overload

from kms_permissions.damage import open_index, reading
from kms_permissions.errors import ArgumentTypeError, InputError, KmsPermissionsError, expect_str
from kms_permissions.errors import shown as _shown
from kms_permissions.model import ActionInfo, ConditionKeyInfo
from kms_permissions.query import QueryError, UsageError
from kms_permissions.reference import Reference, load
from kms_permissions.vocabulary import ActionFilters, check_filters

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Unpack

    from kms_permissions.constants import ActionName, ConditionKeyName

Dataset = str | os.PathLike[str] | None
# What a lookup wanted (None: either kind), as its error names it.
_WANTED = {
    None: "a KMS action or condition key",
    "action": "a KMS action",
    "condition_key": "a condition key",
}


class NotFoundError(KmsPermissionsError, KeyError):
    """A name that is neither a KMS action nor a condition key; carries suggestions."""

    exit_status = 1

    def __init__(
        self,
        name: str,
        suggestions: list[str],
        is_key: bool = False,
        wanted: str | None = None,
        is_action: bool = False,
    ) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        what = _WANTED[wanted]
        if is_key:
            message = f"{_shown(name)} is a condition key, not an action"
        elif is_action:
            message = f"{_shown(name)} is an action, not a condition key"
        else:
            message = f"{_shown(name)} is not {what}{hint}"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError's would quote the message again
        return str(self.args[0])


class DatasetError(KmsPermissionsError, QueryError):
    """A dataset folder that cannot be used (also the lookup index's QueryError)."""


class FilterError(InputError, UsageError):
    """A filter the dataset has no such field or value for (also the index's UsageError)."""


@contextmanager
def _errors(dataset: str | os.PathLike[str] | None) -> Iterator[None]:
    """The project's errors, whatever layer raised them, and a damaged dataset named."""
    try:
        with reading(dataset):
            yield
    except KmsPermissionsError:
        raise
    except UsageError as exc:
        raise FilterError(str(exc)) from None
    except QueryError as exc:
        raise DatasetError(str(exc)) from None


def _dataset(value: object, function: str) -> str | None:
    if value is not None and not isinstance(value, str | os.PathLike):
        raise ArgumentTypeError(
            f"{function}(): dataset must be a path or None, not {type(value).__name__}"
        )
    return None if value is None else os.fspath(value)


def _reference(dataset: str | None) -> Reference:
    return load(dataset)


@overload
def lookup(name: ActionName, dataset: Dataset = None) -> ActionInfo[str]: ...
@overload
def lookup(name: ConditionKeyName, dataset: Dataset = None) -> ConditionKeyInfo[str]: ...
@overload
def lookup(name: str, dataset: Dataset = None) -> ActionInfo[str] | ConditionKeyInfo[str]: ...
def lookup(name: str, dataset: Dataset = None) -> ActionInfo[str] | ConditionKeyInfo[str]:
    """An action (`kms:Decrypt`, `Decrypt`, any case) or a condition key, with all its facts.

    Typed by the name: a literal action name gives `ActionInfo`, a literal condition key
    `ConditionKeyInfo`, any other string either (`lookup_action`, `lookup_key` say which).
    """
    return _lookup(name, dataset, "lookup", None)


def lookup_action(name: str, dataset: Dataset = None) -> ActionInfo[str]:
    """An action (`kms:Decrypt`, `Decrypt`, any case); NotFoundError for anything else."""
    found = _lookup(name, dataset, "lookup_action", "action")
    assert isinstance(found, ActionInfo)
    return found


def lookup_key(name: str, dataset: Dataset = None) -> ConditionKeyInfo[str]:
    """A condition key (`kms:ViaService`, any case); NotFoundError for anything else."""
    found = _lookup(name, dataset, "lookup_key", "condition_key")
    assert isinstance(found, ConditionKeyInfo)
    return found


def _lookup(
    name: str, dataset: Dataset, function: str, kind: str | None
) -> ActionInfo[str] | ConditionKeyInfo[str]:
    expect_str(name, "name", function)
    folder = _dataset(dataset, function)
    with _errors(folder):
        index = open_index(folder)
        entry = index.resolve(name)
        if entry is not None and kind is not None and entry["kind"] != kind:
            is_key = entry["kind"] == "condition_key"
            raise NotFoundError(name, [], is_key=is_key, is_action=not is_key)
        if entry is None:
            close = [
                s
                for s in index.suggestions(name)
                if kind is None or (index.resolve(s) or {}).get("kind") == kind
            ]
            raise NotFoundError(name, close, wanted=kind)
        reference = _reference(folder)
        if entry["kind"] == "action":
            return reference.actions[entry["name"]]
        return reference.condition_keys[entry["name"]]


def expand(pattern: str, dataset: Dataset = None) -> list[str]:
    """The actions an IAM action pattern matches (`kms:*`, `kms:Get*`, `kms:*Key?`)."""
    expect_str(pattern, "pattern", "expand")
    folder = _dataset(dataset, "expand")
    with _errors(folder):
        return open_index(folder).expand(pattern)


def actions(dataset: Dataset = None, **filters: Unpack[ActionFilters]) -> list[ActionInfo[str]]:
    """Actions with the given facts, e.g. `actions(cross_account="yes", access_level="Read")`.

    The filters are `ActionFilters`' keys; each value is checked against the dataset's values.
    """
    folder = _dataset(dataset, "actions")
    conditions: list[tuple[str, str]] = []
    for field, value in filters.items():
        if isinstance(value, bool):
            conditions.append((field, str(value).lower()))
        elif isinstance(value, str):
            conditions.append((field, value))
        else:  # a caller the type checker did not see
            raise ArgumentTypeError(
                f"actions(): filter {field} must be a str or bool, not {type(value).__name__}"
            )
    with _errors(folder):
        index = open_index(folder)
        try:
            check_filters(
                conditions,
                index.actions.values(),
                lambda n: index.key_name(n) is not None,
                index.suggestions,
            )
        except InputError as exc:
            raise FilterError(str(exc)) from None
        reference = _reference(folder)
        return [reference.actions[e["name"]] for e in index.select(conditions)]


def condition_keys(
    action: str | None = None, dataset: Dataset = None
) -> list[ConditionKeyInfo[str]]:
    """All condition keys, or those that apply to `action` (the guide's, then the SAR's)."""
    if action is not None:
        expect_str(action, "action", "condition_keys")
    folder = _dataset(dataset, "condition_keys")
    with _errors(folder):
        reference = _reference(folder)
        if action is None:
            return list(reference.condition_keys.values())
        index = open_index(folder)
        entry = index.resolve(action)
        if entry is not None and entry["kind"] == "condition_key":
            raise NotFoundError(action, [], is_key=True)
        if entry is None:
            raise NotFoundError(action, index.suggestions(action))
        return [reference.condition_keys[k["name"]] for k in index.keys_for_action(entry["name"])]
