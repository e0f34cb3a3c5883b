"""Scrape a source: fetch its pages, parse each with the parser for its kind and rendering."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from kms_permissions.errors import SourceError, json_kind
from kms_permissions.files import output_path, write_file
from kms_permissions.scraper import kinds
from kms_permissions.scraper.kinds import RecordKind
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.records import Provenance, ScrapeResult
from kms_permissions.scraper.sources import HttpSource, Page, PageSource

P = TypeVar("P")


def scrape(source: PageSource, cache: PageCache | None = None) -> ScrapeResult:
    """Parse every page of `source`; a page that does not parse stops the scrape."""
    result = ScrapeResult()
    for page in source.pages():
        add_page(page, result, cache)
        if isinstance(source, HttpSource):
            source.keep(page)
    alone = [kind for kind in kinds.KINDS if kind.stands_alone]
    if not any(result.of(kind) for kind in alone):
        labels = [kind.label for kind in alone]
        raise SourceError(f"the source holds no {', '.join(labels[:-1])} or {labels[-1]} page")
    return result


def add_page(page: Page, result: ScrapeResult, cache: PageCache | None = None) -> None:
    """Parse one page into `result`: every record the registry (`kinds.KINDS`) reads from a
    page of its kind and rendering, when the page holds it; pages holding none are skipped."""
    text = page.text()
    for kind in kinds.KINDS:
        for reading in kind.readings:
            if reading.reads(page.kind, page.rendering) and reading.holds(page.name, text):
                provenance = page.provenance()
                if reading.records_as is not None:
                    as_kind, as_rendering = reading.records_as
                    provenance = dataclasses.replace(
                        provenance, kind=as_kind, rendering=as_rendering
                    )
                result.of(kind).append(_parsed(kind, reading.parse, text, provenance, cache))


def _parsed(
    kind: RecordKind[P],
    parse: Callable[[str, Provenance], P],
    text: str,
    provenance: Provenance,
    cache: PageCache | None,
) -> P:
    """The page's record, from the cache when it holds one for this content and parser."""
    hit = cache.get(kind.record, provenance) if cache else None
    if isinstance(hit, kind.record):
        return hit
    fresh = parse(text, provenance)
    if cache:
        cache.put(fresh)
    return fresh


SCRAPE_FORMAT = "kms-permissions-scrape/1"
# A scrape file larger than this is not opened, to be read or recognised.
MAX_SCRAPE_BYTES = 256 * 1024 * 1024


def write_json(
    result: ScrapeResult,
    out: Path | str,
    *,
    inputs: Mapping[str, Path | None] | None = None,
    force: bool = False,
) -> None:
    """Write the records as stable, sorted JSON, atomically, by the output rules: an existing
    `out` is replaced only if it is a scrape file (or with `force`), never if it is an input."""
    text = json.dumps(result.to_json_dict(), indent=1, sort_keys=True, ensure_ascii=False)
    write_file(
        output_path(out),
        (text + "\n").encode(),
        ours=is_scrape_file,
        inputs=inputs,
        force=force,
        mine="kms-permissions scrape file",
    )


def is_scrape_file(path: Path) -> bool:
    """Whether `path` holds records `write_json` wrote (recognised by its format field)."""
    try:
        return _scrape_document(path).get("format") == SCRAPE_FORMAT
    except SourceError:
        return False


def _scrape_document(path: Path) -> dict[str, Any]:
    from kms_permissions.errors import InputError
    from kms_permissions.files import read_limited

    try:
        data = json.loads(read_limited(path, MAX_SCRAPE_BYTES, "scrape file").decode("utf-8"))
    except (OSError, InputError) as exc:
        raise SourceError(f"{path}: not a kms-permissions scrape file ({exc})") from None
    except RecursionError:
        raise SourceError(
            f"{path}: not a kms-permissions scrape file (nested too deeply)"
        ) from None
    except ValueError as exc:  # bad UTF-8 or bad JSON
        raise SourceError(f"{path}: not a kms-permissions scrape file ({exc})") from None
    if not isinstance(data, dict):
        raise SourceError(
            f"{path}: not a kms-permissions scrape file ({json_kind(data)}, not an object)"
        )
    return data


def read_json(path: Path) -> ScrapeResult:
    """Load records written by `write_json` (the output of `kms-permissions scrape`)."""
    from kms_permissions.scraper.serialize import load

    data = _scrape_document(path)
    try:
        if data.get("format") != SCRAPE_FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not {SCRAPE_FORMAT}")
        result = ScrapeResult()
        for kind in kinds.KINDS:
            pages = data[kind.field] if kind.required_in_file else data.get(kind.field, [])
            result.of(kind).extend(load(kind.record, p) for p in pages)
        return result
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise SourceError(f"{path}: not a kms-permissions scrape file ({exc!r:.200})") from None
