"""Meaning of the permissions table's cells, shared by its markdown and HTML parsers."""

from __future__ import annotations

import re

from kms_permissions.scraper.inline import (
    Break,
    Code,
    Emph,
    Link,
    Text,
    Token,
    normalise_key_name,
    plain_text,
    split_lines,
    squash,
)
from kms_permissions.scraper.records import ConditionKeyRef, PermissionRow

# Raised by the field parsers; the page parsers wrap it into a ParseError naming the page.
CellError = ValueError

_PERMISSION = re.compile(r"^kms:[A-Za-z]+$")
_GLOBAL_MARKER = re.compile(r"\(\s*AWS global condition key\s*\)", re.IGNORECASE)
_RESOURCE_NAMES = {"kms key": "key", "kms keys": "key", "cmk": "key", "alias": "alias", "*": "*"}
_CROSS_ACCOUNT = {"yes": "yes", "no": "no", "n/a": "n/a"}
_POLICY_TYPE = re.compile(r"^(?P<base>key policy|iam policy)\b\s*(?P<rest>.*)$", re.IGNORECASE)


def parse_operation_cell(
    tokens: list[Token],
) -> tuple[str, str | None, tuple[str, ...], str | None]:
    """Operation name, API reference URL, permission(s) and note from the first column."""
    name: str | None = None
    url: str | None = None
    permissions: list[str] = []
    rest: list[Token] = []
    for index, token in enumerate(tokens):
        if name is None:
            if isinstance(token, Link):
                name, url = squash(token.text), token.href
            elif plain_text([token]):
                raise CellError(f"operation cell starts with {plain_text([token])!r}, not a link")
            continue
        if isinstance(token, Code) and _PERMISSION.match(token.text.strip()) and not rest:
            permissions.append(token.text.strip())
        elif isinstance(token, Break) or not plain_text([token]):
            if rest:
                rest.append(token)
        else:
            rest = list(tokens[index:])
            break
    if name is None:
        raise CellError("operation cell has no link to the API reference")
    if not re.fullmatch(r"[A-Z][A-Za-z]+", name):
        raise CellError(f"operation name {name!r} is not an API operation name")
    if not permissions:
        raise CellError(f"operation {name} names no kms: permission")
    note = plain_text(rest) or None
    return name, url, tuple(permissions), note


def parse_policy_type(tokens: list[Token]) -> tuple[str, str, str | None]:
    """(policy type, raw text, qualifier) from a Policy type cell."""
    text = plain_text(tokens)
    match = _POLICY_TYPE.match(text)
    if not match:
        raise CellError(f"policy type {text!r} is neither a key policy nor an IAM policy")
    base = "key-policy" if match.group("base").lower() == "key policy" else "iam-policy"
    qualifier = match.group("rest").strip()
    if qualifier.startswith("(") and qualifier.endswith(")") and qualifier.count("(") == 1:
        qualifier = qualifier[1:-1].strip()
    return base, text, qualifier or None


def parse_cross_account(tokens: list[Token]) -> tuple[str, str]:
    """(yes | no | n/a | other, raw text) from a Cross-account use cell."""
    text = plain_text(tokens)
    if not text:
        raise CellError("cross-account use is empty")
    return _CROSS_ACCOUNT.get(text.lower(), "other"), text


def parse_resources(tokens: list[Token]) -> tuple[tuple[str, ...], str | None]:
    """Resource types (`key`, `alias`, `*`) and any note under them."""
    lines = split_lines(tokens)
    if not lines:
        raise CellError("resources cell is empty")
    resources: list[str] = []
    note_lines: list[str] = []
    for line in lines:
        text = plain_text(line)
        parts = [squash(p) for p in re.split(r",|\band\b", text) if squash(p)]
        known = [_RESOURCE_NAMES.get(p.lower()) for p in parts]
        if not note_lines and all(known):
            resources.extend(k for k in known if k)
        elif resources:
            note_lines.append(text)
        else:
            raise CellError(f"unknown resource {text!r}")
    return tuple(resources), " ".join(note_lines) or None


def parse_condition_keys(tokens: list[Token]) -> tuple[tuple[ConditionKeyRef, ...], str | None]:
    """Condition keys with their group labels, and the note of a `None (...)` cell."""
    text = plain_text(tokens)
    none = re.fullmatch(r"None\s*(?:\((?P<note>.*)\))?", text)
    if none:
        return (), none.group("note")
    refs: list[ConditionKeyRef] = []
    group: str | None = None
    for index, token in enumerate(tokens):
        if isinstance(token, Link):
            name = normalise_key_name(token.text)
            if not re.match(r"^(kms|aws):\S+$", name):
                raise CellError(f"link {token.text!r} in condition keys is not a condition key")
            marker = _next_text(tokens, index)
            is_global = name.startswith("aws:") or bool(_GLOBAL_MARKER.match(marker))
            refs.append(ConditionKeyRef(name, group, is_global, token.href))
        elif isinstance(token, Text | Emph):
            label = _label(_GLOBAL_MARKER.sub("", token.text))
            if label:
                group = label
        elif isinstance(token, Code):
            raise CellError(f"unexpected code {token.text!r} in condition keys")
    if not refs:
        raise CellError(f"condition keys cell {text[:60]!r} names no key")
    return tuple(refs), None


def _next_text(tokens: list[Token], index: int) -> str:
    for token in tokens[index + 1 :]:
        if isinstance(token, Text):
            if token.text.strip():
                return token.text.strip()
            continue
        return ""
    return ""


def _label(text: str) -> str | None:
    label = squash(text.replace("*", "")).rstrip(":").strip()
    if not label:
        return None
    if "condition" not in label.lower():
        raise CellError(f"unexpected text {label!r} in condition keys")
    return label


FIELDS = ("policy_type", "cross_account", "resources", "condition_keys")


def build_grant(cells: dict[str, list[Token]]) -> PermissionRow:
    """A grant row from the four cells, by field name."""
    missing = [f for f in FIELDS if f not in cells]
    if missing:
        raise CellError(f"grant row lacks {', '.join(missing)}")
    policy_type, policy_text, qualifier = parse_policy_type(cells["policy_type"])
    cross, cross_text = parse_cross_account(cells["cross_account"])
    resources, resource_note = parse_resources(cells["resources"])
    keys, keys_note = parse_condition_keys(cells["condition_keys"])
    return PermissionRow(
        policy_type=policy_type,
        policy_type_text=policy_text,
        qualifier=qualifier,
        cross_account=cross,
        cross_account_text=cross_text,
        resources=resources,
        resource_note=resource_note,
        condition_keys=keys,
        condition_keys_note=keys_note,
    )


def field_for_header(header: str) -> str | None:
    """The field a column header (or a markdown field label) stands for."""
    h = squash(header).lower().rstrip(":")
    if h.startswith("actions") or h.startswith("api operation"):
        return "operation"
    if h.startswith("policy type"):
        return "policy_type"
    if h.startswith("cross-account"):
        return "cross_account"
    if h.startswith("resources"):
        return "resources"
    if "condition key" in h:
        return "condition_keys"
    return None
