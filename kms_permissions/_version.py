"""The package version: the version of the bundled dataset."""

__version__ = "2026.11.20.3"
