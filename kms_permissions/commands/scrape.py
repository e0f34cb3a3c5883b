"""`scrape [--source S] --out FILE [--force]`: fetch and parse the source pages into records.

`--out` is replaced only if it is a scrape file (recognised by its `format`), or with `--force`;
never if it is the source itself or lies inside it, nor if it is not a regular file.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


HELP = "fetch and parse the source pages into plain records (JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--source, --out and --force."""
    parser.add_argument(
        "--source",
        help="https URL, local file or folder, or git:PATH[@REV]; default: the live AWS pages",
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument(
        "--force", action="store_true", help="replace --out even if it is not a scrape file"
    )


def run(args: argparse.Namespace) -> int:
    """Scrape and write the records."""
    from kms_permissions.extras import require

    require("scrape")
    from pathlib import Path

    from kms_permissions.errors import FetchError, InputError
    from kms_permissions.files import check_output, output_path
    from kms_permissions.scraper import kinds
    from kms_permissions.scraper.scrape import is_scrape_file, scrape, write_json
    from kms_permissions.scraper.sources import no_network_hint, open_source

    if args.source is not None and not args.source.strip():
        raise InputError("--source '': an empty path; name a file, a folder or a URL")
    inputs: dict[str, Path | None] = {}
    if args.source is not None and not args.source.startswith(("https://", "http://", "github:")):
        inputs["--source"] = Path(args.source.removeprefix("git:").split("@", 1)[0])
    target = output_path(args.out)
    # Checked before anything is fetched, and again when written.
    check_output(
        target,
        folder=False,
        ours=is_scrape_file,
        inputs=inputs,
        force=args.force,
        mine="kms-permissions scrape file",
    )
    try:
        result = scrape(open_source(args.source))
    except FetchError as exc:
        raise FetchError(no_network_hint(exc)) from None
    write_json(result, target, inputs=inputs, force=args.force)
    counts = ", ".join(f"{len(result.of(kind))} {kind.label}" for kind in kinds.KINDS)
    print(f"wrote {args.out}: {counts} page(s)", file=sys.stderr)
    return 0
