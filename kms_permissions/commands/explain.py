"""`explain --key-policy FILE --request FILE`: decide one KMS request as KMS would, and say why.

Exit 0 when the request is allowed, 1 when it is denied (explicitly or implicitly), 2 for bad
input or a request this analysis cannot decide. A policy type that could take part and was not
given is an assumption the report states; --strict makes one that could change the decision a
"cannot decide" (exit 2), and --none TYPE says that a type is truly absent.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "decide one KMS request (allow, explicit-deny, implicit-deny) and say why"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--key-policy, --request, --iam-policy..., --grant..., --vpce-policy, --json, --dataset."""
    parser.add_argument("--key-policy", required=True, metavar="FILE", help="the key policy")
    parser.add_argument(
        "--request",
        required=True,
        metavar="FILE",
        help='the request: {"principal", "action", "key_arn", "context", "vpce"}; - for stdin',
    )
    parser.add_argument(
        "--iam-policy",
        action="append",
        default=[],
        metavar="FILE",
        help="an identity policy of the requesting principal (repeatable)",
    )
    parser.add_argument(
        "--grant",
        action="append",
        default=[],
        metavar="FILE",
        help="a grant as ListGrants returns it (repeatable)",
    )
    parser.add_argument("--vpce-policy", metavar="FILE", help="the VPC endpoint's policy")
    parser.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="FILE",
        help="a service control policy of the caller's organization, one per level (repeatable)",
    )
    parser.add_argument(
        "--rcp",
        action="append",
        default=[],
        metavar="FILE",
        help="a resource control policy of the key owner's organization, one per level "
        "(repeatable)",
    )
    parser.add_argument(
        "--permissions-boundary", metavar="FILE", help="the caller's permissions boundary"
    )
    parser.add_argument("--session-policy", metavar="FILE", help="the role session's policy")
    parser.add_argument(
        "--other-key-policy",
        metavar="FILE",
        help="the key policy of the request's other_key_arn (ReEncrypt's other key, "
        "UpdateAlias's other key): both keys are decided",
    )
    parser.add_argument(
        "--none",
        action="append",
        default=[],
        metavar="TYPE",
        choices=(
            "iam-policy",
            "scp",
            "rcp",
            "permissions-boundary",
            "session-policy",
            "vpce-policy",
        ),
        help="a policy type that is truly absent, not assumed so (repeatable)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="an assumption that could change the decision makes it 'cannot decide' (exit 2)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def run(args: argparse.Namespace) -> int:
    """Explain the request and choose the exit status."""
    import json
    import sys
    from pathlib import Path

    from kms_permissions.commands.output import read_stdin
    from kms_permissions.policy.access.explanation import explain
    from kms_permissions.policy.access.report import explanation_text

    files = {
        "--key-policy": [args.key_policy],
        "--iam-policy": args.iam_policy,
        "--grant": args.grant,
        "--vpce-policy": [args.vpce_policy],
        "--scp": args.scp,
        "--rcp": args.rcp,
        "--permissions-boundary": [args.permissions_boundary],
        "--session-policy": [args.session_policy],
        "--other-key-policy": [args.other_key_policy],
    }
    for option, given in files.items():
        if "-" in given:  # a file named "-" would be read as one, missing: say what - means
            from kms_permissions.query import UsageError

            raise UsageError(f"{option} -: only --request reads standard input; name a file")
    request: Path | str = read_stdin("a request") if args.request == "-" else Path(args.request)
    result = explain(
        Path(args.key_policy),
        request,
        [Path(p) for p in args.iam_policy],
        [Path(g) for g in args.grant],
        Path(args.vpce_policy) if args.vpce_policy else None,
        args.dataset,
        scps=[Path(p) for p in args.scp],
        rcps=[Path(p) for p in args.rcp],
        permissions_boundary=Path(args.permissions_boundary) if args.permissions_boundary else None,
        session_policy=Path(args.session_policy) if args.session_policy else None,
        other_key_policy=Path(args.other_key_policy) if args.other_key_policy else None,
        absent=args.none,
        strict=args.strict,
    )
    if args.json:
        print(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    else:
        print(explanation_text(result))
    if not result.decided:
        first = result.undecided[0] if result.undecided else None
        where = f"{first.where}: " if first else ""
        what = first.rule if first else "cannot decide"
        print(f"kms-permissions explain: {where}{what}", file=sys.stderr)
        return 2
    return 0 if result.decision == "allow" else 1
