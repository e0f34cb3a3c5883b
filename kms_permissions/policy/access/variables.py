"""Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`) resolved
against the request context, as IAM does: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

import re

from kms_permissions.policy.access.request import Context
from kms_permissions.policy.access.wildcards import Piece, pieces_of

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

# Variables exist only in this version of the policy language; in others `${...}` is literal.
VARIABLES_VERSION = "2012-10-17"
_DEFAULT = re.compile(r"\s*(?P<key>[^,\s]+)\s*,\s*'(?P<default>(?:[^']|'')*)'\s*\Z")


@dataclass(frozen=True)
class Resolved:
    """A policy value with its variables replaced: pattern pieces, or why it cannot be."""

    pieces: tuple[Piece, ...]
    unresolved: str | None = None
    substituted_wildcard: bool = False

    @property
    def text(self) -> str:
        """The value as plain text (wildcards as their characters)."""
        return "".join(text for _, text in self.pieces)


def resolve(value: str, context: Context, variables: bool) -> Resolved:
    """Replace the variables of a policy value; `variables` is False for older policy versions."""
    if not variables or "${" not in value:
        return Resolved(pieces_of(value))
    out: list[Piece] = []
    substituted_wildcard = False
    rest = value
    while rest:
        start = rest.find("${")
        end = rest.find("}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out += pieces_of(rest)
            break
        out += pieces_of(rest[:start])
        inner = rest[start + 2 : end]
        rest = rest[end + 1 :]
        if inner in ("*", "?", "$"):  # ${*} ${?} ${$}: the character itself, not a wildcard
            out.append(("text", inner))
            continue
        key, default = inner.strip(), None
        match = _DEFAULT.match(inner)
        if match:
            key, default = match.group("key"), match.group("default").replace("''", "'")
        given = context.get(key)
        if given is not None and not given.is_list and given.values:
            text = given.values[0]
        elif default is not None:
            text = default
        else:
            why = "is multi-valued" if given is not None else "is not in the request"
            return Resolved(tuple(out), unresolved=f"policy variable ${{{key}}}: {key} {why}")
        substituted_wildcard = substituted_wildcard or any(c in text for c in "*?")
        out += [("text", c) for c in text]
    return Resolved(tuple(out), substituted_wildcard=substituted_wildcard)
