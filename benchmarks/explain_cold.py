"""A cold `kms-permissions explain` (a fresh process deciding one worked case) against
`python -c pass`; target: within 5x.

Run: python benchmarks/explain_cold.py. The case is the same-account IAM policy case, its files
written to a temporary folder; the command is run as `python -m kms_permissions` with this
interpreter, as the installed script does.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compare, compile_bytecode, python, report

from kms_permissions.policy.access.cases import CASES

TARGET = 5.0
PASS = "python -c pass"
EXPLAIN = "kms-permissions explain (one case)"


def main() -> None:
    compile_bytecode()
    case = next(c for c in CASES if c.slug == "same-account-iam-policy")
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for name, data in (
            ("key-policy", case.key_policy),
            ("request", case.request),
            ("iam-policy", case.iam_policies[0]),
        ):
            path = Path(folder) / f"{name}.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            files[name] = str(path)
        explain = [sys.executable, "-m", "kms_permissions", "explain"]
        explain += ["--key-policy", files["key-policy"], "--request", files["request"]]
        explain += ["--iam-policy", files["iam-policy"]]
        timings = compare({PASS: python("pass"), EXPLAIN: explain}, runs=21)
    report(timings, PASS)
    ratio = timings[EXPLAIN].cpu / timings[PASS].cpu
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: {EXPLAIN} within {TARGET:.1f} x {PASS} (cpu): {verdict} ({ratio:.2f} x)")


if __name__ == "__main__":
    main()
