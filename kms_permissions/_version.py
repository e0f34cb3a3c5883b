"""The package version: the version of the bundled dataset."""

__version__ = "2026.06.14.2"
