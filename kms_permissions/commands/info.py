"""`info`: the dataset's version, provenance and file hashes."""

from __future__ import annotations

from kms_permissions import jsonfast
from kms_permissions.commands.output import add_query_options, emit
from kms_permissions.query import load_index

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

HELP = "dataset version, provenance and file hashes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The query options."""
    add_query_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the version, sources and files of the dataset."""
    index = load_index(args.dataset)
    with open(f"{index.folder}/manifest.json", "rb") as handle:
        manifest = jsonfast.loads(handle.read())
    with open(f"{index.folder}/sources.json", "rb") as handle:
        sources = jsonfast.loads(handle.read())
    if args.json:
        emit(
            {
                "format": "kms-permissions-info/1",
                "dataset_version": index.version,
                "schema_version": index.schema_version,
                "folder": index.folder,
                "sources": sources,
                "files": manifest["files"],
            }
        )
        return 0
    print(f"kms-permissions dataset {index.version} (schema {index.schema_version})")
    print(f"folder: {index.folder}")
    print(f"{len(index.actions)} actions, {len(index.keys)} condition keys")
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
