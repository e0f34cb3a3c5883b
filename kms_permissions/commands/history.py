"""`history --corpus DIR --out DIR`: every version a corpus allows, with the history table.

`--out` follows the same rules as `build --out`.
"""

from __future__ import annotations

import sys

from kms_permissions.commands.building import add_build_options, build_inputs, page_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "build every version a corpus allows, with the history table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--corpus and the build options."""
    parser.add_argument("--corpus", required=True, help="a corpus folder")
    parser.add_argument(
        "--source",
        action="append",
        help="another source whose pages join the corpus's, e.g. installed-botocore (the KMS "
        "model of the botocore installed here: the newest facts offline); repeatable",
    )
    add_build_options(parser)


def run(args: argparse.Namespace) -> int:
    """Build the history and publish the newest version with it and the changelog."""
    from kms_permissions.extras import require

    require("scrape", "parquet")
    from kms_permissions.dataset.build import (
        changelog,
        dataset_output,
        history_of,
        load_all,
        load_records,
        publish,
    )
    from kms_permissions.reference import DATA_DIR

    cache = page_cache(args)
    dataset_output(args.out, build_inputs(args), args.previous, args.force)
    result = load_records(args.corpus, args.revision_date, cache)
    if args.source:
        result.extend(load_all(args.source, None, cache))
    history = history_of(result)
    notes = changelog(history)
    dataset = history.newest()
    dataset.tables["history"] = history.rows
    dataset.sort()
    date, _ = history.versions[-1]
    version = publish(
        dataset,
        args.out,
        date,
        args.previous,
        args.allow_shrink,
        {"CHANGELOG.md": notes},
        baseline_dir=DATA_DIR,
        inputs=build_inputs(args),
        force=args.force,
    )
    print(
        f"wrote {args.out}: dataset version {version}, {len(history.versions)} versions, "
        f"{len(history.rows)} history rows",
        file=sys.stderr,
    )
    return 0
