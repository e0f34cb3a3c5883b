"""Condition keys and operators: unknown, deprecated, not applicable, mistyped, misused sets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kms_permissions import via_service
from kms_permissions.model import ConditionKeyInfo, ConditionType
from kms_permissions.policy.conditions import Condition, conditions, when_absent
from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.knowledge import GUIDE, IAM_GUIDE
from kms_permissions.policy.operators import NEGATED, TABLE
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import (
    ACCOUNT,
    allow,
    iam_allow,
    iam_policy,
    key_policy,
)
from kms_permissions.policy.statements import effective, kms_actions, listed, note_basis

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

CONDITIONS_KMS = f"{GUIDE}/conditions-kms.html"
OPERATORS = f"{IAM_GUIDE}/reference_policies_elements_condition_operators.html"
SETS = f"{IAM_GUIDE}/reference_policies_condition-single-vs-multi-valued-context-keys.html"
BOOLEAN = {True, False, "true", "false"}
_SUGGESTED_PER_POLICY = 20


def _conditions(
    ctx: Context,
) -> Iterator[tuple[Statement, Condition, ConditionKeyInfo[str] | None]]:
    for statement in ctx.document.statements:
        for condition in conditions(statement):
            yield statement, condition, ctx.knowledge.key(condition.key)


def _literal(value: Any) -> bool:
    """A value written out in full (no wildcard, placeholder or template function)."""
    if isinstance(value, Unresolved):
        return False
    text = str(value)
    return not ("*" in text or "?" in text or "${" in text)


@rule(
    "KMS011",
    "warning",
    "Unknown KMS condition key",
    name="unknown-condition-key",
    link=CONDITIONS_KMS,
    bad=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContextKey": "x"}})
    ),
    good=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContext:Project": "x"}})
    ),
)
def unknown_keys(ctx: Context) -> Iterator[Hit]:
    """A `kms:` condition key that KMS does not define (a typo, or a template written without
    its instance, such as `kms:EncryptionContext:`). No request carries it, so the condition
    is decided as for an absent key, never by the values written."""
    suggested = 0
    for statement, condition, key in _conditions(ctx):
        if key is not None or not condition.key.lower().startswith("kms:"):
            continue
        hint = ""
        if suggested < _SUGGESTED_PER_POLICY:
            suggested += 1
            hints = ctx.knowledge.suggestions(condition.key)
            hint = (
                f"; did you mean {', '.join(hints)}?"
                if hints
                else "; correct the name or remove it"
            )
        yield Hit(
            statement,
            condition.path,
            f"{shown(condition.key)} is not a KMS condition key: no request carries it{hint}",
            "the dataset's condition_keys table",
            CONDITIONS_KMS,
        )


def _applicability(
    ctx: Context, statement: Statement, condition: Condition, key: ConditionKeyInfo[str]
) -> tuple[set[str], set[str], bool] | None:
    """(the statement's actions, those the key does not apply to, what the condition is for
    them), or None when that cannot be told."""
    if condition.base == "Null" or "NotAction" in statement.body:
        return None
    found = kms_actions(statement, ctx.knowledge)
    applies = ctx.knowledge.key_actions(key)
    if found.opaque or not found.names or not applies:
        return None
    actions = {a for a in found.names if effective(ctx.kind, ctx.knowledge, a)}
    outside = actions - applies
    absent = when_absent(condition)
    if not outside or absent is None:
        return None
    return actions, outside, absent


def _misapplied(
    ctx: Context,
) -> Iterator[tuple[Statement, Condition, ConditionKeyInfo[str], set[str], set[str], bool]]:
    """Each condition whose key some of its statement's actions do not carry, with what
    `_applicability` tells of it (KMS010 takes those where none does, KMS013 the others)."""
    for statement, condition, key in _conditions(ctx):
        found = _applicability(ctx, statement, condition, key) if key else None
        if key is not None and found is not None:
            yield statement, condition, key, *found


def _consequence(statement: Statement, condition: Condition, absent: bool, them: str) -> str:
    verb = "allows" if statement.effect == "Allow" else "denies"
    if absent:
        return (
            f"so this {condition.operator} condition is always true for {them}: it does not "
            f"limit what the statement {verb}"
        )
    return f"so this {condition.operator} condition is false and the statement never {verb} {them}"


def _pronoun(names: set[str]) -> str:
    return "it" if len(names) == 1 else "them"


@rule(
    "KMS010",
    "warning",
    "Condition key applies to none of the actions",
    name="key-applies-to-no-action",
    link=CONDITIONS_KMS,
    bad=key_policy(
        allow(
            "kms:Decrypt",
            Condition={"ForAnyValue:StringEquals": {"kms:GrantOperations": "Decrypt"}},
        )
    ),
    good=key_policy(
        allow(
            "kms:CreateGrant",
            Condition={"ForAnyValue:StringEquals": {"kms:GrantOperations": "Decrypt"}},
        )
    ),
)
def inapplicable_keys(ctx: Context) -> Iterator[Hit]:
    """A condition on a key that none of the statement's actions carries (the dataset lists
    the operations each key applies to). The key is absent from every such request, and IAM
    decides the condition as for an absent key: false for most operators (the statement
    never applies), true for the negated ones and `...IfExists` (the condition limits
    nothing)."""
    for statement, condition, key, actions, outside, absent in _misapplied(ctx):
        if outside == actions:
            yield Hit(
                statement,
                condition.path,
                f"{condition.key} applies to none of this statement's actions "
                f"({listed(actions)}): requests for them never carry it, "
                + _consequence(statement, condition, absent, "anything")
                + "; move the condition to a statement of actions it applies to, or remove it"
                + _older_pairing(key, outside),
                f"{key.condition_key} applies to {len(ctx.knowledge.key_actions(key))} actions, "
                "condition keys",
                ctx.knowledge.key_link(key),
            )


def _older_pairing(key: ConditionKeyInfo[str], outside: Iterable[str]) -> str:
    """What the finding assumes where an older or undated source pairs the key with some of the
    actions and the newest dated source that speaks of the pair does not (the headline)."""
    left = [a for a in outside if a in key.not_applying]
    if not left:
        return ""
    return (
        f"; assumed from the newest dated source: an older or undated one pairs it with "
        f"{listed(set(left))} (see lookup {key.condition_key})"
    )


@rule(
    "KMS013",
    "warning",
    "Condition key applies to only some of the actions",
    name="key-applies-to-some-actions",
    link=f"{CONDITIONS_KMS}#conditions-kms-encryption-context",
    bad=key_policy(
        allow(
            ["kms:Decrypt", "kms:DescribeKey"],
            Condition={"StringEquals": {"kms:EncryptionContext:Project": "Alpha"}},
        )
    ),
    good=key_policy(
        allow(
            "kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContext:Project": "Alpha"}}
        ),
        allow("kms:DescribeKey"),
    ),
)
def partly_applicable_keys(ctx: Context) -> Iterator[Hit]:
    """A condition on a key that only some of the statement's actions carry: conditions are
    AND-ed for every action of the statement, so for the others the key is absent. An
    encryption-context condition on kms:DescribeKey (which takes no encryption context), or
    kms:GrantIsForAWSResource on Encrypt and Decrypt (only grant operations carry it), make
    the statement never allow those actions. Put them in a statement of their own."""
    for statement, condition, key, actions, outside, absent in _misapplied(ctx):
        if outside != actions:
            yield Hit(
                statement,
                condition.path,
                f"{condition.key} does not apply to {listed(outside)}: requests for "
                f"{_pronoun(outside)} never carry it, "
                + _consequence(statement, condition, absent, _pronoun(outside))
                + f" (move {_pronoun(outside)} to a separate statement)"
                + _older_pairing(key, outside),
                f"{key.condition_key} applies to {len(ctx.knowledge.key_actions(key))} actions, "
                "condition keys",
                ctx.knowledge.key_link(key),
            )


@rule(
    "KMS012",
    "info",
    "Deprecated condition key",
    name="deprecated-condition-key",
    kind="iam-policy",
    link=CONDITIONS_KMS,
    bad=iam_policy(
        iam_allow(
            "kms:CreateKey",
            "*",
            Condition={"StringEquals": {"kms:CustomerMasterKeySpec": "RSA_2048"}},
        )
    ),
    good=iam_policy(
        iam_allow("kms:CreateKey", "*", Condition={"StringEquals": {"kms:KeySpec": "RSA_2048"}})
    ),
)
def deprecated_keys(ctx: Context) -> Iterator[Hit]:
    """A condition key the guide marks deprecated (kms:CustomerMasterKeySpec,
    kms:CustomerMasterKeyUsage): AWS still evaluates it, but documents a replacement."""
    for statement, condition, key in _conditions(ctx):
        if key and key.deprecated:
            instead = f"; use {key.replacement}" if key.replacement else "; remove it"
            yield Hit(
                statement,
                condition.path,
                f"{key.condition_key} is deprecated{instead}",
                f"{key.condition_key} deprecated, condition keys",
                ctx.knowledge.key_link(key),
            )


@rule(
    "KMS072",
    "error",
    "Unknown condition operator",
    name="unknown-operator",
    link=OPERATORS,
    bad=key_policy(allow("kms:Decrypt", Condition={"StringEqual": {"kms:CallerAccount": ACCOUNT}})),
    good=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})
    ),
)
def unknown_operators(ctx: Context) -> Iterator[Hit]:
    """A condition operator IAM does not define (`StringEqual`, `ForAnyValues:...`); AWS
    refuses the policy. Reported once per operator, at its first key."""
    seen: set[tuple[int, str]] = set()
    for statement, condition, _ in _conditions(ctx):
        if condition.family is None and (id(statement), condition.operator) not in seen:
            seen.add((id(statement), condition.operator))
            yield Hit(
                statement,
                condition.path,
                f"{shown(condition.operator)} is not an IAM condition operator; AWS refuses "
                f"the policy; write one of IAM's operators ({_operator_hint(condition.operator)})",
                "IAM condition operators",
                OPERATORS,
            )


def _only_family(key_type: str) -> str | None:
    """The one operator family that compares values of a key type (Bool for Boolean), or None
    when several do (String and Arn operators both compare strings) or none does."""
    families = {o.family for o in TABLE.values() if key_type in o.key_types}
    return families.pop() if len(families) == 1 else None


# The dataset's condition types, and the families that compare only one of them (Bool,
# Numeric, Date): such an operator never matches a key of another type.
_KEY_TYPES: tuple[str, ...] = getattr(ConditionType, "__args__")  # noqa: B009
_TYPED_FAMILIES = frozenset(f for f in map(_only_family, _KEY_TYPES) if f)


def _operator_hint(written: str) -> str:
    """The IAM operator closest to a misspelt one, or a few common ones."""
    import difflib

    base = written.rsplit(":", 1)[-1].removesuffix("IfExists")
    close = difflib.get_close_matches(base, list(TABLE), n=1)
    if close:
        return f"{close[0]}?"
    return "StringEquals, StringLike, ArnLike, Bool, NumericLessThan, ..."


def _type_problem(condition: Condition, key: ConditionKeyInfo[str]) -> str | None:
    kind = key.condition_type or ""
    expected = _only_family(kind)
    values = [v for v in condition.values if _literal(v)]
    if expected and condition.family != expected:
        return (
            f"{key.condition_key} is a {kind} key; {condition.operator} compares it as "
            f"{condition.family} and never matches: use a {expected} operator"
        )
    if not expected and condition.family in _TYPED_FAMILIES:
        return (
            f"{key.condition_key} is a {kind or 'String'} key; {condition.operator} never "
            f"matches it: use a {'Arn' if kind == 'ARN' else 'String'} operator"
        )
    if kind == "Boolean" and not all(v in BOOLEAN for v in values):
        return (
            f'{key.condition_key} is true or false, never {shown(values)}: write "true" or "false"'
        )
    if kind == "Numeric" and not all(_numeric(v) for v in values):
        return f"{key.condition_key} is a number, never {shown(values)}: write a number"
    if kind == "Timestamp" and not all(_date(v) for v in values):
        return (
            f"{key.condition_key} is a date, never {shown(values)}: write an ISO 8601 date "
            "(2026-01-31T00:00:00Z) or epoch seconds"
        )
    return None


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


@rule(
    "KMS070",
    "warning",
    "Operator or value does not fit the key's type",
    name="operator-type",
    link=OPERATORS,
    bad=key_policy(
        allow("kms:CreateGrant", Condition={"Bool": {"kms:GrantIsForAWSResource": "yes"}})
    ),
    good=key_policy(
        allow("kms:CreateGrant", Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}})
    ),
)
def operator_types(ctx: Context) -> Iterator[Hit]:
    """An operator of another type than the key (a String operator on a Numeric key, Bool on
    a String key), or a value the key can never have (`"yes"` for a Boolean key): the
    comparison never matches, so the statement cannot do what it says. `Null` takes true or
    false. Arn operators on String keys holding ARNs are fine (AWS documents them)."""
    for statement, condition, key in _conditions(ctx):
        if condition.family is None:
            continue
        if condition.family == "Null":
            if not all(v in BOOLEAN for v in condition.values if _literal(v)):
                yield Hit(
                    statement,
                    condition.path,
                    f"Null takes true or false, not {shown(condition.values)}",
                    "IAM condition operators: Null",
                    OPERATORS,
                )
            continue
        problem = _type_problem(condition, key) if key else None
        if key and problem:
            yield Hit(
                statement,
                condition.path,
                problem,
                f"{key.condition_key} condition type = {key.condition_type!r}, condition keys",
                ctx.knowledge.key_link(key),
            )


@rule(
    "KMS071",
    "warning",
    "Value not in the key's format",
    name="value-format",
    link=CONDITIONS_KMS,
    bad=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": "1111-2222-3333"}})
    ),
    good=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})
    ),
)
def value_formats(ctx: Context) -> Iterator[Hit]:
    """A value that kms:CallerAccount (a 12-digit account ID) or kms:ViaService
    (`SERVICE.REGION.amazonaws.com`) never has: that value never matches. Wildcards,
    placeholders and template functions are not judged."""
    for statement, condition, key in _conditions(ctx):
        if key is None or condition.family in (None, "Null"):
            continue
        for value in condition.values:
            if not _literal(value):
                continue
            text = str(value)
            if key.condition_key == "kms:CallerAccount" and not re.fullmatch(r"\d{12}", text):
                yield Hit(
                    statement,
                    condition.path,
                    f"kms:CallerAccount is a 12-digit account ID, never {shown(text)}: write the "
                    "account's ID (111122223333)",
                    "kms:CallerAccount, condition keys",
                    ctx.knowledge.key_link(key),
                )
            if key.condition_key == "kms:ViaService" and via_service.split(text) is None:
                # A value of the form SERVICE.REGION.amazonaws.com is KMS015's to judge.
                yield Hit(
                    statement,
                    condition.path,
                    f"kms:ViaService is SERVICE.REGION.amazonaws.com, never {shown(text)}: write "
                    "the service and Region (s3.us-east-1.amazonaws.com)",
                    "kms:ViaService, condition keys",
                    ctx.knowledge.key_link(key),
                )


@rule(
    "KMS080",
    "error",
    "Set operator and key's value type disagree",
    name="set-operator",
    link=SETS,
    bad=key_policy(
        allow(
            "kms:Decrypt",
            Condition={"ForAllValues:StringEquals": {"kms:EncryptionContext:Dept": "IT"}},
        )
    ),
    good=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContext:Dept": "IT"}})
    ),
)
def set_operators(ctx: Context) -> Iterator[Hit]:
    """ForAllValues or ForAnyValue with a single-valued key, or a multivalued key without
    either. ForAllValues is true when the request has no value for the key (the empty set),
    so in an Allow it admits requests without the value it seems to require (an error; in a
    Deny the statement applies to those requests). ForAnyValue on a single-valued key
    behaves like the plain operator, except that it is false for an absent key where a
    negated operator would be true. Multivalued keys need a set operator. A Deny with
    ForAllValues and a positive operator on a multivalued key also applies to the empty set
    (a key with no alias), unless a Null condition on the key says it must be present."""
    note = ctx.knowledge.note("conditions-kms", "OverlyPermissiveCondition")
    for statement, condition, key in _conditions(ctx):
        if key is None or not key.value_type or condition.family in (None, "Null"):
            continue
        single = key.value_type == "single-valued"
        if single and condition.set_operator == "ForAllValues":
            allow_ = statement.effect == "Allow"
            yield Hit(
                statement,
                condition.path,
                f"ForAllValues with the single-valued {key.condition_key} is true when the "
                "request has no value for it, so "
                + (
                    "this Allow admits requests without the value it seems to require"
                    if allow_
                    else "this Deny also applies to every request without the key"
                )
                + "; remove ForAllValues:",
                f"{key.condition_key} value type = single-valued; " + note_basis(note),
                ctx.knowledge.key_link(key),
                severity=None if allow_ else "warning",
            )
        elif single and condition.set_operator == "ForAnyValue":
            negated = condition.base in NEGATED
            yield Hit(
                statement,
                condition.path,
                f"ForAnyValue with the single-valued {key.condition_key} "
                + (
                    f"is false when the key is absent, where {condition.base} alone would be "
                    "true; remove ForAnyValue:"
                    if negated
                    else f"works as {condition.base} alone does; remove ForAnyValue:"
                ),
                f"{key.condition_key} value type = single-valued; " + note_basis(note),
                ctx.knowledge.key_link(key),
                severity="warning" if negated else "info",
            )
        elif not single and _deny_on_empty_set(statement, condition):
            yield Hit(
                statement,
                condition.path,
                f"ForAllValues is true when the request's set of {key.condition_key} is empty "
                "(a key with no alias, a request without the values), so this Deny also "
                "applies to every such request, and not to one where only some values "
                f"match: ForAnyValue:{condition.base} denies when any value matches (and "
                f'"Null": {{"{key.condition_key}": "false"}} leaves out requests without it)',
                f"{key.condition_key} value type = multi-valued; ForAllValues over an empty "
                "set is true (IAM: single-valued vs. multivalued context keys)",
                ctx.knowledge.key_link(key),
                severity="warning",
            )
        elif not single and not condition.set_operator:
            yield Hit(
                statement,
                condition.path,
                f"{key.condition_key} is multivalued: AWS requires ForAnyValue or ForAllValues "
                "to say how the request's set of values is compared",
                f"{key.condition_key} value type = multi-valued",
                ctx.knowledge.key_link(key),
                severity="warning",
            )


def _deny_on_empty_set(statement: Statement, condition: Condition) -> bool:
    """A Deny whose ForAllValues condition with a positive operator (StringLike, ...) is its
    own guard: it matches the empty set as well, unless a Null condition on the same key
    says the key must be present."""
    if statement.effect != "Deny" or condition.set_operator != "ForAllValues":
        return False
    if condition.if_exists or condition.base in NEGATED or condition.base == "Null":
        return False
    return not any(
        other.base == "Null"
        and other.key.lower() == condition.key.lower()
        and {str(v).lower() for v in other.values} == {"false"}
        for other in conditions(statement)
    )
