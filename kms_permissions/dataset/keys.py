"""Condition key names across sources: template-insensitive identity and template instances.

The guide writes `kms:EncryptionContext:${context-key}` and `aws:ResourceTag/${tag-key}`; the
SAR writes `kms:EncryptionContext:${EncryptionContextKey}` and `aws:ResourceTag/${TagKey}`.
They are the same keys: identity ignores the placeholder's name and the letter case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def identity(name: str) -> str:
    """A key's identity: lower case, placeholders anonymised."""
    return _PLACEHOLDER.sub("${}", name).lower()


def is_template(name: str) -> bool:
    """Whether the name holds a `${...}` placeholder."""
    return bool(_PLACEHOLDER.search(name))


def template_pattern(name: str) -> re.Pattern[str]:
    """A regex matching concrete instances of a templated key name."""
    parts = _PLACEHOLDER.split(name)
    return re.compile("[^:/]+".join(re.escape(p) for p in parts) + r"\Z", re.IGNORECASE)


class KeyNames:
    """Maps names from any source to the canonical (guide) spelling."""

    def __init__(self, guide_names: Iterable[str]) -> None:
        self.by_identity: dict[str, str] = {}
        for name in sorted(guide_names):
            self.by_identity.setdefault(identity(name), name)
        self.templates = [
            (template_pattern(n), n) for n in sorted(self.by_identity.values()) if is_template(n)
        ]

    def canonical(self, name: str) -> str:
        """The guide's spelling of `name` when the guide knows the key, else `name`."""
        return self.by_identity.get(identity(name), name)

    def template_of(self, name: str) -> str | None:
        """The guide template that `name` is an instance of (PCR7 of PCR${PCR_ID}), if any."""
        if is_template(name):
            return None
        for pattern, template in self.templates:
            if pattern.match(name):
                return template
        return None
