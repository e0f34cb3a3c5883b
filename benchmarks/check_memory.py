"""Peak memory of `check` against the size of its input, measured in one run.

Each case writes a policy file of n alike statements (n, 2n, 4n) and checks it in a child
process that reports its own peak resident set size (`getrusage`); the table gives the peak
above a check of a one-statement policy (the interpreter, the dataset's read model), and that
extra as a multiple of the file's size. Memory that grows with the input grows linearly when
the multiple stays put as n doubles; the brief asks for well under 10x the input.

Cases: a key policy of clean statements (no finding), and statements that each give several
findings (Principal "*", an unknown action, an unknown operator, an S3 ARN as Resource), in
text and in JSON, the worst case for what a report holds.

Run: python benchmarks/check_memory.py [N]   (N statements at the smallest size; 20000)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CLEAN = {
    "Sid": "AllowUseOfTheKey",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
    "Resource": "*",
    "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
}
ROOT = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*",
}
FLAGGED = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": ["kms:Decrypt", "kms:Bogus"],
    "Resource": "arn:aws:s3:::b",
    "Condition": {"StringEqual": {"kms:CallerAccount": "x"}},
}
# The child checks the file and prints its peak RSS in KiB (Linux reports ru_maxrss in KiB).
CHILD = (
    "import resource, sys\n"
    "from kms_permissions.cli import main\n"
    "sys.stdout = open('/dev/null', 'w')\n"
    "main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def _peak_kib(args: list[str]) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False
    )
    return int(done.stderr.strip().splitlines()[-1])


def _policy(folder: Path, name: str, statements: list[object]) -> Path:
    path = folder / name
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1))
    return path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = _peak_kib(["check", str(_policy(folder, "one.json", [ROOT]))])
        print(f"baseline (one statement): {base / 1024:.0f} MiB peak")
        print(f"{'case':34} {'n':>7} {'file MiB':>9} {'extra MiB':>10} {'extra/file':>11}")
        cases = {
            "clean key policy, text": ([ROOT], CLEAN, []),
            "flagged statements, text": ([], FLAGGED, []),
            "flagged statements, --json": ([], FLAGGED, ["--json"]),
        }
        for label, (head, statement, options) in cases.items():
            for k in (1, 2, 4):
                path = _policy(folder, "p.json", [*head, *[statement] * (n * k)])
                size = path.stat().st_size / 1024
                extra = _peak_kib(["check", *options, str(path)]) - base
                print(
                    f"{label:34} {n * k:7} {size / 1024:9.1f} {extra / 1024:10.1f} "
                    f"{extra / size:11.1f}"
                )
    print("(one run; the multiple staying put as n doubles is linear growth)")


if __name__ == "__main__":
    main()
