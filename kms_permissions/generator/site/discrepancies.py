"""discrepancies.md: where the sources disagree, by kind, numbered runs folded."""

from __future__ import annotations

from kms_permissions.generator.markdown import big_table, table, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import (
    FILTERED,
    detail_cell,
    discrepancy_groups,
    front_matter,
    kind_title,
    sources_cell,
    subject_cell,
)

HERE = "discrepancies.md"


def pages(site: Site) -> dict[str, str]:
    """discrepancies.md."""
    groups = discrepancy_groups(site.ref.discrepancies)
    total = len(site.ref.discrepancies)
    parts = [
        front_matter(),
        "# Where the sources disagree",
        "",
        f"The guide, the SAR and the API Reference are all AWS's own references; these are "
        f"the {total} points on which they differ, grouped by kind, each citing the pages "
        "compared. Rows that differ only by a number (keys of one numbered family for one "
        "action) are one row.",
        "",
        site.as_of(),
        "",
        "Kinds: "
        + ", ".join(
            f"[{text(kind_title(kind))}](#{kind}) ({sum(len(g) for g in found)})"
            for kind, found in groups.items()
        ),
        "",
    ]
    for kind, found in groups.items():
        rows = [
            [
                subject_cell(site, group, HERE),
                detail_cell(site, group, HERE),
                text(str(len(group))),
                sources_cell(site, group[0]),
            ]
            for group in found
        ]
        header = ["Subject", "What each says", "Rows", "Sources"]
        shown = big_table(header, rows) if len(rows) > FILTERED else table(header, rows)
        parts += [f"## {text(kind_title(kind))} {{ #{kind} }}", "", shown, ""]
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}
