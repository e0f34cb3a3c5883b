"""Cold-start cost of a lookup, against `python -c pass` and policy_sentry's equivalent query.

Medians over repeated fresh processes, measured in one run.
Run: python benchmarks/lookup.py   (target: within 2x of `python -c pass`)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_ms, python

CLI = str(Path(sys.executable).parent / "kms-permissions")


def main() -> None:
    baseline = median_ms(python("pass"))
    ours = median_ms([CLI, "lookup", "kms:Decrypt", "--json"])
    print(f"python -c pass:                               {baseline:7.1f} ms")
    print(
        f"kms-permissions lookup kms:Decrypt --json:    {ours:7.1f} ms  "
        f"({ours / baseline:.2f} x pass)"
    )
    sentry = shutil.which("policy_sentry") or str(Path(sys.executable).parent / "policy_sentry")
    if Path(sentry).exists():
        argv = [sentry, "query", "action-table", "--service", "kms", "--name", "decrypt"]
        theirs = median_ms(argv, runs=7)
        print(
            f"policy_sentry query action-table ... decrypt: {theirs:7.1f} ms  "
            f"({theirs / baseline:.2f} x pass; ours is {theirs / ours:.1f} x faster)"
        )
    else:
        print("policy_sentry: not installed (pip install policy_sentry)")


if __name__ == "__main__":
    main()
