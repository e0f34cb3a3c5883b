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


def instance_descriptions(names: list[str], found: list[SarConditionKeyView]) -> list[str]:
    """Each SAR name's own description, in `names`' order, where they differ from each other."""
    described = {k.name: k.description for k in found}
    own = [described.get(name) for name in names]
    if len(own) < 2 or None in own or len({_instance_free(k) for k in found}) == 1:
        return []
    return [text for text in own if text is not None]


class SarConditionKeyView:
    """The SAR's facts for one key, or for a template from its instances."""

    def __init__(self, name: str, type_: str, description: str) -> None:
        self.name = name
        self.type = type_
        self.description = description


def sar_view(name: str, found: list[SarConditionKeyView]) -> SarConditionKeyView | None:
    """The SAR's facts for a key: its own entry, or what all its instances share."""
    if not found:
        return None
    own = [k for k in found if k.name == name] or found
    if len(own) == 1:
        return own[0]
    types = sorted({k.type for k in own})
    descriptions = sorted({_instance_free(k) for k in own})
    return SarConditionKeyView(
        name,
        types[0] if len(types) == 1 else " / ".join(types),
        descriptions[0] if len(descriptions) == 1 else _shared(descriptions),
    )


def _shared(descriptions: list[str]) -> str:
    """The leading sentences all descriptions share (each instance's own are kept apart)."""
    split = [re.split(r"(?<=[.!?])\s+", d) for d in descriptions]
    shared = []
    for sentences in zip(*split, strict=False):
        if len(set(sentences)) != 1:
            break
        shared.append(sentences[0])
    return " ".join(shared) or " / ".join(descriptions)


def _instance_free(key: SarConditionKeyView) -> str:
    """An instance's description with its own number generalised, so instances compare equal."""
    number = re.search(r"(\d+)$", key.name)
    if not number:
        return key.description
    return re.sub(rf"\b{number.group(1)}\b", "N", key.description)
