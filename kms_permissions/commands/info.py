"""`info`: the dataset's version, provenance and file hashes."""

from __future__ import annotations

from kms_permissions.commands.output import add_query_options, emit
from kms_permissions.damage import open_index, reading

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "dataset version, provenance and file hashes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The query options."""
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the version, sources and files of the dataset."""
    from pathlib import Path

    from kms_permissions.dataset.integrity import read_manifest, read_table
    from kms_permissions.model import Source

    index = open_index(args.dataset)
    folder = Path(index.folder)
    with reading(args.dataset):
        manifest = read_manifest(folder)
        sources = read_table(folder, manifest, "sources", Source)  # hash- and row-checked
        actions, keys = len(index.actions), len(index.keys)
    if args.json:
        emit(
            {
                "format": "kms-permissions-info/1",
                "dataset_version": manifest["dataset_version"],
                "schema_version": manifest["schema_version"],
                "folder": index.folder,
                "sources": sources,
                "files": manifest["files"],
            }
        )
        return 0
    print(
        f"kms-permissions dataset {manifest['dataset_version']} "
        f"(schema {manifest['schema_version']})"
    )
    print(f"folder: {index.folder}")
    print(f"{actions} actions, {keys} condition keys")
    print("sources:")
    for source in sources:
        print(
            f"  {source['source_id']:60} {source['revision_date'] or 'undated':10} "
            f"sha256 {source['sha256'][:16]}"
        )
    print("files:")
    for entry in manifest["files"]:
        print(f"  {entry['path']:40} {entry['bytes']:>9} bytes  sha256 {entry['sha256'][:16]}")
    return 0
