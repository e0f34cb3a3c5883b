"""What a statement grants, read against the dataset: its KMS actions and the guide's notes."""

from __future__ import annotations

from kms_permissions.model import ActionInfo, Note, only_in_iam_policies
from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.key_specs import cryptographic_operations
from kms_permissions.policy.knowledge import GUIDE, Knowledge

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass


def cryptographic(knowledge: Knowledge) -> frozenset[str]:
    """The operations that use a key, from the dataset: what each key spec and usage allows
    (`key_specs`; Encapsulate and Decapsulate included), GetPublicKey aside."""
    return cryptographic_operations(knowledge)


@dataclass(frozen=True)
class Actions:
    """The KMS actions a statement's Action names (patterns expanded), and whether it also
    names actions the dataset cannot see (other services' actions, template values)."""

    names: frozenset[str]
    opaque: bool


def is_pattern(text: str) -> bool:
    """Whether an action is an IAM wildcard pattern."""
    return "*" in text or "?" in text


def kms_actions(statement: Statement, knowledge: Knowledge, element: str = "Action") -> Actions:
    """The KMS actions an Action (or NotAction) element names."""
    found: set[str] = set()
    opaque = False
    for _, value in statement.values(element):
        if not isinstance(value, str) or isinstance(value, Unresolved):
            opaque = True
            continue
        if value == "*":
            found |= set(knowledge.actions)
            opaque = True
        elif not value.lower().startswith("kms:"):
            opaque = True
        elif is_pattern(value):
            found |= set(knowledge.expand(value))
        else:
            entry = knowledge.action(value)
            if entry:
                found.add(entry.action)
    return Actions(frozenset(found), opaque)


def effective_in(kind: str, action: ActionInfo[str]) -> bool:
    """Whether a grant of the action can have an effect in a policy of `kind`: a key policy
    cannot grant what only an IAM policy can, and no policy grants what the permissions
    reference gives no policy type (kms:SynchronizeMultiRegionKey, which KMS calls itself)."""
    return _grantable(kind, action.policy_types)


def effective(kind: str, knowledge: Knowledge, action: str) -> bool:
    """`effective_in` for an action by name, reading only its policy types."""
    return _grantable(kind, knowledge.policy_types(action))


def _grantable(kind: str, policy_types: tuple[str, ...]) -> bool:
    if not policy_types:
        return False
    return not (kind == "key-policy" and only_in_iam_policies(policy_types))


def granted(statement: Statement, knowledge: Knowledge, kind: str) -> set[str]:
    """The KMS actions an Allow statement can actually grant in a policy of `kind`
    (NotAction: every action it does not exclude)."""
    if "NotAction" in statement.body:
        excluded = kms_actions(statement, knowledge, "NotAction").names
        names = set(knowledge.actions) - excluded
    else:
        names = set(kms_actions(statement, knowledge).names)
    return {n for n in names if effective(kind, knowledge, n)}


# The sources of facts as a basis names them (model.FACT_SOURCES has the long names).
_SOURCE_NAMES = {"permissions": "permissions reference", "sar": "SAR", "api": "API Reference"}


def fact(action: ActionInfo[str], field: str) -> str:
    """A dataset fact of an action as a basis text, with the source its headline value comes
    from and that source's date (`API Reference as of 2026-11-20`)."""
    value = getattr(action, field)
    if isinstance(value, tuple):
        value = list(value)
    source = action.headline_sources.get(field)
    when = action.headline_as_of.get(field)
    said = _SOURCE_NAMES.get(source or "", source or "no source")
    dated = f" as of {when.isoformat()}" if when else " (undated copy)" if source else ""
    return f"{action.action} {field.replace('_', ' ')} = {value!r}, {said}{dated}"


def note_basis(note: Note | None, fallback: str = "the developer guide") -> str:
    """A guide note as a basis text (cut to 160 characters)."""
    if note is None:
        return fallback
    text = note.text if len(note.text) < 160 else note.text[:157] + "..."
    return f"guide, {note.page} / {note.section}: {note.kind}: {text}"


def note_link(note: Note | None, fallback: str = GUIDE) -> str:
    """The guide page of a note."""
    return Knowledge.note_link(note) if note else fallback


def listed(names: set[str] | frozenset[str], limit: int = 6) -> str:
    """Names sorted and joined, at most `limit` of them."""
    ordered = sorted(names)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more
