"""Resolve a condition key's API-operations expression into concrete actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from kms_permissions.scraper.records import OperationTerm, PermissionsPage, SarPage

CRYPTO_GROUPS = ("cryptographic operations", "signing and verification")


@dataclass
class ActionIndex:
    """What the resolution needs to know about the actions of one dataset version."""

    by_operation: dict[str, list[str]] = field(default_factory=dict)
    key_resource: set[str] = field(default_factory=set)
    cryptographic: set[str] = field(default_factory=set)

    @property
    def actions(self) -> set[str]:
        """Every action known."""
        return {a for actions in self.by_operation.values() for a in actions}

    @classmethod
    def from_guide(cls, page: PermissionsPage) -> ActionIndex:
        """Index from the guide's permissions reference (authoritative)."""
        index = cls()
        for op in page.operations:
            index.by_operation[op.name] = list(op.permissions)
            for grant in op.grants:
                if "key" in grant.resources:
                    index.key_resource.update(op.permissions)
                groups = {(k.group or "").lower() for k in grant.condition_keys}
                if any(label in g for g in groups for label in CRYPTO_GROUPS):
                    index.cryptographic.update(op.permissions)
        return index

    @classmethod
    def from_sar(cls, page: SarPage) -> ActionIndex:
        """Index from the SAR, when the guide's table is not part of the build.

        The SAR does not say which operations are cryptographic, so that group stays empty.
        """
        index = cls()
        for action in page.actions:
            name = f"kms:{action.name}"
            index.by_operation[action.name] = [name]
            if any(r.resource_type == "key" for r in action.resource_rows):
                index.key_resource.add(name)
        return index

    def resolve(self, terms: tuple[OperationTerm, ...]) -> list[str]:
        """The actions a union of terms covers, sorted."""
        found: set[str] = set()
        for term in terms:
            if term.kind == "operation" and term.operation:
                found.update(self.by_operation.get(term.operation, []))
            elif term.kind == "kms-key-resource-operations":
                found.update(self.key_resource)
            elif term.kind == "custom-key-store-operations":
                found.update(
                    a
                    for op, acts in self.by_operation.items()
                    if "CustomKeyStore" in op
                    for a in acts
                )
            elif term.kind == "cryptographic-operations":
                found.update(self.cryptographic)
            elif term.kind == "all-except":
                excluded = {a for op in term.excluded for a in self.by_operation.get(op, [])}
                found.update(self.actions - excluded)
        return sorted(found)
