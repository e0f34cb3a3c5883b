"""`access KEY_POLICY [--account ID]`: what a key policy grants on its own, per principal.

Which actions each principal is allowed (expanded from the dataset) and under which conditions,
whether IAM policies are enabled for the account, and findings of external and public access in
the manner of IAM Access Analyzer. Exit 0 without findings, 1 with findings, 2 for bad input.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "who can do what with a key, from its key policy alone, and what is exposed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """KEY_POLICY, --account, --json, --dataset."""
    parser.add_argument("key_policy", metavar="KEY_POLICY", help="the key policy, - for stdin")
    parser.add_argument("--account", help="the account that owns the key (12 digits)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Analyse the key policy and report."""
    import json
    from pathlib import Path

    from kms_permissions.commands.output import read_stdin
    from kms_permissions.policy.access.analysis import access
    from kms_permissions.policy.access.inputs import InputError
    from kms_permissions.policy.access.report import access_text
    from kms_permissions.policy.account import valid_account

    valid_account(args.account, "--account", error=InputError)
    source: Path | str = (
        read_stdin("a key policy") if args.key_policy == "-" else Path(args.key_policy)
    )
    report = access(source, args.account, args.dataset)
    if args.json:
        print(json.dumps(report.to_json(), indent=1, ensure_ascii=False))
    else:
        print(access_text(report))
    return 1 if report.findings else 0
