"""How pages say where a fact comes from, as of when, and since when a source lists it.

Never "now": the newest copy of a source has a date (or is the undated current page). A source's
copies begin somewhere (2017-11 for the guide, 2019-10 for the SAR, 2026-11 for the current
permissions reference): an entry listed from the first copy on is listed "at least since" then,
never "introduced on" it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kms_permissions.generator.markdown import EMPTY, fragment, text
from kms_permissions.generator.site.context import Site


def source_lines(
    site: Site,
    as_of: Mapping[str, date | None],
    since: Mapping[str, date | None],
    revisions: Mapping[str, str],
) -> str:
    """One line per source that gives facts about an entry: its copy's date and since when it
    lists the entry (a table cell; lines joined with <br>)."""
    lines = []
    for source, day in as_of.items():
        copy = f"as of {day}" if day else "the undated current page"
        listed = listed_since(site, source, since.get(source), revisions.get(source))
        said = f"{site.source_name(source)}: {copy}" + (f"; {listed}" if listed else "")
        lines.append(fragment(said[:1].upper() + said[1:]))
    return "<br>".join(lines) or EMPTY


def listed_since(site: Site, source: str, first: date | None, revision: str | None) -> str:
    """`listed in every copy held, which begin 2019-10-10 (at least since then)`, or
    `first in the copy of 2021-07-01 (copies held begin 2019-10-10)`, or for the API Reference
    `first in botocore 1.20.96 of 2021-06-16`."""
    if not first:
        return ""
    begins = site.first_copy(source)
    release = revision if revision and revision.startswith("botocore ") else None
    if begins and first <= begins:
        if release:
            return f"in every revision held, from {release} of {first} (at least since then)"
        return f"in every copy held, which begin {first} (at least since then)"
    if release:
        return f"first in {release} of {first}"
    held = f"; copies held begin {begins}" if begins else ""
    return f"first in the copy of {first}{held}"


def newest_copy(site: Site, source: str) -> str:
    """`still in the newest copy (2026-06-14)` for a fact the newest copy still shows."""
    date = site.newest(source)
    shown = "the undated current page" if date == "undated" else date
    return f"still in the newest copy ({shown})"


def absent(site: Site, source: str, listed: bool) -> str:
    """A fact a source does not give, saying which source lacks it (a table cell)."""
    name = site.source_name(source)
    if not listed:
        return text(f"not given: {name} does not list it")
    return text(f"not given by {name} (as of {site.newest(source)})")
