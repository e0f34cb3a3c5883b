"""`update [--json] [--notes DIR]`: fetch the live pages; when a fact changed, a new version.

In a source checkout: the live pages (the permissions reference in HTML and markdown, the
condition key pages, the SAR page) are fetched and parsed; if one changed a fact they join the
vendored corpus as a dated snapshot, and the dataset is rebuilt from the corpus with its
history, every guard, the CHANGELOG, the constants and the site pages. Exit status: 0 nothing
changed, 3 a new version is ready, 2 refused (nothing written). `--notes DIR` receives the new
CHANGELOG section and the diff (for a pull request).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from kms_permissions.dataset.transaction import InPlace
    from kms_permissions.dataset.update import Outcome
    from kms_permissions.scraper.http import Fetcher
    from kms_permissions.scraper.update_sources import UpdateSource

HELP = "fetch the live pages and record a new dataset version when a fact changed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--json, --notes, --allow-shrink, --timeout, --recover, --cache-dir, --no-cache."""
    from pathlib import Path

    parser.add_argument(
        "--json", action="store_true", help="print a kms-permissions-update/1 document"
    )
    parser.add_argument(
        "--notes",
        type=Path,
        help="a new or empty folder for the new CHANGELOG section and the diff (exit 3 only)",
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="record the version even if a source lost more than 10%% of its names",
    )
    parser.add_argument(
        "--timeout", type=positive_seconds, default=20.0, help="seconds per request (over 0)"
    )
    parser.add_argument(
        "--recover",
        action="store_true",
        help="only finish or roll back an update that was interrupted (every writing verb "
        "does this first)",
    )
    parser.add_argument("--cache-dir", help="where parsed pages are cached")
    parser.add_argument("--no-cache", action="store_true", help="parse every page anew")


def positive_seconds(value: str) -> float:
    """A --timeout value: a number of seconds over 0 (argparse names the option on error)."""
    import argparse
    import math

    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0 or math.isinf(seconds):
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of seconds over 0")
    return seconds


def run(args: argparse.Namespace) -> int:
    """Update from the live site (or only recover, with --recover)."""
    if args.recover:
        from kms_permissions.commands.recovery import recover_interrupted

        if recover_interrupted() is None:
            print("no interrupted update to recover")
        return 0
    from kms_permissions.extras import require

    require("scrape", "parquet")
    from kms_permissions.scraper.http import Fetcher, FetchPolicy

    return perform(args, Fetcher(None, FetchPolicy(timeout=args.timeout)))


def perform(
    args: argparse.Namespace,
    fetcher: Fetcher,
    mirrors: Mapping[str, str] | None = None,
    sources: Sequence[UpdateSource] | None = None,
) -> int:
    """Update from `sources` (default: all of them) with `fetcher`, URL prefixes replaced by
    `mirrors`; print; the exit status."""
    import json

    from kms_permissions.commands.building import page_cache
    from kms_permissions.dataset.update import refused, run_update
    from kms_permissions.errors import KmsPermissionsError
    from kms_permissions.reference import DATA_DIR
    from kms_permissions.scraper.corpus import VENDORED
    from kms_permissions.scraper.update_sources import SOURCES

    try:
        outcome = run_update(
            VENDORED,
            DATA_DIR,
            fetcher,
            regenerate(),
            sources=SOURCES if sources is None else sources,
            mirrors=mirrors,
            cache=page_cache(args),
            allow_shrink=args.allow_shrink,
            notes=args.notes,
        )
    except (KmsPermissionsError, OSError) as exc:
        # An OSError comes from the last step, once every change was rolled back.
        text = str(exc) if isinstance(exc, KmsPermissionsError) else _os_error(exc)
        line = " ".join(part.strip() for part in text.splitlines() if part.strip())
        if args.json:
            print(json.dumps(refused(line), indent=1))
        print(f"kms-permissions update: {line}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(outcome.to_json(), indent=1, ensure_ascii=False))
    else:
        print(summary(outcome))
    return outcome.status


def _os_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}; nothing was changed (every step was undone)"


def regenerate() -> InPlace:
    """`generate` of the constants and site pages, from the dataset in place.

    Refused before anything is replaced unless every generated file is what `generate` makes
    from the bundled dataset: then each is known to be generate's own, and is replaced even
    where its rules could not tell (the constants' first line names the dataset version). It
    runs in a fresh interpreter: this one has the old dataset and constants loaded (cached).
    """
    from kms_permissions.dataset.transaction import InPlace
    from kms_permissions.dataset.update import UpdateError

    def ready() -> None:
        stale = _generate("check")
        if stale:
            raise UpdateError(
                f"{stale[0]}: differs from what the bundled dataset generates ({len(stale)} "
                "files); run kms-permissions generate (or put the file back) before updating"
            )

    return InPlace(ready, touched=lambda: _generate("check"), write=lambda: _generate("force"))


_GENERATE = """
import json, sys
import kms_permissions
from kms_permissions.generator.outputs import generate, package_files, site_pages
from kms_permissions.reference import DATA_DIR, load
paths = generate(load(DATA_DIR), [package_files, site_pages], sys.argv[1] == "check", True)
print(json.dumps({"package": kms_permissions.__file__, "paths": [str(p) for p in paths]}))
"""


def _generate(mode: str) -> list[Path]:
    """`generate` (mode "check": report only) in a fresh interpreter of this checkout."""
    import json
    import subprocess
    from pathlib import Path

    from kms_permissions.dataset.update import UpdateError
    from kms_permissions.generator.outputs import PACKAGE

    done = subprocess.run(
        [sys.executable, "-c", _GENERATE, mode], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines:
        problem = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise UpdateError(f"generate: {problem}")
    report = json.loads(lines[-1])
    if Path(report["package"]).parent != PACKAGE:
        raise UpdateError(f"generate ran {report['package']}, not the package in {PACKAGE}")
    return [Path(path) for path in report["paths"]]


def summary(outcome: Outcome) -> str:
    """A few lines for people: what was fetched, what changed, the new version."""
    pages = [item for c in outcome.collected for item in c.items]
    changed = [item.location.rsplit("/", 1)[-1] for item in pages if item.changed]
    lines = [f"fetched {len(pages)} pages; {len(changed)} differ from the corpus"]
    if changed:
        lines[0] += f": {', '.join(changed)}"
    if outcome.version is None:
        lines.append(f"dataset {outcome.previous_version} unchanged: {outcome.reason}")
        return "\n".join(lines)
    lines.append(f"new dataset version {outcome.version} (was {outcome.previous_version})")
    change = outcome.change
    if change is not None:
        for verb, found in (("added", change.added), ("removed", change.removed)):
            for kind, names in found.items():
                if names:
                    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
                    label = kind.replace("_", " ")
                    lines.append(f"  {verb} {label}s: {', '.join(names[:8])}{more}")
        if change.changed:
            lines.append(f"  {len(change.changed)} field values changed")
    folders = ", ".join(f"{folder}/" for folder in outcome.folders)
    lines.append(f"wrote {folders} and {len(outcome.files)} generated files")
    return "\n".join(lines)
