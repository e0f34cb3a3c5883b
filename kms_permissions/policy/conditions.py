"""Condition blocks: operators taken apart, and the values they compare."""

from __future__ import annotations

from kms_permissions.policy.document import Statement
from kms_permissions.policy.operators import FAMILIES, NEGATED, TABLE, parse_operator

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

__all__ = ["FAMILIES", "NEGATED", "Condition", "conditions", "limiting", "when_absent"]


@dataclass(frozen=True)
class Condition:
    """One key under one operator of a statement's Condition element."""

    operator: str
    base: str
    family: str | None
    set_operator: str | None
    if_exists: bool
    key: str
    values: list[Any]
    path: str


def conditions(statement: Statement) -> list[Condition]:
    """Every (operator, key) pair of a statement's Condition element."""
    block = statement.body.get("Condition")
    if not isinstance(block, dict):
        return []
    found = []
    for operator, keys in block.items():
        if not isinstance(keys, dict):
            continue
        parsed = parse_operator(operator)
        set_operator, base, if_exists = parsed.set_operator, parsed.base, parsed.if_exists
        known = TABLE.get(base)
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            found.append(
                Condition(
                    operator=operator,
                    base=base,
                    family=known.family if known else None,
                    set_operator=set_operator,
                    if_exists=bool(if_exists),
                    key=str(key),
                    values=values,
                    path=f"{statement.path}.Condition[{_quote(operator)}][{_quote(str(key))}]",
                )
            )
    return found


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def when_absent(condition: Condition) -> bool | None:
    """What a condition evaluates to when its key is not in the request (None: it depends).

    IAM's documented logic: a key that is absent makes an operator false, except the
    negated operators (`StringNotEquals`...) and `...IfExists`, which are true;
    `ForAllValues` over an absent key is true (every member of the empty set matches),
    `ForAnyValue` false; `Null` says whether the key is absent.
    """
    if condition.if_exists:
        return True
    if condition.set_operator == "ForAllValues":
        return True
    if condition.set_operator == "ForAnyValue":
        return False
    if condition.base == "Null":
        values = {str(v).lower() for v in condition.values}
        return True if values == {"true"} else False if values == {"false"} else None
    return condition.base in NEGATED


def limiting(statement: Statement) -> list[Condition]:
    """The conditions of a statement that compare at least one value (an empty operator block
    or an empty value list limits nothing)."""
    return [c for c in conditions(statement) if c.values and c.family is not None]
