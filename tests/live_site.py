"""The live site for `update`'s tests: the corpus's newest pages, served as docs.aws.amazon.com.

The corpus holds the permissions reference in its markdown rendering only; its website HTML (a
table with rowspans, the layout `permissions_html` reads) is written here from that markdown,
cell by cell, so that both renderings carry the same facts as on the live site.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from kms_permissions.scraper.sources import NOTES_PAGES

from .http_server import Reply

GUIDE = "/kms/latest/developerguide"
PERMISSIONS_MD = f"{GUIDE}/kms-api-permissions-reference.md"
PERMISSIONS_HTML = f"{GUIDE}/kms-api-permissions-reference.html"
SAR = "/service-authorization/latest/reference/list_awskeymanagementservice.html"
CONDITIONS = ("conditions-kms.md", "conditions-nitro-enclaves.md", "conditions-aws.md")
# The other guide pages update fetches: the old condition key page and the notes pages.
GUIDE_PAGES = ("policy-conditions.md", *NOTES_PAGES)
MD = {"Content-Type": "text/markdown; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
COLUMNS = (
    "Actions and permissions",
    "Policy type",
    "Cross-account use",
    "Resources (for IAM policies)",
    "AWS KMS condition keys",
)


def newest_pages(corpus: Path) -> dict[str, bytes]:
    """Server path -> body: the newest copy the corpus holds of each live page."""
    snapshot = sorted((corpus / "kms-devguide-github").glob("*/doc_source/conditions-kms.md"))[-1]
    sar = sorted((corpus / "sar-html" / "list_awskeymanagementservice").glob("*.html"))[-1]
    md = (corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md").read_bytes()
    pages = {f"{GUIDE}/{name}": (snapshot.parent / name).read_bytes() for name in CONDITIONS}
    for name in GUIDE_PAGES:
        copy = sorted((corpus / "kms-devguide-github").glob(f"*/doc_source/{name}"))[-1]
        pages[f"{GUIDE}/{name}"] = copy.read_bytes()
    pages[PERMISSIONS_MD] = md
    pages[PERMISSIONS_HTML] = html_rendering(md.decode()).encode()
    pages[SAR] = sar.read_bytes()
    return pages


def routes(pages: dict[str, bytes]) -> dict[str, list[Reply]]:
    """The server's routes for `pages`, each with its content type."""
    return {
        path: [Reply(200, body, HTML if path.endswith(".html") else MD)]
        for path, body in pages.items()
    }


_TOP = re.compile(r"^- (\*\*.*\*\*)\s*$")
_SUB = re.compile(r"^\s{2,}- (.*)$")
_LABEL = re.compile(r"\*\*([^*]+?):\s*\*\*")
_INLINE = re.compile(
    r"(?P<br><br\s*/?>)|\[(?P<text>(?:[^\[\]]|\\\[|\\\])*)\]\((?P<href>[^)\s]*)\)"
    r"|`(?P<code>[^`]*)`|\*(?P<em>[^*\s][^*]*?)\*"
)


def html_rendering(markdown: str) -> str:
    """The website's HTML table for the markdown rendering of the permissions reference."""
    rows = []
    for heading, grants in _operations(markdown):
        span = f' rowspan="{len(grants)}"' if len(grants) > 1 else ""
        for index, grant in enumerate(grants):
            cells = [f"<td>{_inline(grant.get(column, ''))}</td>" for column in COLUMNS[1:]]
            if index == 0:
                cells.insert(0, f"<td{span}><p>{_inline(heading)}</p></td>")
            rows.append(" <tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{column}</th>" for column in COLUMNS)
    return (
        "<!DOCTYPE html>\n<html><head><title>AWS KMS permissions - AWS Key Management Service"
        "</title></head>\n<body>\n"
        '<h1 class="topictitle" id="kms-api-permissions-reference">AWS KMS permissions</h1>\n'
        '<div class="table-container"><div class="table-contents">\n'
        f'<table id="kms-api-permissions-reference-table">\n <thead><tr>{head}</tr></thead>\n'
        + "\n".join(rows)
        + "\n</table>\n</div></div>\n</body></html>\n"
    )


def _operations(markdown: str) -> list[tuple[str, list[dict[str, str]]]]:
    operations: list[tuple[str, list[dict[str, str]]]] = []
    for line in markdown.splitlines():
        top = _TOP.match(line)
        if top and "APIReference/API_" in line:
            operations.append((top.group(1).strip()[2:-2].strip(), []))
            continue
        if operations and line.startswith("#"):
            break
        sub = _SUB.match(line)
        if not (operations and sub):
            continue
        grants = operations[-1][1]
        labels = list(_LABEL.finditer(sub.group(1)))
        for number, label in enumerate(labels):
            end = labels[number + 1].start() if number + 1 < len(labels) else len(sub.group(1))
            value = sub.group(1)[label.end() : end].strip()
            if number + 1 < len(labels):
                value = value.removesuffix("/").rstrip()
            if label.group(1) == COLUMNS[1] or not grants:
                grants.append({})
            grants[-1][label.group(1)] = value
    return operations


def _inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_text(text[position : match.start()]))
        if match.group("br"):
            out.append("<br />")
        elif match.group("href") is not None:
            inner = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", _text(match.group("text")))
            out.append(f'<a href="{html.escape(match.group("href"))}">{inner}</a>')
        elif match.group("code") is not None:
            out.append(f'<code class="code">{html.escape(match.group("code"))}</code>')
        else:
            out.append(f"<em>{_text(match.group('em'))}</em>")
        position = match.end()
    out.append(_text(text[position:]))
    return "".join(out)


def _text(text: str) -> str:
    return html.escape(re.sub(r"\\(.)", r"\1", text.replace("**", "")), quote=False)
