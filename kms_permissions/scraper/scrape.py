"""Scrape a source: fetch its pages, parse each with the parser for its kind and rendering."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from kms_permissions.errors import SourceError, json_kind
from kms_permissions.files import output_path, write_file
from kms_permissions.scraper import (
    api_reference_json,
    callouts_md,
    condition_keys_md,
    global_keys_md,
    permissions_html,
    permissions_md,
    sar_html,
    via_services_md,
)
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.records import (
    ApiReferencePage,
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
    ScrapeResult,
    ViaServicesPage,
)
from kms_permissions.scraper.sources import HttpSource, Page, Source

_WEBSITE_TABLE_LINK = "kms-api-permissions-reference.html"
P = TypeVar("P")


def scrape(source: Source, cache: PageCache | None = None) -> ScrapeResult:
    """Parse every page of `source`; a page that does not parse stops the scrape."""
    result = ScrapeResult()
    for page in source.pages():
        add_page(page, result, cache)
        if isinstance(source, HttpSource):
            source.keep(page)
    if not (
        result.permissions
        or result.condition_keys
        or result.sar
        or result.global_keys
        or result.api_reference
    ):
        raise SourceError(
            "the source holds no permissions, condition key, SAR or API Reference page"
        )
    return result


def add_page(page: Page, result: ScrapeResult, cache: PageCache | None = None) -> None:
    """Parse one page into `result`, skipping pages that hold nothing of ours."""
    text = page.text()
    provenance = page.provenance()

    def parsed(record: type[P], parser: Callable[[str, Provenance], P]) -> P:
        hit = cache.get(record, provenance) if cache else None
        if isinstance(hit, record):
            return hit
        fresh = parser(text, provenance)
        if cache:
            cache.put(fresh)
        return fresh

    if page.rendering not in ("sar-html", "html-table", api_reference_json.RENDERING):
        # Every guide page gets its callouts, none included: a newer revision without callouts
        # must replace an older one that had some.
        notes = dataclasses.replace(provenance, kind="notes", rendering=callouts_md.RENDERING)
        hit = cache.get(CalloutsPage, notes) if cache else None
        if not isinstance(hit, CalloutsPage):
            hit = callouts_md.parse(text, notes)
            if cache:
                cache.put(hit)
        result.callouts.append(hit)
    if page.kind == "permissions":
        if page.rendering == "html-table":
            result.permissions.append(parsed(PermissionsPage, permissions_html.parse))
        elif permissions_md.has_table(text) or _WEBSITE_TABLE_LINK not in text:
            result.permissions.append(parsed(PermissionsPage, permissions_md.parse))
        # else: the archived page, which links to the website instead of holding the table.
    elif page.kind == "condition-keys":
        keys = condition_keys_md.has_condition_keys(text)
        if keys or page.name != "policy-conditions":
            result.condition_keys.append(parsed(ConditionKeysPage, condition_keys_md.parse))
        if page.name == "policy-conditions" and global_keys_md.has_global_keys(text):
            result.global_keys.append(parsed(GlobalConditionKeysPage, global_keys_md.parse))
        if via_services_md.has_table(text):
            table = dataclasses.replace(
                provenance, kind=via_services_md.KIND, rendering=via_services_md.RENDERING
            )
            hit = cache.get(ViaServicesPage, table) if cache else None
            if not isinstance(hit, ViaServicesPage):
                hit = via_services_md.parse(text, table)
                if cache:
                    cache.put(hit)
            result.via_services.append(hit)
    elif page.kind == "global-keys":
        result.global_keys.append(parsed(GlobalConditionKeysPage, global_keys_md.parse))
    elif page.kind == "sar":
        result.sar.append(parsed(SarPage, sar_html.parse))
    elif page.kind == api_reference_json.KIND:
        result.api_reference.append(parsed(ApiReferencePage, api_reference_json.parse))


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
        return ScrapeResult(
            permissions=[load(PermissionsPage, p) for p in data["permissions"]],
            condition_keys=[load(ConditionKeysPage, p) for p in data["condition_keys"]],
            global_keys=[load(GlobalConditionKeysPage, p) for p in data["global_keys"]],
            sar=[load(SarPage, p) for p in data["sar"]],
            callouts=[load(CalloutsPage, p) for p in data.get("callouts", [])],
            api_reference=[load(ApiReferencePage, p) for p in data.get("api_reference", [])],
            via_services=[load(ViaServicesPage, p) for p in data.get("via_services", [])],
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise SourceError(f"{path}: not a kms-permissions scrape file ({exc!r:.200})") from None
