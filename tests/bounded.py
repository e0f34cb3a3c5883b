"""Run Python code in a child process under CPU-time and memory limits.

Bounded-work tests state a limit far above what the work needs (hundreds of times) and far below
what the runaway it guards against would take: CPU time is what a process spends itself, so a
loaded machine stretches its wall time but hardly its CPU time, and no test depends on speed.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bounded(
    code: str, cpu_seconds: int = 60, memory_mb: int = 1024
) -> subprocess.CompletedProcess[str]:
    """Run `code` with this interpreter under the limits; a runaway is killed by the kernel
    (SIGXCPU, or a MemoryError) instead of hanging or exhausting the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=None,
    )


def assert_bounded(code: str, cpu_seconds: int = 60, memory_mb: int = 1024) -> str:
    """Run `code` under the limits; it must exit 0. Its standard output."""
    done = run_bounded(code, cpu_seconds, memory_mb)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    return done.stdout
