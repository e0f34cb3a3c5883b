"""The project's error types: each names what went wrong and where."""

from __future__ import annotations


class KmsPermissionsError(Exception):
    """Base class of every error this package raises on purpose."""


class ParseError(KmsPermissionsError):
    """A page does not have the structure its parser relies on."""

    def __init__(self, page: str, rendering: str, problem: str) -> None:
        self.page = page
        self.rendering = rendering
        self.problem = problem
        super().__init__(f"{page} ({rendering}): {problem}")


class FetchError(KmsPermissionsError):
    """A source could not be fetched, or what came back is not acceptable."""


class SourceError(KmsPermissionsError):
    """A source specification or a local source layout is not usable."""
