"""Import time of the generated constants, against `python -c pass` and `import awacs.kms`.

Run: python benchmarks/import_time.py   (target: `import kms_permissions.constants` within 2x of
`python -c pass`; the cpu columns decide, as in the cold-start benchmarks: on a shared machine
wall time mostly measures the others' load). The import creates the enums; `ACTIONS` is built
on first use, so the cost of `from kms_permissions.constants import ACTIONS` is shown too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compare, compile_bytecode, importable, python, report

TARGET = 2.0
PASS = "python -c pass"
IMPORT = "import kms_permissions.constants"
FIRST_USE = "from kms_permissions.constants import ACTIONS"


def main() -> None:
    compile_bytecode()
    commands = {
        PASS: python("pass"),
        IMPORT: python(IMPORT),
        f"{FIRST_USE} (import + first use)": python(FIRST_USE),
    }
    if importable("awacs.kms"):
        commands["import awacs.kms"] = python("import awacs.kms")
    timings = compare(commands)
    report(timings, PASS)
    if "import awacs.kms" not in commands:
        print("import awacs.kms: not installed (pip install awacs)")
    cpu = timings[IMPORT].cpu / timings[PASS].cpu
    wall = timings[IMPORT].wall / timings[PASS].wall
    verdict = "met" if cpu <= TARGET else "NOT met"
    print(f"target: {IMPORT} within {TARGET:.1f} x {PASS} (cpu): {verdict}")
    print(f"  ({cpu:.2f} x cpu, {wall:.2f} x wall)")


if __name__ == "__main__":
    main()
