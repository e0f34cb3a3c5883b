"""`build --source S --out DIR`: one dataset version from a source.

`--out` is written only if it is new, empty or a dataset kms-permissions wrote (`--force`
replaces anything else), and never if it is, holds or lies inside the source. The version
never goes backwards, and a build that lost more than 10% of what one kind of source gave the
previous version (or the bundled dataset) is refused unless `--allow-shrink`.
"""

from __future__ import annotations

import sys

from kms_permissions.commands.building import add_build_options, build_inputs, page_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "build one dataset version from a source"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--source and the build options."""
    parser.add_argument(
        "--source",
        action="append",
        help="a scrape file (records.json), a URL, a local file or folder, git:PATH[@REV], "
        "github-botocore:TAG, pypi-botocore:VERSION or installed-botocore; repeat to combine "
        "sources",
    )
    add_build_options(parser)


def run(args: argparse.Namespace) -> int:
    """Build and publish the newest version the source allows."""
    from kms_permissions.extras import require

    require("scrape", "parquet")
    from kms_permissions.dataset.build import dataset_output, history_of, load_all, publish
    from kms_permissions.reference import DATA_DIR

    # The output is checked before anything is fetched or parsed, and again when written.
    cache = page_cache(args)
    dataset_output(args.out, build_inputs(args), args.previous, args.force)
    result = load_all(args.source, args.revision_date, cache)
    history = history_of(result)
    date, _ = history.versions[-1]
    version = publish(
        history.newest(),
        args.out,
        date,
        args.previous,
        args.allow_shrink,
        baseline_dir=DATA_DIR,
        inputs=build_inputs(args),
        force=args.force,
    )
    print(f"wrote {args.out}: dataset version {version}", file=sys.stderr)
    return 0
