"""Check a policy: `check(policy, kind=..., account=...)`, and one file's text for the verb."""

from __future__ import annotations

from kms_permissions.policy.account import valid_account
from kms_permissions.policy.document import PolicyError, parse_document
from kms_permissions.policy.findings import SEVERITIES, Finding
from kms_permissions.policy.inputs import (
    Inputs,
    PolicyInput,
    is_cloudformation,
    is_terraform,
    read_inputs,
)
from kms_permissions.policy.jsontext import check_depth
from kms_permissions.policy.kinds import KINDS as POLICY_KINDS
from kms_permissions.policy.kinds import Kind, infer_kind, kms_part
from kms_permissions.policy.knowledge import Knowledge
from kms_permissions.policy.positions import Locator
from kms_permissions.policy.reading import MAX_BYTES, safe, shown
from kms_permissions.policy.registry import Context, all_rules
from kms_permissions.policy.selection import Selection

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

KINDS = ("auto", *POLICY_KINDS)
_KNOWLEDGE: dict[str | None, Knowledge] = {}
_SID_SHOWN = 120


def knowledge(dataset: str | None = None) -> Knowledge:
    """The dataset's facts, loaded once per dataset."""
    if dataset not in _KNOWLEDGE:
        _KNOWLEDGE[dataset] = Knowledge(dataset)
    return _KNOWLEDGE[dataset]


def detect_kind(data: Any) -> str:
    """The kind of a policy, read from its content (see `kinds.infer_kind`)."""
    return infer_kind(parse_document(data, strict=False)).kind


@dataclass(frozen=True)
class Checked:
    """One policy checked: where it is in its file, its kind (and what says so) and its
    findings."""

    label: str | None
    kind: str
    findings: list[Finding]
    kind_from: str = ""


def _one(texts: dict[str, str], text: str) -> str:
    """The one kept copy of `text`."""
    return texts.setdefault(text, text)


def check_policy(
    policy: PolicyInput,
    account: str | None,
    facts: Knowledge,
    template: str | None = None,
    selection: Selection | None = None,
    path: str = "",
) -> Checked:
    """The findings of one policy read from a file (or given as data); `path` is the policy
    file's, when the policy is the whole file (its name can say it is an SCP)."""
    document = parse_document(policy.data, strict=False)
    if policy.kind == "auto":
        inferred = infer_kind(document, path)
    else:
        inferred = Kind(policy.kind, policy.kind_from)
    kind = inferred.kind
    context = Context(kms_part(document, kind), kind, account, facts, policy.data, template)
    findings = []
    # Findings repeat their texts (a policy of many alike statements gets the same message and
    # basis for each): one copy of each text is kept, so memory grows with what is different.
    texts: dict[str, str] = {}
    for rule in all_rules() if inferred.about_kms else []:
        if selection is not None and not selection.selects(rule.rule_id):
            continue
        if any(rule.rule_id.startswith(code) for code in policy.ignore):
            continue  # suppressed where the policy lives (the template's Metadata)
        for hit in rule.run(context):
            sid = hit.statement.sid if hit.statement else None
            if selection is not None and not selection.keeps(rule.rule_id, sid):
                continue
            where = policy.locator.locate(hit.path)
            findings.append(
                Finding(
                    rule_id=rule.rule_id,
                    rule=rule.name,
                    severity=hit.severity or rule.severity,
                    statement=hit.statement.index if hit.statement else None,
                    sid=_one(texts, safe(sid[:_SID_SHOWN])) if sid is not None else None,
                    path=safe(hit.path),
                    message=_one(texts, safe(hit.message)),
                    basis=_one(texts, f"{hit.basis} (dataset {facts.version})"),
                    link=_one(texts, hit.link) if hit.link else rule.link,
                    line=where[0] if where else None,
                    column=where[1] if where else None,
                    policy=safe(policy.label) if policy.label is not None else None,
                )
            )
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.rule_id, f.path))
    label = safe(policy.label) if policy.label is not None else None
    return Checked(label, kind, findings, inferred.reason)


def inputs_of(policy: str | dict[str, Any] | list[Any], kind: str) -> Inputs:
    """The policies of the text or data given to `check()`."""
    if isinstance(policy, str):
        if len(policy) > MAX_BYTES:
            raise PolicyError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not read")
        return read_inputs(policy, "", kind)
    check_depth(policy)
    if isinstance(policy, dict) and is_cloudformation(policy):
        from kms_permissions.policy.cloudformation import template_policies

        return Inputs("cloudformation", template_policies(policy, lambda _: None))
    if isinstance(policy, dict) and is_terraform(policy):
        from kms_permissions.policy.terraform import plan_policies

        return Inputs("terraform-plan", plan_policies(policy, lambda _: None, ""))
    return Inputs("policy", [PolicyInput(None, kind, policy, Locator(None))])


def check(
    policy: str | dict[str, Any] | list[Any],
    kind: str = "auto",
    account: str | None = None,
    dataset: str | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> list[Finding]:
    """Findings for a policy (JSON or YAML text, a dict, or a statement list; a CloudFormation
    template or a Terraform plan, as text or data, gives the findings of every policy in it),
    worst first. `select` and `ignore` take rule ids or prefixes (`KMS04`). Raises
    `PolicyError` for anything that is not a policy, with what and where, and for an
    `account` that is not 12 digits (`ArgumentTypeError` when it is not a string)."""
    if kind not in KINDS:
        raise PolicyError(f"kind {shown(kind)} is not one of {', '.join(KINDS)}")
    owner = valid_account(account, "account", "check")
    selection = Selection.of(select, ignore) if select or ignore else None
    inputs = inputs_of(policy, kind)
    facts = knowledge(dataset)
    template = None if inputs.format == "policy" else inputs.format
    findings = [
        finding
        for found in inputs.policies
        for finding in check_policy(found, owner, facts, template, selection).findings
    ]
    return sorted(
        findings,
        key=lambda f: (SEVERITIES.index(f.severity), f.policy or "", f.statement or 0, f.path),
    )
