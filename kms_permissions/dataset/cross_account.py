"""One cross-account value for an action from the guide's rows, contradictions kept."""

from __future__ import annotations

from kms_permissions.scraper.records import PermissionRow


def cross_account_value(grants: tuple[PermissionRow, ...]) -> str | None:
    """One value for an action's cross-account use: the rows' common value, `mixed` when rows
    for different policy types or resources differ, `contradictory` when the page gives two
    values for the same row kind (shown as such, never resolved silently)."""
    if not grants:
        return None
    by_row_kind: dict[tuple[str, str | None], set[str]] = {}
    for grant in grants:
        by_row_kind.setdefault((grant.policy_type, grant.qualifier), set()).add(grant.cross_account)
    if any(len(values) > 1 for values in by_row_kind.values()):
        return "contradictory"
    values = {v for vs in by_row_kind.values() for v in vs}
    return values.pop() if len(values) == 1 else "mixed"
