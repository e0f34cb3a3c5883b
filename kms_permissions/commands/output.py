"""Output helpers shared by the query verbs: names from arguments or stdin, JSON, text rows."""

from __future__ import annotations

import sys

from kms_permissions import jsonfast
from kms_permissions.errors import shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kms_permissions.query import Index

WIDTH = 17


# Names and policies on standard input are small; the cap keeps a runaway pipe (`< /dev/zero`)
# from filling memory, and a read in one piece keeps Ctrl-C prompt.
MAX_STDIN = 16 * 1024 * 1024


def read_stdin(what: str, where: str = "-") -> str:
    """Standard input as text, refused past MAX_STDIN characters or when it is not UTF-8
    (`where` names it in the message: `-`, or the option that took it)."""
    from kms_permissions.errors import InputError
    from kms_permissions.files import stdin_problem
    from kms_permissions.query import UsageError

    problem = stdin_problem()
    if problem is not None:
        raise InputError(f"{where}: {problem}")
    try:
        text = sys.stdin.read(MAX_STDIN + 1)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: standard input is not UTF-8 (byte {exc.start})") from None
    if len(text) > MAX_STDIN:
        raise UsageError(f"standard input: more than {MAX_STDIN} characters; not {what}")
    return text


def read_names(values: list[str], where: str = "-") -> list[str]:
    """Arguments, with `-` replaced by the names on standard input (one per line)."""
    names: list[str] = []
    for value in values:
        if value == "-":
            for line in read_stdin("a list of names", where).splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    names.append(line)
        else:
            names.append(value)
    return names


def emit(document: dict[str, Any]) -> None:
    """Print one JSON document."""
    sys.stdout.write(jsonfast.dumps(document) + "\n")


def not_actions(index: Index, names: list[str]) -> list[dict[str, Any]]:
    """Report condition keys given where actions are wanted; their JSON entries."""
    for name in names:
        print(
            f"kms-permissions: {shown(name)} is a condition key, not an action (lookup shows "
            "the actions it applies to)",
            file=sys.stderr,
        )
    return [{"name": name, "suggestions": [], "kind": "condition_key"} for name in names]


def not_found(index: Index, names: list[str]) -> list[dict[str, Any]]:
    """Report names that are neither actions nor keys on stderr; their JSON entries."""
    missing = []
    for name in names:
        suggestions = index.suggestions(name)
        missing.append({"name": name, "suggestions": suggestions})
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        print(
            f"kms-permissions: {shown(name)} is not a KMS action or condition key{hint}",
            file=sys.stderr,
        )
    return missing


def row(label: str, value: str) -> str:
    """One `label  value` line of a text report."""
    return f"  {label:<{WIDTH}}{value}"


def terminal() -> tuple[int | None, bool]:
    """(width to wrap text at, or None; whether to colour it) for standard output: on a terminal,
    its width (COLUMNS when set) and colour unless NO_COLOR is set; elsewhere (a pipe, a file)
    neither, so that scripts get one line per fact whatever the environment says."""
    import os

    if not sys.stdout.isatty():
        return None, False
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else None
    if width is None:
        try:
            width = os.get_terminal_size(sys.stdout.fileno()).columns or None
        except OSError:  # not a real terminal after all
            width = None
    colour = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return width, colour


_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def fit(lines: list[str], width: int | None, colour: bool) -> list[str]:
    """Text report lines (a title, then `row`s) wrapped to `width` under their value's column,
    the titles bold and the labels dim when `colour`. Hand-written rather than `textwrap`, whose
    import (with `re`) would cost the lookup a tenth of its start-up."""
    out: list[str] = []
    for line in lines:
        is_row = line.startswith("  ")
        indent = 2 + WIDTH if is_row else 4
        head, rest = (line[:indent], line[indent:]) if is_row else ("", line)
        pieces = [head + rest] if width is None else _wrapped(head, rest, indent, width)
        if colour and is_row:
            pieces[0] = f"{_DIM}{head}{_RESET}{pieces[0][len(head) :]}"
        elif colour:
            pieces[0] = f"{_BOLD}{pieces[0]}{_RESET}"
        out += pieces
    return out


def _wrapped(head: str, text: str, indent: int, width: int) -> list[str]:
    """`head + text` broken at spaces so that no line passes `width` (a word longer than a line
    keeps a line of its own); the lines after the first indented by `indent`."""
    room = max(width - indent, 20)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > (room if lines else width - len(head)):
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [(head + lines[0]).rstrip()] + [" " * indent + line.rstrip() for line in lines[1:]]


def readable(value: str | None) -> str:
    """A policy type as people write it (key policy, IAM policy)."""
    return {"key-policy": "key policy", "iam-policy": "IAM policy"}.get(value or "", value or "-")


def add_query_options(parser: Any) -> None:
    """`--json` and `--dataset`, shared by the query verbs."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")
