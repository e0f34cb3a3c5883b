"""`expand PATTERN...`: the actions an IAM action pattern matches."""

from __future__ import annotations

import sys

from kms_permissions.commands.output import add_query_options, emit, read_names
from kms_permissions.query import load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "the actions an IAM action pattern matches"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """PATTERN... and the query options."""
    parser.add_argument("patterns", nargs="+", metavar="PATTERN", help="kms:Get*, kms:*Key*, -")
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the matches of each pattern; exit 1 if one matches nothing."""
    index = load_index(args.dataset)
    patterns = read_names(args.patterns)
    if not patterns:
        print("kms-permissions expand: no pattern given", file=sys.stderr)
        return 2
    matches = {p: index.expand(p) for p in patterns}
    for pattern, actions in matches.items():
        if not actions:
            print(f"kms-permissions: {pattern!r} matches no KMS action", file=sys.stderr)
    if args.json:
        emit(
            {
                "format": "kms-permissions-expand/1",
                "dataset_version": index.version,
                "patterns": matches,
            }
        )
    else:
        for pattern, actions in matches.items():
            print(f"{pattern}  ({len(actions)})")
            for action in actions:
                print(f"  {action}")
    return 0 if all(matches.values()) else 1
