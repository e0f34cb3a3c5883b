"""`build --source S --out DIR`: one dataset version from a source."""

from __future__ import annotations

import sys

from kms_permissions.commands.building import add_build_options, page_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "build one dataset version from a source"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--source and the build options."""
    parser.add_argument(
        "--source",
        help="a scrape file (records.json), a URL, a local file or folder, or git:PATH[@REV]",
    )
    add_build_options(parser)


def run(args: argparse.Namespace) -> int:
    """Build and publish the newest version the source allows."""
    from kms_permissions.dataset.build import history_of, load_records, publish

    result = load_records(args.source, args.revision_date, page_cache(args))
    history = history_of(result)
    date, _ = history.versions[-1]
    version = publish(history.newest(), args.out, date, args.previous, args.allow_shrink)
    print(f"wrote {args.out}: dataset version {version}", file=sys.stderr)
    return 0
