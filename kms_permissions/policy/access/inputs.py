"""Policies read for evaluation: the checker's parsing, plus what evaluation needs to be sure of.

Every problem is an `InputError` naming the file and the JSON path.
"""

from __future__ import annotations

from pathlib import Path

# The project's one InputError, re-exported as kms_permissions.policy.access.InputError.
from kms_permissions.errors import ArgumentTypeError, shown
from kms_permissions.errors import InputError as InputError
from kms_permissions.files import read_limited
from kms_permissions.policy.access.variables import VARIABLES_VERSION
from kms_permissions.policy.document import Document, PolicyError, Statement, parse_document
from kms_permissions.policy.jsontext import first_duplicate, loads

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any, Literal
else:
    from kms_permissions._slotted import Any, Literal, dataclass

PolicyKind = Literal[
    "key-policy",
    "iam-policy",
    "vpce-policy",
    "scp",
    "rcp",
    "permissions-boundary",
    "session-policy",
]
# How reports name each kind of policy.
KIND_NAMES: dict[str, str] = {
    "key-policy": "key policy",
    "iam-policy": "IAM policy",
    "vpce-policy": "VPC endpoint policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
    "permissions-boundary": "permissions boundary",
    "session-policy": "session policy",
}
# Policies attached to identities or accounts: they name no Principal.
IDENTITY_KINDS = ("iam-policy", "scp", "permissions-boundary", "session-policy")
# What a caller may pass for a policy, grant or request: a file path, JSON text, or parsed data.
Given = Path | str | dict[str, Any] | list[Any]


# The same cap as the checker's: no real policy or request comes near it.
MAX_INPUT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Policy:
    """One policy document to evaluate, with the name reports use for it."""

    name: str
    kind: PolicyKind
    document: Document
    variables: bool


def check_given(value: object, argument: str, function: str, *, optional: bool = False) -> None:
    """ArgumentTypeError unless `value` is something a policy, grant or request is read from
    (a Path, JSON text, a dict or a list), or None when `optional`."""
    if (value is None and optional) or isinstance(value, Path | str | dict | list):
        return
    raise ArgumentTypeError(
        f"{function}(): {argument} must be a pathlib.Path, JSON text, a dict or a list, not "
        f"{type(value).__name__}"
    )


def check_many(values: object, argument: str, function: str, item: type = object) -> None:
    """ArgumentTypeError unless `values` is a list or tuple (a str is not a list of them) of
    things a policy is read from (or, with `item`, of that type)."""
    if not isinstance(values, list | tuple):
        raise ArgumentTypeError(
            f"{function}(): {argument} must be a list, not {type(values).__name__}"
        )
    for index, value in enumerate(values):
        if item is object:
            check_given(value, f"{argument}[{index}]", function)
        elif not isinstance(value, item):
            raise ArgumentTypeError(
                f"{function}(): {argument}[{index}] must be a {item.__name__}, not "
                f"{type(value).__name__}"
            )


def load_json(source: Given, name: str) -> tuple[str, Any]:
    """(name, data) of a source: a path is read, a string parsed, data taken as it is.

    Text is read as the checker reads it (`jsontext.loads`: a byte order mark dropped, depth
    and number caps, no NaN), and an object with a key given twice is refused: AWS documents
    no rule for which of the two values counts, so evaluating either would be a guess.
    """
    if isinstance(source, Path):
        try:
            text = read_limited(source, MAX_INPUT_BYTES, "regular file").decode("utf-8-sig")
        except FileNotFoundError as exc:
            raise InputError(f"{source}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: not UTF-8 text (byte {exc.start})") from None
        name = str(source)
    elif isinstance(source, str):
        text = source.removeprefix("\ufeff")
    else:
        return name, source
    if not text.strip():
        raise InputError(f"{name}: empty; a JSON document was expected")
    try:
        data = loads(text)
    except PolicyError as exc:
        hint = ""
        if isinstance(source, str) and text.lstrip()[:1] not in ("{", "["):
            hint = " (a str is read as JSON text; pass a pathlib.Path to read a file)"
        raise InputError(f"{name}: {exc}{hint}") from None
    repeated = first_duplicate(data)
    if repeated is not None:
        path, key = repeated
        raise InputError(
            f"{name}: {path}: {shown(key)} is given twice in one object; AWS documents no rule "
            "for which one counts, so this is not evaluated (keep one)"
        )
    return name, data


def _strings(statement: Statement, element: str, name: str) -> None:
    if statement.body.get(element) == []:
        raise InputError(f"{name}: {statement.path}.{element}: an empty list names nothing")
    for path, value in statement.values(element):
        if not isinstance(value, str):
            raise InputError(f"{name}: {path}: must be a string, not {value!r}")


def _principal(statement: Statement, element: str, name: str) -> None:
    """`"*"` or an object of principal kind: a name or a non-empty list of names."""
    value = statement.body.get(element)
    if value is None or value == "*":
        return
    where = f"{name}: {statement.path}.{element}"
    if not isinstance(value, dict) or not value:
        raise InputError(f'{where}: "*" or an object of kind: names (AWS, Service...)')
    for kind, names in value.items():
        entries = names if isinstance(names, list) else [names]
        if not entries or not all(isinstance(n, str) and n for n in entries):
            raise InputError(f"{where}[{kind!r}]: a name or a non-empty list of names (strings)")


def _check_condition(statement: Statement, name: str) -> None:
    block = statement.body.get("Condition")
    if block is None:
        return
    where = f"{name}: {statement.path}.Condition"
    if not isinstance(block, dict):
        raise InputError(f"{where}: must be an object of operator: {{key: values}}")
    for operator, keys in block.items():
        if not isinstance(keys, dict):
            raise InputError(f"{where}[{operator!r}]: must be an object of key: values")
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            if not values or any(isinstance(v, dict | list) or v is None for v in values):
                raise InputError(
                    f"{where}[{operator!r}][{key!r}]: values are strings, numbers or booleans"
                )


def _check_statement(statement: Statement, kind: PolicyKind, name: str) -> None:
    body = statement.body
    _strings(statement, "Action", name)
    _strings(statement, "NotAction", name)
    if "Action" in body and "NotAction" in body:
        raise InputError(f"{name}: {statement.path}: both Action and NotAction")
    if "Resource" not in body and "NotResource" not in body:
        raise InputError(f"{name}: {statement.path}: no Resource or NotResource")
    if "Resource" in body and "NotResource" in body:
        raise InputError(f"{name}: {statement.path}: both Resource and NotResource")
    _strings(statement, "Resource", name)
    _strings(statement, "NotResource", name)
    has_principal = "Principal" in body or "NotPrincipal" in body
    if kind in IDENTITY_KINDS and has_principal:
        what = "an IAM (identity) policy" if kind == "iam-policy" else f"a {KIND_NAMES[kind]}"
        raise InputError(
            f"{name}: {statement.path}: {what} names no Principal (it applies to the principals "
            "it is attached to); is this a key policy?"
        )
    if kind not in IDENTITY_KINDS and not has_principal:
        raise InputError(
            f"{name}: {statement.path}: a {KIND_NAMES[kind]} statement needs a Principal; is "
            "this an identity policy (IAM policy, SCP, boundary or session policy)?"
        )
    if kind == "rcp" and body.get("Principal") != "*":
        # Organizations' RCP syntax: Principal is always "*"; NotPrincipal is not supported.
        raise InputError(
            f'{name}: {statement.path}: a resource control policy\'s Principal is always "*"'
        )
    if "Principal" in body and "NotPrincipal" in body:
        raise InputError(f"{name}: {statement.path}: both Principal and NotPrincipal")
    _principal(statement, "Principal", name)
    _principal(statement, "NotPrincipal", name)
    _check_condition(statement, name)


def parse_policy(source: Given, kind: PolicyKind, name: str) -> Policy:
    """A policy ready for evaluation, or an InputError naming what is wrong and where."""
    name, data = load_json(source, name)
    try:
        document = parse_document(data)
    except PolicyError as exc:
        raise InputError(f"{name}: {exc}") from None
    for statement in document.statements:
        _check_statement(statement, kind, name)
    version = data.get("Version") if isinstance(data, dict) else None
    return Policy(name, kind, document, version == VARIABLES_VERSION)
