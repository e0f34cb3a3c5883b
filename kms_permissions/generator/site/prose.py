"""Text from the sources, rendered: the guide's own markup shown as what it means.

The sources' text holds the guide's markdown: code spans (`` `CreateKey` ``), links (to the
API Reference, written `[CreateKey](url-kms-api;API_CreateKey.html)` in older copies), emphasis
(`*except*`) and `+` bullets run into one line. Here code spans become code, names and
operations link to the site's page where one exists, other links keep only their text as the
label of a link to the AWS page (or no link, when the target is not a page AWS publishes), and
bullets become a list. Everything else goes through `markdown.fragment`, so no source text can
inject HTML, links or mkdocs syntax: markup this module does not recognise stays text.
"""

from __future__ import annotations

import re

from kms_permissions.generator.markdown import EMPTY, code, external, fragment, line_start
from kms_permissions.generator.site.context import API_REFERENCE, GUIDE, Site

_TOKEN = re.compile(
    r"(?P<code>`+)(?P<body>[^`]+?)(?P=code)"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<target>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?P<name>(?<![\w:/.-])(?:kms|aws):[A-Za-z][\w:/-]*(?:(?:\$\{[^}\s]+\}|<\w+>)[\w:/-]*)*)"
)
_API_PAGE = re.compile(
    r"(?:url-kms-api;|https://docs\.aws\.amazon\.com/kms/latest/APIReference/)"
    r"API_(?P<operation>\w+)\.html(?P<anchor>#[\w-]*)?"
)
_GUIDE_PAGE = re.compile(r"(?P<page>[\w-]+)\.(?:md|html)(?P<anchor>#[\w-]*)?")
_OPERATION = re.compile(r"[A-Z][A-Za-z0-9]+")
# "+ item" bullets run into the line, after an introduction ending with ":" (or none).
_BULLET = re.compile(r"(?:^|\s)\+\s+")
# The guide's paragraph after a list, run into its last item.
_AFTER_LIST = re.compile(
    r"\s+(?=(?:For details|For more information|For an example|For help|To learn more)\b)"
)


def inline(site: Site, value: str | None, here: str) -> str:
    """Source text for one line (a table cell, a list item): bullets shown as `•` lines."""
    if not value or not value.strip():
        return EMPTY
    intro, items, after = _structure(value)
    parts = [_line(site, intro, here)] if intro else []
    parts += [f"&#8226; {_line(site, item, here)}" for item in items]
    if after:
        parts.append(_line(site, after, here))
    return "<br>".join(parts)


def block(site: Site, value: str | None, here: str) -> str:
    """Source text as markdown blocks: a paragraph, the list it introduces, what follows."""
    if not value or not value.strip():
        return EMPTY
    intro, items, after = _structure(value)
    blocks = [_line(site, intro, here)] if intro else []
    if items:
        blocks.append("\n".join(f"- {_line(site, item, here)}" for item in items))
    if after:
        blocks.append(_line(site, after, here))
    return "\n\n".join(blocks)


def plain(value: str | None) -> str:
    """Source text with its markup taken away, as plain text (for titles and tooltips)."""
    if value is None:
        return ""

    def bare(match: re.Match[str]) -> str:
        return match.group("body") or match.group("label") or match.group("em") or match[0]

    intro, items, after = _structure(value)
    return " ".join(_TOKEN.sub(bare, part) for part in [intro, *items, after] if part)


def _structure(value: str) -> tuple[str, list[str], str]:
    """(introduction, bullet items, paragraph after them) of a flattened guide paragraph."""
    text = " ".join(value.split())
    parts = _BULLET.split(text)
    intro = parts[0].strip()
    if len(parts) == 1 or (intro and not intro.endswith(":")):
        return text, [], ""
    items = [p.strip() for p in parts[1:] if p.strip()]
    if not items:
        return text, [], ""
    last = _AFTER_LIST.split(items[-1], maxsplit=1)
    after = ""
    if len(last) == 2:
        items[-1], after = last[0], last[1]
    if not intro and len(items) == 1 and not after:
        return items[0], [], ""  # "+ aws:SourceVpc limits ..." alone is a sentence
    return intro, items, after


def _line(site: Site, value: str, here: str) -> str:
    out: list[str] = []
    end = 0
    last_code_end = -1
    for match in _TOKEN.finditer(value):
        out.append(fragment(value[end : match.start()]))
        if match.start() == last_code_end and match.group("code"):
            out.append(" ")  # `GenerateMac``VerifyMac`: two names, not one
        out.append(_token(site, match, here))
        end = match.end()
        if match.group("code"):
            last_code_end = end
    out.append(fragment(value[end:]))
    return line_start("".join(out).strip())


def _token(site: Site, match: re.Match[str], here: str) -> str:
    if match.group("code"):
        return _code(site, match.group("body").strip(), here)
    if match.group("em"):
        return f"<em>{fragment(match.group('em'))}</em>"
    if match.group("name"):
        return _name(site, match.group("name"), here)
    return _link(site, match.group("label"), match.group("target"), here) or fragment(match[0])


def _name(site: Site, name: str, here: str) -> str:
    trimmed = name.rstrip(":/-")
    tail = fragment(name[len(trimmed) :])
    spelled = re.sub(r"<(\w+)>", r"${\1}", trimmed)  # the guide's PCR<PCR_ID> is PCR${PCR_ID}
    if site.page_of(spelled):
        return site.name_link(spelled, here, label=trimmed) + tail
    return code(trimmed) + tail


def _code(site: Site, body: str, here: str) -> str:
    if _OPERATION.fullmatch(body) and body in site.by_operation:
        return site.name_link(site.by_operation[body], here, label=body)
    if site.page_of(body):
        return site.name_link(body, here)
    return code(body)


def _link(site: Site, label: str, target: str, here: str) -> str | None:
    """A source link as a link to the site's page or to the AWS page, labelled by its text;
    None when the target is none of those (the caller shows the markup as text)."""
    shown = label.strip().strip("`").strip()
    if not shown:
        return None
    api = _API_PAGE.fullmatch(target)
    if api:
        operation = api.group("operation")
        if operation in site.by_operation:
            return site.name_link(site.by_operation[operation], here, label=shown)
        return external(code(shown), f"{API_REFERENCE}/API_{operation}.html")
    guide = _GUIDE_PAGE.fullmatch(target)
    if guide:
        anchor = guide.group("anchor") or ""
        return external(fragment(shown), f"{GUIDE}/{guide.group('page')}.html{anchor}")
    if target.startswith("https://docs.aws.amazon.com/"):
        labelled = external(fragment(shown), target)
        return labelled if labelled != fragment(shown) else None
    return None
