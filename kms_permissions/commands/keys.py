"""`keys [--action ACTION]...`: the condition keys that apply to each action (all without)."""

from __future__ import annotations

from kms_permissions.commands.inputs import names_from
from kms_permissions.commands.output import add_query_options, emit, not_actions, not_found
from kms_permissions.damage import open_index, reading

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

HELP = "the condition keys that apply to actions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--action and the query options."""
    parser.add_argument("--action", action="append", default=[], help="an action (- for stdin)")
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print each action's keys; exit 1 if an action is not found."""
    names = names_from(args.action, "--action")
    index = open_index(args.dataset)
    missing: list[dict[str, Any]] = []
    with reading(args.dataset):
        version = index.version
        if not names:
            chosen = {"*": list(index.keys.values())}
        else:
            resolved = [(n, index.resolve(n)) for n in names]
            bad = [n for n, e in resolved if e is None or e["kind"] != "action"]
            given_keys = [n for n, e in resolved if e and e["kind"] == "condition_key"]
            missing = not_found(index, [n for n in bad if n not in given_keys])
            missing += not_actions(index, given_keys)
            chosen = {
                e["name"]: index.keys_for_action(e["name"])
                for n, e in resolved
                if e and n not in bad
            }
    if args.json:
        emit(
            {
                "format": "kms-permissions-keys/2",
                "dataset_version": version,
                "keys": {a: [k["name"] for k in ks] for a, ks in chosen.items()},
                "not_found": missing,
            }
        )
    else:
        for action, keys in chosen.items():
            print(f"{action}  ({len(keys)} condition keys)")
            for key in keys:
                kinds = ", ".join(v for v in (key["condition_type"], key["value_type"]) if v)
                print(f"  {key['name']:48} {kinds}")
    return 1 if missing else 0
