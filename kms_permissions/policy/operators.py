"""The condition operators, declared once: family, negation, the key types each fits, its comparer.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
The checker's rules and the access evaluator read this table; the evaluator implements each
comparer named here (`policy/access/operators.py`).

Which key types an operator fits follows AWS's own policies: String operators compare ARN keys
as strings, and ARN operators compare string keys that hold ARNs (the CloudWatch Logs key policy
of the KMS and CloudWatch Logs guides uses `ArnLike` on `kms:EncryptionContext:aws:logs:arn`).
The page defines no other comparison across types.
"""

from __future__ import annotations

import re

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

OPERATORS_PAGE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html"
)


@dataclass(frozen=True)
class Operator:
    """One condition operator (without set operator or IfExists)."""

    name: str
    family: str
    negates: str | None  # the positive operator this one negates
    comparer: str  # what compares one request value with one policy value
    key_types: frozenset[str]  # the dataset's condition types it fits
    takes_variables: bool  # policy variables are replaced in its values

    @property
    def negated(self) -> bool:
        """It holds where its positive twin does not (and when the key is absent)."""
        return self.negates is not None

    @property
    def positive(self) -> str:
        """The positive operator: itself, or the one it negates."""
        return self.negates or self.name


_STRINGS = frozenset({"String", "String (list)", "ARN"})
_ARNS = frozenset({"ARN", "String", "String (list)"})
_ORDERED = ("Equals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")


def _family(
    family: str,
    pairs: list[tuple[str, str | None, str]],
    key_types: frozenset[str],
    takes_variables: bool = False,
) -> list[Operator]:
    return [
        Operator(name, family, negates, comparer, key_types, takes_variables)
        for name, negates, comparer in pairs
    ]


TABLE: dict[str, Operator] = {
    o.name: o
    for o in [
        *_family(
            "String",
            [
                ("StringEquals", None, "string-equals"),
                ("StringNotEquals", "StringEquals", "string-equals"),
                ("StringEqualsIgnoreCase", None, "string-equals-ignore-case"),
                (
                    "StringNotEqualsIgnoreCase",
                    "StringEqualsIgnoreCase",
                    "string-equals-ignore-case",
                ),
                ("StringLike", None, "string-like"),
                ("StringNotLike", "StringLike", "string-like"),
            ],
            _STRINGS,
            takes_variables=True,
        ),
        *_family(
            "Numeric",
            [(f"Numeric{r}", None, f"numeric-{r}") for r in _ORDERED]
            + [("NumericNotEquals", "NumericEquals", "numeric-Equals")],
            frozenset({"Numeric"}),
        ),
        *_family(
            "Date",
            [(f"Date{r}", None, f"date-{r}") for r in _ORDERED]
            + [("DateNotEquals", "DateEquals", "date-Equals")],
            frozenset({"Timestamp"}),
        ),
        *_family("Bool", [("Bool", None, "bool")], frozenset({"Boolean"})),
        *_family("Binary", [("BinaryEquals", None, "binary")], frozenset({"Binary"})),
        *_family(
            "Ip",
            [("IpAddress", None, "ip"), ("NotIpAddress", "IpAddress", "ip")],
            frozenset({"IP address", "IPAddress"}),
        ),
        *_family(
            "Arn",
            [
                # ArnEquals and ArnLike behave alike (the operators page).
                ("ArnEquals", None, "arn-like"),
                ("ArnLike", None, "arn-like"),
                ("ArnNotEquals", "ArnEquals", "arn-like"),
                ("ArnNotLike", "ArnLike", "arn-like"),
            ],
            _ARNS,
            takes_variables=True,
        ),
        *_family("Null", [("Null", None, "null")], frozenset()),
    ]
}
FAMILIES: dict[str, tuple[str, ...]] = {}
for _operator in TABLE.values():
    FAMILIES.setdefault(_operator.family, ())
    FAMILIES[_operator.family] += (_operator.name,)
NEGATED = frozenset(o.name for o in TABLE.values() if o.negated)
_NAME = re.compile(r"(?:(ForAnyValue|ForAllValues):)?(\w+?)(IfExists)?")


@dataclass(frozen=True)
class ParsedOperator:
    """An operator as a policy writes it: set operator, base operator, IfExists."""

    written: str
    set_operator: str | None
    base: str
    if_exists: bool

    @property
    def operator(self) -> Operator | None:
        """The base operator's table entry, or None for an operator AWS does not have."""
        return TABLE.get(self.base)


def parse_operator(written: str) -> ParsedOperator:
    """`ForAnyValue:StringLikeIfExists` taken apart."""
    match = _NAME.fullmatch(written)
    if not match:
        return ParsedOperator(written, None, written, False)
    set_operator, base, if_exists = match.groups()
    return ParsedOperator(written, set_operator, base, bool(if_exists))


def fits(operator: Operator, key_type: str | None) -> bool | None:
    """Whether the operator compares values of the key type (None: the type is not known)."""
    if key_type is None or operator.family == "Null":
        return None if key_type is None else True
    return key_type in operator.key_types
