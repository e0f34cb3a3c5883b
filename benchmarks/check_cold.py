"""A cold `kms-permissions check` of one policy file, against `python -c pass`.

Run: python benchmarks/check_cold.py   (target: within 5x `python -c pass`, issue 21; the cpu
columns decide, as in explain_cold.py: other load on the machine disturbs them less). Fresh
processes take turns (see _timing); the file is a real key policy of tests/realworld, checked
through the console script's path (`python -m kms_permissions check FILE`):

- in this repository, where tests/realworld/pyproject.toml holds a `[tool.kms-permissions.check]`
  table: the configuration is read (by `policy/tomlscan.read_simple`, as tomllib would read it;
  a file outside that simple kind is tomllib's, whose import with typing costs about as much
  as `python -c pass`);
- a copy outside any project (no pyproject.toml above it), as in a repository without one;
- a YAML template: YAML reading is PyYAML's import and parse (`import yaml` alone costs about
  2x `python -c pass`, most of it compiling yaml.reader's regular expression).

Measured 2026-12-08 on a shared machine: 4.94x in this repository, 4.51x outside any project,
6.23x for the template (cpu). Instruction counts (valgrind --tool=callgrind, bytecode compiled,
PYTHONHASHSEED=0) are steadier: `python -c pass` 39.2M, the check in this repository 246.2M.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compare, compile_bytecode, python, report

TARGET = 5.0
PASS = "python -c pass"
REALWORLD = Path(__file__).resolve().parents[1] / "tests" / "realworld"
POLICY = REALWORLD / "06-cwlogs-guide-key-policy-account-condition.json"
TEMPLATE = REALWORLD / "12-widdix-kms-key.yaml"


def _check(path: Path) -> list[str]:
    return [sys.executable, "-m", "kms_permissions", "check", str(path)]


def main() -> None:
    compile_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        outside = Path(folder) / POLICY.name
        shutil.copyfile(POLICY, outside)
        if any((p / "pyproject.toml").exists() for p in outside.parents):
            raise SystemExit(f"{folder}: a pyproject.toml above it; set TMPDIR elsewhere")
        in_repo = f"check {POLICY.name} (in this repository)"
        no_project = f"check {POLICY.name} (outside any project)"
        commands = {
            PASS: python("pass"),
            in_repo: _check(POLICY),
            no_project: _check(outside),
            f"check {TEMPLATE.name}": _check(TEMPLATE),
        }
        timings = compare(commands, runs=21)
    report(timings, PASS)
    for label in (in_repo, no_project):
        cpu = timings[label].cpu / timings[PASS].cpu
        wall = timings[label].wall / timings[PASS].wall
        verdict = "met" if cpu <= TARGET else "NOT met"
        print(f"target: {label} within {TARGET:.1f} x {PASS} (cpu): {verdict}")
        print(f"  ({cpu:.2f} x cpu, {wall:.2f} x wall)")


if __name__ == "__main__":
    main()
