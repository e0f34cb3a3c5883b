"""Typed facts about actions and condition keys: what the constants and `load()` return.

The classes are generic in the type of key (and action) names, so that the generated constants
can hold enum members (`ActionInfo[ConditionKey]`) while a dataset loaded from a folder holds
plain strings (`ActionInfo[str]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

PolicyType = Literal["key-policy", "iam-policy"]
CrossAccount = Literal["yes", "no", "n/a", "other", "mixed"]
ValueType = Literal["single-valued", "multi-valued"]

K = TypeVar("K", bound=str)
A = TypeVar("A", bound=str)


@dataclass(frozen=True, slots=True)
class KeyGroup(Generic[K]):
    """Condition keys under one of the guide's group labels (None when unlabelled)."""

    label: str | None
    keys: tuple[K, ...]


@dataclass(frozen=True, slots=True)
class Grant(Generic[K]):
    """One policy type / cross-account / resource row of an action (the guide's table)."""

    policy_type: PolicyType
    qualifier: str | None
    cross_account: str
    cross_account_text: str
    resources: tuple[str, ...]
    condition_keys: tuple[KeyGroup[K], ...]
    condition_keys_note: str | None


@dataclass(frozen=True, slots=True)
class ActionInfo(Generic[K]):
    """Everything the dataset knows about one KMS permission."""

    action: str
    operation: str
    in_guide: bool
    in_sar: bool
    policy_types: tuple[PolicyType, ...]
    key_policy_effective: bool | None
    cross_account: str | None
    cross_account_text: str | None
    resources: tuple[str, ...]
    grants: tuple[Grant[K], ...]
    condition_keys: tuple[K, ...]
    sar_condition_keys: tuple[str, ...]
    access_level: str | None
    description: str | None
    dependent_actions: tuple[str, ...]
    permission_only: bool
    api_reference_url: str | None
    note: str | None
    first_seen: str | None

    @property
    def usable_cross_account(self) -> bool:
        """Principals in another account can use it (the guide says Yes)."""
        return self.cross_account == "yes"

    @property
    def iam_policy_only(self) -> bool:
        """It can be granted only in an IAM policy."""
        return self.policy_types == ("iam-policy",)


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo(Generic[A]):
    """Everything the dataset knows about one condition key."""

    key: str
    prefix: str
    is_template: bool
    condition_type: str | None
    value_type: ValueType | None
    actions: tuple[A, ...]
    policy_types: tuple[PolicyType, ...]
    deprecated: bool
    replacement: str | None
    description: str | None
    sar_type: str | None
    in_guide: bool
    in_sar: bool
    first_seen: str | None

    @property
    def multi_valued(self) -> bool:
        """A multi-valued key: conditions on it need ForAnyValue / ForAllValues."""
        return self.value_type == "multi-valued"
