"""Names close to a misspelt one, in bounded time. Standard library only, imported on demand.

`difflib.get_close_matches` compares the name with every known name (a millisecond a name with
the ~130 actions and keys: 50,000 unknown names took over a minute). Here the known names are
first narrowed to the few that share most letter pairs with the wanted one (an index built
once per set of names), and only those are compared with difflib; a name too long to be close
to any known one (or over MAX_LENGTH) is not compared at all, and answers are cached.
"""

from __future__ import annotations

from functools import lru_cache

MAX_LENGTH = 200
# difflib's ratio is 2*M/(len(a)+len(b)) with M <= min(len(a), len(b)): at the 0.6 cutoff a
# name more than 7/3 times as long as another cannot be close to it.
_LONGEST_RATIO = 7 / 3
_CANDIDATES = 6


class _Index:
    """The letter pairs of each known name (lower case, prefix left out), for narrowing."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = {name.lower(): name for name in names}
        self.pairs: dict[str, list[str]] = {}
        self.sizes: dict[str, int] = {}
        for lowered in self.names:
            pairs = _pairs(lowered)
            self.sizes[lowered] = len(pairs)
            for pair in pairs:
                self.pairs.setdefault(pair, []).append(lowered)
        self.longest = max((len(n) for n in self.names), default=0)


def _pairs(name: str) -> set[str]:
    """The adjacent letter pairs of a name after its prefix (`kms:`, `aws:`, which most names
    share), each pair in either order: a transposed pair (`crpyt`) is the same pair."""
    rest = name.partition(":")[2] or name
    return {"".join(sorted(rest[i : i + 2])) for i in range(len(rest) - 1)}


@lru_cache(maxsize=8)
def _index(names: tuple[str, ...]) -> _Index:
    return _Index(names)


def close_names(name: str, known: tuple[str, ...], limit: int = 3) -> list[str]:
    """Up to `limit` names of `known` close to `name` (case-insensitive), best first, as
    `difflib.get_close_matches` ranks them; a name without a prefix is taken as `kms:` + name."""
    return list(_close(name, known, limit))


@lru_cache(maxsize=4096)
def _close(name: str, known: tuple[str, ...], limit: int) -> tuple[str, ...]:
    import difflib

    wanted = name.strip().lower()
    if ":" not in wanted:
        wanted = "kms:" + wanted
    index = _index(known)
    if len(wanted) > min(MAX_LENGTH, _LONGEST_RATIO * index.longest):
        return ()
    pairs = _pairs(wanted)
    shared: dict[str, int] = {}
    for pair in pairs:
        for candidate in index.pairs.get(pair, ()):
            shared[candidate] = shared.get(candidate, 0) + 1
    # The few most similar by the Dice coefficient of their letter pairs, then difflib's ratio.
    dice = {c: 2 * n / (len(pairs) + index.sizes[c]) for c, n in shared.items()}
    narrowed = sorted(dice, key=lambda c: (-dice[c], c))[:_CANDIDATES]
    close = difflib.get_close_matches(wanted, narrowed, n=limit, cutoff=0.6)
    return tuple(index.names[c] for c in close)
