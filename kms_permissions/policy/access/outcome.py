"""Three-valued results: true, false, or unknown (a feature this analysis cannot decide).

Combined with Kleene's logic, so that a definite result never depends on an unknown part.
"""

from __future__ import annotations

from collections.abc import Iterable

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass


@dataclass(frozen=True)
class Outcome:
    """True, False or None (cannot decide), and why it is not True."""

    value: bool | None
    why: str = ""

    @property
    def unknown(self) -> bool:
        """The analysis cannot decide this part."""
        return self.value is None


TRUE = Outcome(True)


def false(why: str) -> Outcome:
    """A definite no, with the reason."""
    return Outcome(False, why)


def unknown(why: str) -> Outcome:
    """Cannot decide, with the reason."""
    return Outcome(None, why)


def all_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Kleene AND: false if any is false, else unknown if any is unknown, else true."""
    pending: Outcome | None = None
    for outcome in outcomes:
        if outcome.value is False:
            return outcome
        if outcome.value is None and pending is None:
            pending = outcome
    return pending or TRUE


def any_of(outcomes: Iterable[Outcome], why_none: str) -> Outcome:
    """Kleene OR: true if any is true, else unknown if any is unknown, else false."""
    pending: Outcome | None = None
    for outcome in outcomes:
        if outcome.value is True:
            return outcome
        if outcome.value is None and pending is None:
            pending = outcome
    return pending or false(why_none)


def negate(outcome: Outcome, why_false: str) -> Outcome:
    """Kleene NOT."""
    if outcome.value is None:
        return outcome
    return false(why_false) if outcome.value else TRUE
