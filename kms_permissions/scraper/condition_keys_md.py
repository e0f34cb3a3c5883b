"""Parser for the guide's condition-key pages (conditions-kms, policy-conditions, nitro enclaves).

Each key has a heading (`## kms:Name<a name="anchor"></a>`) followed by a one-row table whose
columns changed over the years: key, Condition type, [Value type], API operations, Policy type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import (
    Break,
    Code,
    Link,
    md_tokens,
    md_unescape,
    normalise_key_name,
    plain_text,
    squash,
)
from kms_permissions.scraper.records import (
    ConditionKey,
    ConditionKeysPage,
    OperationTerm,
    PolicyTypeClause,
    Provenance,
)

RENDERING = "md-tables"
_HEADING = re.compile(
    r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*(?:<a name=\"(?P<anchor>[^\"]+)\"></a>)?\s*$"
)
_KEY_HEADING = re.compile(r"^`?kms:")
_COLUMNS = {
    "condition type": "condition_type",
    "value type": "value_type",
    "api operations": "operations",
    "policy type": "policy_types",
}


@dataclass
class _Section:
    level: int
    title: str
    anchor: str | None
    parent_anchor: str | None
    lines: list[str]
    line_no: int


def parse(text: str, provenance: Provenance) -> ConditionKeysPage:
    """Parse every condition key section of one guide page."""
    where = provenance.location
    page_name = where.rsplit("/", 1)[-1].removesuffix(".md")
    keys: list[ConditionKey] = []
    for section in _sections(text):
        if not _KEY_HEADING.match(section.title):
            continue
        try:
            keys.append(_key(section, page_name))
        except ValueError as exc:
            raise ParseError(where, RENDERING, f"line {section.line_no}: {exc}") from None
    tables = len(re.findall(r"^\|\s*AWS KMS condition key", text, re.IGNORECASE | re.MULTILINE))
    with_table = sum(1 for k in keys if k.condition_type is not None)
    if tables != with_table:
        raise ParseError(
            where, RENDERING, f"{tables} condition key tables, {with_table} under a key heading"
        )
    if not keys:
        raise ParseError(where, RENDERING, "no condition key sections found")
    names = [k.name for k in keys]
    if len(set(names)) != len(names):
        raise ParseError(where, RENDERING, "a condition key has two sections")
    return ConditionKeysPage(provenance, tuple(keys))


def has_condition_keys(text: str) -> bool:
    """Whether a guide page holds condition key tables at all."""
    return bool(re.search(r"^\|\s*AWS KMS condition key", text, re.IGNORECASE | re.MULTILINE))


def _sections(text: str) -> list[_Section]:
    sections: list[_Section] = []
    parents: dict[int, str | None] = {}
    fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            fence = not fence
        match = None if fence else _HEADING.match(line)
        if match:
            level = len(match.group("level"))
            anchor = match.group("anchor")
            parent = next((parents[lv] for lv in range(level - 1, 0, -1) if lv in parents), None)
            parents[level] = anchor
            for deeper in [lv for lv in parents if lv > level]:
                del parents[deeper]
            title = squash(md_unescape(match.group("title")))
            sections.append(_Section(level, title, anchor, parent, [], number))
        elif sections:
            # Sub-headings deeper than a key heading stay part of the key's section.
            sections[-1].lines.append(line)
    return _merge_subsections(sections)


def _merge_subsections(sections: list[_Section]) -> list[_Section]:
    merged: list[_Section] = []
    for section in sections:
        owner = merged[-1] if merged else None
        if owner and _KEY_HEADING.match(owner.title) and section.level > owner.level:
            owner.lines.append(f"{'#' * section.level} {section.title}")
            owner.lines.extend(section.lines)
        else:
            merged.append(section)
    return merged


def _key(section: _Section, page_name: str) -> ConditionKey:
    deprecated_heading = "(deprecated)" in section.title.lower()
    heading_name = normalise_key_name(re.sub(r"\(deprecated\)", "", section.title, flags=re.I))
    table, rest = _table(section.lines)
    description = _first_paragraph(rest)
    replacement = _replacement(description)
    deprecated = deprecated_heading or bool(
        re.search(r"condition key is deprecated", description, re.IGNORECASE)
    )
    owner = section.parent_anchor if section.level > 2 else None
    if table is None:
        if not deprecated:
            raise ValueError(f"condition key {heading_name} has no table")
        return ConditionKey(
            name=heading_name,
            anchor=section.anchor,
            section=owner or page_name,
            condition_type=None,
            value_type=None,
            operations_text=None,
            operations=(),
            policy_types_text=None,
            policy_types=(),
            deprecated=True,
            replacement=replacement,
            description=description,
        )
    table_name = normalise_key_name(plain_text(md_tokens(table["key"])).replace(" ", ""))
    ops_text = squash(md_unescape(table["operations"]))
    operations = parse_operations(table["operations"])
    pt_text = squash(md_unescape(table["policy_types"]))
    clauses = parse_policy_types(pt_text, operations)
    condition_type = squash(md_unescape(table["condition_type"]))
    if not condition_type:
        raise ValueError(f"condition key {heading_name} has no condition type")
    value_type = squash(md_unescape(table.get("value_type", ""))).lower() or None
    if value_type not in (None, "single-valued", "multi-valued"):
        raise ValueError(f"unknown value type {value_type!r}")
    return ConditionKey(
        name=heading_name,
        anchor=section.anchor,
        section=owner or page_name,
        condition_type=condition_type,
        value_type=value_type,
        operations_text=ops_text,
        operations=operations,
        policy_types_text=pt_text,
        policy_types=clauses,
        deprecated=deprecated,
        replacement=replacement,
        description=description,
        name_in_table=table_name if table_name != heading_name else None,
    )


def _split_row(line: str) -> list[str]:
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")):
        raise ValueError(f"table row {body[:40]!r} is not delimited by pipes")
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", body[1:-1])]


def _table(lines: list[str]) -> tuple[dict[str, str] | None, list[str]]:
    for index, line in enumerate(lines):
        if not re.match(r"^\|\s*AWS KMS condition key", line, re.IGNORECASE):
            continue
        headers = [squash(h).lower() for h in _split_row(line)]
        if index + 2 >= len(lines) or not lines[index + 2].strip().startswith("|"):
            raise ValueError("condition key table has no data row")
        cells = _split_row(lines[index + 2])
        if len(cells) != len(headers):
            raise ValueError(f"table row has {len(cells)} cells for {len(headers)} columns")
        row: dict[str, str] = {"key": cells[0]}
        for header, cell in zip(headers[1:], cells[1:], strict=True):
            column = _COLUMNS.get(header)
            if column is None:
                raise ValueError(f"unknown column {header!r}")
            row[column] = cell
        for required in ("condition_type", "operations", "policy_types"):
            if required not in row:
                raise ValueError(f"condition key table lacks the {required} column")
        return row, lines[index + 3 :]
    return None, lines


def _first_paragraph(lines: list[str]) -> str:
    paragraph: list[str] = []
    for line in lines:
        if not line.strip():
            if paragraph:
                break
            continue
        if line.startswith(("|", "#", "```", "+ ", "**")) and not paragraph:
            continue
        paragraph.append(line)
    return plain_text(md_tokens(" ".join(paragraph)))


def _replacement(description: str) -> str | None:
    match = re.search(r"deprecated\W+Instead,? use the (kms:[A-Za-z]+)", description)
    return match.group(1) if match else None


_KMS_KEY_OPS = re.compile(r"(?:KMS key|CMK) resource operations", re.IGNORECASE)
_STORE_OPS = re.compile(r"Custom key store operations", re.IGNORECASE)
_ALL_EXCEPT = re.compile(r"all AWS KMS operations\W*(?:`?except`?|\*except\*)", re.IGNORECASE)
_OP_NAME = re.compile(r"^[A-Z][A-Za-z]+$")
_FILLER = re.compile(r"^[\s,.:;]*(?:and|or)?[\s,.:;]*$", re.IGNORECASE)


def parse_operations(cell: str) -> tuple[OperationTerm, ...]:
    """The API operations cell as a union of terms (operations, groups, all-except)."""
    text = squash(md_unescape(cell))
    tokens = md_tokens(cell)
    if _ALL_EXCEPT.search(text):
        after = text[_ALL_EXCEPT.search(text).end() :]  # type: ignore[union-attr]
        excluded = tuple(sorted(set(re.findall(r"\b([A-Z][a-z]+(?:[A-Z][a-z]*)+)\b", after))))
        if not excluded:
            raise ValueError(f"'all operations except' names no operation: {text[:60]!r}")
        return (OperationTerm("all-except", excluded=excluded),)
    terms: list[OperationTerm] = []
    for token in tokens:
        if isinstance(token, Code | Link):
            label = squash(token.text.replace("*", ""))
            if _OP_NAME.match(label):
                terms.append(OperationTerm("operation", operation=label))
            elif label.lower() == "cryptographic operations":
                terms.append(OperationTerm("cryptographic-operations"))
            else:
                raise ValueError(f"unknown operation {label!r}")
            continue
        if isinstance(token, Break):
            continue
        rest = token.text
        for pattern, kind in (
            (_KMS_KEY_OPS, "kms-key-resource-operations"),
            (_STORE_OPS, "custom-key-store-operations"),
        ):
            while match := pattern.search(rest):
                terms.append(OperationTerm(kind))
                rest = rest[: match.start()] + " " + rest[match.end() :]
        if not _FILLER.match(rest):
            raise ValueError(f"unexpected text {squash(rest)!r} in API operations")
    if not terms:
        raise ValueError("API operations cell is empty")
    return tuple(terms)


_PHRASES = (
    (r"Key policies and IAM policies", ("key-policy", "iam-policy")),
    (r"IAM and key policies", ("key-policy", "iam-policy")),
    (r"IAM policies only", ("iam-policy",)),
    (r"Key policies only", ("key-policy",)),
    (r"IAM policies", ("iam-policy",)),
    (r"Key policies", ("key-policy",)),
)
_CLAUSE = re.compile(
    r"(?:(?P<op>[A-Z][A-Za-z]+):\s*)?(?P<phrase>" + "|".join(p for p, _ in _PHRASES) + ")",
    re.IGNORECASE,
)


def parse_policy_types(
    text: str, operations: tuple[OperationTerm, ...]
) -> tuple[PolicyTypeClause, ...]:
    """Policy-type clauses; several clauses are paired with the operation terms in order."""
    clauses: list[PolicyTypeClause] = []
    pos = 0
    for match in _CLAUSE.finditer(text):
        if text[pos : match.start()].strip():
            raise ValueError(f"unexpected text {text[pos : match.start()]!r} in policy type")
        phrase = match.group("phrase").lower()
        types = next(t for p, t in _PHRASES if p.lower() == phrase)
        applies = (match.group("op"),) if match.group("op") else ()
        clauses.append(PolicyTypeClause(types, squash(match.group(0)), applies))
        pos = match.end()
    if text[pos:].strip() or not clauses:
        raise ValueError(f"policy type {text!r} not understood")
    if len(clauses) > 1 and all(not c.applies_to for c in clauses):
        if len(clauses) != len(operations):
            raise ValueError(f"{len(clauses)} policy types for {len(operations)} operation terms")
        clauses = [
            PolicyTypeClause(c.policy_types, c.text, (_term_label(t),))
            for c, t in zip(clauses, operations, strict=True)
        ]
    return tuple(clauses)


def _term_label(term: OperationTerm) -> str:
    return term.operation or term.kind
