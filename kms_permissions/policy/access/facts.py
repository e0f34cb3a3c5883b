"""Every dataset fact the access analysis reads, behind one small adapter.

The rest of `kms_permissions.policy.access` never touches the dataset itself: it asks these
functions, which return small typed views. They read the read model's index (`query`) entry by
entry, as `lookup` does, not the whole typed reference: a cold `explain` decides one request, and
building every row of the reference (or reading every entry) would cost it more than the
decision.
"""

from __future__ import annotations

from functools import cache

from kms_permissions.names import Templates
from kms_permissions.query import load_index

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

# The template of the encryption context condition keys, as the dataset names it.
ENCRYPTION_CONTEXT_TEMPLATE = "kms:EncryptionContext:${context-key}"


@dataclass(frozen=True)
class KeyPart:
    """A permission the operation needs on one of its keys, as the API Reference says."""

    permission: str
    resource: str  # as written: "the source KMS key", "the new KMS key"


@dataclass(frozen=True)
class IamPart:
    """An IAM-policy-only permission the operation needs besides its own, and where."""

    permission: str
    where: str | None  # as written: "in the replica Region"


@dataclass(frozen=True)
class ActionFacts:
    """What the dataset says about one KMS permission, as far as access decisions need it."""

    name: str
    operation: str
    policy_types: tuple[str, ...]
    key_policy_effective: bool | None
    cross_account: str | None
    cross_account_text: str | None
    resources: tuple[str, ...]
    condition_keys: tuple[str, ...]
    note: str | None
    key_parts: tuple[KeyPart, ...] = ()  # its operation's permissions on keys (key policy)
    iam_parts: tuple[IamPart, ...] = ()  # IAM-policy-only permissions it needs besides its own

    @property
    def iam_policy_only(self) -> bool:
        """Only an IAM policy can grant it (the guide's policy type is IAM policy alone)."""
        return self.policy_types == ("iam-policy",)

    @property
    def on_key(self) -> bool:
        """It is authorized on a KMS key (its resources include the key)."""
        return "key" in self.resources

    @property
    def takes_encryption_context(self) -> bool:
        """Its requests can carry an encryption context (the guide lists the context keys)."""
        return ENCRYPTION_CONTEXT_TEMPLATE in self.condition_keys


@dataclass(frozen=True)
class KeyFacts:
    """What the dataset says about one condition key: its type and whether it is multi-valued."""

    name: str
    condition_type: str | None
    multi_valued: bool | None


class _Facts:
    """The facts of one dataset, each entry read from the index when first asked for (the
    index's TOC gives the names; an entry's part of `index.json` is read and checked alone)."""

    def __init__(self, dataset: str | None) -> None:
        self.index = load_index(dataset)
        self.actions_by_lower = {name.lower(): name for name in self.index.action_names}
        self.keys_by_lower = {name.lower(): name for name in self.index.key_names}
        self._actions: dict[str, ActionFacts] = {}
        self._keys: dict[str, KeyFacts] = {}

    def action(self, name: str) -> ActionFacts:
        """The facts of an action by its exact name."""
        found = self._actions.get(name)
        if found is None:
            info = self.index.entry(name)
            found = self._actions[name] = ActionFacts(
                name=name,
                operation=info["operation"],
                policy_types=tuple(info["policy_types"]),
                key_policy_effective=info["key_policy_effective"],
                cross_account=info["cross_account"],
                cross_account_text=info["cross_account_text"],
                resources=tuple(info["resources"]),
                condition_keys=tuple(info["condition_keys"]),
                note=info["note"],
                key_parts=_key_parts(info),
                iam_parts=_iam_parts(name, info),
            )
        return found

    def key(self, name: str) -> KeyFacts:
        """The facts of a condition key by its exact name."""
        found = self._keys.get(name)
        if found is None:
            info = self.index.entry(name)
            value_type = info["value_type"]
            found = self._keys[name] = KeyFacts(
                name=name,
                condition_type=info["condition_type"],
                multi_valued=None if value_type is None else value_type == "multi-valued",
            )
        return found

    def templates(self) -> Templates:
        """The templated keys and the instances a source enumerates (the index's matcher)."""
        return self.index.templates()


def _key_parts(info: dict[str, Any]) -> tuple[KeyPart, ...]:
    """The permissions its operation always needs in key policies, one per key."""
    needs = info.get("required_permissions") or ()
    return tuple(
        KeyPart(str(r["permission"]), str(r["resource"]))
        for r in needs
        if r["operation"] == info["operation"]
        and "key-policy" in r["policy_types"]
        and r["parameter"] is None
        and r["resource"]
    )


def _iam_parts(name: str, info: dict[str, Any]) -> tuple[IamPart, ...]:
    """The IAM-policy-only permissions its operation always needs besides this one."""
    needs = info.get("required_permissions") or ()
    return tuple(
        IamPart(str(r["permission"]), r["where"])
        for r in needs
        if r["operation"] == info["operation"]
        and r["permission"] != name
        and list(r["policy_types"]) == ["iam-policy"]
        and r["parameter"] is None
    )


@cache
def _facts(dataset: str | None) -> _Facts:
    return _Facts(dataset)


def dataset_version(dataset: str | None = None) -> str:
    """The version of the dataset the facts come from."""
    return _facts(dataset).index.version


def action_facts(name: str, dataset: str | None = None) -> ActionFacts | None:
    """A KMS permission by its policy name in any case (`kms:Decrypt`), or None."""
    facts = _facts(dataset)
    canonical = facts.actions_by_lower.get(name.strip().lower())
    return facts.action(canonical) if canonical else None


def action_for_operation(operation: str, dataset: str | None = None) -> str | None:
    """The permission named after an API operation (`Decrypt` -> `kms:Decrypt`), or None; of
    two permissions of one operation (ReEncrypt), the last by name, as the index lists them."""
    facts = _facts(dataset)
    found = None
    for name in facts.index.action_names:
        if facts.action(name).operation == operation:
            found = name
    return found


def all_actions(dataset: str | None = None) -> tuple[str, ...]:
    """Every KMS permission the dataset knows, sorted."""
    return tuple(sorted(_facts(dataset).index.action_names))


def key_facts(name: str, dataset: str | None = None) -> KeyFacts | None:
    """A condition key by name in any case; a template instance gives its template's facts."""
    facts = _facts(dataset)
    canonical = facts.keys_by_lower.get(name.strip().lower()) or facts.templates().match(name)
    return facts.key(canonical) if canonical else None
