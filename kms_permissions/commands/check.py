"""`check FILE...`: find what makes key policies, IAM policies and VPC endpoint policies wrong
or ineffective, in policy files, CloudFormation templates and Terraform plans.

Output: `file:line:col: ID [severity] message` per finding (`--json`, `--sarif`); exit 2 when
a file cannot be read or is not a policy, 1 when a finding reaches --fail-on, else 0.
Settings can also come from `[tool.kms-permissions.check]` in pyproject.toml.
"""

from __future__ import annotations

from kms_permissions.commands.options import Option, Positionals, add_options, plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

HELP = "find what makes key policies and IAM policies wrong"
# The policy kinds (kms_permissions.policy.kinds) and "auto"; kept here so that parsing the
# command line imports nothing of the checker; a test holds the two equal.
KINDS = (
    "auto",
    "key-policy",
    "iam-policy",
    "vpc-endpoint-policy",
    "scp",
    "rcp",
    "trust-policy",
    "resource-policy",
)


FILES = Positionals(
    "files",
    "FILE",
    "policy JSON/YAML, CloudFormation templates, `terraform show -json` output; - for stdin",
)
OPTIONS = (
    Option("--kind", "kind of a policy file (default: auto, or the config's)", choices=KINDS),
    Option("--account", "the account that owns the keys and policies"),
    Option("--json", "findings as JSON", action="store_true", group="output"),
    Option("--sarif", "findings as SARIF 2.1.0", action="store_true", group="output"),
    Option(
        "--format",
        "output format (github: workflow annotations for GitHub Actions; default text)",
        choices=("text", "json", "sarif", "github"),
        group="output",
    ),
    Option(
        "--fail-on",
        "exit 1 when a finding is this bad or worse (default: error)",
        choices=("error", "warning"),
    ),
    Option(
        "--select",
        "run only these rules (ids or prefixes, comma-separated: KMS04,KMS101)",
        action="append",
        metavar="IDS",
    ),
    Option("--ignore", "skip these rules", action="append", metavar="IDS"),
    Option("--show-basis", "print each finding's basis", action="store_true"),
    Option(
        "--ignore-unrecognized",
        "skip files in which nothing looks like a policy (no Statement, no object with Effect, "
        "Action, Principal, Resource, ...): for pre-commit runs over every JSON/YAML file",
        action="store_true",
    ),
    Option("--list-rules", "list the rules and exit", action="store_true"),
    Option("--dataset", "a dataset folder (default: the bundled dataset)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE..., --kind, --account, --json/--sarif/--format, --fail-on, --select/--ignore, ..."""
    add_options(parser, FILES, OPTIONS)


def parse_plain(argv: list[str]) -> dict[str, Any] | None:
    """The options of a plain `check` command line (after the verb), or None: argparse reads it
    (see `kms_permissions.commands.options`)."""
    return plain(argv, FILES, OPTIONS)


def run(args: argparse.Namespace) -> int:
    """Check the files and report."""
    import sys

    from kms_permissions.policy.document import PolicyError
    from kms_permissions.policy.run import Options, run_check

    args.json = args.json or args.format == "json"
    args.sarif = args.sarif or args.format == "sarif"
    if args.list_rules:
        return _list_rules(args)
    if not args.files:
        print("kms-permissions check: no FILE given (- reads standard input)", file=sys.stderr)
        return 2
    options = Options(
        kind=args.kind,
        account=args.account,
        fail_on=args.fail_on,
        select=args.select,
        ignore=args.ignore,
        dataset=args.dataset,
        ignore_unrecognized=args.ignore_unrecognized,
    )
    try:
        return run_check(
            args.files, options, args.json, args.sarif, args.show_basis, args.format == "github"
        )
    except PolicyError as exc:
        print(f"kms-permissions check: {exc}", file=sys.stderr)
        return 2


def _list_rules(args: argparse.Namespace) -> int:
    """The rules as text, or as the `kms-permissions-rules/1` document with --json.

    --sarif is refused: a SARIF log reports a run over files, and every `--sarif` log already
    describes the rules (`runs[0].tool.driver.rules`); a log of no run would be a second,
    emptier way to say what --json says.
    """
    import json
    import sys

    from kms_permissions.policy.registry import all_rules, rules_document

    if args.sarif:
        print(
            "kms-permissions check: --list-rules takes --json, not --sarif (a --sarif log of "
            "files describes the rules in runs[0].tool.driver.rules)",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(json.dumps(rules_document(), indent=1, ensure_ascii=False))
        return 0
    for rule in all_rules():
        print(f"{rule.rule_id}  {rule.severity:7}  {rule.name:34}  {rule.summary}")
    return 0
