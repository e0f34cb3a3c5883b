"""What the checks know, all read from one dataset: the typed read model and its names."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from kms_permissions.model import ActionInfo, ConditionKeyInfo, Note
from kms_permissions.query import Index, load_index
from kms_permissions.reference import fact_field, load

GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
PERMISSIONS_PAGE = f"{GUIDE}/kms-api-permissions-reference.html"
IAM_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
# The key administrators statement of the console's default key policy (key-policy-default),
# its wildcards as the guide writes them: the checker's escalation rule flags it, the key-policy
# writer expands it without what lets an administrator use the key.
DEFAULT_ADMIN_ACTIONS = (
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
)
# Names longer than this get no "did you mean": nothing real is that long.
_SUGGEST_UP_TO = 80


class Knowledge:
    """Facts about actions and condition keys, and the guide's notes, from one dataset.

    The facts are the typed read model (`kms_permissions.reference.load`); names are resolved
    through the lookup index, whose one template matcher (`names.Templates`) turns an instance
    such as `kms:EncryptionContext:aws:logs:arn` into its key.
    """

    def __init__(self, dataset: str | None = None) -> None:
        self.reference = load(dataset)
        self._index: Index = load_index(dataset)
        self._suggest = lru_cache(maxsize=4096)(self._index.suggestions)
        # The rules expand the same patterns (`kms:*`, `kms:Create*`) again and again.
        self._expand = lru_cache(maxsize=4096)(self._index.expand)
        self._policy_types: dict[str, tuple[str, ...]] = {}

    @property
    def version(self) -> str:
        """The dataset version the checks rest on."""
        return self.reference.version

    @property
    def actions(self) -> Mapping[str, ActionInfo[str]]:
        """Every KMS action by name."""
        return self.reference.actions

    def action(self, name: str) -> ActionInfo[str] | None:
        """An action by its exact policy name (any case, no surrounding space), or None."""
        if not name.lower().startswith("kms:") or name != name.strip():
            return None
        entry = self._index.resolve(name)
        return self.reference.actions.get(entry["name"]) if entry else None

    def policy_types(self, action: str) -> tuple[str, ...]:
        """The policy types that can grant an action (its fact's `policy_types`), read without
        building its whole fact (rules ask it of every action a `kms:*` names)."""
        found = self._policy_types.get(action)
        if found is None:
            found = self._policy_types[action] = fact_field(
                self.reference.actions, action, "policy_types"
            )
        return found

    def has_action(self, name: str) -> bool:
        """Whether `action(name)` finds an action, told from the names alone (no fact built)."""
        if not name.lower().startswith("kms:") or name != name.strip():
            return False
        return self._index.canonical(name) in self.reference.actions

    def expand(self, pattern: str) -> list[str]:
        """The actions an IAM action pattern matches (`kms:Get*`, `*`)."""
        return list(self._expand(pattern))

    def key(self, name: str) -> ConditionKeyInfo[str] | None:
        """A condition key (a template instance resolves to its template), or None."""
        key = self._index.key_name(name)
        return self.reference.condition_keys[key] if key else None

    def key_actions(self, key: str | ConditionKeyInfo[str]) -> set[str]:
        """The actions a condition key (a key or its name) applies to: the headline, per pair
        what the newest dated source that speaks of it says."""
        name = key if isinstance(key, str) else key.condition_key
        if name not in self.reference.condition_keys:
            return set()
        return set(fact_field(self.reference.condition_keys, name, "actions"))

    def suggestions(self, name: str) -> list[str]:
        """Known names close to a misspelt one (none for absurdly long names)."""
        if len(name) > _SUGGEST_UP_TO:
            return []
        return list(self._suggest(name))

    def note(self, page: str, *words: str) -> Note | None:
        """The first note of a guide page whose text holds all `words`."""
        for note in self.reference.notes:
            if note.page == page and all(w.lower() in note.text.lower() for w in words):
                return note
        return None

    @staticmethod
    def key_link(key: ConditionKeyInfo[str]) -> str:
        """The guide's section for a condition key."""
        section = key.section or "conditions-kms"
        anchor = f"#{key.anchor}" if key.anchor else ""
        return f"{GUIDE}/{section}.html{anchor}"

    @staticmethod
    def note_link(note: Note) -> str:
        """The guide page and section of a note."""
        anchor = f"#{note.section_anchor}" if note.section_anchor else ""
        return f"{GUIDE}/{note.page}.html{anchor}"
