"""`actions [--filter FIELD=VALUE]... [--key KEY]...`: actions with the facts asked for.

Every field and value is checked against the dataset's own vocabulary: a value it never uses
is refused with the values there are (exit 2), not answered with an empty or a full list.
"""

from __future__ import annotations

from kms_permissions.commands.inputs import names_from
from kms_permissions.commands.output import add_query_options, emit, readable
from kms_permissions.damage import open_index, reading
from kms_permissions.errors import InputError, shown
from kms_permissions.vocabulary import FIELDS, check_filters

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

# /2: the action objects are lookup's (kms-permissions-lookup/2), whose shape changed with it.
FORMAT = "kms-permissions-actions/2"
HELP = "actions by facts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--filter, --key and the query options."""
    parser.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=f"{', '.join(FIELDS)}; repeat to combine",
    )
    parser.add_argument(
        "--key", action="append", default=[], help="actions a condition key applies to (- stdin)"
    )
    add_query_options(parser)


def parse_filters(items: list[str]) -> list[tuple[str, str]]:
    """`FIELD=VALUE` options as (field, value) pairs (`cross-account` spelt either way)."""
    conditions = []
    for item in items:
        field, sep, value = item.partition("=")
        if not sep:
            raise InputError(
                f"--filter {shown(item)}: write FIELD=VALUE; fields: {', '.join(FIELDS)}"
            )
        conditions.append((field.strip().replace("-", "_"), value.strip()))
    return conditions


def run(args: argparse.Namespace) -> int:
    """Print the actions meeting every filter; exit 1 if none does."""
    conditions = parse_filters(args.filter)
    conditions += [("key", k) for k in names_from(args.key, "--key")]
    index = open_index(args.dataset)
    with reading(args.dataset):
        entries = index.actions.values()
        check_filters(
            conditions, entries, lambda n: index.key_name(n) is not None, index.suggestions
        )
        chosen = index.select(conditions)
        version = index.version
    if args.json:
        emit(
            {
                "format": FORMAT,
                "dataset_version": version,
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
