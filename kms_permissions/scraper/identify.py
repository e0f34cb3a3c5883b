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
from dataclasses import dataclass

from kms_permissions.errors import SourceError

# Guide page anchor -> (kind, rendering) of the markdown rendering.
GUIDE_PAGES = {
    "kms-api-permissions-reference": ("permissions", "md-list"),
    "conditions-kms": ("condition-keys", "md-tables"),
    "policy-conditions": ("condition-keys", "md-tables"),
    "conditions-nitro-enclaves": ("condition-keys", "md-tables"),
    "conditions-aws": ("global-keys", "md"),
}
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


def identify(body: bytes) -> PageKind | None:
    """The kind of page `body` is, or None when it is not a page kms-permissions reads.

    Raises SourceError for a page that looks like one of ours but is for another service (a
    SAR page whose service prefix is not `kms`), so that it is refused by name.
    """
    head = body[:_HEAD].decode("utf-8", errors="replace")
    if head.lstrip().startswith("{"):
        from kms_permissions.scraper import api_reference_json

        text = body.decode("utf-8", errors="replace")
        if api_reference_json.recognise(text):
            return PageKind(api_reference_json.KIND, api_reference_json.RENDERING, "kms")
        return None
    anchor = _MD_TITLE.search(head) or _MD_ANCHOR.search(head)
    if anchor:
        page = anchor.group(1)
        kind, rendering = GUIDE_PAGES.get(page, ("guide", "md"))
        return PageKind(kind, rendering, page)
    if "<html" not in head.lower() and "<!doctype html" not in head.lower():
        return None
    title = _HTML_TITLE.search(head)
    title_text = " ".join(title.group(1).split()).lower() if title else ""
    if "actions, resources, and condition keys for" in title_text:
        if "key management service" not in title_text:
            return None  # the SAR page of another service: not ours, skipped in a folder
        text = body.decode("utf-8", errors="replace")
        prefix = _PREFIX.search(text)
        if prefix is None or prefix.group(1).lower() != "kms":
            found = prefix.group(1) if prefix else "none"
            raise SourceError(
                f"a Service Authorization Reference page titled for KMS but with the service "
                f"prefix {found!r}, not 'kms'"
            )
        return PageKind("sar", "sar-html", "list_awskeymanagementservice")
    if 'id="kms-api-permissions-reference' in body.decode("utf-8", errors="replace"):
        return PageKind("permissions", "html-table", "kms-api-permissions-reference")
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
