"""A statement's Condition element evaluated against the request context, as IAM does it.

- Several operators, and several keys under one operator, must all hold; several values of one
  key hold if any holds, and a negated operator holds if none matches:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- A key absent from the request fails the condition, except that negated operators, `...IfExists`
  and `Null` hold or test for it:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- `ForAllValues:` holds when every request value matches, and when the key is absent or empty;
  `ForAnyValue:` needs at least one value that matches:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- Key names are case-insensitive (the request context keeps them so); values follow the operator.
"""

from __future__ import annotations

from kms_permissions.policy.access import facts
from kms_permissions.policy.access.operators import comparer
from kms_permissions.policy.access.outcome import (
    TRUE,
    Outcome,
    all_of,
    any_of,
    false,
    negate,
    unknown,
)
from kms_permissions.policy.access.request import Context
from kms_permissions.policy.access.variables import Resolved, resolve
from kms_permissions.policy.access.wildcards import pieces_of
from kms_permissions.policy.conditions import Condition, conditions
from kms_permissions.policy.document import Statement
from kms_permissions.policy.operators import OPERATORS_PAGE, TABLE, fits

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any


def _policy_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _null(condition: Condition, context: Context) -> Outcome:
    if condition.set_operator or condition.if_exists:
        return unknown(f"{condition.operator}: Null takes no set operator or IfExists")
    # A key AWS sets on every request is present even when its value is unknown here.
    present = bool(context.why_unknown(condition.key)) or condition.key in context
    outcomes = []
    for value in condition.values:
        text = (_policy_value(value) or "").lower()
        if text not in ("true", "false"):
            return unknown(f"Null {condition.key}: {value!r} is not true or false")
        outcomes.append(TRUE if (text == "true") != present else false(""))
    state = "present" if present else "absent"
    return any_of(outcomes, f"Null {condition.key}: the key is {state} in the request")


def _type_mismatch(condition: Condition, dataset: str | None) -> str | None:
    known = facts.key_facts(condition.key, dataset)
    operator = TABLE.get(condition.base)
    if known is None or operator is None or fits(operator, known.condition_type) is not False:
        return None
    return (
        f"{condition.operator} compares {operator.family} values and {condition.key} is "
        f"{known.condition_type} in the dataset; the condition operators page defines no "
        f"comparison across types ({OPERATORS_PAGE})"
    )


def evaluate_condition(
    condition: Condition, context: Context, variables: bool, dataset: str | None = None
) -> Outcome:
    """Whether one operator/key pair of a Condition element holds for the request."""
    if condition.family is None:
        return unknown(f"{condition.operator}: not a condition operator this analysis knows")
    if condition.base == "Null":
        return _null(condition, context)
    mismatch = _type_mismatch(condition, dataset)
    if mismatch:
        return unknown(mismatch)
    found = comparer(condition.base)
    if found is None:
        return unknown(f"{condition.operator}: not a condition operator this analysis knows")
    compare, negated = found
    wanted: list[Resolved] = []
    for value in condition.values:
        text = _policy_value(value)
        if text is None:
            return unknown(f"{condition.operator} {condition.key}: {value!r} is not a value")
        takes = TABLE[condition.base].takes_variables
        wanted.append(resolve(text, context, variables) if takes else Resolved(pieces_of(text)))
    shown = [w.text for w in wanted]
    given = context.get(condition.key)
    why_unknown = context.why_unknown(condition.key)
    if given is None and why_unknown:
        return unknown(why_unknown)
    if given is None:
        if condition.if_exists or condition.set_operator == "ForAllValues":
            return TRUE
        if condition.set_operator is None and negated:
            return TRUE
        return false(f"{condition.operator} {condition.key}: the request has no {condition.key}")

    def one(actual: str) -> Outcome:
        outcomes = []
        for resolved in wanted:
            if resolved.unresolved:
                # An unresolved variable never matches; a negated operator then cannot tell.
                outcomes.append(unknown(resolved.unresolved) if negated else false(""))
            else:
                outcomes.append(compare(actual, resolved))
        matched = any_of(outcomes, "")
        return negate(matched, "") if negated else matched

    values = given.values
    failed = f"{condition.operator} {condition.key}: request {list(values)} against {shown}"
    if condition.set_operator == "ForAnyValue":
        result = any_of((one(v) for v in values), failed)
    elif condition.set_operator == "ForAllValues":
        result = all_of(one(v) for v in values)
    elif len(values) > 1:
        return unknown(
            f"{condition.operator} {condition.key}: the request gives {len(values)} values and the "
            "operator has no ForAnyValue/ForAllValues; IAM documents no result for that"
        )
    else:
        result = one(values[0])
    return result if result.value is not False else false(failed)


def evaluate_conditions(
    statement: Statement, context: Context, variables: bool, dataset: str | None = None
) -> Outcome:
    """Whether every condition of a statement holds (true when it has none)."""
    return all_of(evaluate_condition(c, context, variables, dataset) for c in conditions(statement))
