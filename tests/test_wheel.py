"""The release check (.ci/release-check) passes on the project's wheel and sdist, and fails,
naming the file, on a wheel that breaks one of its promises."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kms_permissions._version import __version__
from kms_permissions.dataset.versions import pep440

from .conftest import ROOT, Release

RELEASE_CHECK = ROOT / ".ci" / "release-check"
STEPS = (
    "== build the wheel and the sdist (hatchling)",
    "== the wheel holds the dataset, the constants, py.typed and NOTICE",
    "== versions agree",
    "== the wheel's metadata requires nothing",
    "== the sdist holds corpus/ (verified), tests/ and CHANGES.md",
    "== the wheel alone, offline, in a fresh venv: constants, lookup, check, verify",
)

# The release fixture builds the wheel and a venv: slow, and built once, on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("release")]


def test_the_release_check_passes(release: Release) -> None:
    lines = release.done.stdout.splitlines()
    assert [line for line in lines if line.startswith("== ")] == [
        next(line for line in lines if line.startswith(step)) for step in STEPS
    ]
    assert lines[-1] == "release-check: ok"
    assert release.wheel.name == f"kms_permissions-{pep440(__version__)}-py3-none-any.whl"


Changes = Callable[[zipfile.ZipFile], dict[str, bytes | None]]


def rewritten(wheel: Path, out: Path, changes: Changes) -> Path:
    """A copy of `wheel` with the members `changes` gives replaced (None: dropped)."""
    copy = out / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(copy, "w") as target:
        replaced = changes(source)
        for info in source.infolist():
            data = replaced.get(info.filename, source.read(info))
            if data is not None:
                target.writestr(info, data)
    return copy


DATA = "kms_permissions/data"


def _damage_data(wheel: zipfile.ZipFile) -> dict[str, bytes | None]:
    actions = wheel.read(f"{DATA}/actions.json")
    return {f"{DATA}/actions.json": actions.replace(b"kms:Decrypt", b"kms:Decrypd")}


def _drop_typed(wheel: zipfile.ZipFile) -> dict[str, bytes | None]:
    return {"kms_permissions/py.typed": None}


def _require_requests(wheel: zipfile.ZipFile) -> dict[str, bytes | None]:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = wheel.read(name)
    return {
        name: metadata.replace(
            b"Provides-Extra:", b"Requires-Dist: requests>=2.31\nProvides-Extra:", 1
        )
    }


def _changelog_behind(wheel: zipfile.ZipFile) -> dict[str, bytes | None]:
    """A newest section older than the dataset, the manifest's hash updated to match."""
    old = wheel.read(f"{DATA}/CHANGELOG.md")
    new = old.replace(b"\n## ", b"\n## 1999.01.01 (1999-01-01)\n\n- Nothing.\n\n## ", 1)
    digest = (hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest())
    manifest = wheel.read(f"{DATA}/manifest.json").replace(digest[0].encode(), digest[1].encode())
    manifest = manifest.replace(f'"bytes": {len(old)}'.encode(), f'"bytes": {len(new)}'.encode())
    return {f"{DATA}/CHANGELOG.md": new, f"{DATA}/manifest.json": manifest}


def _version_not_of_the_dataset(wheel: zipfile.ZipFile) -> dict[str, bytes | None]:
    """A package version that is neither the dataset's nor a code release of it."""
    old = wheel.read("kms_permissions/_version.py")
    new = re.sub(rb'__version__ = "[^"]+"', b'__version__ = "2099.1.1"', old)
    return {"kms_permissions/_version.py": new}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_damage_data, r"kms_permissions/data/actions\.json: sha256 \w+, the manifest says \w+"),
        (_drop_typed, r"kms_permissions/py\.typed is missing"),
        (_require_requests, r"METADATA requires 'requests>=2\.31' outside any extra"),
        (_changelog_behind, r"CHANGELOG\.md: newest section is '## 1999\.01\.01 \(1999-01-01\)'"),
        (_version_not_of_the_dataset, r"version 2099\.1\.1 is neither the dataset's \(\S+\) nor"),
    ],
    ids=[
        "data-file-changed",
        "no-py.typed",
        "required-dependency",
        "changelog-behind",
        "version-not-of-the-dataset",
    ],
)
def test_a_broken_promise_is_named(
    release: Release,
    tmp_path: Path,
    change: Changes,
    message: str,
) -> None:
    wheel = rewritten(release.wheel, tmp_path, change)
    done = subprocess.run(
        [sys.executable, str(RELEASE_CHECK), "--wheel", str(wheel), "--sdist", str(release.sdist)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"release-check: {wheel.name}: ")
    assert re.search(message, line), line
