"""mkdocs hooks: publish the bundled dataset's files under downloads/ without copying them."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from kms_permissions.reference import DATA_DIR


def on_files(files: Files, config: Any) -> Files:
    """Add every bundled data file as downloads/<path>."""
    for path in sorted(DATA_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(DATA_DIR).as_posix()
            files.append(File.generated(config, f"downloads/{relative}", abs_src_path=str(path)))
    return files
