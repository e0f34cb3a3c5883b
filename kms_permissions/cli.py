"""The `kms-permissions` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kms_permissions.errors import FetchError, KmsPermissionsError


def _scrape(args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    parser = argparse.ArgumentParser(
        prog="kms-permissions",
        description="The AWS KMS authorization reference as data: scrape, build, look up.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    scrape = verbs.add_parser(
        "scrape", help="fetch and parse the source pages into plain records (JSON)"
    )
    scrape.add_argument(
        "--source",
        help="https URL, local file or folder, or git:PATH[@REV]; default: the live AWS pages",
    )
    scrape.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    scrape.set_defaults(run=_scrape)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except KmsPermissionsError as exc:
        print(f"kms-permissions {args.verb}: {exc}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
