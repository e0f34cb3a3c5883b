"""Wall time of fresh Python processes, the way a user's tool starts them."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def env() -> dict[str, str]:
    """The environment for the timed processes: bytecode caching on, as after a pip install."""
    clean = dict(os.environ)
    clean.pop("PYTHONDONTWRITEBYTECODE", None)
    return clean


def median_ms(argv: list[str], runs: int = 21, stdin: bytes | None = None) -> float:
    """Median wall time of `runs` cold processes (after one warm-up that writes .pyc files)."""
    subprocess.run(argv, env=env(), capture_output=True, input=stdin, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env(), capture_output=True, input=stdin, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def python(code: str) -> list[str]:
    """argv for `python -c CODE` with this interpreter."""
    return [sys.executable, "-c", code]


def importable(module: str) -> bool:
    """Whether `module` can be imported by this interpreter."""
    done = subprocess.run(python(f"import {module}"), capture_output=True, env=env())
    return done.returncode == 0
