"""Condition key names across sources: one name per key, whatever source the build starts from.

A key is named as the guide spells it when any guide page of the build (or the permissions page
that resolves history) knows it, else as the SAR spells it. Spellings that differ only in the
placeholder's name or in letter case are the same key (`names.identity`); the SAR's instances
of a guide template (`kms:RecipientAttestation:PCR7` of `...:PCR${PCR_ID}`) fold into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kms_permissions.names import Templates, identity, is_template

__all__ = ["KeyNames", "is_template"]


class KeyNames:
    """Maps names from any source to the key's one name.

    `enumerated` are names a source lists one by one (the SAR's): a numbered family of them that
    no guide template covers is a template of its own (`enumerated_templates`), its members
    instances, as the guide's PCR template is for the SAR's PCR0 ... PCR31."""

    def __init__(self, guide_names: Iterable[str], enumerated: Iterable[str] = ()) -> None:
        self.by_identity: dict[str, str] = {}
        for name in sorted(guide_names):
            self.by_identity.setdefault(identity(name), name)
        guide = Templates(n for n in self.by_identity.values() if is_template(n))
        for name in enumerated_templates(enumerated, guide):
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


# A numbered family is a template when a source lists at least this many of its members.
FAMILY_SIZE = 3
_NUMBERED = re.compile(r"(.*[A-Za-z])(\d+)")
_FALLBACK_PLACEHOLDER = "Number"


def enumerated_templates(names: Iterable[str], guide: Templates) -> list[str]:
    """Templates for numbered families of names (`kms:RecipientAttestation:NitroTPMPCR0` ...
    `...NitroTPMPCR23`): at least FAMILY_SIZE members numbered 0, 1, 2 ... without a gap, none
    an instance of a guide template. The placeholder is a guide template's whose fixed text ends
    as the family's does (`PCR${PCR_ID}` for `...NitroTPMPCR`), else `${Number}`."""
    families: dict[str, set[int]] = {}
    for name in names:
        numbered = _NUMBERED.fullmatch(name)
        if numbered and not is_template(name) and guide.match(name) is None:
            families.setdefault(numbered[1], set()).add(int(numbered[2]))
    found = []
    for stem, numbers in sorted(families.items()):
        if len(numbers) >= FAMILY_SIZE and numbers == set(range(len(numbers))):
            found.append(f"{stem}${{{_placeholder(stem, guide)}}}")
    return found


def _placeholder(stem: str, guide: Templates) -> str:
    for template in guide.names():
        placeholder = re.fullmatch(r"(.*?)\$\{([^}]*)\}", template)
        word = placeholder[1].rsplit(":", 1)[-1] if placeholder else ""
        if placeholder and word and stem.endswith(word):
            return placeholder[2]
    return _FALLBACK_PLACEHOLDER
