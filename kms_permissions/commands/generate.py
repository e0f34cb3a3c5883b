"""`generate [--check]`: regenerate the typed constants and the site's pages from a dataset."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from kms_permissions.generator.outputs import Generation

HELP = "regenerate the typed constants and site pages from the bundled dataset"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--dataset, --check and --force."""
    from pathlib import Path

    parser.add_argument("--dataset", type=Path, help="a dataset folder (default: bundled)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an artifact is stale"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite generated files even if they were changed by hand",
    )


def run(args: argparse.Namespace) -> int:
    """Write (or check) every generated artifact."""
    from kms_permissions.generator.outputs import package_files, plan, site_pages
    from kms_permissions.reference import load

    generation = plan(load(args.dataset), [package_files, site_pages], args.check, args.force)
    stale = generation.stale
    if not args.check:
        write_generated(generation)
    for path in stale:
        verb = "differs from the dataset" if args.check else "written"
        print(f"{path}: {verb}", file=sys.stderr)
    if args.check and stale:
        again = "kms-permissions generate" + (f" --dataset {args.dataset}" if args.dataset else "")
        print(f"regenerate with: {again} (it rewrites every file listed)", file=sys.stderr)
        return 1
    return 0


def write_generated(generation: Generation) -> None:
    """Write what `plan` found stale as one journalled transaction (the checkout's, as
    `update`'s): killed midway, it is rolled back by the next writing verb, so the constants
    and the pages never stay half old, half new."""
    if not generation.stale:
        return
    from pathlib import Path

    import kms_permissions
    from kms_permissions.dataset.transaction import JOURNAL, InPlace, Transaction

    checkout = Path(kms_permissions.__file__).resolve().parent.parent
    transaction = Transaction(checkout / JOURNAL, what="generate")
    transaction.run_in_place(InPlace(lambda: None, lambda: generation.stale, generation.apply))
    transaction.commit()
