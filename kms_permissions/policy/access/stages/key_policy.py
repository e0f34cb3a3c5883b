"""The key policy allows the caller itself (or everyone).

- No principal, the root user included, has access unless a policy or grant allows it; a key
  policy statement naming the caller (or everyone) allows it directly:
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
- Within an account, a resource policy naming the IAM user's ARN or the role session's ARN is not
  limited by the caller's permissions boundary or session policy; one naming the role's ARN is
  limited by both (the evaluation logic page, "Resource-based policies" and its boundary and
  session policy tables). The page says nothing of a statement naming everyone (`*`): there a
  boundary or session policy that does not allow leaves the decision open.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, any_of, unknown
from kms_permissions.policy.access.principals import principal_entries
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.stages.base import (
    Evaluation,
    Path,
    allows,
    cite,
    near_misses,
)
from kms_permissions.policy.access.stages.identity import limit_reasons, limits
from kms_permissions.policy.access.statements import StatementVerdict

_OWN_ARN_KINDS = ("user", "assumed-role", "federated-user")


def _limit(ev: Evaluation, verdict: StatementVerdict) -> Outcome:
    """Whether the boundary and session policy let this statement's permission through."""
    caller = ev.request.caller
    if (ev.boundary is None and ev.session is None) or caller.kind in ("root", "service"):
        return TRUE
    entries = principal_entries(verdict.statement.body.get("Principal"))
    if caller.kind in _OWN_ARN_KINDS and ("AWS", caller.arn) in entries:
        return TRUE  # it names the user or the session itself
    limited = limits(ev)
    if limited.value is not False:
        return limited
    everyone = ("*", "*") in entries or ("AWS", "*") in entries
    if everyone:
        return unknown(
            "the key policy allows everyone ('*') and the caller's permissions boundary or "
            "session policy does not allow the request; the evaluation logic page says how they "
            "limit a resource policy naming the user, the role or the session, not everyone"
        )
    return limited


def stage(ev: Evaluation) -> Path:
    """The key policy allows the caller directly, within the caller's limits."""
    request, key_policy = ev.request, ev.key_policy
    candidates = allows(key_policy)
    per_statement = [(v, all_of((v.applies_directly, _limit(ev, v)))) for v in candidates]
    outcome = any_of((o for _, o in per_statement), "")
    caller = request.caller.label
    because = [
        cite(
            v,
            "key-policy-allows",
            f"the key policy allows {caller} to call {request.action}",
            docs.KEY_POLICIES,
            "key-policy",
        )
        for v, o in per_statement
        if o.value is True
    ]
    if because:
        because += limit_reasons(ev, True) if limits(ev).value is True else []
    named = any(v.applies_directly.value is True for v in candidates)
    missing = (
        limit_reasons(ev, False)
        if named
        else [
            Reason(
                "no-key-policy-allow",
                f"no statement of the key policy allows {caller} to call {request.action}",
                "key-policy",
                file=candidates[0].policy.name if candidates else None,
                basis=docs.KEY_POLICIES,
                stage="key-policy",
            ),
            *near_misses(key_policy, request.action, "key-policy"),
        ]
    )
    return Path(outcome, because, missing)
