"""Options and helpers shared by `build` and `history`."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from kms_permissions.scraper.page_cache import PageCache


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """--out, --previous, --allow-shrink, --revision-date, --cache-dir, --no-cache."""
    from pathlib import Path

    parser.add_argument("--out", type=Path, required=True, help="the dataset folder to write")
    parser.add_argument(
        "--previous", type=Path, help="the version to compare with (default: what --out holds)"
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if more than 10%% of actions or condition keys disappeared",
    )
    parser.add_argument(
        "--revision-date", help="date (YYYY-MM-DD) of undated local pages, e.g. a saved copy"
    )
    parser.add_argument("--cache-dir", help="where parsed pages are cached")
    parser.add_argument("--no-cache", action="store_true", help="parse every page anew")


def page_cache(args: argparse.Namespace) -> PageCache | None:
    """The parsed-page cache the options ask for."""
    from pathlib import Path

    from kms_permissions.scraper.http import default_cache_dir
    from kms_permissions.scraper.page_cache import PageCache

    if args.no_cache:
        return None
    return PageCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir() / "parsed")
