"""`key-policy new SPEC`: write a key policy from a spec (JSON or YAML; - for stdin), or prove it.

The spec names the account and Region, the key's spec and usage, its administrators and users,
whether IAM policies apply, the services users go through, the service integrations and the
other accounts (see the README's "Writing key policies"). `--verify` decides the intended
and adversarial requests with explain and exits 1 when any differs from what the spec means.
Exit 2 for a bad spec, naming the field. `--out FILE` replaces an existing file only when it
is a key policy this command wrote, unchanged since (or with `--force`), atomically.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "write a key policy from a spec, proved by check and explain"
FORMATS = ("json", "yaml", "cloudformation", "terraform")
MINE = "key policy written by kms-permissions key-policy new"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """new SPEC [--format F] [--verify] [--dataset DIR]."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser("new", help="write the key policy a spec asks for")
    new.add_argument("spec", metavar="SPEC", help="the spec, JSON or YAML; - for stdin")
    new.add_argument(
        "--format",
        choices=FORMATS,
        help="json (the default; with --verify, text is), yaml, cloudformation (an "
        "AWS::KMS::Key with its KeyPolicy), terraform (an aws_kms_key with jsonencode)",
    )
    new.add_argument(
        "--verify",
        action="store_true",
        help="print the intended and adversarial requests with explain's decision on each "
        "(--format json: one JSON document); exit 1 if any differs from what the spec means",
    )
    new.add_argument(
        "--out",
        help="a file to write the policy to (default: standard output); an existing file is "
        "replaced only if it is a key policy this command wrote, unchanged since",
    )
    new.add_argument(
        "--force", action="store_true", help="replace --out even if this command did not write it"
    )
    new.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Write the policy, or its verification."""
    import sys
    from pathlib import Path

    from kms_permissions.commands.output import read_stdin
    from kms_permissions.errors import InputError
    from kms_permissions.policy.authoring.api import read_spec
    from kms_permissions.policy.authoring.render import YAML_FORMATS, render
    from kms_permissions.policy.authoring.statements import policy
    from kms_permissions.policy.checker import knowledge

    if args.verify and args.out is not None:
        raise InputError("--out: writes the policy; --verify prints its proof (use one)")
    if args.force and args.out is None:
        raise InputError("--force: only with --out")
    if args.format in YAML_FORMATS and not args.verify:
        from kms_permissions.extras import require

        require("templates")
    target = None
    if args.out is not None:
        from kms_permissions.files import check_output, output_path
        from kms_permissions.policy.authoring.render import is_written

        target = output_path(args.out)
        inputs = {"SPEC": None if args.spec == "-" else Path(args.spec)}
        # Judged before the spec is read, so that a refused --out costs nothing.
        check_output(
            target, folder=False, ours=is_written, inputs=inputs, force=args.force, mine=MINE
        )
    source: Path | str = read_stdin("a spec") if args.spec == "-" else Path(args.spec)
    spec = read_spec(source, args.dataset)
    facts = knowledge(args.dataset)
    document = policy(spec, facts)
    if args.verify:
        import json

        from kms_permissions.policy.authoring.verify import (
            not_checked,
            report,
            verify,
            verify_document,
        )

        outcomes = verify(spec, document, facts, args.dataset)
        skipped = not_checked(facts) if spec.admins else []
        if args.format == "json":
            print(json.dumps(verify_document(outcomes, skipped, facts.version), indent=1))
        else:
            if skipped:
                print(
                    f"not decided: {', '.join(skipped)} (authorized on the key and an alias; "
                    "explain decides a request on one resource)"
                )
            print(report(outcomes))
        return 0 if all(o.agrees for o in outcomes) else 1
    text = render(spec, document, args.format or "json")
    if target is None:
        sys.stdout.write(text)
        return 0
    from kms_permissions.files import write_file

    write_file(target, text.encode(), ours=is_written, inputs=inputs, force=args.force, mine=MINE)
    return 0
