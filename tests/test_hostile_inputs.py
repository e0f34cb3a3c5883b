"""Every verb that reads a file, given what is not one: /dev/zero, a FIFO no one writes to, a
symbolic link loop, a folder, a missing path, a 40 MiB line. Each answer is one line on
stderr and a non-zero exit, in bounded time (a FIFO is never waited on), and nothing is
written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .safety import snapshot

COMMANDS = [
    "check INPUT",
    "explain --key-policy INPUT --request INPUT",
    "access INPUT",
    "key-policy new INPUT",
    "scrape --source INPUT --out out.json",
    "build --source INPUT --out built --no-cache",
    "history --corpus INPUT --out history --no-cache",
    "corpus create --from INPUT --vendored vendored",
    "corpus verify --vendored INPUT",
    "corpus extract --vendored INPUT --out extracted",
    "diff INPUT INPUT",
    "verify INPUT",
    "export --dataset INPUT --out exported.json",
]
INPUTS = ["/dev/zero", "fifo", "loop", "folder", "missing", "huge.json"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    os.mkfifo(base / "fifo")
    (base / "loop").symlink_to(base / "loop2")
    (base / "loop2").symlink_to(base / "loop")
    (base / "folder").mkdir()
    (base / "huge.json").write_text('{"a": "' + "x" * (40 * 1024 * 1024) + '"}')
    return base


@pytest.mark.slow
@pytest.mark.parametrize("given", INPUTS)
@pytest.mark.parametrize("command", COMMANDS, ids=[c.split(" INPUT")[0] for c in COMMANDS])
def test_a_file_that_is_not_one_is_one_line(hostile: Path, command: str, given: str) -> None:
    before = snapshot(hostile)
    argv = command.replace("INPUT", given).split()
    done = subprocess.run(
        [sys.executable, "-m", "kms_permissions", *argv],
        cwd=hostile,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,  # a FIFO waited on would hang: this only ends the test
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode in (1, 2), (done.returncode, done.stderr[-2000:])
    assert done.stderr.count("\n") == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert snapshot(hostile) == before
