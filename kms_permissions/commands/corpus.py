"""`corpus list|verify|extract|refetch|create|fill-botocore`: the vendored source corpus.

`corpus/` holds every source page once (`blobs.xz`) and a lock of every file's path, sha256,
upstream and licence (`lock.json`). `extract --out DIR/corpus` writes the layout that `history
--corpus` reads; `refetch` fetches entries from their upstream again and compares hashes;
`create --from DIR` rewrites the vendored copy from a folder laid out like the corpus;
`fill-botocore --layout DIR` dates DIR's botocore models by upload and adds the ones the package
index has between them (online), for `create` to record.
"""

from __future__ import annotations

import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Mapping

    from kms_permissions.scraper.corpus import Refetched
    from kms_permissions.scraper.corpus_botocore import Plan
    from kms_permissions.scraper.corpus_lock import Lock
    from kms_permissions.scraper.http import Fetcher

HELP = "list, verify, extract or re-fetch the vendored source corpus"
JSON_FORMAT = "kms-permissions-corpus/1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The actions, each with --vendored."""
    import argparse
    from pathlib import Path

    from kms_permissions.commands.update import positive_seconds

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--vendored",
        type=Path,
        help="the vendored corpus folder (default: corpus/ in the source tree)",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="every file with its upstream")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    actions.add_parser("verify", parents=[common], help="check every blob and file hash")
    extract = actions.add_parser("extract", parents=[common], help="write the corpus layout")
    extract.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a new or empty folder; name it 'corpus' to rebuild the bundled dataset exactly",
    )
    refetch = actions.add_parser(
        "refetch", parents=[common], help="fetch entries from upstream and compare (online)"
    )
    refetch.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all)")
    refetch.add_argument(
        "--timeout", type=positive_seconds, default=20.0, help="seconds per request (over 0)"
    )
    create = actions.add_parser(
        "create", parents=[common], help="rewrite the vendored copy from a corpus folder"
    )
    create.add_argument(
        "--from", dest="source", type=Path, required=True, help="a folder laid out like the corpus"
    )
    fill = actions.add_parser(
        "fill-botocore",
        parents=[common],
        help="date a corpus folder's botocore models by upload; add the package index's (online)",
    )
    fill.add_argument(
        "--layout", type=Path, required=True, help="a folder laid out like the corpus (extract)"
    )
    fill.add_argument(
        "--timeout", type=positive_seconds, default=20.0, help="seconds per request (over 0)"
    )


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    from kms_permissions.scraper.corpus import VENDORED

    folder = args.vendored or VENDORED
    actions = {
        "list": _list,
        "verify": _verify,
        "extract": _extract,
        "refetch": _refetch,
        "create": _create,
        "fill-botocore": _fill_botocore,
    }
    return actions[args.action](args, folder)


def _list(args: argparse.Namespace, folder: Path) -> int:
    import json

    from kms_permissions.scraper.corpus_lock import read_lock

    lock = read_lock(folder)
    if args.json:
        document = {
            "format": JSON_FORMAT,
            "folder": str(folder),
            "archive": {
                "sha256": lock.archive_sha256,
                "bytes": lock.archive_size,
                "raw_bytes": lock.raw_size,
                "blobs": len(lock.blobs),
            },
            "licences": lock.licences,
            "files": [entry.to_json() for entry in lock.files],
        }
        print(json.dumps(document, indent=1, ensure_ascii=False))
        return 0
    for entry in lock.files:
        print(f"{entry.path}  {entry.size} bytes  {entry.licence}  {entry.origin()}")
    print(_summary(lock), file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace, folder: Path) -> int:
    from kms_permissions.scraper.corpus import verify

    report = verify(folder)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"{folder}: {len(report.problems)} problems", file=sys.stderr)
        return 1
    print(f"{folder}: {_summary(report.lock)}: ok")
    return 0


def _extract(args: argparse.Namespace, folder: Path) -> int:
    from kms_permissions.scraper.corpus import extract

    lock = extract(folder, args.out)
    print(f"wrote {args.out}: {len(lock.files)} files, checked against {folder}", file=sys.stderr)
    return 0


def _refetch(args: argparse.Namespace, folder: Path) -> int:
    from kms_permissions.extras import require

    require("scrape")
    from kms_permissions.scraper.corpus import refetch
    from kms_permissions.scraper.corpus_lock import read_lock
    from kms_permissions.scraper.http import Fetcher, FetchPolicy

    entries = read_lock(folder).select(args.paths)
    fetcher = Fetcher(None, FetchPolicy(timeout=args.timeout))
    return report_refetch(refetch(entries, fetcher))


def report_refetch(results: Iterable[Refetched]) -> int:
    """Print one line per entry as it is checked, then the counts; 1 unless every fetch matched."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for result in results:
        counts[result.status] += 1
        print(f"{result.status}: {result.path}: {result.url or '-'}: {result.detail}", flush=True)
    print(", ".join(f"{n} {status}" for status, n in sorted(counts.items())), file=sys.stderr)
    return 1 if counts["mismatch"] or counts["unreachable"] else 0


def _create(args: argparse.Namespace, folder: Path) -> int:
    from kms_permissions.scraper.corpus_build import build

    lock = build(args.source, folder)
    print(f"wrote {folder}: {_summary(lock)}", file=sys.stderr)
    return 0


def _fill_botocore(args: argparse.Namespace, folder: Path) -> int:
    from kms_permissions.extras import require

    require("scrape")
    from kms_permissions.scraper.http import Fetcher, FetchPolicy

    found = fill(args.layout, Fetcher(None, FetchPolicy(timeout=args.timeout)))
    for model in found.added:
        release = model.release
        how = "by ranges" if model.ranged else "whole"
        print(
            f"added {release.version} ({release.upload_time[:10]}): {model.member} from "
            f"{model.distribution.filename}, {model.fetched} bytes fetched {how}"
        )
    print(
        f"{args.layout}: {len(found.added)} models added, {found.redated} entries dated by "
        f"upload; next: kms-permissions corpus create --from {args.layout}",
        file=sys.stderr,
    )
    return 0


def fill(layout: Path, fetcher: Fetcher, mirrors: Mapping[str, str] | None = None) -> Plan:
    """Date the layout's botocore models by upload and add the index's (`corpus_botocore.plan`
    with `fill`), written as one journalled transaction (the checkout's, as `update`'s and
    `generate`'s): the new model files, the listing and SHA256SUMS all, or none of them even
    across a kill, which the next writing verb rolls back."""
    import kms_permissions
    from kms_permissions.dataset.transaction import JOURNAL, InPlace, Transaction
    from kms_permissions.scraper import corpus_botocore

    found = corpus_botocore.plan(layout, fetcher, fill=True, mirrors=mirrors)
    if not found.files:
        return found
    checkout = Path(kms_permissions.__file__).resolve().parent.parent
    transaction = Transaction(checkout / JOURNAL, what="corpus fill-botocore")
    transaction.run_in_place(
        InPlace(
            lambda: corpus_botocore.refuse_conflicts(layout, found.files),
            lambda: corpus_botocore.touched(layout, found.files),
            lambda: corpus_botocore.write(layout, found.files),
        )
    )
    transaction.commit()
    return found


def _summary(lock: Lock) -> str:
    total = sum(entry.size for entry in lock.files)
    return (
        f"{len(lock.files)} files ({total} bytes), {len(lock.blobs)} distinct contents "
        f"({lock.raw_size} bytes), stored in {lock.archive_size} bytes"
    )
