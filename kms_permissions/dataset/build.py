"""Build and publish dataset versions: sources -> records -> merged, validated, written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kms_permissions.dataset.changelog import changelog as changelog_of
from kms_permissions.dataset.history import History, build_history
from kms_permissions.dataset.io import is_dataset_folder, read_dataset, rows_json, write_dataset
from kms_permissions.dataset.memory import Dataset
from kms_permissions.dataset.timeline import timeline
from kms_permissions.dataset.validate import validate
from kms_permissions.dataset.versions import base_version, next_version, real_date
from kms_permissions.errors import InputError, KmsPermissionsError, SourceError, shown
from kms_permissions.files import check_output, output_path
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.records import ScrapeResult


def load_records(
    spec: str | None, revision_date: str | None = None, cache: PageCache | None = None
) -> ScrapeResult:
    """Records from a scrape file (`*.json`) or straight from a source.

    `revision_date` dates undated local pages; it must be a real date, and is refused where
    there is nothing it could date (a scrape file, a URL, a git checkout).
    """
    from kms_permissions.scraper.botocore_sources import INSTALLED, InstalledBotocoreSource
    from kms_permissions.scraper.scrape import is_scrape_file, read_json, scrape
    from kms_permissions.scraper.sources import LocalSource, open_source

    if spec is not None and not spec.strip():
        raise InputError("the source is an empty path; name a file, a folder or a URL")
    if revision_date is not None:
        real_date(revision_date)
    if spec == INSTALLED:  # dated by --revision-date, or undated: the newest copy
        return scrape(InstalledBotocoreSource(revision_date), cache)
    remote = ("https://", "http://", "github:", "git:", "github-botocore:", "pypi-botocore:")
    local = spec is not None and not spec.startswith(remote) and Path(spec).exists()
    # A JSON file is a scrape file unless its content is a page (botocore's model): one that is
    # neither is refused as a scrape file, which names what is wrong with it.
    scrape_file = (
        spec is not None
        and local
        and Path(spec).is_file()
        and (is_scrape_file(Path(spec)) or (spec.endswith(".json") and not _is_page(Path(spec))))
    )
    if spec and scrape_file:
        if revision_date is not None:
            raise InputError(
                f"--revision-date: {spec} is a scrape file, whose pages are dated already"
            )
        return read_json(Path(spec))
    if spec and local:
        return scrape(LocalSource(Path(spec), revision_date), cache)
    if revision_date is not None:
        raise InputError(
            f"--revision-date dates local pages only; {shown(spec or 'the live pages')} "
            "dates its own"
        )
    return scrape(open_source(spec), cache)


def _is_page(path: Path) -> bool:
    """Whether a file's content is a page some parser reads (capped: pages are small)."""
    from kms_permissions.scraper.identify import identify

    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_PAGE_PROBE)
    except OSError:
        return False
    try:
        return identify(head) is not None
    except SourceError:
        return True  # a page of ours for another service: its reader says so


# A botocore model is about 1 MB; the probe only has to hold enough to recognise it.
MAX_PAGE_PROBE = 8 * 1024 * 1024


def load_all(
    specs: list[str] | None, revision_date: str | None = None, cache: PageCache | None = None
) -> ScrapeResult:
    """Records from several sources of one build (`--source` given more than once)."""
    if not specs:
        return load_records(None, revision_date, cache)
    result = ScrapeResult()
    for spec in specs:
        result.extend(load_records(spec, revision_date, cache))
    return result


def history_of(result: ScrapeResult, progress: Callable[[str], None] | None = None) -> History:
    """Every version the records allow, merged, with the temporal table."""
    versions = timeline(result)
    if not versions:
        raise SourceError("no dated page among the sources: nothing to build a version from")
    return build_history(versions, progress)


def publish(
    dataset: Dataset,
    out: str | Path,
    newest_date: str,
    previous_dir: str | Path | None = None,
    allow_shrink: bool = False,
    extra_files: dict[str, bytes] | None = None,
    *,
    baseline_dir: Path | None = None,
    inputs: Mapping[str, Path | None] | None = None,
    force: bool = False,
) -> str:
    """Name, validate and write a version; returns its version string.

    `out` follows the output rules (`kms_permissions.files`): a dataset folder this package
    wrote is replaced, anything else refused unless `force`, and never an input. The version
    is compared with `previous_dir`, else with what `out` holds: it never goes backwards and a
    changed content never reuses a version. The shrink guard compares with that version, else
    with `baseline_dir` (the bundled dataset).
    """
    target = dataset_output(out, inputs, previous_dir, force)
    previous = _previous(previous_dir, target, force)
    base = base_version(newest_date)
    same_content = previous is not None and _content(previous) == _content(dataset)
    dataset.version = next_version(base, previous.version if previous else None, same_content)
    baseline = previous
    if baseline is None and baseline_dir is not None:
        baseline = read_dataset(baseline_dir)
    validate(dataset, baseline, allow_shrink)
    write_dataset(dataset, target, extra_files)
    return dataset.version


def dataset_output(
    out: str | Path,
    inputs: Mapping[str, Path | None] | None = None,
    previous_dir: str | Path | None = None,
    force: bool = False,
) -> Path:
    """The folder `out` names, once the output rules allow a dataset there."""
    target = output_path(out)
    check_output(
        target,
        folder=True,
        ours=is_dataset_folder,
        inputs={**(inputs or {}), "--previous": Path(previous_dir) if previous_dir else None},
        force=force,
        mine="kms-permissions dataset",
    )
    return target


def _previous(previous_dir: str | Path | None, target: Path, force: bool) -> Dataset | None:
    """The version a build follows: `--previous`, else the one `--out` holds."""
    if previous_dir is not None:
        folder = Path(previous_dir)
        if not folder.exists():
            raise InputError(f"--previous {folder}: no such dataset folder")
        return read_dataset(folder)
    if not is_dataset_folder(target):
        return None
    try:
        return read_dataset(target)
    except KmsPermissionsError as exc:
        if force:
            return None
        raise InputError(
            f"{exc} (--out holds a damaged dataset: pass --force to replace it)"
        ) from None


def changelog(history: History) -> bytes:
    """CHANGELOG.md: one section per version, newest first, from the history table (the site's
    timeline reads the same, `dataset.changes`, in the words of `dataset.changelog`)."""
    return changelog_of(history.rows, history.versions[-1][0]).encode()


def _content(dataset: Dataset) -> dict[str, bytes]:
    """What a version holds: its tables, and the read model built from them (a change in how
    the facts are joined changes the files users read, so it is a new version too)."""
    import json

    from kms_permissions.dataset.read_model import build_index

    index = dataset.stored_index or build_index(Dataset(dataset.tables, ""))
    index = {k: v for k, v in index.items() if k != "dataset_version"}
    return {
        **{name: rows_json(rows) for name, rows in dataset.by_name().items()},
        "index.json": json.dumps(index, sort_keys=True).encode(),
    }
