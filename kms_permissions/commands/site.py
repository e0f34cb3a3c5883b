"""`site build|serve`: generate the site's pages, then build or serve it with mkdocs.

`build --out DIR` replaces DIR only if it is a site build of kms-permissions (it holds the
marker file `.kms-permissions-site`, which lists the files the build wrote: others found there
are carried into the new build) or empty, unless `--force`, which replaces DIR whole and
concerns `--out` only (pages in site/docs edited by hand are never overwritten); `serve
--address HOST:PORT` checks that it can listen there before it starts mkdocs.
"""

from __future__ import annotations

import sys

from kms_permissions.errors import InputError, shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "generate the site's pages and build or serve it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """build|serve, --out, --force, --address."""
    parser.add_argument("action", choices=("build", "serve"))
    parser.add_argument("--out", help="where to build (default: site/site)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace --out whole even if it is not a site build (generated pages edited by "
        "hand are still refused)",
    )
    parser.add_argument("--address", default="127.0.0.1:8000", help="where to serve")


def run(args: argparse.Namespace) -> int:
    """Regenerate the pages, then build or serve."""
    from kms_permissions.extras import require

    require("site")
    from kms_permissions.commands.generate import write_generated
    from kms_permissions.generator.outputs import (
        SITE,
        build_site,
        mkdocs,
        plan,
        site_output,
        site_pages,
    )
    from kms_permissions.reference import load

    # Every argument is checked before the pages are generated.
    if args.action == "serve":
        check_address(args.address)
    else:
        out = site_output(args.out if args.out is not None else SITE / "site", force=args.force)
    # --force is about --out, never hand-edited pages.
    write_generated(plan(load(), [site_pages], check=False))
    if args.action == "serve":
        return mkdocs(["serve", "-a", args.address])
    status = build_site(out, force=args.force)
    if status == 0:
        print(f"built the site in {out}", file=sys.stderr)
    return status


def check_address(address: str) -> None:
    """Refuse an address mkdocs could not listen on (`1.2.3.4:8000`), before it starts."""
    import socket

    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--address {shown(address)}: write HOST:PORT, e.g. 127.0.0.1:8000")
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
        family, kind, proto, _, where = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(where)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"--address {shown(address)}: cannot listen there ({reason})") from None
