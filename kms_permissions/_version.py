"""The versions: the bundled dataset's, and the package's (the dataset's, with
`.postN` for the N-th release since that changed only the code: CHANGES.md declares
it)."""

DATASET_VERSION = "2026.11.20.8"
__version__ = "2026.11.20.8"
