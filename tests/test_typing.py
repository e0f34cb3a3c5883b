"""Type checkers on a user program: valid uses pass, typos fail, reveal_type shows the Literal."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VALID = """
from typing import reveal_type

from kms_permissions.constants import (
    ACTIONS,
    CONDITION_KEYS,
    Action,
    ActionName,
    ConditionKey,
    ConditionKeyName,
    encryption_context,
)


def allow(action: Action | ActionName) -> dict[str, str]:
    return {"Effect": "Allow", "Action": action}


def condition(key: ConditionKeyName) -> str:
    return key


statement = allow("kms:Decrypt")
by_enum = allow(Action.DECRYPT)
info = ACTIONS[Action.CREATE_GRANT]
cross: bool = info.usable_cross_account
keys: tuple[ConditionKey, ...] = info.condition_keys
first: ConditionKey = info.grants[0].condition_keys[0].keys[0]
key_info = CONDITION_KEYS[ConditionKey.VIA_SERVICE]
applies: tuple[Action, ...] = key_info.actions
context: str = encryption_context("Department")
condition("kms:ViaService")
reveal_type(Action.DECRYPT.value)
"""

TYPOS = (
    VALID
    + """
allow("kms:Decrpyt")
Action.DECRPYT
from kms_permissions.constants import ACTION_NAMES
"""
)


def _program(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "user_program.py"
    path.write_text(source)
    return path


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(path.parent / ".mypy"),
            str(path),
        ],
        capture_output=True,
        text=True,
    )


def test_mypy_accepts_valid_uses_and_reveals_the_literal(tmp_path: Path) -> None:
    result = _mypy(_program(tmp_path, VALID))
    assert result.returncode == 0, result.stdout
    assert "Revealed type is \"Literal['kms:Decrypt']?\"" in result.stdout or (
        "Revealed type is \"Literal['kms:Decrypt']\"" in result.stdout
    ), result.stdout


def test_mypy_catches_a_misspelt_member_and_a_wrong_literal(tmp_path: Path) -> None:
    result = _mypy(_program(tmp_path, TYPOS))
    assert result.returncode == 1
    assert 'Argument 1 to "allow" has incompatible type "Literal[\'kms:Decrpyt\']"' in result.stdout
    assert 'has no attribute "DECRPYT"' in result.stdout
    # The run-time `__getattr__` that builds ACTIONS lazily is hidden from type checkers.
    assert 'Module "kms_permissions.constants" has no attribute "ACTION_NAMES"' in result.stdout


def _pyright() -> str:
    found = shutil.which("pyright") or shutil.which(
        "pyright", path=str(Path(sys.executable).parent)
    )
    if not found:
        pytest.skip("pyright is not installed (pip install pyright)")
    try:  # pyright fetches its engine from the npm registry on first use
        ready = subprocess.run([found, "--version"], capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("pyright could not fetch its engine in time")
    if ready.returncode != 0:
        pytest.skip(f"pyright does not start: {ready.stderr.decode(errors='replace')[:200]}")
    return found


def test_pyright_agrees(tmp_path: Path) -> None:
    pyright = _pyright()
    run = [pyright, "--pythonpath", sys.executable]
    valid = subprocess.run([*run, str(_program(tmp_path, VALID))], capture_output=True, text=True)
    assert "0 errors" in valid.stdout, valid.stdout
    assert "Literal['kms:Decrypt']" in valid.stdout
    typos = subprocess.run([*run, str(_program(tmp_path, TYPOS))], capture_output=True, text=True)
    assert "3 errors" in typos.stdout, typos.stdout
    assert "\"Literal['kms:Decrpyt']\" is not assignable" in typos.stdout
    assert 'Cannot access attribute "DECRPYT"' in typos.stdout
    assert '"ACTION_NAMES" is unknown import symbol' in typos.stdout
