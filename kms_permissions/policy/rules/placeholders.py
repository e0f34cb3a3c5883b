"""Placeholders of an example left in a policy: values that can never name anything real."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.conditions import conditions
from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.knowledge import GUIDE
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import ACCOUNT, iam_allow, iam_policy

# `<my-org-id>`, `[PRIVILEGED_ROLE]`, `{example-region-1}`: no ARN, account, Region, CIDR or ID
# has these brackets around a name. `${...}` is a policy variable or a template's substitution,
# and is left to KMS107 and the template.
_BRACKETED = re.compile(r"<[A-Za-z][\w .-]*>|\[[A-Za-z][\w .-]*\]|(?<!\$)\{[A-Za-z][\w .-]*\}")
# A key ARN's key ID: a UUID, or mrk- and 32 hexadecimal digits for a multi-Region key.
_KEY_ARN = re.compile(r"arn:[^:]*:kms:[^:]*:[^:]*:key/(?P<id>[^/]+)$")
_KEY_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
EXAMPLE_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ID_LINK = f"{GUIDE}/concepts.html#key-id-key-id"


def marked_placeholder(text: str) -> str | None:
    """The part of a text that is an example's marked placeholder (`<my-org-id>`), or None."""
    found = _BRACKETED.search(text)
    return found.group() if found else None


def _placeholder(value: object) -> str | None:
    """The part of a value that is a placeholder, or None."""
    if not isinstance(value, str) or isinstance(value, Unresolved):
        return None
    marked = marked_placeholder(value)
    if marked:
        return shown(marked)
    key = _KEY_ARN.match(value)
    if key and not any(c in key["id"] for c in "*?$") and not re.fullmatch(_KEY_ID, key["id"]):
        return f"key ID {shown(key['id'])}"
    return None


def _values(statement: Statement) -> Iterator[tuple[str, object]]:
    for element in ("Resource", "NotResource"):
        yield from statement.values(element)
    for condition in conditions(statement):
        for value in condition.values:
            yield condition.path, value


@rule(
    "KMS109",
    "info",
    "Placeholder left in a value",
    name="placeholder-value",
    kind="iam-policy",
    link=KEY_ID_LINK,
    bad=iam_policy(iam_allow("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/<key-id>")),
    good=iam_policy(iam_allow("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{EXAMPLE_KEY}")),
)
def placeholders(ctx: Context) -> Iterator[Hit]:
    """A Resource or condition value that still holds an example's placeholder: a name in
    angle brackets, square brackets or braces (`<my-org-id>`, `[PRIVILEGED_ROLE]`,
    `{example-region-1}`), or a key ARN whose key ID is no key ID (a UUID, or `mrk-` and 32
    hexadecimal digits). AWS accepts the policy, but the value names nothing, so the statement
    never applies to what it was meant for. Reported once per statement."""
    for statement in ctx.document.statements:
        found = [
            (path, part) for path, value in _values(statement) if (part := _placeholder(value))
        ]
        if found:
            parts = sorted({part for _, part in found})
            more = f" and {len(parts) - 3} more" if len(parts) > 3 else ""
            one = len(parts) == 1
            yield Hit(
                statement,
                found[0][0],
                f"{', '.join(parts[:3])}{more} "
                f"{'is a placeholder' if one else 'are placeholders'} of an example: such a value "
                "names nothing, so the statement never applies as meant; write "
                + ("the real value in its place" if one else "the real values in their place"),
                "IAM: the value matches only a real resource, principal or key",
            )
