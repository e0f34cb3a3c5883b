"""snippets/provenance.md: the sources of the dataset, for the hand-written home page."""

from __future__ import annotations

from kms_permissions.generator.markdown import code, table, text
from kms_permissions.generator.site.context import Site


def pages(site: Site) -> dict[str, str]:
    """provenance.md (under snippets/, not docs/)."""
    sources = list(site.ref.sources.values())
    rows = [
        [
            text(s.kind),
            text(s.location),
            code(s.revision[:19]),
            text(s.revision_date or "undated"),
            code(s.sha256[:16]),
        ]
        for s in sources
        if s.kind != "notes"
    ]
    notes = [s for s in sources if s.kind == "notes"]
    body = [
        f"Dataset version **{text(site.ref.version)}**: "
        f"{len(site.actions)} actions, {len(site.keys)} condition keys, "
        f"{len(site.ref.discrepancies)} [discrepancies](discrepancies.md) between the sources.",
        "",
        table(["source", "page", "revision", "date", "sha256"], rows),
        "",
        f"The [notes](notes/index.md) come from {len(notes)} more guide pages; the "
        "[downloads](downloads.md) page lists every file with its sha256.",
    ]
    return {"provenance.md": "\n".join(body) + "\n"}
