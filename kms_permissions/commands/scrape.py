"""`scrape [--source S] --out FILE`: fetch and parse the source pages into plain records."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "fetch and parse the source pages into plain records (JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--source and --out."""
    from pathlib import Path

    parser.add_argument(
        "--source",
        help="https URL, local file or folder, or git:PATH[@REV]; default: the live AWS pages",
    )
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")


def run(args: argparse.Namespace) -> int:
    """Scrape and write the records."""
    from kms_permissions.errors import FetchError
    from kms_permissions.scraper.scrape import scrape, write_json
    from kms_permissions.scraper.sources import no_network_hint, open_source

    try:
        result = scrape(open_source(args.source))
    except FetchError as exc:
        print(f"kms-permissions scrape: {no_network_hint(exc)}", file=sys.stderr)
        return 1
    write_json(result, args.out)
    counts = (
        f"{len(result.permissions)} permissions, {len(result.condition_keys)} condition-key, "
        f"{len(result.global_keys)} global-key and {len(result.sar)} SAR page(s)"
    )
    print(f"wrote {args.out}: {counts}", file=sys.stderr)
    return 0
