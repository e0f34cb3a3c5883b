"""Type checkers on a user program: valid uses pass, typos fail, reveal_type shows the Literal."""

from __future__ import annotations

import re
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


@pytest.mark.slow
def test_mypy_accepts_valid_uses_and_reveals_the_literal(tmp_path: Path) -> None:
    result = _mypy(_program(tmp_path, VALID))
    assert result.returncode == 0, result.stdout
    assert "Revealed type is \"Literal['kms:Decrypt']?\"" in result.stdout or (
        "Revealed type is \"Literal['kms:Decrypt']\"" in result.stdout
    ), result.stdout


@pytest.mark.slow
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


@pytest.mark.slow
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


README = Path(__file__).resolve().parents[1] / "README.md"

# The API's types: what each call gives, and the mistakes the types catch.
API = """
from typing import reveal_type

import kms_permissions as kp

reveal_type(kp.lookup("kms:Decrypt"))
reveal_type(kp.lookup("kms:ViaService"))
reveal_type(kp.lookup(input()))
reveal_type(kp.lookup_action(input()).cross_account)
reveal_type(kp.lookup_key(input()).condition_type)
kp.actions(iam_only=True, policy_type="key-policy", source="sar")
"""

API_MISTAKES = """
import kms_permissions as kp

kp.lookup(input()).usable_cross_account
kp.actions(cross_acount="yes")
kp.actions(access_level="Reed")
"""


def _readme_examples(tmp_path: Path) -> Path:
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(), re.MULTILINE | re.DOTALL)
    assert blocks, "README.md has no Python example"
    return _program(tmp_path, "\n".join(blocks))


@pytest.mark.slow
def test_readme_examples_run_and_pass_mypy_strict(tmp_path: Path) -> None:
    program = _readme_examples(tmp_path)
    ran = subprocess.run([sys.executable, str(program)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    result = _mypy(program)
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_readme_examples_pass_pyright_strict(tmp_path: Path) -> None:
    pyright = _pyright()
    program = _readme_examples(tmp_path)
    (tmp_path / "pyrightconfig.json").write_text('{"typeCheckingMode": "strict"}')
    done = subprocess.run(
        [pyright, "--pythonpath", sys.executable, "--project", str(tmp_path), str(program)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "0 errors" in done.stdout, done.stdout


@pytest.mark.slow
def test_mypy_types_lookup_by_the_name_and_filters_by_their_values(tmp_path: Path) -> None:
    result = _mypy(_program(tmp_path, API))
    assert result.returncode == 0, result.stdout
    revealed = re.findall(r'Revealed type is "(.*)"', result.stdout)
    assert revealed == [
        "kms_permissions.model.ActionInfo[str]",
        "kms_permissions.model.ConditionKeyInfo[str]",
        "kms_permissions.model.ActionInfo[str] | kms_permissions.model.ConditionKeyInfo[str]",
        "Literal['yes'] | Literal['no'] | Literal['n/a'] | Literal['other'] | Literal['mixed'] | "
        "Literal['contradictory'] | None",
        "Literal['String'] | Literal['Boolean'] | Literal['Numeric'] | Literal['Timestamp'] | "
        "Literal['String (list)'] | Literal['ARN'] | None",
    ], result.stdout
    mistakes = _mypy(_program(tmp_path, API_MISTAKES))
    assert mistakes.returncode == 1
    assert (
        'Item "ConditionKeyInfo[str]" of "ActionInfo[str] | ConditionKeyInfo[str]" has no '
        'attribute "usable_cross_account"' in mistakes.stdout
    )
    assert 'Unexpected keyword argument "cross_acount" for "actions"' in mistakes.stdout
    assert 'Argument "access_level" to "actions" has incompatible type "Literal[\'Reed\']"' in (
        mistakes.stdout
    )


def test_editors_complete_the_lazy_package_and_show_field_docs(tmp_path: Path) -> None:
    jedi = pytest.importorskip("jedi")
    here = jedi.InterpreterEnvironment()  # this interpreter, not a subprocess left running
    source = "import kms_permissions\nkms_permissions.look"
    names = [
        c.name
        for c in jedi.Script(source, path=tmp_path / "x.py", environment=here).complete(2, 20)
    ]
    assert names == ["lookup", "lookup_action", "lookup_key"]
    source = "import kms_permissions\nkms_permissions.lookup_action('x').cross_account"
    (hover,) = jedi.Script(source, path=tmp_path / "x.py", environment=here).help(2, 40)
    assert "cross-account use over its rows" not in hover.docstring()  # the alias's comment
    assert " ".join(hover.docstring().split()).endswith(
        "yes, no, n/a, other, mixed (the guide's rows differ) or contradictory (the guide says "
        "both)."
    )
    # IPython's own completer (without Jedi) lists what dir() gives.
    import kms_permissions

    assert {"lookup", "load", "actions", "explain"} <= set(dir(kms_permissions))


def test_the_stub_names_what_the_package_imports_on_first_use() -> None:
    import ast

    import kms_permissions

    stub = Path(kms_permissions.__file__).with_suffix(".pyi")
    imported = {
        alias.asname or alias.name: f"{node.module}.{alias.name}"
        for node in ast.parse(stub.read_text()).body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    lazy = {
        name: f"kms_permissions.{module}.{name}"
        for name, module in vars(kms_permissions)["_LAZY"].items()
    }
    assert {k: v for k, v in imported.items() if "_version" not in v} == lazy
    assert sorted(imported) == sorted(kms_permissions.__all__)
    for name in imported:
        assert getattr(kms_permissions, name) is not None
