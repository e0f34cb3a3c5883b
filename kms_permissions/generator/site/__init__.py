"""The documentation site's pages (mkdocs, Material theme), generated from the read model.

One module per page or family of pages, named after what it writes; each has
`pages(site) -> {path under site/docs: markdown}` and reads only the `Site` (the read model,
its history and the dataset's file list). A new page is a module and a line in `PAGES`.
Scraped text goes through `markdown.text` or `prose`, so hostile text shows as text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kms_permissions.generator.site import (
    access,
    action_pages,
    actions_index,
    cross_account,
    discrepancies,
    downloads,
    key_pages,
    key_policies,
    keys_index,
    matrix,
    notes,
    policy_only,
    policy_types,
    required_permissions,
    snippets,
    timeline,
    topics,
    via_services,
)
from kms_permissions.generator.site.context import Site
from kms_permissions.model import HistoryRow, Reference

Pages = Callable[[Site], dict[str, str]]

# Every page family of docs/, in nav order.
PAGES: tuple[Pages, ...] = (
    actions_index.pages,
    action_pages.pages,
    keys_index.pages,
    key_pages.pages,
    via_services.pages,
    topics.pages,
    matrix.pages,
    policy_types.pages,
    policy_only.pages,
    cross_account.pages,
    required_permissions.pages,
    discrepancies.pages,
    timeline.pages,
    access.pages,
    key_policies.pages,
    notes.pages,
    downloads.pages,
)
# Fragments the hand-written home page includes (snippets/).
SNIPPETS: tuple[Pages, ...] = (snippets.pages,)


def _collect(site: Site, families: tuple[Pages, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for family in families:
        for path, page in family(site).items():
            if path in out:
                raise ValueError(f"{path}: written by two page modules")
            out[path] = page
    return out


def site_files(
    reference: Reference,
    history: tuple[HistoryRow, ...],
    files: list[dict[str, Any]],
    docs: Path,
) -> dict[Path, str]:
    """Every generated file of the site: pages under docs/, snippets beside it."""
    site = Site(reference, history, files)
    pages = {docs / path: page for path, page in _collect(site, PAGES).items()}
    pages.update({docs.parent / "snippets" / n: s for n, s in _collect(site, SNIPPETS).items()})
    return pages


__all__ = ["PAGES", "SNIPPETS", "Site", "site_files"]
