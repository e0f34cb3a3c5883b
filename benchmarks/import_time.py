"""Import time of the generated constants, against `python -c pass` and `import awacs.kms`.

Run: python benchmarks/import_time.py   (target: the import itself under 30 ms)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import importable, median_ms, python


def main() -> None:
    baseline = median_ms(python("pass"))
    ours = median_ms(python("import kms_permissions.constants"))
    print(f"python -c pass:                         {baseline:7.1f} ms")
    print(
        f"import kms_permissions.constants:       {ours:7.1f} ms  "
        f"({ours / baseline:.2f} x pass; the import itself {ours - baseline:.1f} ms)"
    )
    if importable("awacs.kms"):
        awacs = median_ms(python("import awacs.kms"))
        print(
            f"import awacs.kms:                       {awacs:7.1f} ms  "
            f"({awacs / baseline:.2f} x pass; ours / awacs = {ours / awacs:.2f})"
        )
    else:
        print("import awacs.kms:                       not installed (pip install awacs)")


if __name__ == "__main__":
    main()
