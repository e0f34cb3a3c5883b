"""Shared test fixtures: the source corpus (the vendored copy, extracted once) and small helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kms_permissions.scraper.corpus import extracted_corpus
from kms_permissions.scraper.records import Provenance

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus_folder() -> Path:
    """KMS_PERMISSIONS_CORPUS when set, else the vendored corpus extracted into the user cache."""
    override = os.environ.get("KMS_PERMISSIONS_CORPUS")
    if not override:
        return extracted_corpus()
    if not (Path(override) / "README.md").is_file():
        raise pytest.UsageError(f"KMS_PERMISSIONS_CORPUS={override}: not a corpus folder")
    return Path(override)


CORPUS = _corpus_folder()


def provenance(
    location: str = "fixture", kind: str = "test", rendering: str = "test"
) -> Provenance:
    """A provenance record for pages read by the tests."""
    return Provenance(kind, rendering, location, "test", "", "", "0" * 64, "text/plain")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The source corpus folder (named `corpus`, as the bundled dataset's locations expect)."""
    return CORPUS


@pytest.fixture(scope="session")
def current_permissions_md(corpus: Path) -> str:
    """The current (2026) permissions page in its markdown rendering."""
    return (corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md").read_text()


@pytest.fixture(scope="session")
def sar_copies(corpus: Path) -> list[Path]:
    """The dated copies of the Service Authorization Reference page, oldest first."""
    return sorted((corpus / "sar-html" / "list_awskeymanagementservice").glob("*.html"))


@dataclass(frozen=True)
class Release:
    """What `.ci/release-check` made: its output, the wheel, the sdist and the core-only venv."""

    done: subprocess.CompletedProcess[str]
    wheel: Path
    sdist: Path
    venv: Path


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """The release check run once: it builds the wheel and sdist and installs the wheel alone
    (offline, no dependencies) into a fresh venv, which the tests reuse."""
    out = tmp_path_factory.mktemp("release")
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "release-check"), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    wheels, sdists = list((out / "dist").glob("*.whl")), list((out / "dist").glob("*.tar.gz"))
    if done.returncode != 0 or len(wheels) != 1 or len(sdists) != 1:
        pytest.fail(f"release-check failed:\n{done.stdout}{done.stderr}")
    return Release(done, wheels[0], sdists[0], out / "venv")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules with the most slow tests first, each module's tests kept together and in
    their order (so a module's fixtures are made once): under `-n`, `--dist loadgroup` hands
    the tests out in this order, so the long ones start early and the short ones fill in the
    end, instead of one worker finishing a long update test alone."""
    slow: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        slow[module] = slow.get(module, 0) + (item.get_closest_marker("slow") is not None)
    items.sort(key=lambda item: -slow[item.nodeid.split("::")[0]])
