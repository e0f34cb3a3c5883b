"""The headline of a fact: what the newest dated source that states it says.

Several sources state some facts (a condition key's type, its description, whether it applies to
an action). The headline is the value of the newest dated source among those that state it; the
others stay in their own columns and history, and where they differ it is a discrepancy. An
undated copy (the current permissions page read from a local file) states facts but dates none:
it is the headline only where no dated source states the fact. Sources of the same date are
taken in the order of `model.FACT_SOURCES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from kms_permissions.model import FACT_SOURCES

V = TypeVar("V")
_ORDER = list(FACT_SOURCES)


@dataclass(frozen=True)
class Stated(Generic[V]):
    """One source's value of a fact, with the revision date of its page (None: undated)."""

    source: str
    date: str | None
    value: V


def headline(stated: list[Stated[V]]) -> Stated[V] | None:
    """The statement that is the headline: the newest dated one, else the first undated one."""
    if not stated:
        return None
    return max(stated, key=_rank)


def _rank(item: Stated[V]) -> tuple[bool, str, int]:
    # Dated before undated, newer before older, then the sources' declared order.
    return (item.date is not None, item.date or "", -_ORDER.index(item.source))


def decide_pair(
    said: Mapping[str, bool], dates: Mapping[str, str | None]
) -> tuple[bool, str | None]:
    """Whether a key applies to an action, and the source that decides it.

    `said` holds, per source that speaks of the pair, whether it pairs them. The newest dated
    sources decide (any of them pairing the two is enough, as one source of a date may be more
    complete than another of the same date); with no dated source, the undated ones decide and
    no source is named."""
    dated = [s for s in said if dates.get(s)]
    if not dated:
        return any(said.values()), None
    newest = max(dates[s] or "" for s in dated)
    deciders = [s for s in dated if dates[s] == newest]
    yes = [s for s in deciders if said[s]]
    chosen = sorted(yes or deciders, key=_ORDER.index)[0]
    return bool(yes), chosen
