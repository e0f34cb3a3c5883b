"""Text reports for people: the decision first, then numbered reasons with where they apply."""

from __future__ import annotations

from kms_permissions.display import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.policy.access.analysis import AccessReport
    from kms_permissions.policy.access.results import Explanation


def explanation_text(explanation: Explanation) -> str:
    """`explain`'s report."""
    lines = [
        f"decision: {explanation.decision}" + ("" if explanation.decided else " (not certain)")
    ]
    target = f" on {explanation.key_arn}" if explanation.key_arn else ""
    if explanation.other_key_arn:
        target += f" and {explanation.other_key_arn}"
    lines.append(f"request:  {explanation.principal} {explanation.action}{target}")
    if explanation.context:
        shown = ", ".join(f"{k}={v}" for k, v in explanation.context.items())
        lines.append(f"context:  {shown}")
    if explanation.derived:
        lines.append(f"derived:  {', '.join(explanation.derived)} (from the request)")
    if explanation.absent:
        lines.append(f"absent:   {', '.join(explanation.absent)} (read by a condition)")
    if explanation.assumptions:
        lines.append("assumed:")
        for assumption in explanation.assumptions:
            flag = " (could change this decision)" if assumption.matters else ""
            lines.append(f"  - {assumption.text}{flag}")
    lines.append("reasons:")
    for number, reason in enumerate(explanation.reasons, 1):
        lines.append(f"  {number}. {reason.where}: {reason.rule}")
        lines.append(f"     [{reason.stage}: {reason.code}] {reason.basis}")
    if not explanation.reasons:
        lines.append("  (none)")
    return "\n".join(map(printable, lines))


def _actions(actions: tuple[str, ...], limit: int = 8) -> str:
    if len(actions) <= limit:
        return ", ".join(actions) or "(none)"
    return f"{', '.join(actions[:limit])} and {len(actions) - limit} more"


def access_text(report: AccessReport) -> str:
    """`access`'s report."""
    owner = report.account or "unknown (give --account)"
    if report.account_source == "inferred":
        owner += " (inferred from the policy; give --account to be sure)"
    lines = [f"key policy: {report.file}", f"account:    {owner}"]
    enabled = ", ".join(report.iam_policies_enabled_for) or "none"
    lines.append(f"IAM policies enabled for: {enabled}")
    lines.append("principals:")
    for p in report.principals:
        where = (
            "" if p.external is None else ", another account" if p.external else ", this account"
        )
        lines.append(f"  {p.principal} ({p.kind}{where})")
        for part in [*p.allows, *p.denies]:
            sid = f" ({part.sid})" if part.sid else ""
            verb = "allows" if part.effect == "Allow" else "denies"
            if part.never_applies:
                lines.append(
                    f"    statement {part.statement}{sid} {verb} nothing: {part.never_applies}"
                )
                named = tuple(item.action for item in part.ineffective)
                lines.append(f"      ineffective (the statement never applies): {_actions(named)}")
                continue
            lines.append(f"    statement {part.statement}{sid} {verb} {_actions(part.actions)}")
            for condition in part.conditions:
                lines.append(f"      when {condition.text}")
            for resource in part.resources:
                lines.append(f"      on {resource}")
            reasons: dict[str, list[str]] = {}
            for item in part.ineffective:
                reasons.setdefault(item.reason, []).append(item.action)
            for reason, actions in reasons.items():
                lines.append(f"      ineffective ({reason}): {_actions(tuple(actions))}")
    lines.append(f"findings: {len(report.findings)}")
    for number, f in enumerate(report.findings, 1):
        sid = f" ({f.sid})" if f.sid else ""
        lines.append(f"  {number}. {f.kind} statement {f.statement}{sid}: {f.message}")
        if f.limited_by:
            lines.append(f"     conditions: {', '.join(f.limited_by)}")
    return "\n".join(map(printable, lines))
