"""Write (or check) every generated artifact of the package from the bundled dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kms_permissions.files import atomic_write
from kms_permissions.generator import constants
from kms_permissions.generator.pysource import literal
from kms_permissions.model import Reference

PACKAGE = Path(__file__).resolve().parents[1]
SITE = PACKAGE.parent / "site"
# Folders whose every file is generated: files no longer produced there are removed.
GENERATED_DIRS = ("docs/actions", "docs/condition-keys", "docs/notes", "docs/rules", "snippets")

Renderer = Callable[[Reference], dict[Path, str]]


def package_files(reference: Reference) -> dict[Path, str]:
    """The constants module and the version file."""
    version = (
        '"""The package version: the version of the bundled dataset."""\n\n'
        f"__version__ = {literal(reference.version)}\n"
    )
    return {
        PACKAGE / "constants.py": constants.render(reference),
        PACKAGE / "_version.py": version,
    }


def mkdocs(arguments: list[str], site: Path = SITE, quiet: bool = False) -> int:
    """Run mkdocs on a site folder (build or serve); returns its exit status."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # silence Material's banner about MkDocs 2
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", *arguments, "-f", "mkdocs.yml"],
        cwd=site,
        env=env,
        capture_output=quiet,
    )
    return done.returncode


def build_site(out: Path, site: Path = SITE, quiet: bool = False) -> int:
    """`mkdocs build --strict` of a site folder into `out`."""
    return mkdocs(["build", "--strict", "-q", "-d", str(out)], site, quiet)


def site_pages(reference: Reference) -> dict[Path, str]:
    """The site's generated pages (needs a source checkout, which has site/)."""
    from kms_permissions.generator.rule_pages import rule_pages
    from kms_permissions.generator.site import site_files
    from kms_permissions.reference import load_history, load_manifest

    if not (SITE / "mkdocs.yml").exists():
        raise FileNotFoundError(f"{SITE}/mkdocs.yml: the site is generated in a source checkout")
    files = list(load_manifest(reference)["files"])
    pages = site_files(reference, load_history(reference), files, SITE / "docs")
    return pages | {SITE / "docs" / path: page for path, page in rule_pages().items()}


def generate(reference: Reference, renderers: list[Renderer], check: bool) -> list[Path]:
    """Write the artifacts, or with `check` only report those that differ; returns them.

    Generated files that are no longer produced (a page of a removed action) are removed, or
    reported with `check`.
    """
    stale: list[Path] = []
    produced: set[Path] = set()
    for render in renderers:
        for path, text in render(reference).items():
            produced.add(path)
            data = text.encode()
            if path.exists() and path.read_bytes() == data:
                continue
            stale.append(path)
            if not check:
                atomic_write(path, data)
    if site_pages in renderers:
        for folder in GENERATED_DIRS:
            for path in sorted((SITE / folder).rglob("*")):
                if path.is_file() and path not in produced:
                    stale.append(path)
                    if not check:
                        path.unlink()
    return stale
