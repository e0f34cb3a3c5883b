"""`verify DIR`: check a dataset folder's hashes and schema."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "check a dataset folder's hashes and schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR and --json."""
    from pathlib import Path

    parser.add_argument("dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def run(args: argparse.Namespace) -> int:
    """Read, hash-check and validate the folder."""
    import json

    from kms_permissions.dataset.io import read_dataset
    from kms_permissions.dataset.validate import validate

    dataset = read_dataset(args.dir)
    validate(dataset)
    report = {"dir": str(args.dir), "dataset_version": dataset.version, "ok": True}
    print(json.dumps(report) if args.json else f"{args.dir}: version {dataset.version}: ok")
    return 0
