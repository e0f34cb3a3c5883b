"""Writers under hostile conditions: a run of the same writer already writing, a disk that
fills up midway. Each is one clear line, a non-zero exit, the old output whole and nothing
staged left beside it."""

from __future__ import annotations

import fcntl
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, ROOT
from .safety import cli, refused, snapshot


def _sar() -> Path:
    return sorted((CORPUS / "sar-html" / "list_awskeymanagementservice").glob("*.html"))[-1]


def _held(target: Path) -> int:
    """Take the lock a writer of `target` takes, as a run busy writing it holds it."""
    fd = os.open(target.parent / f".{target.name}.kms-permissions.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--table", "actions", "--out", "OUT"],
        ["scrape", "--source", "SAR", "--out", "OUT"],
        ["build", "--source", "SAR", "--no-cache", "--out", "OUT"],
    ],
    ids=["export", "scrape", "build"],
)
def test_a_second_run_while_one_writes_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    out = tmp_path / "out"
    argv = [str(out) if a == "OUT" else str(_sar()) if a == "SAR" else a for a in argv]
    assert cli(capsys, *argv)[0] == 0  # the earlier output, the writer's own
    fd = _held(out)
    before = snapshot(tmp_path)  # the lock file the other run holds included
    try:
        refused(capsys, 2, f"{out}: another kms-permissions run is writing it", *argv)
        assert snapshot(tmp_path) == before
    finally:
        os.close(fd)
    assert cli(capsys, *argv)[0] == 0  # the other run done: written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _limited(argv: list[str], size: int) -> subprocess.CompletedProcess[str]:
    """The command line in a child that may write no file over `size` bytes (a full disk:
    a write past it fails with EFBIG; Python ignores SIGXFSZ)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return subprocess.run(
        [sys.executable, "-m", "kms_permissions", *argv],
        cwd=ROOT,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.mark.parametrize(
    ("argv", "small"),
    [
        (["export", "--table", "notes", "--out", "OUT"], ["export", "--table", "actions"]),
        (
            ["build", "--source", "SAR", "--no-cache", "--out", "OUT"],
            None,
        ),
    ],
    ids=["export", "build"],
)
def test_a_disk_that_fills_up_leaves_the_old_output_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], small: list[str] | None
) -> None:
    out = tmp_path / "out"
    argv = [str(out) if a == "OUT" else str(_sar()) if a == "SAR" else a for a in argv]
    assert cli(capsys, *argv)[0] == 0
    before = snapshot(tmp_path)
    grown = [*small, "--out", str(out)] if small else [*argv, "--force"]
    done = _limited(grown, 32 * 1024)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{out}" in done.stderr and "File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == before
