"""What a check reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem: which rule, how bad, where in the document, why, and on what it rests."""

    rule_id: str
    rule: str
    severity: str
    statement: int | None
    sid: str | None
    path: str
    message: str
    basis: str
    link: str | None

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON-ready dict."""
        return asdict(self)


def at_least(severity: str, threshold: str) -> bool:
    """Whether `severity` is as bad as `threshold` or worse."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)
