"""The wheel and sdist build; the wheel installs offline into a fresh venv and works there."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from kms_permissions._version import __version__
from kms_permissions.dataset.versions import pep440

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return built


def test_wheel_carries_data_constants_and_types(wheel: Path) -> None:
    assert wheel.name == f"kms_permissions-{pep440(__version__)}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "kms_permissions/constants.py",
        "kms_permissions/py.typed",
        "kms_permissions/cli.py",
        "kms_permissions/data/manifest.json",
        "kms_permissions/data/actions.parquet",
        "kms_permissions/data/actions.json",
        "kms_permissions/data/schema/actions.schema.json",
        "kms_permissions/data/history.parquet",
        "kms_permissions/data/CHANGELOG.md",
    ):
        assert required in names, required
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_sdist_builds(tmp_path: Path) -> None:
    code = "import sys; from hatchling.build import build_sdist; print(build_sdist(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert (tmp_path / done.stdout.strip()).name.startswith("kms_permissions-")


def test_installs_offline_in_a_fresh_venv_and_runs(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PIP_NO_INDEX": "1"},
        cwd=tmp_path,
    )
    check = (
        "import kms_permissions, kms_permissions.constants as c; "
        "r = kms_permissions.load(); "
        "assert kms_permissions.__file__.startswith(sys.argv[1]); "
        "assert r.actions['kms:Decrypt'].usable_cross_account; "
        "assert c.ACTIONS[c.Action.RETIRE_GRANT].key_policy_effective is False; "
        "print(r.version, kms_permissions.data_path('actions.parquet'))"
    )
    out = subprocess.run(
        [str(python), "-c", "import sys; " + check, str(target)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.stdout.startswith(__version__)
    verify = subprocess.run(
        [
            str(target / "bin" / "kms-permissions"),
            "verify",
            "--json",
            out.stdout.split()[1].rsplit("/", 1)[0],
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert verify.returncode == 0, verify.stderr
    assert '"ok": true' in verify.stdout
    lookup = subprocess.run(
        [str(target / "bin" / "kms-permissions"), "lookup", "--json", "Decrypt"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert lookup.returncode == 0, lookup.stderr
    assert '"name": "kms:Decrypt"' in lookup.stdout
