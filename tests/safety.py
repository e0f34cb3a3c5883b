"""Helpers of the safety tests: the command line run in-process, and file trees fingerprinted."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from kms_permissions.cli import main


def snapshot(root: Path) -> dict[str, tuple[str, ...]]:
    """Everything under `root` (itself included): kind, and content hash or link target."""
    found: dict[str, tuple[str, ...]] = {}
    paths = [root, *root.rglob("*")] if root.is_dir() and not root.is_symlink() else [root]
    for path in paths:
        name = path.relative_to(root).as_posix() if path != root else "."
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode):
            found[name] = ("link", os.readlink(path))
        elif stat.S_ISDIR(mode):
            found[name] = ("folder",)
        elif stat.S_ISREG(mode):
            found[name] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            found[name] = ("special", oct(stat.S_IFMT(mode)))
    return found


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def refused(capsys: pytest.CaptureFixture[str], status: int, message: str, *argv: str) -> str:
    """Run, and check the exit status and that stderr is the one line holding `message`."""
    got, _, err = cli(capsys, *argv)
    assert got == status, err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert message in err, err
    return err
