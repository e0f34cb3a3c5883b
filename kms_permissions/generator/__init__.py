"""Generators: typed constants and documentation site pages, from a dataset version."""
