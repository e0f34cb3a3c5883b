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
    from kms_permissions.query import UsageError

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


def readable(value: str | None) -> str:
    """A policy type as people write it (key policy, IAM policy)."""
    return {"key-policy": "key policy", "iam-policy": "IAM policy"}.get(value or "", value or "-")


def add_query_options(parser: Any) -> None:
    """`--json` and `--dataset`, shared by the query verbs."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--dataset", help="a dataset folder (default: the bundled dataset)")
