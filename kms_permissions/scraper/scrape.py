"""Scrape a source: fetch its pages, parse each with the parser for its kind and rendering."""

from __future__ import annotations

import json
from pathlib import Path

from kms_permissions.errors import SourceError
from kms_permissions.scraper import (
    condition_keys_md,
    global_keys_md,
    permissions_html,
    permissions_md,
    sar_html,
)
from kms_permissions.scraper.http import atomic_write
from kms_permissions.scraper.records import ScrapeResult
from kms_permissions.scraper.sources import HttpSource, Page, Source

_WEBSITE_TABLE_LINK = "kms-api-permissions-reference.html"


def scrape(source: Source) -> ScrapeResult:
    """Parse every page of `source`; a page that does not parse stops the scrape."""
    result = ScrapeResult()
    for page in source.pages():
        add_page(page, result)
        if isinstance(source, HttpSource):
            source.keep(page)
    if not (result.permissions or result.condition_keys or result.sar or result.global_keys):
        raise SourceError("the source holds no permissions, condition key or SAR page")
    return result


def add_page(page: Page, result: ScrapeResult) -> None:
    """Parse one page into `result`, skipping pages that hold nothing of ours."""
    text = page.text()
    provenance = page.provenance()
    if page.kind == "permissions":
        if page.rendering == "html-table":
            result.permissions.append(permissions_html.parse(text, provenance))
        elif permissions_md.has_table(text) or _WEBSITE_TABLE_LINK not in text:
            result.permissions.append(permissions_md.parse(text, provenance))
        # else: the archived page, which links to the website instead of holding the table.
    elif page.kind == "condition-keys":
        keys = condition_keys_md.has_condition_keys(text)
        if keys or page.name != "policy-conditions":
            result.condition_keys.append(condition_keys_md.parse(text, provenance))
        if page.name == "policy-conditions" and global_keys_md.has_global_keys(text):
            result.global_keys.append(global_keys_md.parse(text, provenance))
    elif page.kind == "global-keys":
        result.global_keys.append(global_keys_md.parse(text, provenance))
    elif page.kind == "sar":
        result.sar.append(sar_html.parse(text, provenance))


def write_json(result: ScrapeResult, out: Path) -> None:
    """Write the records as stable, sorted JSON, atomically."""
    text = json.dumps(result.to_json_dict(), indent=1, sort_keys=True, ensure_ascii=False)
    atomic_write(out, (text + "\n").encode())
