"""Suggestions for unknown names: the bounded search (kms_permissions.suggest) against difflib
over every known name, on the same misspelt names in one run; prints both and the ratio."""

from __future__ import annotations

import difflib
import time

from kms_permissions.query import load_index
from kms_permissions.suggest import close_names

NAMES = 20_000


def main() -> None:
    index = load_index()
    known = (*index.action_names, *index.key_names)
    lowered = [n.lower() for n in known]
    names = [f"kms:Decrpyt{n}" for n in range(NAMES)]
    start = time.perf_counter()
    for name in names:
        difflib.get_close_matches(name.lower(), lowered, n=3, cutoff=0.6)
    everything = time.perf_counter() - start
    start = time.perf_counter()
    for name in names:
        close_names(name, known)
    bounded = time.perf_counter() - start
    print(f"difflib over all {len(known)} names: {everything / NAMES * 1e3:.3f} ms a name")
    print(f"bounded search:                  {bounded / NAMES * 1e3:.3f} ms a name")
    print(f"ratio: {everything / bounded:.1f} x faster ({NAMES} distinct unknown names)")


if __name__ == "__main__":
    main()
