"""What the checks know, all read from a dataset: the lookup index and the guide's notes."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kms_permissions.query import Index, load_index
from kms_permissions.reference import load

GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
PERMISSIONS_PAGE = f"{GUIDE}/kms-api-permissions-reference.html"


class Knowledge:
    """Facts about actions and condition keys, and the guide's notes, from one dataset."""

    def __init__(self, dataset: str | None = None) -> None:
        self.index: Index = load_index(dataset)
        reference = load(dataset)
        self.notes: list[dict[str, Any]] = [asdict(note) for note in reference.notes]

    @property
    def version(self) -> str:
        """The dataset version the checks rest on."""
        return self.index.version

    def action(self, name: str) -> dict[str, Any] | None:
        """An action by its exact policy name (any case), or None."""
        entry = self.index.resolve(name) if name.lower().startswith("kms:") else None
        return entry if entry and entry["kind"] == "action" else None

    def key(self, name: str) -> dict[str, Any] | None:
        """A condition key (a template instance resolves to its template), or None."""
        key = self.index.key_name(name)
        return self.index.keys[key] if key else None

    def key_actions(self, key: str) -> set[str]:
        """The actions a condition key applies to, by any source."""
        return set(self.index.keys[key]["actions"]) if key in self.index.keys else set()

    def note(self, page: str, *words: str) -> dict[str, Any] | None:
        """The first note of a guide page whose text holds all `words`."""
        for note in self.notes:
            if note["page"] == page and all(w.lower() in note["text"].lower() for w in words):
                return note
        return None

    def key_link(self, key: dict[str, Any]) -> str:
        """The guide's section for a condition key."""
        section = key.get("section") or "conditions-kms"
        anchor = f"#{key['anchor']}" if key.get("anchor") else ""
        return f"{GUIDE}/{section}.html{anchor}"

    @staticmethod
    def note_link(note: dict[str, Any]) -> str:
        """The guide page and section of a note."""
        anchor = f"#{note['section_anchor']}" if note.get("section_anchor") else ""
        return f"{GUIDE}/{note['page']}.html{anchor}"
