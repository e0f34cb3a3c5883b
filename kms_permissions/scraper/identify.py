"""What a page is, told by its content (title, page anchor, service prefix), not by its path.

A guide page in markdown opens with its title and the page's own anchor
(`# AWS KMS permissions<a name="kms-api-permissions-reference"></a>`); the anchor names the
page whatever the file is called. The SAR page's title names AWS Key Management Service and its
introduction the service prefix `kms`; the guide's permissions page in HTML has the same anchor
as an element id. A botocore service model is JSON whose metadata names KMS
(`api_reference_json.recognise`). A file name only helps to date a copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kms_permissions.errors import SourceError

_HEAD = 4096  # the title and anchor sit at the very top of every rendering
_MD_TITLE = re.compile(r"\A\s*(?:---.*?---\s*)?#\s+[^\n]*?<a name=\"([a-z0-9-]+)\"", re.DOTALL)
_MD_ANCHOR = re.compile(r"\A\s*#\s+[^\n]+\n+\s*<a name=\"([a-z0-9-]+)\"")
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_PREFIX = re.compile(r"service prefix:\s*(?:<[^>]+>\s*)*([a-z0-9-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class PageKind:
    """What a page is: its kind, its rendering, and the guide page it is (its anchor)."""

    kind: str
    rendering: str
    page: str


class View:
    """A page's bytes as the recognisers look at them: its head, JSON or not, its anchor."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.head = body[:_HEAD].decode("utf-8", errors="replace")
        self.is_json = self.head.lstrip().startswith("{")
        anchor = None if self.is_json else _MD_TITLE.search(self.head)
        anchor = anchor or (None if self.is_json else _MD_ANCHOR.search(self.head))
        self.anchor = anchor.group(1) if anchor else None
        lowered = self.head.lower()
        self.is_html = (
            not self.is_json
            and self.anchor is None
            and ("<html" in lowered or "<!doctype html" in lowered)
        )

    def text(self) -> str:
        """The whole page as text (invalid UTF-8 replaced)."""
        return self.body.decode("utf-8", errors="replace")


def identify(body: bytes) -> PageKind | None:
    """The kind of page `body` is, or None when it is not a page kms-permissions reads: the
    first rendering of the registry (`kinds.PAGES`) that recognises it.

    Raises SourceError for a page that looks like one of ours but is for another service (a
    SAR page whose service prefix is not `kms`), so that it is refused by name.
    """
    from kms_permissions.scraper import kinds

    view = View(body)
    for page in kinds.PAGES:
        name = page.recognise(view)
        if name is not None:
            return PageKind(page.kind, page.rendering, name)
    return None


def botocore_model(view: View) -> str | None:
    """`kms` for botocore's KMS service model."""
    from kms_permissions.scraper import api_reference_json

    return "kms" if view.is_json and api_reference_json.recognise(view.text()) else None


def guide_page(*anchors: str) -> Callable[[View], str | None]:
    """A recogniser of the guide's markdown pages with one of these anchors."""

    def recognise(view: View) -> str | None:
        return view.anchor if view.anchor in anchors else None

    return recognise


def any_guide_page(view: View) -> str | None:
    """Any page of the guide in markdown (its anchor)."""
    return view.anchor


def _sar_title(view: View) -> str | None:
    """The title of a Service Authorization Reference page (lowercase), or None."""
    if not view.is_html:
        return None
    title = _HTML_TITLE.search(view.head)
    title_text = " ".join(title.group(1).split()).lower() if title else ""
    return title_text if "actions, resources, and condition keys for" in title_text else None


def sar_page(view: View) -> str | None:
    """The Service Authorization Reference's page for KMS."""
    title_text = _sar_title(view)
    if title_text is None or "key management service" not in title_text:
        return None  # the SAR page of another service: not ours, skipped in a folder
    prefix = _PREFIX.search(view.text())
    if prefix is None or prefix.group(1).lower() != "kms":
        found = prefix.group(1) if prefix else "none"
        raise SourceError(
            f"a Service Authorization Reference page titled for KMS but with the service "
            f"prefix {found!r}, not 'kms'"
        )
    return "list_awskeymanagementservice"


def permissions_html_page(view: View) -> str | None:
    """The guide's permissions page in HTML (its anchor as an element id)."""
    if not view.is_html or _sar_title(view) is not None:
        return None
    if 'id="kms-api-permissions-reference' in view.text():
        return "kms-api-permissions-reference"
    return None


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_in_name(name: str) -> str | None:
    """The date a file name carries (`2026-06-14.html`, `kms-2026-06-14.html`), checked to be
    a real date; None when it carries none."""
    import datetime

    match = _DATE.search(name)
    if match is None:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise SourceError(f"{name}: {match.group(0)} is not a real date") from None
