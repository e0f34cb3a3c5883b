"""Build and publish dataset versions: sources -> records -> merged, validated, written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kms_permissions.dataset.diff import changelog_section, diff
from kms_permissions.dataset.history import History, build_history
from kms_permissions.dataset.io import read_dataset, rows_json, write_dataset
from kms_permissions.dataset.model import Dataset
from kms_permissions.dataset.timeline import timeline
from kms_permissions.dataset.validate import validate
from kms_permissions.dataset.versions import base_version, next_version
from kms_permissions.errors import SourceError
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.records import ScrapeResult


def load_records(
    spec: str | None, revision_date: str | None = None, cache: PageCache | None = None
) -> ScrapeResult:
    """Records from a scrape file (`*.json`) or straight from a source."""
    from kms_permissions.scraper.scrape import read_json, scrape
    from kms_permissions.scraper.sources import LocalSource, open_source

    if spec and spec.endswith(".json") and Path(spec).is_file():
        return read_json(Path(spec))
    if spec and revision_date and Path(spec).exists():
        return scrape(LocalSource(Path(spec), revision_date), cache)
    return scrape(open_source(spec), cache)


def history_of(result: ScrapeResult, progress: Callable[[str], None] | None = None) -> History:
    """Every version the records allow, merged, with the temporal table."""
    versions = timeline(result)
    if not versions:
        raise SourceError("no dated page among the sources: nothing to build a version from")
    return build_history(versions, progress)


def publish(
    dataset: Dataset,
    out: Path,
    newest_date: str,
    previous_dir: Path | None = None,
    allow_shrink: bool = False,
    extra_files: dict[str, bytes] | None = None,
) -> str:
    """Name, validate and write a version; returns its version string."""
    previous = None
    compare_to = previous_dir or out
    if (compare_to / "manifest.json").exists():
        previous = read_dataset(compare_to)
    base = base_version(newest_date)
    same_sources = previous is not None and _source_hashes(previous) == _source_hashes(dataset)
    same_content = previous is not None and _content(previous) == _content(dataset)
    dataset.version = next_version(
        base, previous.version if previous else None, same_sources, same_content
    )
    validate(dataset, previous, allow_shrink)
    write_dataset(dataset, out, extra_files)
    return dataset.version


def changelog(history: History) -> bytes:
    """CHANGELOG.md: one section per version, newest first."""
    sections = []
    previous: Dataset | None = None
    for date, dataset in history.versions:
        dataset.version = base_version(date)
        if previous is not None:
            sections.append(changelog_section(diff(previous, dataset), date))
        else:
            sections.append(f"## {dataset.version} ({date})\n\nFirst version the sources allow.\n")
        previous = dataset
    text = "# Changelog of the KMS authorization reference\n\n" + "\n".join(reversed(sections))
    return text.encode()


def _source_hashes(dataset: Dataset) -> set[str]:
    return {row["sha256"] for row in dataset.rows("sources")}


def _content(dataset: Dataset) -> dict[str, bytes]:
    return {name: rows_json(rows) for name, rows in dataset.tables.items()}
