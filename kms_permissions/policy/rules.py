"""The rules. Each rests on a fact of the dataset or a note of the guide, and says which."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kms_permissions.policy.conditions import Condition, conditions
from kms_permissions.policy.document import Document, Statement
from kms_permissions.policy.findings import Finding
from kms_permissions.policy.knowledge import GUIDE, PERMISSIONS_PAGE, Knowledge

ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")
KEY_ARN = re.compile(r"^arn:aws[\w-]*:kms:[^:]*:(\d{12}):")


@dataclass
class Context:
    """One check: the document, its kind, the owning account, and what the dataset knows."""

    document: Document
    kind: str
    account: str | None
    knowledge: Knowledge

    def finding(
        self,
        rule: Rule,
        statement: Statement | None,
        path: str,
        message: str,
        basis: str,
        link: str | None,
        severity: str | None = None,
    ) -> Finding:
        return Finding(
            rule_id=rule.rule_id,
            rule=rule.name,
            severity=severity or rule.severity,
            statement=statement.index if statement else None,
            sid=statement.sid if statement else None,
            path=path,
            message=message,
            basis=f"{basis} (dataset {self.knowledge.version})",
            link=link,
        )


@dataclass(frozen=True)
class Rule:
    """A rule: id, name, default severity, what it checks, and the function that checks it."""

    rule_id: str
    name: str
    severity: str
    summary: str
    run: Callable[[Context, Rule], Iterator[Finding]]


def kms_actions(statement: Statement, knowledge: Knowledge) -> tuple[set[str], bool]:
    """The KMS actions a statement's Action names (wildcards expanded), and whether it also
    names actions the dataset cannot see (other services, `*`)."""
    found: set[str] = set()
    opaque = False
    for _, value in statement.values("Action"):
        text = str(value)
        if not text.lower().startswith("kms:"):
            opaque = True
            if text == "*":
                found |= set(knowledge.index.actions)
            continue
        if "*" in text or "?" in text:
            found |= set(knowledge.index.expand(text))
        else:
            entry = knowledge.action(text)
            if entry:
                found.add(entry["name"])
    return found, opaque


def _fact(action: dict[str, Any], field: str) -> str:
    return f"{action['name']} {field.replace('_', ' ')} = {action[field]!r}, permissions reference"


# --- actions --------------------------------------------------------------------------------


def unknown_actions(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement in ctx.document.statements:
        for element in ("Action", "NotAction"):
            for path, value in statement.values(element):
                text = str(value)
                if not text.lower().startswith("kms:") or "*" in text or "?" in text:
                    continue
                if ctx.knowledge.action(text) is None:
                    hints = ctx.knowledge.index.suggestions(text)
                    hint = f"; did you mean {', '.join(hints)}?" if hints else ""
                    yield ctx.finding(
                        rule,
                        statement,
                        path,
                        f"{text} is not a KMS permission{hint}",
                        "the dataset's actions table",
                        PERMISSIONS_PAGE,
                    )


def empty_wildcards(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement in ctx.document.statements:
        for element in ("Action", "NotAction"):
            for path, value in statement.values(element):
                text = str(value)
                wildcard = "*" in text or "?" in text
                kms = text.lower().startswith("kms:")
                if kms and wildcard and not ctx.knowledge.index.expand(text):
                    yield ctx.finding(
                        rule,
                        statement,
                        path,
                        f"{text} matches no KMS permission",
                        "IAM wildcard over the dataset's actions",
                        PERMISSIONS_PAGE,
                    )


def not_action(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement in ctx.document.statements:
        if "NotAction" not in statement.body:
            continue
        excluded: set[str] = set()
        for _, value in statement.values("NotAction"):
            text = str(value)
            if text.lower().startswith("kms:"):
                excluded |= set(ctx.knowledge.index.expand(text))
        covered = sorted(set(ctx.knowledge.index.actions) - excluded)
        verb = "allows" if statement.effect == "Allow" else "denies"
        yield ctx.finding(
            rule,
            statement,
            f"{statement.path}.NotAction",
            f"NotAction {verb} {len(covered)} KMS actions (and every action of "
            f"other services): {', '.join(covered)}",
            "expanded over the dataset's actions",
            PERMISSIONS_PAGE,
        )


def iam_only_in_key_policy(ctx: Context, rule: Rule) -> Iterator[Finding]:
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        for path, value in statement.values("Action"):
            entry = ctx.knowledge.action(str(value))
            if (
                entry
                and entry["policy_types"] == ["iam-policy"]
                and entry["key_policy_effective"] is False
                and not _ineffective_qualifier(entry)
            ):
                yield ctx.finding(
                    rule,
                    statement,
                    path,
                    f"{entry['name']} can be granted only in an IAM policy; in a "
                    "key policy it has no effect",
                    _fact(entry, "policy_types"),
                    PERMISSIONS_PAGE,
                )


def _ineffective_qualifier(entry: dict[str, Any]) -> str | None:
    for grant in entry["grants"]:
        qualifier = grant["qualifier"] or ""
        if "not effective in a key policy" in qualifier.lower():
            return str(qualifier)
    return None


def not_effective_in_key_policy(ctx: Context, rule: Rule) -> Iterator[Finding]:
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        for path, value in statement.values("Action"):
            entry = ctx.knowledge.action(str(value))
            qualifier = _ineffective_qualifier(entry) if entry else None
            if entry and qualifier:
                yield ctx.finding(
                    rule,
                    statement,
                    path,
                    f"{entry['name']} in a key policy: {qualifier}",
                    f"{entry['name']} policy type qualifier, permissions reference",
                    PERMISSIONS_PAGE,
                )


def _principal_accounts(statement: Statement) -> list[tuple[str, str]]:
    principal = statement.body.get("Principal")
    values: list[tuple[str, Any]] = []
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        base = f"{statement.path}.Principal.AWS"
        if isinstance(aws, list):
            values = [(f"{base}[{i}]", v) for i, v in enumerate(aws)]
        elif aws is not None:
            values = [(base, aws)]
    accounts = []
    for path, value in values:
        text = str(value)
        match = ACCOUNT_ARN.match(text)
        if match:
            accounts.append((path, match.group(1)))
        elif re.fullmatch(r"\d{12}", text):
            accounts.append((path, text))
    return accounts


def infer_account(document: Document, kind: str) -> str | None:
    """The account a key policy belongs to: the one its statement enabling IAM policies names."""
    if kind != "key-policy":
        return None
    for statement in document.statements:
        if _is_root_enable(statement):
            accounts = _principal_accounts(statement)
            if accounts:
                return accounts[0][1]
    return None


def _is_root_enable(statement: Statement) -> bool:
    actions = {str(v) for _, v in statement.values("Action")}
    resources = {str(v) for _, v in statement.values("Resource")}
    roots = [p for p, _ in _principal_accounts(statement)]
    principal_values = [str(v) for _, v in _aws_principals(statement)]
    root = any(v.endswith(":root") or re.fullmatch(r"\d{12}", v) for v in principal_values)
    return (
        statement.effect == "Allow"
        and bool(roots)
        and root
        and bool(actions & {"kms:*", "*"})
        and resources == {"*"}
    )


def _aws_principals(statement: Statement) -> list[tuple[str, Any]]:
    principal = statement.body.get("Principal")
    if isinstance(principal, dict) and "AWS" in principal:
        aws = principal["AWS"]
        if isinstance(aws, list):
            return [(f"{statement.path}.Principal.AWS[{i}]", v) for i, v in enumerate(aws)]
        return [(f"{statement.path}.Principal.AWS", aws)]
    return []


def cross_account(ctx: Context, rule: Rule) -> Iterator[Finding]:
    own = ctx.account or infer_account(ctx.document, ctx.kind)
    if own is None or ctx.kind == "vpc-endpoint-policy":
        return
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        if ctx.kind == "key-policy":
            others = [(p, a) for p, a in _principal_accounts(statement) if a != own]
            where = "principals of account"
        else:
            others = [
                (p, m.group(1))
                for p, v in statement.values("Resource")
                if (m := KEY_ARN.match(str(v))) and m.group(1) != own
            ]
            where = "KMS keys of account"
        if not others:
            continue
        foreign = ", ".join(sorted({a for _, a in others}))
        for path, value in statement.values("Action"):
            text = str(value)
            if "*" in text or "?" in text:
                matched = [ctx.knowledge.index.actions[a] for a in ctx.knowledge.index.expand(text)]
                local = sorted(a["name"] for a in matched if a["cross_account"] == "no")
                if local:
                    yield ctx.finding(
                        rule,
                        statement,
                        path,
                        f"{text} for {where} {foreign} includes {len(local)} actions that "
                        f"cannot be used cross-account (no effect there): {', '.join(local)}",
                        "cross-account use of each matched action, permissions reference",
                        PERMISSIONS_PAGE,
                        severity="warning",
                    )
                continue
            entry = ctx.knowledge.action(text)
            if entry and entry["cross_account"] == "no":
                yield ctx.finding(
                    rule,
                    statement,
                    path,
                    f"{entry['name']} cannot be used cross-account: granting it to "
                    f"{where} {foreign} has no effect",
                    _fact(entry, "cross_account"),
                    PERMISSIONS_PAGE,
                )


def public_principal(ctx: Context, rule: Rule) -> Iterator[Finding]:
    if ctx.kind == "vpc-endpoint-policy":
        return
    note = ctx.knowledge.note("key-policy-modifying-external-accounts", "asterisk")
    for statement in ctx.document.statements:
        if statement.effect != "Allow":
            continue
        principal = statement.body.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else principal
        stars = aws if isinstance(aws, list) else [aws]
        if "*" in stars and not statement.body.get("Condition"):
            yield ctx.finding(
                rule,
                statement,
                f"{statement.path}.Principal",
                'Principal "*" without a condition gives every identity in every '
                "AWS account the permissions of this statement",
                _note_basis(note),
                _note_link(note),
            )


def missing_root_statement(ctx: Context, rule: Rule) -> Iterator[Finding]:
    if ctx.kind != "key-policy" or not ctx.document.whole:
        return
    if any(_is_root_enable(s) for s in ctx.document.statements):
        return
    note = ctx.knowledge.note("iam-policies", "key policy")
    yield ctx.finding(
        rule,
        None,
        "$.Statement",
        "no statement gives the account (root) kms:*: IAM policies grant nothing for this key",
        _note_basis(note),
        _note_link(note),
    )


def _note_basis(note: dict[str, Any] | None) -> str:
    if note is None:
        return "the developer guide"
    text = note["text"] if len(note["text"]) < 160 else note["text"][:157] + "..."
    return f"guide, {note['page']} / {note['section']}: {note['kind']}: {text}"


def _note_link(note: dict[str, Any] | None) -> str:
    return Knowledge.note_link(note) if note else GUIDE


def key_policy_resource(ctx: Context, rule: Rule) -> Iterator[Finding]:
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        for path, value in statement.values("Resource"):
            if value != "*":
                yield ctx.finding(
                    rule,
                    statement,
                    path,
                    f'Resource {value!r} in a key policy: use "*", which means '
                    "the KMS key the policy is attached to",
                    "permissions reference, Resources column",
                    PERMISSIONS_PAGE,
                )


# --- condition keys -------------------------------------------------------------------------


def _conditions(ctx: Context) -> Iterator[tuple[Statement, Condition, dict[str, Any] | None]]:
    for statement in ctx.document.statements:
        for condition in conditions(statement):
            yield statement, condition, ctx.knowledge.key(condition.key)


def unknown_keys(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement, condition, key in _conditions(ctx):
        if key is None and condition.key.lower().startswith("kms:"):
            hints = ctx.knowledge.index.suggestions(condition.key)
            hint = f"; did you mean {', '.join(hints)}?" if hints else ""
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{condition.key} is not a KMS condition key{hint}",
                "the dataset's condition_keys table",
                f"{GUIDE}/conditions-kms.html",
            )


def inapplicable_keys(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement, condition, key in _conditions(ctx):
        if key is None or condition.base == "Null":
            continue
        applies = ctx.knowledge.key_actions(key["name"])
        actions, opaque = kms_actions(statement, ctx.knowledge)
        if not applies or opaque or not actions or "NotAction" in statement.body:
            continue
        if not actions & applies:
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{key['name']} applies to none of this statement's actions "
                f"({', '.join(sorted(actions)[:6])}"
                f"{', ...' if len(actions) > 6 else ''}): the condition can never "
                "match",
                f"{key['name']} applies to {len(applies)} actions",
                ctx.knowledge.key_link(key),
            )


def deprecated_keys(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement, condition, key in _conditions(ctx):
        if key and key["deprecated"]:
            instead = f"; use {key['replacement']}" if key["replacement"] else ""
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{key['name']} is deprecated{instead}",
                f"{key['name']} deprecated, condition keys",
                ctx.knowledge.key_link(key),
            )


def source_ip(ctx: Context, rule: Rule) -> Iterator[Finding]:
    note = ctx.knowledge.note("kms-vpc-endpoint", "aws:sourceIP")
    for statement, condition, _ in _conditions(ctx):
        if condition.key.lower() == "aws:sourceip":
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                "aws:SourceIp is not effective for requests through a VPC endpoint, "
                "nor for AWS services calling KMS for you; use aws:SourceVpce or "
                "aws:SourceVpc (and kms:ViaService for integrated services)",
                _note_basis(note),
                _note_link(note),
            )


def vpc_endpoint(ctx: Context, rule: Rule) -> Iterator[Finding]:
    note = ctx.knowledge.note(
        "kms-vpc-endpoint", "VPC endpoint", "on your behalf"
    ) or ctx.knowledge.note("kms-vpc-endpoint", "integrated AWS services")
    for statement, condition, _ in _conditions(ctx):
        if condition.key.lower() in ("aws:sourcevpce", "aws:sourcevpc"):
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"requiring {condition.key} can block AWS services that use the key "
                "on your behalf; allow them with kms:ViaService",
                _note_basis(note),
                _note_link(note),
            )


BOOLEAN = {True, False, "true", "false"}


def operator_types(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement, condition, key in _conditions(ctx):
        if condition.family is None:
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{condition.operator} is not an IAM condition operator",
                "IAM condition operators",
                None,
            )
            continue
        if key is None or condition.family == "Null":
            if condition.family == "Null" and not all(v in BOOLEAN for v in condition.values):
                yield ctx.finding(
                    rule,
                    statement,
                    condition.path,
                    "Null takes true or false",
                    "IAM condition operators",
                    None,
                )
            continue
        kind = key["condition_type"] or ""
        expected = {"Boolean": "Bool", "Numeric": "Numeric", "Timestamp": "Date"}.get(kind)
        problem = None
        if expected and condition.family != expected:
            problem = f"{key['name']} is a {kind} key; compare it with a {expected} operator"
        elif not expected and condition.family in ("Bool", "Numeric", "Date"):
            problem = (
                f"{key['name']} is a {kind or 'String'} key; {condition.operator} does not fit it"
            )
        elif kind == "Boolean" and not all(v in BOOLEAN for v in condition.values):
            problem = f"{key['name']} takes true or false, not {condition.values}"
        elif kind == "Numeric" and not all(_numeric(v) for v in condition.values):
            problem = f"{key['name']} takes numbers, not {condition.values}"
        elif kind == "Timestamp" and not all(_date(v) for v in condition.values):
            problem = (
                f"{key['name']} takes dates (ISO 8601 or epoch seconds), not {condition.values}"
            )
        if problem:
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                problem,
                f"{key['name']} condition type = {kind!r}",
                ctx.knowledge.key_link(key),
            )


def _numeric(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or bool(
        isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value)
    )


def _date(value: Any) -> bool:
    return _numeric(value) or bool(
        isinstance(value, str)
        and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", value
        )
    )


def value_formats(ctx: Context, rule: Rule) -> Iterator[Finding]:
    for statement, condition, key in _conditions(ctx):
        if key is None or condition.family == "Null":
            continue
        for value in condition.values:
            text = str(value)
            if "*" in text or "?" in text or "${" in text:
                continue
            if key["name"] == "kms:CallerAccount" and not re.fullmatch(r"\d{12}", text):
                yield ctx.finding(
                    rule,
                    statement,
                    condition.path,
                    f"kms:CallerAccount takes a 12-digit account ID, not {text!r}",
                    "kms:CallerAccount, condition keys",
                    ctx.knowledge.key_link(key),
                )
            if key["name"] == "kms:ViaService" and not re.fullmatch(
                r"[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(\.cn)?", text
            ):
                yield ctx.finding(
                    rule,
                    statement,
                    condition.path,
                    f"kms:ViaService takes SERVICE.REGION.amazonaws.com, not {text!r}",
                    "kms:ViaService, condition keys",
                    ctx.knowledge.key_link(key),
                )


def set_operators(ctx: Context, rule: Rule) -> Iterator[Finding]:
    note = ctx.knowledge.note("conditions-kms", "OverlyPermissiveCondition")
    for statement, condition, key in _conditions(ctx):
        if key is None or not key["value_type"] or condition.family == "Null":
            continue
        single = key["value_type"] == "single-valued"
        if single and condition.set_operator:
            severity = "error" if condition.set_operator == "ForAllValues" else "warning"
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{condition.set_operator} with the single-valued {key['name']} "
                "can match requests without the value you mean to require "
                "(OverlyPermissiveCondition); remove the set operator",
                f"{key['name']} value type = single-valued; " + _note_basis(note),
                ctx.knowledge.key_link(key),
                severity=severity,
            )
        elif not single and not condition.set_operator:
            yield ctx.finding(
                rule,
                statement,
                condition.path,
                f"{key['name']} is multi-valued: say how to compare the sets with "
                "ForAnyValue or ForAllValues",
                f"{key['name']} value type = multi-valued",
                ctx.knowledge.key_link(key),
                severity="warning",
            )


RULES: tuple[Rule, ...] = (
    Rule("KMS001", "unknown-action", "error", "Unknown KMS action", unknown_actions),
    Rule(
        "KMS002", "wildcard-matches-nothing", "error", "Wildcard matches no action", empty_wildcards
    ),
    Rule("KMS003", "not-action-expanded", "info", "What NotAction covers", not_action),
    Rule(
        "KMS010",
        "key-applies-to-no-action",
        "warning",
        "Condition key applies to none of the actions",
        inapplicable_keys,
    ),
    Rule("KMS011", "unknown-condition-key", "error", "Unknown KMS condition key", unknown_keys),
    Rule(
        "KMS012", "deprecated-condition-key", "warning", "Deprecated condition key", deprecated_keys
    ),
    Rule(
        "KMS020",
        "iam-only-in-key-policy",
        "warning",
        "IAM-policy-only permission in a key policy",
        iam_only_in_key_policy,
    ),
    Rule(
        "KMS021",
        "not-effective-in-key-policy",
        "warning",
        "Permission not effective in a key policy",
        not_effective_in_key_policy,
    ),
    Rule(
        "KMS030",
        "not-usable-cross-account",
        "error",
        "Permission that cannot be used cross-account",
        cross_account,
    ),
    Rule(
        "KMS040", "public-principal", "error", "Principal * without a condition", public_principal
    ),
    Rule(
        "KMS050",
        "iam-policies-not-enabled",
        "info",
        "Key policy does not enable IAM policies",
        missing_root_statement,
    ),
    Rule("KMS060", "source-ip", "warning", "aws:SourceIp with KMS", source_ip),
    Rule(
        "KMS061", "vpc-endpoint-condition", "info", "VPC endpoint condition with KMS", vpc_endpoint
    ),
    Rule(
        "KMS070",
        "operator-type",
        "error",
        "Operator or value does not fit the key's type",
        operator_types,
    ),
    Rule("KMS071", "value-format", "error", "Value not in the key's format", value_formats),
    Rule(
        "KMS080",
        "set-operator",
        "error",
        "Set operator and key's value type disagree",
        set_operators,
    ),
    Rule(
        "KMS090",
        "key-policy-resource",
        "warning",
        "Key policy Resource other than *",
        key_policy_resource,
    ),
)
