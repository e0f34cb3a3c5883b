"""A cold `kms-permissions check` of one policy file, against `python -c pass`.

Run: python benchmarks/check_cold.py   (target: within 5x `python -c pass`, issue 21). Fresh
processes take turns (see _timing); the file is a real key policy of tests/realworld, checked
through the console script's path (`python -m kms_permissions check FILE`). A YAML template
is timed too: YAML reading is PyYAML's import and parse.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compare, compile_bytecode, python, report

TARGET = 5.0
PASS = "python -c pass"
REALWORLD = Path(__file__).resolve().parents[1] / "tests" / "realworld"
POLICY = REALWORLD / "06-cwlogs-guide-key-policy-account-condition.json"
TEMPLATE = REALWORLD / "12-widdix-kms-key.yaml"


def main() -> None:
    compile_bytecode()
    check = f"check {POLICY.name}"
    commands = {
        PASS: python("pass"),
        check: [sys.executable, "-m", "kms_permissions", "check", str(POLICY)],
        f"check {TEMPLATE.name}": [sys.executable, "-m", "kms_permissions", "check", str(TEMPLATE)],
    }
    timings = compare(commands, runs=21)
    report(timings, PASS)
    ratio = timings[check].wall / timings[PASS].wall
    cpu = timings[check].cpu / timings[PASS].cpu
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: {check} within {TARGET:.1f} x {PASS}: {verdict}")
    print(f"({ratio:.2f} x wall, {cpu:.2f} x cpu)")


if __name__ == "__main__":
    main()
