"""Condition key names across sources: one name per key, whatever source the build starts from.

A key is named as the guide spells it when any guide page of the build (or the permissions page
that resolves history) knows it, else as the SAR spells it. Spellings that differ only in the
placeholder's name or in letter case are the same key (`names.identity`); the SAR's instances
of a guide template (`kms:RecipientAttestation:PCR7` of `...:PCR${PCR_ID}`) fold into it.
"""

from __future__ import annotations

from collections.abc import Iterable

from kms_permissions.names import Templates, identity, is_template

__all__ = ["KeyNames", "is_template"]


class KeyNames:
    """Maps names from any source to the key's one name."""

    def __init__(self, guide_names: Iterable[str]) -> None:
        self.by_identity: dict[str, str] = {}
        for name in sorted(guide_names):
            self.by_identity.setdefault(identity(name), name)
        self.templates = Templates(n for n in self.by_identity.values() if is_template(n))

    def canonical(self, name: str) -> str:
        """The guide's spelling of `name` when the guide knows the key, else `name`."""
        return self.by_identity.get(identity(name), name)

    def template_of(self, name: str) -> str | None:
        """The guide template that `name` is an instance of (PCR7 of PCR${PCR_ID}), if any."""
        return self.templates.match(name)

    def key_of(self, name: str) -> str:
        """The key a source's name stands for: its canonical name or the template it is an
        instance of."""
        canonical = self.canonical(name)
        if canonical != name or name in self.by_identity.values():
            return canonical
        return self.template_of(name) or name
