"""Shared test fixtures: the source corpus (read in place, never copied) and small helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kms_permissions.scraper.records import Provenance

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(os.environ.get("KMS_PERMISSIONS_CORPUS", ROOT.parent / "shared" / "corpus"))


def provenance(
    location: str = "fixture", kind: str = "test", rendering: str = "test"
) -> Provenance:
    """A provenance record for pages read by the tests."""
    return Provenance(kind, rendering, location, "test", "", "", "0" * 64, "text/plain")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The source corpus at ../shared/corpus; tests that need it skip when it is absent."""
    if not (CORPUS / "README.md").exists():
        pytest.skip(f"source corpus not found at {CORPUS} (set KMS_PERMISSIONS_CORPUS)")
    return CORPUS


@pytest.fixture(scope="session")
def current_permissions_md(corpus: Path) -> str:
    """The current (2026) permissions page in its markdown rendering."""
    return (corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md").read_text()


@pytest.fixture(scope="session")
def sar_copies(corpus: Path) -> list[Path]:
    """The dated copies of the Service Authorization Reference page, oldest first."""
    return sorted((corpus / "sar-html" / "list_awskeymanagementservice").glob("*.html"))
