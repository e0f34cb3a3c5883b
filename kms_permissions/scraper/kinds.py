"""The source-kind registry: every kind of page and of record, declared once.

`PAGES` says what a page can be (its kind and rendering), how it is recognised by its content
(`identify`), by its file name before it is fetched (`sources.classify`), and which content types
it comes as. `KINDS` says what is read from pages: each kind of record with its class, the
readings that parse it (which pages, which parser, when the page holds it), its name in a
scrape file, and how the dataset's timeline places it in versions. Scraping (`scrape.add_page`),
the scrape file (`ScrapeResult`, `read_json`), snapshots (`dataset/snapshot.py`), the timeline
(`dataset/timeline.py`) and identification all iterate these tables: a new kind of page is an
entry here and its parser (and its facts in `dataset/merge.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from kms_permissions.scraper import (
    api_reference_json,
    callouts_md,
    condition_keys_md,
    global_keys_md,
    identify,
    permissions_html,
    permissions_md,
    sar_html,
    via_services_md,
)
from kms_permissions.scraper.records import (
    ApiReferencePage,
    CalloutsPage,
    ConditionKeysPage,
    GlobalConditionKeysPage,
    PermissionsPage,
    Provenance,
    SarPage,
    ViaServicesPage,
)

P = TypeVar("P")
MARKDOWN = ("text/markdown", "text/plain", "text/x-markdown")
HTML = ("text/html",)


@dataclass(frozen=True)
class PageRendering:
    """One kind of page in one rendering, and how a page is told to be it.

    `recognise(view)` gives the guide page it is (its anchor) or None; `file_names` are the names
    a URL or archive path promises it by; `content_types` are those accepted when fetched, the
    first being the one given to a local copy.
    """

    kind: str
    rendering: str
    recognise: Callable[[identify.View], str | None]
    content_types: tuple[str, ...]
    file_names: tuple[str, ...] = ()


# In the order `identify` tries them: the first that recognises a page says what it is (the
# markdown pages also in the order the archived guide's pages are fetched).
PAGES: tuple[PageRendering, ...] = (
    PageRendering(
        api_reference_json.KIND,
        api_reference_json.RENDERING,
        identify.botocore_model,
        ("application/json", "text/plain", "application/octet-stream"),
    ),
    PageRendering(
        "condition-keys",
        condition_keys_md.RENDERING,
        identify.guide_page("conditions-kms", "policy-conditions", "conditions-nitro-enclaves"),
        MARKDOWN,
        ("conditions-kms.md", "policy-conditions.md", "conditions-nitro-enclaves.md"),
    ),
    PageRendering(
        "global-keys",
        global_keys_md.RENDERING,
        identify.guide_page("conditions-aws"),
        MARKDOWN,
        ("conditions-aws.md",),
    ),
    PageRendering(
        "permissions",
        permissions_md.RENDERING,
        identify.guide_page("kms-api-permissions-reference"),
        MARKDOWN,
        ("kms-api-permissions-reference.md",),
    ),
    # Any other page of the guide: its callouts are kept.
    PageRendering("guide", callouts_md.RENDERING, identify.any_guide_page, MARKDOWN),
    PageRendering(
        "sar",
        sar_html.RENDERING,
        identify.sar_page,
        HTML,
        ("list_awskeymanagementservice.html",),
    ),
    PageRendering(
        "permissions",
        permissions_html.RENDERING,
        identify.permissions_html_page,
        HTML,
        ("kms-api-permissions-reference.html",),
    ),
)

Detector = Callable[[str, str], bool]  # (the guide page's name, the page's text)


def _always(name: str, text: str) -> bool:
    return True


@dataclass(frozen=True)
class Reading(Generic[P]):
    """One way a record is read: from which pages, with which parser, when the page holds it.

    `pages` are the page kinds it reads (None: every page in one of `renderings`), `renderings`
    the renderings it reads (None: any). `records_as` is the (kind, rendering) its records'
    provenance carries when that is not the page's own (a table or the callouts of a page).
    """

    parse: Callable[[str, Provenance], P]
    pages: tuple[str, ...] | None = None
    renderings: tuple[str, ...] | None = None
    holds: Detector = _always
    records_as: tuple[str, str] | None = None

    def reads(self, kind: str, rendering: str) -> bool:
        """Whether this reading applies to pages of this kind and rendering."""
        return (self.pages is None or kind in self.pages) and (
            self.renderings is None or rendering in self.renderings
        )


# How the timeline picks a kind's pages for a version (see `dataset/timeline.py`):
# "one": the newest revision on or before the version's date; "all": every page of that
# revision; "per-page": each guide page's newest.
Pick = Literal["one", "all", "per-page"]
# What an undated copy does: "ignored"; "newest": it is the newest copy, in the newest version;
# "before-dated": it joins the newest version before any dated copy of the kind;
# "in-force": it is the newest copy, in the version undated pages join.
Undated = Literal["ignored", "newest", "before-dated", "in-force"]


@dataclass(frozen=True)
class RecordKind(Generic[P]):
    """One kind of record the scraper produces from pages."""

    name: str
    """The provenance kind its records carry (`sources.kind` in the dataset)."""
    record: type[P]
    readings: tuple[Reading[P], ...]
    field: str
    """Its list in a scrape file, in `ScrapeResult` and in `dataset.snapshot.Snapshot`."""
    label: str
    """What one page of it is called in messages (`condition-key`)."""
    pick: Pick = "one"
    undated: Undated = "ignored"
    dates_versions: bool = True
    """Whether its revision dates make dataset versions."""
    prefer: str | None = None
    """Of two renderings of one revision, the one used."""
    required_in_file: bool = True
    """Whether a scrape file must have its list (kinds newer than the format may be absent)."""
    stands_alone: bool = True
    """Whether a source holding only pages of this kind is a source at all."""


_WEBSITE_TABLE_LINK = "kms-api-permissions-reference.html"


def _holds_permissions_md(name: str, text: str) -> bool:
    # The archived page links to the website's table instead of holding it.
    return permissions_md.has_table(text) or _WEBSITE_TABLE_LINK not in text


def _holds_condition_keys(name: str, text: str) -> bool:
    # policy-conditions holds condition keys only in some revisions; the others always do.
    return name != "policy-conditions" or condition_keys_md.has_condition_keys(text)


def _holds_global_keys(name: str, text: str) -> bool:
    return name == "policy-conditions" and global_keys_md.has_global_keys(text)


PERMISSIONS: RecordKind[PermissionsPage] = RecordKind(
    "permissions",
    PermissionsPage,
    (
        Reading(permissions_html.parse, ("permissions",), (permissions_html.RENDERING,)),
        Reading(
            permissions_md.parse,
            ("permissions",),
            (permissions_md.RENDERING,),
            _holds_permissions_md,
        ),
    ),
    field="permissions",
    label="permissions",
    undated="before-dated",
    prefer=permissions_md.RENDERING,
)
CONDITION_KEYS: RecordKind[ConditionKeysPage] = RecordKind(
    "condition-keys",
    ConditionKeysPage,
    (Reading(condition_keys_md.parse, ("condition-keys",), holds=_holds_condition_keys),),
    field="condition_keys",
    label="condition-key",
    pick="all",
)
GLOBAL_KEYS: RecordKind[GlobalConditionKeysPage] = RecordKind(
    "global-keys",
    GlobalConditionKeysPage,
    (
        Reading(global_keys_md.parse, ("condition-keys",), holds=_holds_global_keys),
        Reading(global_keys_md.parse, ("global-keys",)),
    ),
    field="global_keys",
    label="global-key",
)
SAR: RecordKind[SarPage] = RecordKind(
    "sar", SarPage, (Reading(sar_html.parse, ("sar",)),), field="sar", label="SAR"
)
API_REFERENCE: RecordKind[ApiReferencePage] = RecordKind(
    api_reference_json.KIND,
    ApiReferencePage,
    (Reading(api_reference_json.parse, (api_reference_json.KIND,)),),
    field="api_reference",
    label="API Reference",
    undated="newest",
    required_in_file=False,
)
VIA_SERVICES: RecordKind[ViaServicesPage] = RecordKind(
    via_services_md.KIND,
    ViaServicesPage,
    (
        Reading(
            via_services_md.parse,
            ("condition-keys",),
            holds=lambda name, text: via_services_md.has_table(text),
            records_as=(via_services_md.KIND, via_services_md.RENDERING),
        ),
    ),
    field="via_services",
    label="ViaService table",
    required_in_file=False,
    stands_alone=False,
)
CALLOUTS: RecordKind[CalloutsPage] = RecordKind(
    "notes",
    CalloutsPage,
    # Every guide page gets its callouts, none included: a newer revision without callouts
    # must replace an older one that had some.
    (
        Reading(
            callouts_md.parse,
            renderings=tuple({p.rendering: None for p in PAGES if p.content_types == MARKDOWN}),
            records_as=("notes", callouts_md.RENDERING),
        ),
    ),
    field="callouts",
    label="notes",
    pick="per-page",
    undated="in-force",
    dates_versions=False,
    required_in_file=False,
    stands_alone=False,
)

# Every kind of record, in the order a snapshot lists its pages' provenance.
KINDS: tuple[RecordKind[Any], ...] = (
    PERMISSIONS,
    CONDITION_KEYS,
    GLOBAL_KEYS,
    SAR,
    API_REFERENCE,
    VIA_SERVICES,
    CALLOUTS,
)


# A page of the guide that is none of the others (kept for its callouts).
GUIDE_PAGE = next(page for page in PAGES if page.kind == "guide")


def content_types(rendering: str) -> tuple[str, ...]:
    """The content types a rendering is accepted as when fetched (the first: a local copy's)."""
    for page in PAGES:
        if page.rendering == rendering:
            return page.content_types
    raise KeyError(rendering)
