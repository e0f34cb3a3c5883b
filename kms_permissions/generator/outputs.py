"""Write (or check) every generated artifact of the package from the bundled dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kms_permissions.generator import constants
from kms_permissions.generator.pysource import literal
from kms_permissions.reference import Reference
from kms_permissions.scraper.http import atomic_write

PACKAGE = Path(__file__).resolve().parents[1]

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


def generate(reference: Reference, renderers: list[Renderer], check: bool) -> list[Path]:
    """Write the artifacts, or with `check` only report those that differ; returns them."""
    stale: list[Path] = []
    for render in renderers:
        for path, text in render(reference).items():
            data = text.encode()
            if path.exists() and path.read_bytes() == data:
                continue
            stale.append(path)
            if not check:
                atomic_write(path, data)
    return stale
