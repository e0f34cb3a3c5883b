"""What a check reports."""

from __future__ import annotations

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import asdict, dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, asdict, dataclass

SEVERITIES = ("error", "warning", "info")
# What each severity means; the rule pages and the README say the same.
MEANING = {
    "error": "AWS rejects the policy, or it is unsafe (a public key, full control to others)",
    "warning": "a statement cannot do what it says",
    "info": "advice",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which rule, how bad, where in the document, why, and on what it rests.

    `path` is a JSON path into the policy as checked; `line` and `column` (from 1) place it in
    the file; `policy` names the policy inside a template or plan (None for a policy file).
    """

    rule_id: str
    rule: str
    severity: str
    statement: int | None
    sid: str | None
    path: str
    message: str
    basis: str
    link: str | None
    line: int | None = None
    column: int | None = None
    policy: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON-ready dict."""
        return asdict(self)


def at_least(severity: str, threshold: str) -> bool:
    """Whether `severity` is as bad as `threshold` or worse."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)
