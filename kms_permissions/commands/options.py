"""A verb's options declared once: argparse is given them, and a plain command line is read from
them without importing argparse.

argparse (with `gettext`, `shutil` and the formatter its `add_argument` builds for each option)
costs a cold `check` of one file about a third of its work. `plain()` reads the command lines
whose meaning is certain: known long options (`--opt VALUE`, a value that is one of the
choices and does not start with `-`), one block of positionals, at most one option of a
mutually exclusive group. Anything else (`--help`, `--opt=VALUE`, `--`, an unknown or
misspelt option, a second block of positionals, an option missing its value) returns None and
goes to argparse, which says what it says today; a test compares the two on many command lines.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any


class Option:
    """One option: `--flag`, where it goes, its action (`store`, `store_true`, `append`), its
    choices, help text, metavar and mutually exclusive group (a name shared by its members)."""

    __slots__ = ("action", "choices", "dest", "flag", "group", "help", "metavar")

    def __init__(
        self,
        flag: str,
        help: str,
        *,
        action: str = "store",
        choices: tuple[str, ...] | None = None,
        metavar: str | None = None,
        group: str | None = None,
    ) -> None:
        if action not in ("store", "store_true", "append"):
            raise ValueError(f"{flag}: action {action!r} is not store, store_true or append")
        self.flag = flag
        self.dest = flag.removeprefix("--").replace("-", "_")
        self.help = help
        self.action = action
        self.choices = choices
        self.metavar = metavar
        self.group = group

    def default(self) -> Any:
        """The value when the option is not given, as argparse sets it."""
        return {"store": None, "store_true": False, "append": []}[self.action]


class Positionals:
    """The verb's positional arguments: any number of them (`nargs="*"`), one list."""

    __slots__ = ("dest", "help", "metavar")

    def __init__(self, dest: str, metavar: str, help: str) -> None:
        self.dest = dest
        self.metavar = metavar
        self.help = help


def add_options(
    parser: argparse.ArgumentParser, positionals: Positionals, options: Sequence[Option]
) -> None:
    """Declare the positionals and the options to argparse, in order."""
    parser.add_argument(
        positionals.dest, nargs="*", metavar=positionals.metavar, help=positionals.help
    )
    groups: dict[str, Any] = {}
    for option in options:
        where: Any = parser
        if option.group is not None:
            if option.group not in groups:
                groups[option.group] = parser.add_mutually_exclusive_group()
            where = groups[option.group]
        given: dict[str, Any] = {"help": option.help}
        if option.action != "store":
            given["action"] = option.action
        if option.action == "append":
            given["default"] = []
        if option.choices is not None:
            given["choices"] = option.choices
        if option.metavar is not None:
            given["metavar"] = option.metavar
        where.add_argument(option.flag, **given)


def plain(
    argv: Sequence[str], positionals: Positionals, options: Sequence[Option]
) -> dict[str, Any] | None:
    """The values a plain command line (after its verb) gives, every option's default
    included, as argparse gives them; None when argparse must read it."""
    by_flag = {option.flag: option for option in options}
    values: dict[str, Any] = {option.dest: option.default() for option in options}
    found: list[str] | None = None  # the block of positionals, once it has started
    ended = False  # an option came after the block: no second block
    groups: dict[str, str] = {}
    rest = list(argv)
    rest.reverse()
    while rest:
        arg = rest.pop()
        if not arg.startswith("-") or arg == "-":
            if ended:
                return None
            if found is None:
                found = []
            found.append(arg)
            continue
        option = by_flag.get(arg)
        if option is None:
            return None
        if found is not None:
            ended = True
        if option.group is not None and groups.setdefault(option.group, arg) != arg:
            return None
        if option.action == "store_true":
            values[option.dest] = True
            continue
        if not rest or rest[-1].startswith("-"):
            return None
        value = rest.pop()
        if option.choices is not None and value not in option.choices:
            return None
        if option.action == "append":
            values[option.dest] = [*values[option.dest], value]
        else:
            values[option.dest] = value
    values[positionals.dest] = found or []
    return values
