"""The Python API: the lookup verbs as functions returning typed results.

>>> import kms_permissions as kp
>>> kp.lookup("Decrypt").usable_cross_account
True
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

from kms_permissions.datasets import open_index, reading
from kms_permissions.errors import ArgumentTypeError, InputError, KmsPermissionsError, expect_str
from kms_permissions.errors import shown as _shown
from kms_permissions.model import ActionInfo, ConditionKeyInfo
from kms_permissions.query import QueryError, UsageError
from kms_permissions.reference import Reference, load
from kms_permissions.vocabulary import check_filters


class NotFoundError(KmsPermissionsError, KeyError):
    """A name that is neither a KMS action nor a condition key; carries suggestions."""

    exit_status = 1

    def __init__(self, name: str, suggestions: list[str], is_key: bool = False) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        if is_key:
            message = f"{_shown(name)} is a condition key, not an action"
        else:
            message = f"{_shown(name)} is not a KMS action or condition key{hint}"
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


def lookup(name: str, dataset: str | None = None) -> ActionInfo[str] | ConditionKeyInfo[str]:
    """An action (`kms:Decrypt`, `Decrypt`, any case) or a condition key, with all its facts."""
    expect_str(name, "name", "lookup")
    folder = _dataset(dataset, "lookup")
    with _errors(folder):
        index = open_index(folder)
        entry = index.resolve(name)
        if entry is None:
            raise NotFoundError(name, index.suggestions(name))
        reference = _reference(folder)
        if entry["kind"] == "action":
            return reference.actions[entry["name"]]
        return reference.condition_keys[entry["name"]]


def expand(pattern: str, dataset: str | None = None) -> list[str]:
    """The actions an IAM action pattern matches (`kms:*`, `kms:Get*`, `kms:*Key?`)."""
    expect_str(pattern, "pattern", "expand")
    folder = _dataset(dataset, "expand")
    with _errors(folder):
        return open_index(folder).expand(pattern)


def actions(dataset: str | None = None, **filters: str | bool) -> list[ActionInfo[str]]:
    """Actions with the given facts, e.g. `actions(cross_account="yes", access_level="Read")`.

    Filters: cross_account, policy_type, access_level, resource_type, key, iam_only,
    key_policy_effective, source; each value is checked against the dataset's vocabulary.
    """
    folder = _dataset(dataset, "actions")
    for field, value in filters.items():
        if not isinstance(value, str | bool):
            raise ArgumentTypeError(
                f"actions(): filter {field} must be a str or bool, not {type(value).__name__}"
            )
    conditions = [(f, str(v).lower() if isinstance(v, bool) else v) for f, v in filters.items()]
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
    action: str | None = None, dataset: str | None = None
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
