"""downloads.md: the dataset's files with their hashes."""

from __future__ import annotations

from kms_permissions.generator.markdown import code, link, table, text
from kms_permissions.generator.site.context import Site

HERE = "downloads.md"


def pages(site: Site) -> dict[str, str]:
    """downloads.md."""
    rows = [
        [
            link(code(f["path"]), f"downloads/{f['path']}"),
            text(f["format"]),
            text(f["rows"]),
            text(f["bytes"]),
            code(f["sha256"]),
        ]
        for f in site.files
    ]
    body = [
        "# Downloads",
        "",
        f"The files of dataset version {text(site.ref.version)}, as the wheel bundles them. "
        "Each file's sha256 is also in `manifest.json`. The [timeline](timeline/index.md) shows "
        "`CHANGELOG.md` version by version.",
        "",
        table(["File", "Format", "Rows", "Bytes", "sha256"], rows),
        "",
        "Query them in place, for example with DuckDB:",
        "",
        "```sql",
        "select action, cross_account from 'actions.parquet' where cross_account = 'yes';",
        "```",
        "",
    ]
    return {HERE: "\n".join(body)}
