"""The package version: the version of the bundled dataset."""

__version__ = "0.0.0"
