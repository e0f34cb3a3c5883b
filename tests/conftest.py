"""Shared test fixtures: the source corpus (the vendored copy, extracted once) and small helpers."""

from __future__ import annotations

import os
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
