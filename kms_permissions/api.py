"""The Python API: the lookup verbs as functions returning typed results.

>>> import kms_permissions as kp
>>> kp.lookup("Decrypt").usable_cross_account
True
>>> kp.expand("kms:GetKey*")
['kms:GetKeyLastUsage', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus']
"""

from __future__ import annotations

from kms_permissions.model import ActionInfo, ConditionKeyInfo
from kms_permissions.query import FILTERS, UsageError, load_index
from kms_permissions.reference import Reference, load


class NotFoundError(KeyError):
    """A name that is neither a KMS action nor a condition key; carries suggestions."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{name!r} is not a KMS action or condition key{hint}")


def _reference(dataset: str | None) -> Reference:
    return load(dataset)


def lookup(name: str, dataset: str | None = None) -> ActionInfo[str] | ConditionKeyInfo[str]:
    """An action (`kms:Decrypt`, `Decrypt`, any case) or a condition key, with all its facts."""
    index = load_index(dataset)
    entry = index.resolve(name)
    if entry is None:
        raise NotFoundError(name, index.suggestions(name))
    reference = _reference(dataset)
    if entry["kind"] == "action":
        return reference.actions[entry["name"]]
    return reference.condition_keys[entry["name"]]


def expand(pattern: str, dataset: str | None = None) -> list[str]:
    """The actions an IAM action pattern matches (`kms:*`, `kms:Get*`, `kms:*Key?`)."""
    return load_index(dataset).expand(pattern)


def actions(dataset: str | None = None, **filters: str | bool) -> list[ActionInfo[str]]:
    """Actions with the given facts, e.g. `actions(cross_account="yes", access_level="Read")`.

    Filters: cross_account, policy_type, access_level, resource_type, key, iam_only,
    key_policy_effective, source.
    """
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise UsageError(f"unknown filter {unknown[0]!r}; filters: {', '.join(FILTERS)}")
    conditions = [(f, str(v).lower() if isinstance(v, bool) else v) for f, v in filters.items()]
    reference = _reference(dataset)
    return [reference.actions[e["name"]] for e in load_index(dataset).select(conditions)]


def condition_keys(
    action: str | None = None, dataset: str | None = None
) -> list[ConditionKeyInfo[str]]:
    """All condition keys, or those that apply to `action` (the guide's, then the SAR's)."""
    reference = _reference(dataset)
    if action is None:
        return list(reference.condition_keys.values())
    index = load_index(dataset)
    entry = index.resolve(action)
    if entry is None or entry["kind"] != "action":
        raise NotFoundError(action, index.suggestions(action))
    return [reference.condition_keys[k["name"]] for k in index.keys_for_action(entry["name"])]
