"""The `kms-permissions` command line: a registry of verbs, one module each.

`lookup` is what other tools call many times, so a plain `lookup [--json] [--dataset DIR]
NAME...` is answered without importing argparse; anything else goes through the full parser.
"""

from __future__ import annotations

import sys

from kms_permissions.errors import KmsPermissionsError
from kms_permissions.query import QueryError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

# Verb -> module under kms_permissions.commands (see that package's docstring), in help order.
VERBS: tuple[tuple[str, str], ...] = (
    ("lookup", "lookup"),
    ("expand", "expand"),
    ("actions", "actions"),
    ("keys", "keys"),
    ("info", "info"),
    ("export", "export"),
    ("diff", "diff"),
    ("check", "check"),
    ("explain", "explain"),
    ("access", "access"),
    ("scrape", "scrape"),
    ("build", "build"),
    ("history", "history"),
    ("verify", "verify"),
    ("generate", "generate"),
    ("site", "site"),
    ("corpus", "corpus"),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    import argparse
    from importlib import import_module

    parser = argparse.ArgumentParser(
        prog="kms-permissions",
        description="The AWS KMS authorization reference as data: scrape, build, look up.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, module_name in VERBS:
        module = import_module(f"kms_permissions.commands.{module_name}")
        sub = verbs.add_parser(verb, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def _fast_lookup(argv: list[str]) -> int | None:
    """Answer `lookup [--json] [--dataset DIR] NAME...` directly; None for anything else."""
    if not argv or argv[0] != "lookup":
        return None
    names: list[str] = []
    as_json = False
    dataset = None
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--json":
            as_json = True
        elif arg == "--dataset" and rest:
            dataset = rest.pop(0)
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            names.append(arg)
    if not names:
        return None
    from kms_permissions.commands.lookup import run_lookup

    return run_lookup(names, as_json, dataset)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    verb = args_list[0] if args_list else "kms-permissions"
    try:
        fast = _fast_lookup(args_list)
        if fast is not None:
            return fast
        args = build_parser().parse_args(args_list)
        status: int = args.run(args)
    except UsageError as exc:
        print(f"kms-permissions {verb}: {exc}", file=sys.stderr)
        return 2
    except (KmsPermissionsError, QueryError) as exc:
        print(f"kms-permissions {verb}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return status


if __name__ == "__main__":
    raise SystemExit(main())
