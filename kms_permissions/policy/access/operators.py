"""The comparers the operator table (`policy/operators.py`) names: one request value against one
policy value.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
A negated operator is its positive twin's comparer, negated by the caller.
"""

from __future__ import annotations

from collections.abc import Callable

from kms_permissions.policy.access.outcome import TRUE, Outcome, false, unknown
from kms_permissions.policy.access.variables import Resolved
from kms_permissions.policy.access.wildcards import matches, pieces_of
from kms_permissions.policy.operators import TABLE

# decimal, datetime, ipaddress and base64 are imported by the comparers that need them: most
# requests compare strings only, and a cold `explain` would pay for all four.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal


def _number(text: str) -> Decimal | None:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _date(text: str) -> datetime | None:
    from datetime import UTC, datetime

    value = text.strip()
    number = _number(value)
    if number is not None:  # epoch seconds are accepted as well as ISO 8601
        return datetime.fromtimestamp(float(number), UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


Comparer = Callable[[str, Resolved], Outcome]


def _string_equals(actual: str, wanted: Resolved) -> Outcome:
    return TRUE if actual == wanted.text else false("")


def _string_equals_ignore_case(actual: str, wanted: Resolved) -> Outcome:
    return TRUE if actual.casefold() == wanted.text.casefold() else false("")


def _string_like(actual: str, wanted: Resolved) -> Outcome:
    if wanted.substituted_wildcard:
        return unknown(
            f"a policy variable put a wildcard character into {wanted.text!r}; whether it "
            "then matches as a wildcard is not documented"
        )
    return TRUE if matches(wanted.pieces, actual) else false("")


def _arn_like(actual: str, wanted: Resolved) -> Outcome:
    # Each of the six colon-separated parts is matched on its own, case-sensitively.
    if wanted.substituted_wildcard:
        return _string_like(actual, wanted)
    have = actual.split(":", 5)
    pattern = wanted.text.split(":", 5)
    if len(have) != 6 or len(pattern) != 6:
        return false("")
    return (
        TRUE
        if all(matches(pieces_of(p), h) for p, h in zip(pattern, have, strict=True))
        else false("")
    )


def _bool(actual: str, wanted: Resolved) -> Outcome:
    left, right = actual.strip().lower(), wanted.text.strip().lower()
    if right not in ("true", "false"):
        return unknown(f"policy value {wanted.text!r} is not true or false")
    if left not in ("true", "false"):
        return unknown(f"request value {actual!r} is not true or false")
    return TRUE if left == right else false("")


def _binary(actual: str, wanted: Resolved) -> Outcome:
    import base64
    import binascii

    try:
        left = base64.b64decode(actual, validate=True)
        right = base64.b64decode(wanted.text, validate=True)
    except (binascii.Error, ValueError):
        return unknown("BinaryEquals compares base-64 values; one of them is not base-64")
    return TRUE if left == right else false("")


def _ip(actual: str, wanted: Resolved) -> Outcome:
    import ipaddress

    try:
        network = ipaddress.ip_network(wanted.text.strip(), strict=False)
    except ValueError:
        return unknown(f"policy value {wanted.text!r} is not an IP address or CIDR range")
    try:
        address = ipaddress.ip_address(actual.strip())
    except ValueError:
        return unknown(f"request value {actual!r} is not an IP address")
    return TRUE if address in network else false("")


def _order_compare(
    kind: str, parse: Callable[[str], Decimal | datetime | None], relation: str
) -> Comparer:
    def compare(actual: str, wanted: Resolved) -> Outcome:
        right = parse(wanted.text)
        if right is None:
            return unknown(f"policy value {wanted.text!r} is not a {kind}")
        left = parse(actual)
        if left is None:
            return unknown(f"request value {actual!r} is not a {kind}")
        if relation == "Equals":
            holds = left == right
        elif relation == "LessThan":
            holds = left < right  # type: ignore[operator]
        elif relation == "LessThanEquals":
            holds = left <= right  # type: ignore[operator]
        elif relation == "GreaterThan":
            holds = left > right  # type: ignore[operator]
        else:
            holds = left >= right  # type: ignore[operator]
        return TRUE if holds else false("")

    return compare


_RELATIONS = ("Equals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")

COMPARERS: dict[str, Comparer] = {
    "string-equals": _string_equals,
    "string-equals-ignore-case": _string_equals_ignore_case,
    "string-like": _string_like,
    "arn-like": _arn_like,
    "bool": _bool,
    "binary": _binary,
    "ip": _ip,
    **{f"numeric-{r}": _order_compare("number", _number, r) for r in _RELATIONS},
    **{f"date-{r}": _order_compare("date", _date, r) for r in _RELATIONS},
}


def comparer(operator: str) -> tuple[Comparer, bool] | None:
    """The comparison behind an operator (without set operator or IfExists), and whether negated."""
    found = TABLE.get(operator)
    if found is None or found.comparer not in COMPARERS:
        return None
    return COMPARERS[found.comparer], found.negated
