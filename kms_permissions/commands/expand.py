"""`expand PATTERN...`: the actions an IAM action pattern matches."""

from __future__ import annotations

import sys

from kms_permissions.commands.inputs import names_from
from kms_permissions.commands.output import add_query_options, emit
from kms_permissions.damage import open_index, reading
from kms_permissions.errors import shown

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
    patterns = names_from(args.patterns, "PATTERN")
    index = open_index(args.dataset)
    with reading(args.dataset):
        matches = {p: index.expand(p) for p in patterns}
        version = index.version
    for pattern, actions in matches.items():
        if not actions:
            print(f"kms-permissions: {shown(pattern)} matches no KMS action", file=sys.stderr)
    if args.json:
        emit(
            {
                "format": "kms-permissions-expand/1",
                "dataset_version": version,
                "patterns": matches,
            }
        )
    else:
        for pattern, actions in matches.items():
            print(f"{pattern}  ({len(actions)})")
            for action in actions:
                print(f"  {action}")
    return 0 if all(matches.values()) else 1
