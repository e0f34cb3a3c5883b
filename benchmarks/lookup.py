"""Cold-start cost of a lookup, against `python -c pass` and policy_sentry's equivalent query.

Run: python benchmarks/lookup.py   (target: `kms-permissions lookup kms:Decrypt --json` within
1.5x of `python -c pass`). The command is the console script pip installs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compare, compile_bytecode, python, report

TARGET = 1.5
PASS = "python -c pass"
LOOKUP = "kms-permissions lookup kms:Decrypt --json"
CLI = str(Path(sys.executable).parent / "kms-permissions")


def main() -> None:
    compile_bytecode()
    commands = {
        PASS: python("pass"),
        LOOKUP: [CLI, "lookup", "kms:Decrypt", "--json"],
        "kms-permissions lookup kms:Decrpyt (not found: suggestions)": [
            CLI,
            "lookup",
            "kms:Decrpyt",
        ],
    }
    sentry = shutil.which("policy_sentry") or str(Path(sys.executable).parent / "policy_sentry")
    if Path(sentry).exists():
        label = "policy_sentry query action-table ... decrypt"
        commands[label] = [sentry, "query", "action-table", "--service", "kms", "--name", "decrypt"]
    timings = compare(commands)
    report(timings, PASS)
    if not Path(sentry).exists():
        print("policy_sentry: not installed (pip install policy_sentry)")
    ratio = timings[LOOKUP].wall / timings[PASS].wall
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: {LOOKUP} within {TARGET:.1f} x {PASS}: {verdict} ({ratio:.2f} x)")


if __name__ == "__main__":
    main()
