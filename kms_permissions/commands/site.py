"""`site build|serve`: generate the site's pages, then build or serve it with mkdocs."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "generate the site's pages and build or serve it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """build|serve, --out, --address."""
    parser.add_argument("action", choices=("build", "serve"))
    parser.add_argument("--out", help="where to build (default: site/site)")
    parser.add_argument("--address", default="127.0.0.1:8000", help="where to serve")


def run(args: argparse.Namespace) -> int:
    """Regenerate the pages, then build or serve."""
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
