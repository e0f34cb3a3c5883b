"""Parser for botocore's KMS service model (`service-2.json`): the API Reference text per operation.

Each operation's `documentation` is HTML: a summary paragraph, then paragraphs led by a bold
label: "Cross-account use" (Yes, No, Not applicable or a free sentence), "Required permissions"
(one paragraph of sentences or a list, each permission with its policy type, resource, Region and
the parameter that needs it) and "Related operations". Revisions before December 2020 have no
labelled sections; their operations are recorded without them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import squash
from kms_permissions.scraper.records import (
    ApiConditionKey,
    ApiOperation,
    ApiReferencePage,
    Provenance,
    RequiredPermission,
)

KIND = "api-reference"
RENDERING = "botocore-json"

CROSS_ACCOUNT = "Cross-account use"
REQUIRED_PERMISSIONS = "Required permissions"
RELATED_OPERATIONS = "Related operations"
SECTION_LABELS = (CROSS_ACCOUNT, REQUIRED_PERMISSIONS, RELATED_OPERATIONS)
# Present metadata must say KMS; older models lack serviceId and signingName altogether.
_IDENTITY = {"serviceId": "KMS", "signingName": "kms", "targetPrefix": "TrentService"}
_LABEL = re.compile(r"<b>\s*(?P<label>" + "|".join(SECTION_LABELS) + ")")
_OPERATION_NAME = re.compile(r"[A-Z][A-Za-z0-9]+")
_CROSS_VALUE = re.compile(r"^(?P<value>Yes|No|Not applicable)\b")
_CROSS_VALUES = {"Yes": "yes", "No": "no", "Not applicable": "n/a"}
# ListRetirableGrants answers with a sentence instead of a value.
_CROSS_FREE_TEXT = re.compile(r"^You must specify a principal in your ")
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z]|kms:)")
_POLICY_TYPES = {"key policy": "key-policy", "iam policy": "iam-policy"}
_PERMISSION_CLAUSE = re.compile(
    r"^(?:To use the (?P<parameter>\w+) parameter, )?"
    r"(?P<permission>kms:[A-Za-z]+)(?: permission)?"
    r"(?: on (?P<resource>the [^()]+?))?"
    r"(?: \((?P<region>in the [^()]+)\))?"
    r"(?: \((?P<policy>[^()]+)\))?"
    r"(?: in an? (?P<policy_in>[^()]+? policy))?"
    r"(?: (?P<where>in (?:the|your) [^()]+))?$"
)
_INCLUDE_IN_KEY_POLICY = re.compile(
    r"^Include this permission (?:in )?(?:the )?[\w ]+'s key policy$"
)
# Sentences of the section itself that name no permission: pointers to the guide, and the
# early RetireGrant wording.
_REFERENCE = re.compile(
    r"^(?:For (?:details|examples|more information)\b.*\bsee\b.*"
    r"|You cannot control access to this operation in a policy)$"
)
_DETERMINED_BY = re.compile(
    r"^Permission to .+? is (?:determined primarily by|specified in) (?P<by>the \w+)$"
)


def recognise(text: str) -> bool:
    """Whether `text` is a botocore service model of KMS (by its content, not its file name)."""
    try:
        model = json.loads(text)
    except ValueError:
        return False
    return _identity_problem(model) is None


def parse(text: str, provenance: Provenance) -> ApiReferencePage:
    """Parse one revision of botocore's KMS service model."""
    where = provenance.location
    try:
        model = json.loads(text)
    except ValueError as exc:
        raise ParseError(where, RENDERING, f"not JSON ({exc})") from None
    problem = _identity_problem(model)
    if problem:
        raise ParseError(where, RENDERING, f"not a KMS service model: {problem}")
    api_version = model["metadata"].get("apiVersion")
    if not isinstance(api_version, str) or not api_version:
        raise ParseError(where, RENDERING, "metadata has no apiVersion")
    raw_operations, shapes = model.get("operations"), model.get("shapes")
    if not isinstance(raw_operations, dict) or not raw_operations:
        raise ParseError(where, RENDERING, "'operations' is missing, empty or not an object")
    if not isinstance(shapes, dict):
        raise ParseError(where, RENDERING, "'shapes' is missing or not an object")
    operations: list[ApiOperation] = []
    for name, raw in raw_operations.items():
        try:
            operations.append(_operation(name, raw, shapes))
        except ValueError as exc:
            raise ParseError(where, RENDERING, f"operation {name}: {exc}") from None
    return ApiReferencePage(provenance, api_version, tuple(operations))


def _identity_problem(model: object) -> str | None:
    if not isinstance(model, dict):
        return "the JSON is not an object"
    metadata = model.get("metadata")
    if not isinstance(metadata, dict):
        return "no metadata object"
    if metadata.get("endpointPrefix") != "kms":
        return f"endpointPrefix is {metadata.get('endpointPrefix')!r}, not 'kms'"
    for key, expected in _IDENTITY.items():
        if key in metadata and metadata[key] != expected:
            return f"{key} is {metadata[key]!r}, not {expected!r}"
    if metadata.get("protocol") != "json":
        return f"protocol is {metadata.get('protocol')!r}, not 'json'"
    if model.get("version", "2.0") != "2.0":
        return f"model version is {model.get('version')!r}, not '2.0'"
    if "operations" not in model:
        return "no operations"
    return None


def _operation(name: str, raw: object, shapes: dict[str, Any]) -> ApiOperation:
    if not _OPERATION_NAME.fullmatch(name):
        raise ValueError("not an API operation name")
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    if raw.get("name", name) != name:
        raise ValueError(f"its object is named {raw.get('name')!r}")
    # botocore 0.72.0 (the first model, 2014-11) documents every operation but one.
    documentation = raw.get("documentation", "")
    if not isinstance(documentation, str):
        raise ValueError("documentation is not a string")
    deprecated = raw.get("deprecated", False)
    message = raw.get("deprecatedMessage")
    if not isinstance(deprecated, bool) or not isinstance(message, str | None):
        raise ValueError("deprecated or deprecatedMessage has the wrong type")
    sections = _sections(documentation)
    cross, cross_text = None, None
    if CROSS_ACCOUNT in sections:
        cross, cross_text = _cross_account(sections[CROSS_ACCOUNT])
    permissions: tuple[RequiredPermission, ...] = ()
    notes: tuple[str, ...] = ()
    permissions_text, determined_by = None, None
    if REQUIRED_PERMISSIONS in sections:
        nodes = sections[REQUIRED_PERMISSIONS]
        permissions_text = squash(" ".join([_after_label(nodes[0]), *map(_text, nodes[1:])]))
        permissions, determined_by, notes = _required_permissions(nodes)
    related = _related(sections[RELATED_OPERATIONS]) if RELATED_OPERATIONS in sections else ()
    return ApiOperation(
        name=name,
        summary=_summary(documentation),
        cross_account=cross,
        cross_account_text=cross_text,
        required_permissions=permissions,
        permissions_text=permissions_text,
        permission_determined_by=determined_by,
        permissions_notes=notes,
        related_operations=related,
        input_parameters=_input_parameters(raw, shapes),
        deprecated=deprecated,
        deprecated_message=message,
        condition_keys=_condition_keys(documentation, raw, shapes),
    )


def _text(node: PageElement) -> str:
    return squash(node.get_text())


def _summary(documentation: str) -> str:
    if not documentation:
        return ""  # undocumented (see _operation); documentation without text is refused
    # Only the first paragraph is built into a tree; see _sections for why.
    end = documentation.find("</p>")
    soup = BeautifulSoup(documentation if end < 0 else documentation[: end + 4], "lxml")
    paragraphs = [text for text in map(_text, soup.find_all("p")) if text]
    summary = paragraphs[0] if paragraphs else _text(soup)
    if not summary:
        raise ValueError("documentation has no summary text")
    return summary


def _sections(documentation: str) -> dict[str, list[Tag]]:
    """The labelled sections, each as its heading paragraph and the elements up to the next one."""
    first = _LABEL.search(documentation)
    if first is None:
        return {}
    # BeautifulSoup takes ~1 ms per operation on the whole text; the labelled sections sit at
    # the end, so only the text from the paragraph holding the first label is built into a tree.
    start = max(documentation.rfind(opening, 0, first.start()) for opening in ("<p>", "<p "))
    soup = BeautifulSoup(documentation[max(start, 0) :], "lxml")
    if soup.body is None:
        raise ValueError("the labelled sections are not HTML")
    sections: dict[str, list[Tag]] = {}
    current: list[Tag] | None = None
    for node in soup.body.children:
        if not isinstance(node, Tag):
            if current is not None and node.get_text().strip():
                raise ValueError(f"text outside any paragraph: {squash(node.get_text())[:60]!r}")
            continue
        label = _heading_label(node)
        if label is None:
            if current is not None:
                current.append(node)
        elif label in SECTION_LABELS:
            if label in sections:
                raise ValueError(f"two {label!r} sections")
            current = sections[label] = [node]
        else:
            current = None
    for label in SECTION_LABELS:
        mentions = sum(1 for m in _LABEL.finditer(documentation) if m.group("label") == label)
        if mentions != int(label in sections):
            raise ValueError(f"{label!r} appears {mentions} time(s) but not as one section heading")
    return sections


def _heading_label(node: Tag) -> str | None:
    """The label of a paragraph that starts with bold text (`<p><b>Label</b>: ...`), else None."""
    if node.name != "p":
        return None
    first = next(
        (c for c in node.children if not (isinstance(c, NavigableString) and not c.strip())), None
    )
    if not isinstance(first, Tag) or first.name != "b":
        return None
    return _text(first).rstrip(":").strip()


def _after_label(heading: Tag) -> str:
    label = heading.find("b")
    assert isinstance(label, Tag)  # _heading_label found it
    rest = "".join(s.get_text() for s in label.next_siblings)
    return squash(rest).lstrip(":").strip()


def _cross_account(nodes: list[Tag]) -> tuple[str, str]:
    text = squash(" ".join([_after_label(nodes[0]), *map(_text, nodes[1:])]))
    if not text:
        raise ValueError(f"empty {CROSS_ACCOUNT!r} statement")
    match = _CROSS_VALUE.match(text)
    if match:
        return _CROSS_VALUES[match.group("value")], text
    if _CROSS_FREE_TEXT.match(text):
        return "other", text
    raise ValueError(f"{CROSS_ACCOUNT}: {text[:80]!r} says neither Yes, No nor Not applicable")


def _required_permissions(
    nodes: list[Tag],
) -> tuple[tuple[RequiredPermission, ...], str | None, tuple[str, ...]]:
    """Permissions, what else determines them, and the sentences that are neither."""
    statements = [_after_label(nodes[0])]
    rest = nodes[1:]
    if rest and rest[0].name == "ul":
        statements += [_text(item) for item in _list_items(rest[0])]
        rest = rest[1:]
    permissions: list[RequiredPermission] = []
    determined_by: str | None = None
    notes: list[str] = []
    for statement in filter(None, statements):
        in_statement = 0
        for sentence in _SENTENCE_END.split(statement):
            clause = sentence.removesuffix(".").strip()
            if match := _PERMISSION_CLAUSE.match(clause):
                permissions.append(_permission(match, sentence))
                in_statement += 1
            elif _INCLUDE_IN_KEY_POLICY.match(clause):
                if not in_statement:
                    raise ValueError(f"{REQUIRED_PERMISSIONS}: {sentence!r} follows no permission")
                permissions[-1] = _in_key_policy(permissions[-1], sentence)
            elif match := _DETERMINED_BY.match(clause):
                determined_by = match.group("by")
            elif _REFERENCE.match(clause):
                notes.append(sentence)
            else:
                raise ValueError(f"{REQUIRED_PERMISSIONS}: {sentence!r} is not understood")
    for text in filter(None, map(_text, rest)):
        if any(_states_a_permission(sentence) for sentence in _SENTENCE_END.split(text)):
            raise ValueError(f"{REQUIRED_PERMISSIONS}: a permission outside its paragraph or list")
        notes.append(text)
    if not permissions and determined_by is None:
        raise ValueError(f"{REQUIRED_PERMISSIONS} names no permission")
    return tuple(permissions), determined_by, tuple(notes)


def _list_items(items: Tag) -> list[Tag]:
    for node in items.children:
        stray = node.name != "li" if isinstance(node, Tag) else bool(_text(node))
        if stray:
            raise ValueError(f"a list holds {_text(node)[:60]!r} outside its items")
    return items.find_all("li", recursive=False)


def _states_a_permission(sentence: str) -> bool:
    clause = sentence.removesuffix(".").strip()
    statements = (_PERMISSION_CLAUSE, _INCLUDE_IN_KEY_POLICY, _DETERMINED_BY)
    return any(statement.match(clause) for statement in statements)


def _permission(match: re.Match[str], sentence: str) -> RequiredPermission:
    policy = match.group("policy") or match.group("policy_in")
    policy_types = None
    if policy is not None:
        if policy.lower() not in _POLICY_TYPES:
            raise ValueError(f"{REQUIRED_PERMISSIONS}: unknown policy type {policy!r}")
        policy_types = (_POLICY_TYPES[policy.lower()],)
    return RequiredPermission(
        permission=match.group("permission"),
        policy_types=policy_types,
        resource=match.group("resource"),
        parameter=match.group("parameter"),
        where=match.group("region") or match.group("where"),
        sentence=sentence,
    )


def _in_key_policy(permission: RequiredPermission, sentence: str) -> RequiredPermission:
    types = permission.policy_types or ()
    if "key-policy" not in types:
        types = (*types, "key-policy")
    return RequiredPermission(
        permission.permission,
        types,
        permission.resource,
        permission.parameter,
        permission.where,
        f"{permission.sentence} {sentence}",
    )


def _related(nodes: list[Tag]) -> tuple[str, ...]:
    names = [_text(link) for link in nodes[0].find_all("a")]
    for node in nodes[1:]:
        if node.name != "ul":
            continue
        for item in _list_items(node):
            link = item.find("a")
            if link is None:
                raise ValueError(f"related operation {_text(item)!r} is not a link")
            names.append(_text(link))
    if not names:
        raise ValueError(f"{RELATED_OPERATIONS!r} names no operation")
    for related in names:
        if not _OPERATION_NAME.fullmatch(related):
            raise ValueError(f"related operation {related!r} is not an operation name")
    return tuple(names)


def _input_parameters(raw: dict[str, Any], shapes: dict[str, Any]) -> tuple[str, ...]:
    reference = raw.get("input")
    if reference is None:
        return ()
    shape_name = reference.get("shape") if isinstance(reference, dict) else None
    shape = shapes.get(shape_name) if isinstance(shape_name, str) else None
    if not isinstance(shape, dict) or not isinstance(shape.get("members", {}), dict):
        raise ValueError(f"input shape {shape_name!r} is missing or not a structure")
    return tuple(shape.get("members", {}))


# "You can use the kms:PolicyName condition key to control access to this operation ...": the
# text offers a key for this operation. A pointer elsewhere ("use a condition key ... see
# kms:EncryptionAlgorithm") names keys of other operations and is not read as one.
_OFFERED_KEY = re.compile(
    r"[^.]*?\buse the (?P<name>kms:[A-Za-z]+) condition key\b[^.]*\.", re.IGNORECASE
)

_OFFERED_KEY_HTML = re.compile(
    r"use the(?:\s|<[^>]*>)+kms:[A-Za-z]+(?:\s|<[^>]*>)+condition key", re.IGNORECASE
)


def _condition_keys(
    documentation: str, raw: dict[str, Any], shapes: dict[str, Any]
) -> tuple[ApiConditionKey, ...]:
    """The condition keys the operation's text, or its request parameters' text, offers."""
    texts: list[tuple[str | None, str]] = [(None, documentation)]
    reference = raw.get("input")
    shape_name = reference.get("shape") if isinstance(reference, dict) else None
    shape = shapes.get(shape_name) if isinstance(shape_name, str) else None
    members = shape.get("members", {}) if isinstance(shape, dict) else {}
    for parameter, member in members.items() if isinstance(members, dict) else ():
        doc = member.get("documentation") if isinstance(member, dict) else None
        if isinstance(doc, str):
            texts.append((parameter, doc))
    found: dict[str, ApiConditionKey] = {}
    for parameter, text in texts:
        if not _OFFERED_KEY_HTML.search(text):  # cheap: most texts offer none
            continue
        soup = BeautifulSoup(text, "lxml")
        blocks = [squash(b.get_text(" ")) for b in soup.find_all(["p", "li"])] or [
            squash(soup.get_text(" "))
        ]
        for match in (m for block in blocks for m in _OFFERED_KEY.finditer(block)):
            name = match.group("name")
            found.setdefault(name, ApiConditionKey(name, parameter, squash(match.group(0))))
    return tuple(found[name] for name in sorted(found))
