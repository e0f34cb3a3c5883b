"""Check a policy: `check(policy, kind=..., account=...)`."""

from __future__ import annotations

import json
from typing import Any

from kms_permissions.policy.document import PolicyError, parse_document
from kms_permissions.policy.findings import SEVERITIES, Finding
from kms_permissions.policy.knowledge import Knowledge
from kms_permissions.policy.rules import RULES, Context

# A VPC endpoint policy is never detected, only named: it has a Principal like a key policy,
# but "*" there is the documented default and the key-policy rules do not apply to it.
KINDS = ("auto", "key-policy", "iam-policy", "vpc-endpoint-policy")
_KNOWLEDGE: dict[str | None, Knowledge] = {}


def knowledge(dataset: str | None = None) -> Knowledge:
    """The dataset's facts, loaded once per dataset."""
    if dataset not in _KNOWLEDGE:
        _KNOWLEDGE[dataset] = Knowledge(dataset)
    return _KNOWLEDGE[dataset]


def detect_kind(data: Any) -> str:
    """key-policy when a statement names a Principal, iam-policy otherwise."""
    document = parse_document(data)
    has_principal = any(
        "Principal" in s.body or "NotPrincipal" in s.body for s in document.statements
    )
    return "key-policy" if has_principal else "iam-policy"


def check(
    policy: str | dict[str, Any] | list[Any],
    kind: str = "auto",
    account: str | None = None,
    dataset: str | None = None,
) -> list[Finding]:
    """Findings for a policy document (JSON text, a dict, or a statement list), worst first."""
    if kind not in KINDS:
        raise PolicyError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if account is not None and not (account.isdigit() and len(account) == 12):
        raise PolicyError(f"account {account!r} is not a 12-digit AWS account ID")
    if isinstance(policy, str):
        try:
            data = json.loads(policy)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    else:
        data = policy
    document = parse_document(data)
    resolved = detect_kind(data) if kind == "auto" else kind
    context = Context(document, resolved, account, knowledge(dataset))
    findings = [f for rule in RULES for f in rule.run(context, rule)]
    return sorted(
        findings,
        key=lambda f: (SEVERITIES.index(f.severity), f.statement or 0, f.path, f.rule_id),
    )
