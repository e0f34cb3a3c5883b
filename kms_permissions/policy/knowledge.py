"""What the checks know, all read from a dataset: the lookup index and the guide's notes."""

from __future__ import annotations

import os
from typing import Any

from kms_permissions import jsonfast
from kms_permissions.query import Index, load_index

GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
PERMISSIONS_PAGE = f"{GUIDE}/kms-api-permissions-reference.html"


class Knowledge:
    """Facts about actions and condition keys, and the guide's notes, from one dataset."""

    def __init__(self, dataset: str | None = None) -> None:
        self.index: Index = load_index(dataset)
        with open(os.path.join(self.index.folder, "notes.json"), "rb") as handle:
            self.notes: list[dict[str, Any]] = jsonfast.loads(handle.read())
        self._key_actions: dict[str, set[str]] = {}
        for name, key in self.index.keys.items():
            self._key_actions[name] = set(key["actions"])
        for action in self.index.actions.values():
            for key in (*action["condition_keys"], *action["sar_condition_keys"]):
                self._key_actions.setdefault(key, set()).add(action["name"])

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
        entry = self.index.resolve(name) if ":" in name else None
        return entry if entry and entry["kind"] == "condition_key" else None

    def key_actions(self, key: str) -> set[str]:
        """The actions a condition key applies to, by either reference."""
        return self._key_actions.get(key, set())

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
