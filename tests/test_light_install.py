"""The core install: the wheel alone, without any dependency, in the release check's venv.

The release check runs `lookup`, `check` and `verify` there and the extras' message of `scrape`
and `build`; here, the rest of what the core does without a third-party package, and the one
line every other verb needing an extra prints.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import Release

# The release fixture builds the wheel and a venv: slow, and built once, on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("release")]

TEMPLATE = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: {}\n"


def run(release: Release, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(release.venv / "bin" / "kms-permissions"), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_the_core_install_has_no_third_party_package(release: Release, tmp_path: Path) -> None:
    listed = subprocess.run(
        [str(release.venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert names - {"pip", "setuptools"} == {"kms-permissions"}


def test_core_verbs_work_without_any_extra(release: Release, tmp_path: Path) -> None:
    expand = run(release, tmp_path, "expand", "--json", "kms:Get*")
    assert expand.returncode == 0, expand.stderr
    assert "kms:GetKeyPolicy" in json.loads(expand.stdout)["patterns"]["kms:Get*"]
    info = run(release, tmp_path, "info", "--json")
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["folder"].startswith(str(release.venv))
    csv = run(release, tmp_path, "export", "--format", "csv", "--table", "actions")
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.startswith("action,") and "kms:Decrypt," in csv.stdout
    # Parquet is copied as the dataset holds it: exporting it needs no pyarrow.
    parquet = run(release, tmp_path, "export", "--format", "parquet", "--table", "actions",
                  "--out", "actions.parquet")  # fmt: skip
    assert parquet.returncode == 0, parquet.stderr
    assert (tmp_path / "actions.parquet").read_bytes()[:4] == b"PAR1"


@pytest.mark.parametrize(
    ("argv", "extras"),
    [
        (("update",), ("scrape", "parquet")),
        (("history", "--corpus", "corpus", "--out", "data"), ("scrape", "parquet")),
        (("corpus", "refetch", "--vendored", "corpus"), ("scrape",)),
        (("site", "build"), ("site",)),
    ],
    ids=["update", "history", "corpus-refetch", "site"],
)
def test_a_verb_needing_an_extra_says_which_in_one_line(
    release: Release, tmp_path: Path, argv: tuple[str, ...], extras: tuple[str, ...]
) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    done = run(release, tmp_path, *argv)
    names = " and ".join(f"'{e}'" for e in extras)
    noun = "extra" if len(extras) == 1 else "extras"
    expected = (
        f"kms-permissions {argv[0]}: needs the {names} {noun}: "
        f"pip install 'kms-permissions[{','.join(extras)}]'"
    )
    assert (done.returncode, done.stderr.splitlines(), done.stdout) == (2, [expected], "")


def test_check_of_yaml_without_the_extra_keeps_the_other_files_findings(
    release: Release, tmp_path: Path
) -> None:
    """A YAML file where PyYAML is missing is that file's one line; the batch's other files
    are still checked and reported (the pre-commit hook brings PyYAML itself)."""
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}],
    }
    (tmp_path / "key.json").write_text(json.dumps(policy))
    done = run(release, tmp_path, "check", "key.json", "template.yaml")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kms-permissions check: template.yaml: needs the 'templates' extra: "
        "pip install 'kms-permissions[templates]'"
    ]
    assert "key.json:1:" in done.stdout and "KMS040 [error]" in done.stdout
