"""`check FILE...`: find what makes key policies and IAM policies wrong or ineffective."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "find what makes key policies and IAM policies wrong"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE..., --kind, --account, --json/--sarif, --fail-on, --dataset."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="policy JSON files, - for stdin")
    parser.add_argument(
        "--kind",
        choices=("auto", "key-policy", "iam-policy", "vpc-endpoint-policy"),
        default="auto",
    )
    parser.add_argument("--account", help="the account that owns the key or the policy")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="findings as JSON")
    output.add_argument("--sarif", action="store_true", help="findings as SARIF 2.1.0")
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="exit 1 when a finding is this bad or worse (default: error)",
    )
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Check the files and report."""
    from kms_permissions.policy.run import run_check

    return run_check(
        args.files, args.kind, args.account, args.json, args.sarif, args.fail_on, args.dataset
    )
