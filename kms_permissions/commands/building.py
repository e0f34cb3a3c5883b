"""Options and helpers shared by `build` and `history`."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from kms_permissions.scraper.page_cache import PageCache


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """--out, --force, --previous, --allow-shrink, --revision-date, --cache-dir, --no-cache."""
    parser.add_argument(
        "--out",
        required=True,
        help="the dataset folder to write: new, empty, or a dataset kms-permissions wrote",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace --out even if it is not a dataset kms-permissions wrote",
    )
    parser.add_argument(
        "--previous",
        help="the version to compare with (default: what --out holds, else the bundled dataset)",
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if a source lost more than 10%% of its actions or condition keys",
    )
    parser.add_argument(
        "--revision-date", help="date (YYYY-MM-DD) of undated local pages, e.g. a saved copy"
    )
    parser.add_argument("--cache-dir", help="where parsed pages are cached")
    parser.add_argument("--no-cache", action="store_true", help="parse every page anew")


def page_cache(args: argparse.Namespace) -> PageCache | None:
    """The parsed-page cache the options ask for; a --cache-dir that is not a folder is refused."""

    from kms_permissions.scraper.http import default_cache_dir
    from kms_permissions.scraper.page_cache import PageCache

    if args.no_cache:
        return None
    if args.cache_dir is None:
        return PageCache(default_cache_dir() / "parsed")
    return PageCache(cache_folder(args.cache_dir))


def cache_folder(value: str) -> Path:
    """A --cache-dir: a folder, or a path where one can be made."""
    from kms_permissions.errors import InputError, OutputError
    from kms_permissions.files import check_output, output_path

    folder = output_path(value, "--cache-dir")
    if folder.is_dir():
        return folder
    try:
        # A cache folder is the tool's own: nothing in it is replaced but its entries.
        check_output(folder, folder=True, ours=lambda _: True, mine="cache folder")
    except OutputError as exc:
        raise InputError(f"--cache-dir: {exc}") from None
    return folder


def build_inputs(args: argparse.Namespace) -> dict[str, Path | None]:
    """What a build reads, which its --out must neither be, contain nor lie inside."""
    from pathlib import Path

    inputs: dict[str, Path | None] = {}
    sources = getattr(args, "source", None) or []
    remote: tuple[str, ...] = ("https://", "http://", "github:", "github-botocore:")
    remote += ("pypi-botocore:", "installed-botocore")
    for number, source in enumerate([sources] if isinstance(sources, str) else sources):
        if not source.startswith(remote):
            name = "--source" if number == 0 else f"--source #{number + 1}"
            inputs[name] = Path(source.removeprefix("git:").split("@", 1)[0])
    if getattr(args, "corpus", None) is not None:
        inputs["--corpus"] = Path(args.corpus)
    if args.cache_dir:
        inputs["--cache-dir"] = Path(args.cache_dir)
    return inputs
