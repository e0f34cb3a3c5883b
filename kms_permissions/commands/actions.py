"""`actions [--filter FIELD=VALUE]... [--key KEY]...`: actions with the facts asked for."""

from __future__ import annotations

from kms_permissions.commands.output import add_query_options, emit, read_names, readable
from kms_permissions.query import FILTERS, UsageError, load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "actions by facts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--filter, --key and the query options."""
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=f"{', '.join(FILTERS)}; repeat to combine",
    )
    parser.add_argument(
        "--key", action="append", default=[], help="actions a condition key applies to (- stdin)"
    )
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the actions meeting every filter; exit 1 if none does."""
    index = load_index(args.dataset)
    conditions = []
    for item in args.filter:
        field, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--filter {item!r}: write FIELD=VALUE; fields: {', '.join(FILTERS)}")
        conditions.append((field.strip().replace("-", "_"), value.strip()))
    conditions += [("key", k) for k in read_names(args.key)]
    chosen = index.select(conditions)
    if args.json:
        emit(
            {
                "format": "kms-permissions-actions/2",
                "dataset_version": index.version,
                "filters": [f"{f}={v}" for f, v in conditions],
                "actions": chosen,
            }
        )
    else:
        print(f"{'action':42} {'policy types':24} {'cross-account':14} {'access level'}")
        for e in chosen:
            print(
                f"{e['name']:42} {', '.join(map(readable, e['policy_types'])) or '-':24} "
                f"{e['cross_account'] or '-':14} {e['access_level'] or '-'}"
            )
    return 0 if chosen else 1
