"""Wall time of fresh Python processes, the way a user's tool starts them.

Every measurement compares commands in one run: the commands take turns, round after round, so
that other load on the machine weighs on each of them alike, and the medians are compared. The
package's bytecode is compiled first, as `pip install` does, so that no run pays for compiling.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def env() -> dict[str, str]:
    """The environment for the timed processes: bytecode caching on, as after a pip install."""
    clean = dict(os.environ)
    clean.pop("PYTHONDONTWRITEBYTECODE", None)
    return clean


def compile_bytecode() -> None:
    """Compile the package's bytecode (as pip does on install) and check the standard library's
    is there too, so that the timed processes load .pyc files and compile nothing."""
    if not compileall.compile_dir(ROOT / "kms_permissions", quiet=1, workers=0):
        raise SystemExit("compileall failed on kms_permissions")
    stale = [
        name
        for name in ("enum", "typing", "dataclasses", "json")
        if not Path(importlib.util.cache_from_source(_stdlib_file(name))).is_file()
    ]
    if stale:
        print(f"warning: the standard library has no bytecode for {stale}; numbers will be high")


def _stdlib_file(name: str) -> str:
    spec = importlib.util.find_spec(name)
    assert spec and spec.origin
    return spec.origin


@dataclass(frozen=True)
class Timing:
    """Medians of one command over the runs: wall time and CPU time (user + system) in ms."""

    wall: float
    cpu: float


def _run(argv: list[str], stdin: bytes | None) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        env=env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if stdin is not None:
        assert process.stdin
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{argv}: exit status {process.returncode}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def compare(
    commands: dict[str, list[str]], runs: int = 31, stdin: bytes | None = None
) -> dict[str, Timing]:
    """Median timings of each command, measured in turns (after one warm-up round)."""
    walls: dict[str, list[float]] = {label: [] for label in commands}
    cpus: dict[str, list[float]] = {label: [] for label in commands}
    for round_number in range(runs + 1):
        for label, argv in commands.items():
            wall, cpu = _run(argv, stdin)
            if round_number:  # the first round only warms the file cache
                walls[label].append(wall)
                cpus[label].append(cpu)
    return {
        label: Timing(statistics.median(walls[label]), statistics.median(cpus[label]))
        for label in commands
    }


def report(timings: dict[str, Timing], baseline: str = "python -c pass") -> None:
    """One line per command: medians and their ratio to the baseline's."""
    base = timings[baseline]
    width = max(len(label) for label in timings)
    print(f"{'':{width}}   wall ms   x pass    (cpu ms   x pass)")
    for label, timing in timings.items():
        print(
            f"{label:{width}}   {timing.wall:7.1f}   {timing.wall / base.wall:5.2f} x"
            f"   ({timing.cpu:6.1f}   {timing.cpu / base.cpu:5.2f} x)"
        )
    print(
        "(medians of fresh processes taking turns; the cpu columns count user + system time,"
        " which other load on the machine disturbs less than wall time)"
    )


def python(code: str) -> list[str]:
    """argv for `python -c CODE` with this interpreter."""
    return [sys.executable, "-c", code]


def importable(module: str) -> bool:
    """Whether `module` can be imported by this interpreter."""
    done = subprocess.run(python(f"import {module}"), capture_output=True, env=env())
    return done.returncode == 0
