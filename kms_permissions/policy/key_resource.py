"""Whether a key policy statement's Resource can be the key the policy is attached to.

In a key policy `"*"` means this key; the developer guide documents it as the only value (and
KMS refuses any other since August 2025). A key ARN may be the key's own (the policy does not
say which key it is attached to, so a key ARN is "maybe"); anything else (an S3 or IAM ARN, an
alias ARN, another service's resource) never matches the key, and a statement whose Resource
holds only such values never applies. NotResource turns this around: `"*"` there excludes the
key, other values leave it covered.

One reading for the checker (KMS090, and the rules that ask whether the account or an
administrator is allowed) and for `access`, so that they agree with `explain` (which knows the
key's ARN and matches it exactly).
https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
"""

from __future__ import annotations

import re

from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.reading import shown
from kms_permissions.wildcards import matches, pieces_of

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal
else:
    from kms_permissions._slotted import Literal

KeyMatch = Literal["key", "maybe", "never"]

# A part a template or a policy variable fills in: any text inside one ARN field.
_FILLED = re.compile(r"\$\{[^}]*\}")
_HOLE = "\x00"
_PARTITION = r"aws(-[a-z]+)*\Z"


def _literal(field: str) -> str:
    """The field's text before its first wildcard or filled-in part."""
    return re.split(r"[*?\x00]", field, maxsplit=1)[0]


def _prefix_fits(index: int, prefix: str) -> bool:
    """Whether an ARN field that starts with `prefix` (and then anything) can be the key's."""
    if index == 0:
        return "arn".startswith(prefix)
    if index == 1:
        return "aws".startswith(prefix) or prefix.startswith("aws")
    if index == 2:
        return "kms".startswith(prefix)
    if index == 5:
        return "key/".startswith(prefix) or prefix.startswith("key/")
    return True  # region, account


def _field_fits(index: int, field: str) -> bool:
    """Whether one ARN field (no `*` in it) can be the key ARN's field `index`."""
    if field != _literal(field):  # `?` or a filled-in part: compare up to it
        literal = _literal(field)
        if index in (0, 2):
            target = "arn" if index == 0 else "kms"
            pieces = tuple(
                ("wild", "*") if c == _HOLE else piece
                for c, piece in zip(field, pieces_of(field), strict=True)
            )
            return matches(pieces, target)
        return _prefix_fits(index, literal)
    if index == 0:
        return field == "arn"
    if index == 1:
        return re.match(_PARTITION, field) is not None
    if index == 2:
        return field == "kms"
    if index == 5:
        return field.startswith("key/") and len(field) > len("key/")
    return True


def resource_value(value: object) -> KeyMatch:
    """How one Resource value relates to the key: `*` is the key, a key ARN may be, anything
    else never is. Values a template computes, and values that are not strings (KMS106's),
    are not judged: "maybe"."""
    if value == "*":
        return "key"
    if isinstance(value, Unresolved):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return "maybe"
    filled = _FILLED.sub(_HOLE, text)
    if filled.strip(_HOLE) == "":
        return "maybe"  # computed whole (`!GetAtt Key.Arn`): not judged
    fields = filled.split(":", 5)
    for index, field in enumerate(fields):
        if "*" in field:  # `*` may span the colons that follow: the rest can be anything
            return "maybe" if _prefix_fits(index, _literal(field)) else "never"
        if not _field_fits(index, field):
            return "never"
    return "maybe" if len(fields) == 6 else "never"


def reaches_key(statement: Statement) -> tuple[KeyMatch, str | None]:
    """Whether the statement's Resource (or NotResource) covers the key, and when it never
    does, why (a sentence naming the value)."""
    body = statement.body
    element = "Resource" if "Resource" in body else "NotResource" if "NotResource" in body else ""
    if not element or isinstance(body[element], Unresolved):
        return "maybe", None  # no Resource at all is KMS102's; a computed one is not judged
    entries = [value for _, value in statement.values(element)]
    found = [resource_value(value) for value in entries]
    if element == "Resource":
        if "key" in found:
            return "key", None
        if "maybe" in found:
            return "maybe", None
        if not entries:
            return "never", "its Resource is an empty list, which matches nothing"
        values = ", ".join(shown(str(v)) for v in entries[:3])
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        return "never", (
            f'its Resource ({values}{more}) is not this key (in a key policy only "*" or the '
            "key's own ARN matches), so the statement never applies"
        )
    if "key" in found:
        return "never", 'its NotResource "*" excludes every resource, this key included'
    if "maybe" in found:
        return "maybe", None
    return "key", None
