"""The `kms-permissions` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kms_permissions.errors import FetchError, KmsPermissionsError


def _scrape(args: argparse.Namespace) -> int:
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
    from kms_permissions.scraper.http import default_cache_dir
    from kms_permissions.scraper.page_cache import PageCache

    if args.no_cache:
        return None
    return PageCache(args.cache_dir or default_cache_dir() / "parsed")


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

    from kms_permissions.dataset.diff import diff
    from kms_permissions.dataset.io import read_dataset

    change = diff(read_dataset(args.old), read_dataset(args.new))
    if args.json:
        print(json.dumps(change.to_json(), indent=1, ensure_ascii=False))
    else:
        from kms_permissions.dataset.diff import changelog_section

        print(changelog_section(change, f"compared with {change.old}"), end="")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from kms_permissions.generator.outputs import generate, package_files
    from kms_permissions.reference import load

    stale = generate(load(args.dataset), [package_files], args.check)
    for path in stale:
        verb = "differs from the dataset" if args.check else "written"
        print(f"{path}: {verb}", file=sys.stderr)
    if args.check and stale:
        print("regenerate with: kms-permissions generate", file=sys.stderr)
        return 1
    return 0


def _add_build_options(verb: argparse.ArgumentParser) -> None:
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
    verb.add_argument("--cache-dir", type=Path, help="where parsed pages are cached")
    verb.add_argument("--no-cache", action="store_true", help="parse every page anew")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    parser = argparse.ArgumentParser(
        prog="kms-permissions",
        description="The AWS KMS authorization reference as data: scrape, build, look up.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
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

    diff = verbs.add_parser("diff", help="what changed between two dataset folders")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--json", action="store_true", help="print the diff as JSON")
    diff.set_defaults(run=_diff)

    generate = verbs.add_parser(
        "generate", help="regenerate the typed constants from the bundled dataset"
    )
    generate.add_argument("--dataset", type=Path, help="a dataset folder (default: bundled)")
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an artifact is stale"
    )
    generate.set_defaults(run=_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except KmsPermissionsError as exc:
        print(f"kms-permissions {args.verb}: {exc}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
