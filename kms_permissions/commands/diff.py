"""`diff OLD NEW`: what changed between two dataset folders."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "what changed between two dataset folders"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """OLD, NEW and --json."""
    from pathlib import Path

    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")


def run(args: argparse.Namespace) -> int:
    """Print the changes as a changelog section or JSON."""
    import json

    from kms_permissions.dataset.diff import changelog_section, diff
    from kms_permissions.dataset.io import read_dataset

    change = diff(read_dataset(args.old), read_dataset(args.new))
    if args.json:
        print(json.dumps(change.to_json(), indent=1, ensure_ascii=False))
    else:
        print(changelog_section(change, f"compared with {change.old}"), end="")
    return 0
