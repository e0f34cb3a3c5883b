"""The `kms-permissions` command line.

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


def _scrape(args: argparse.Namespace) -> int:
    from kms_permissions.errors import FetchError
    from kms_permissions.scraper.scrape import scrape, write_json
    from kms_permissions.scraper.sources import no_network_hint, open_source

    try:
        result = scrape(open_source(args.source))
    except FetchError as exc:
        print(f"kms-permissions scrape: {no_network_hint(exc)}", file=sys.stderr)
        return 1
    write_json(result, args.out)
    counts = (
        f"{len(result.permissions)} permissions, {len(result.condition_keys)} condition-key, "
        f"{len(result.global_keys)} global-key and {len(result.sar)} SAR page(s)"
    )
    print(f"wrote {args.out}: {counts}", file=sys.stderr)
    return 0


def _page_cache(args: argparse.Namespace) -> object:
    from pathlib import Path

    from kms_permissions.scraper.http import default_cache_dir
    from kms_permissions.scraper.page_cache import PageCache

    if args.no_cache:
        return None
    return PageCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir() / "parsed")


def _build(args: argparse.Namespace) -> int:
    from kms_permissions.dataset.build import history_of, load_records, publish

    result = load_records(args.source, args.revision_date, _page_cache(args))  # type: ignore[arg-type]
    history = history_of(result)
    date, _ = history.versions[-1]
    version = publish(history.newest(), args.out, date, args.previous, args.allow_shrink)
    print(f"wrote {args.out}: dataset version {version}", file=sys.stderr)
    return 0


def _history(args: argparse.Namespace) -> int:
    from kms_permissions.dataset.build import changelog, history_of, load_records, publish

    result = load_records(str(args.corpus), args.revision_date, _page_cache(args))  # type: ignore[arg-type]
    history = history_of(result)
    notes = changelog(history)
    dataset = history.newest()
    dataset.tables["history"] = history.rows
    dataset.sort()
    date, _ = history.versions[-1]
    version = publish(
        dataset, args.out, date, args.previous, args.allow_shrink, {"CHANGELOG.md": notes}
    )
    print(
        f"wrote {args.out}: dataset version {version}, {len(history.versions)} versions, "
        f"{len(history.rows)} history rows",
        file=sys.stderr,
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    import json

    from kms_permissions.dataset.io import read_dataset
    from kms_permissions.dataset.validate import validate

    dataset = read_dataset(args.dir)
    validate(dataset)
    report = {"dir": str(args.dir), "dataset_version": dataset.version, "ok": True}
    print(json.dumps(report) if args.json else f"{args.dir}: version {dataset.version}: ok")
    return 0


def _diff(args: argparse.Namespace) -> int:
    import json

    from kms_permissions.dataset.diff import changelog_section, diff
    from kms_permissions.dataset.io import read_dataset

    change = diff(read_dataset(args.old), read_dataset(args.new))
    if args.json:
        print(json.dumps(change.to_json(), indent=1, ensure_ascii=False))
    else:
        print(changelog_section(change, f"compared with {change.old}"), end="")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from kms_permissions.generator.outputs import generate, package_files, site_pages
    from kms_permissions.reference import load

    stale = generate(load(args.dataset), [package_files, site_pages], args.check)
    for path in stale:
        verb = "differs from the dataset" if args.check else "written"
        print(f"{path}: {verb}", file=sys.stderr)
    if args.check and stale:
        print("regenerate with: kms-permissions generate", file=sys.stderr)
        return 1
    return 0


def _lookup(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_lookup

    return run_lookup(args.names, args.json, args.dataset)


def _expand(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_expand

    return run_expand(args.patterns, args.json, args.dataset)


def _actions(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_actions

    return run_actions(args.filter, args.key, args.json, args.dataset)


def _keys(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_keys

    return run_keys(args.action, args.json, args.dataset)


def _info(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_info

    return run_info(args.json, args.dataset)


def _export(args: argparse.Namespace) -> int:
    from kms_permissions.lookup_cli import run_export

    return run_export(args.table, args.format, args.out, args.dataset)


def _site(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kms_permissions.generator.outputs import SITE, build_site, generate, mkdocs, site_pages
    from kms_permissions.reference import load

    generate(load(), [site_pages], check=False)
    if args.action == "serve":
        return mkdocs(["serve", "-a", args.address])
    out = Path(args.out).resolve() if args.out else SITE / "site"
    status = build_site(out)
    if status == 0:
        print(f"built the site in {out}", file=sys.stderr)
    return status


def _check(args: argparse.Namespace) -> int:
    from kms_permissions.policy.run import run_check

    return run_check(
        args.files, args.kind, args.account, args.json, args.sarif, args.fail_on, args.dataset
    )


def _add_build_options(verb: argparse.ArgumentParser) -> None:
    from pathlib import Path

    verb.add_argument("--out", type=Path, required=True, help="the dataset folder to write")
    verb.add_argument(
        "--previous", type=Path, help="the version to compare with (default: what --out holds)"
    )
    verb.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if more than 10%% of actions or condition keys disappeared",
    )
    verb.add_argument(
        "--revision-date", help="date (YYYY-MM-DD) of undated local pages, e.g. a saved copy"
    )
    verb.add_argument("--cache-dir", help="where parsed pages are cached")
    verb.add_argument("--no-cache", action="store_true", help="parse every page anew")


def _add_query_options(verb: argparse.ArgumentParser) -> None:
    verb.add_argument("--json", action="store_true", help="print one JSON document")
    verb.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="kms-permissions",
        description="The AWS KMS authorization reference as data: scrape, build, look up.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    lookup = verbs.add_parser("lookup", help="every fact about actions or condition keys")
    lookup.add_argument(
        "names", nargs="+", metavar="NAME", help="kms:Decrypt, Decrypt, - for stdin"
    )
    _add_query_options(lookup)
    lookup.set_defaults(run=_lookup)

    expand = verbs.add_parser("expand", help="the actions an IAM action pattern matches")
    expand.add_argument("patterns", nargs="+", metavar="PATTERN", help="kms:Get*, kms:*Key*, -")
    _add_query_options(expand)
    expand.set_defaults(run=_expand)

    actions = verbs.add_parser("actions", help="actions by facts")
    actions.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="cross_account, policy_type, access_level, resource_type, key, iam_only, "
        "key_policy_effective, source (guide|sar); repeat to combine",
    )
    actions.add_argument(
        "--key", action="append", default=[], help="actions a condition key applies to (- stdin)"
    )
    _add_query_options(actions)
    actions.set_defaults(run=_actions)

    keys = verbs.add_parser("keys", help="the condition keys that apply to actions")
    keys.add_argument("--action", action="append", default=[], help="an action (- for stdin)")
    _add_query_options(keys)
    keys.set_defaults(run=_keys)

    info = verbs.add_parser("info", help="dataset version, provenance and file hashes")
    _add_query_options(info)
    info.set_defaults(run=_info)

    export = verbs.add_parser("export", help="a table as json, ndjson, csv or parquet")
    export.add_argument("--format", choices=("json", "ndjson", "csv", "parquet"), default="json")
    export.add_argument("--table", default="actions", help="the table (default: actions)")
    export.add_argument("--out", help="a file to write (default: standard output)")
    export.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")
    export.set_defaults(run=_export)

    diff = verbs.add_parser("diff", help="what changed between two dataset folders")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--json", action="store_true", help="print the diff as JSON")
    diff.set_defaults(run=_diff)

    scrape = verbs.add_parser(
        "scrape", help="fetch and parse the source pages into plain records (JSON)"
    )
    scrape.add_argument(
        "--source",
        help="https URL, local file or folder, or git:PATH[@REV]; default: the live AWS pages",
    )
    scrape.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    scrape.set_defaults(run=_scrape)

    build = verbs.add_parser("build", help="build one dataset version from a source")
    build.add_argument(
        "--source",
        help="a scrape file (records.json), a URL, a local file or folder, or git:PATH[@REV]",
    )
    _add_build_options(build)
    build.set_defaults(run=_build)

    history = verbs.add_parser(
        "history", help="build every version a corpus allows, with the history table"
    )
    history.add_argument("--corpus", type=Path, required=True, help="a corpus folder")
    _add_build_options(history)
    history.set_defaults(run=_history)

    verify = verbs.add_parser("verify", help="check a dataset folder's hashes and schema")
    verify.add_argument("dir", type=Path)
    verify.add_argument("--json", action="store_true", help="print a JSON report")
    verify.set_defaults(run=_verify)

    generate = verbs.add_parser(
        "generate", help="regenerate the typed constants from the bundled dataset"
    )
    generate.add_argument("--dataset", type=Path, help="a dataset folder (default: bundled)")
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an artifact is stale"
    )
    generate.set_defaults(run=_generate)

    check = verbs.add_parser("check", help="find what makes key policies and IAM policies wrong")
    check.add_argument("files", nargs="+", metavar="FILE", help="policy JSON files, - for stdin")
    check.add_argument(
        "--kind",
        choices=("auto", "key-policy", "iam-policy", "vpc-endpoint-policy"),
        default="auto",
    )
    check.add_argument("--account", help="the account that owns the key or the policy")
    output = check.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="findings as JSON")
    output.add_argument("--sarif", action="store_true", help="findings as SARIF 2.1.0")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="exit 1 when a finding is this bad or worse (default: error)",
    )
    check.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")
    check.set_defaults(run=_check)

    site = verbs.add_parser("site", help="generate the site's pages and build or serve it")
    site.add_argument("action", choices=("build", "serve"))
    site.add_argument("--out", help="where to build (default: site/site)")
    site.add_argument("--address", default="127.0.0.1:8000", help="where to serve")
    site.set_defaults(run=_site)
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
    from kms_permissions.lookup_cli import run_lookup

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
