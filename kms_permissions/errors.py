"""The project's error types: each names what went wrong and where.

Every error raised on purpose is a `KmsPermissionsError`; its `exit_status` is what the command
line exits with: 2 when the input, the arguments or an output place cannot be used, 1 when the
answer is "no" (a name not found). The command line prints `str(error)` as one line, and the
Python API raises the same errors, so both say the same thing.
"""

from __future__ import annotations

# Echoes of a user's value in messages are cut to this many characters.
ECHO_LIMIT = 200


class KmsPermissionsError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_status = 2


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


class InputError(KmsPermissionsError, ValueError):
    """A value or a file given to a command or function cannot be used."""


class OutputError(KmsPermissionsError):
    """An output place that the command refuses to write (it would lose something)."""


class ArgumentTypeError(KmsPermissionsError, TypeError):
    """A Python API function called with an argument of the wrong type."""


def expect_str(value: object, argument: str, function: str) -> str:
    """`value` if it is a string; ArgumentTypeError naming the argument otherwise."""
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{function}(): {argument} must be a str, not {type(value).__name__}"
        )
    return value


def json_kind(value: object) -> str:
    """What JSON calls the type of a parsed value, for messages (`null`, not `NoneType`)."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's value as messages echo it: its repr, cut in the middle when longer than `limit`.

    A 50 MB name is not printed back whole; the cut says how much was left out.
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]}...[{len(text) - 2 * keep} characters]...{text[-keep:]}"
