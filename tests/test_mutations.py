"""Property-based tests: mutated real pages give a complete result or the project's ParseError.

Never another exception, and never a silently shorter result: when a parser returns, it returns
as many operations, actions or keys as an independent count on the mutated page finds.
"""

from __future__ import annotations

import json
import lzma
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.errors import ParseError
from kms_permissions.policy.jsontext import JsonPositions
from kms_permissions.scraper import condition_keys_md, permissions_html, permissions_md, sar_html
from kms_permissions.scraper.corpus import _decompress

from .conftest import CORPUS, FIXTURES, provenance

pytestmark = pytest.mark.skipif(
    not (CORPUS / "README.md").exists(), reason=f"source corpus not found at {CORPUS}"
)

MARKUP = [
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    "<th>Actions</th>",
    "|",
    "**",
    "<br />",
    "[x](y)",
    "`",
    "\x00",
    "<script>alert(1)</script>",
    "&amp;",
    "*",
    "\\",
    "\n- ** [X](https://docs.aws.amazon.com/kms/latest/APIReference/API_X.html) `kms:X` **\n",
    "<a href='#awskeymanagementservice-key'>key*</a>",
    "| `kms:Fake` | String |",
    '## kms:Fake<a name="x"></a>\n',
    '<td rowspan="9">',
    "\n\n",
    "kms:",
]
HEADERS = {
    "Policy type": "Policy kind",
    "Cross-account use": "Cross account",
    "Access level": "Level",
    "Condition keys": "Keys",
    "API operations": "Operations",
    "Condition type": "Type of condition",
    "Resource types": "Resources",
    "ARN": "Arn format",
}


def _read(relative: str) -> str:
    return (CORPUS / relative).read_text(encoding="utf-8")


def _table_count(text: str) -> int:
    return len(re.findall(r"^\|\s*AWS KMS condition key", text, re.I | re.M))


def _sar_count(text: str) -> int:
    # Action anchors start with a capital (resource types, keys and sections do not).
    return len(set(re.findall(r"id=\"awskeymanagementservice-([A-Z]\w*)\"", text)))


def _md_ops(text: str) -> int:
    return sum(
        1 for line in text.splitlines() if line.startswith("- **") and "APIReference/API_" in line
    )


# A parser, what to count in its record (each page kind's record has its own fields), a counter.
Case = tuple[str, Callable[[str], Any], Callable[[Any], int], Callable[[str], int]]
CASES: dict[str, Case] = {
    "permissions-md": (
        "kms-devguide-current-md/kms-api-permissions-reference.md",
        lambda t: permissions_md.parse(t, provenance("m.md")),
        lambda r: len(r.operations),
        _md_ops,
    ),
    "sar-newest": (
        "sar-html/list_awskeymanagementservice/2026-06-14.html",
        lambda t: sar_html.parse(t, provenance("s.html")),
        lambda r: len(r.actions),
        _sar_count,
    ),
    "sar-oldest": (
        "sar-html/list_awskeymanagementservice/2019-10-10.html",
        lambda t: sar_html.parse(t, provenance("s.html")),
        lambda r: len(r.actions),
        _sar_count,
    ),
    "conditions-2022": (
        "kms-devguide-github/2022-12-05_3828191/doc_source/conditions-kms.md",
        lambda t: condition_keys_md.parse(t, provenance("c.md")),
        lambda r: sum(1 for k in r.condition_keys if k.condition_type),
        _table_count,
    ),
    "conditions-2017": (
        "kms-devguide-github/2017-11-15_980f865/doc_source/policy-conditions.md",
        lambda t: condition_keys_md.parse(t, provenance("c.md")),
        lambda r: sum(1 for k in r.condition_keys if k.condition_type),
        _table_count,
    ),
}
TEXTS: dict[str, str] = {}


def _text(name: str) -> str:
    if name not in TEXTS:
        TEXTS[name] = _read(CASES[name][0])
    return TEXTS[name]


@st.composite
def mutated(draw: st.DrawFn, name: str) -> str:
    text = _text(name)
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["drop", "duplicate", "cut", "inject", "rename", "swap"]))
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "drop":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "cut":
            return text[: draw(st.integers(0, len(text)))]
        elif kind == "inject":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(MARKUP)) + line[at:]
        elif kind == "rename":
            old, new = draw(st.sampled_from(sorted(HEADERS.items())))
            occurrences = [i for i, line in enumerate(lines) if old in line]
            if occurrences:
                chosen = draw(st.sampled_from(occurrences))
                lines[chosen] = lines[chosen].replace(old, new, 1)
        else:
            rows = [i for i, line in enumerate(lines) if line.count("|") >= 4]
            if rows:
                chosen = draw(st.sampled_from(rows))
                cells = lines[chosen].split("|")
                a, b = draw(st.integers(1, len(cells) - 2)), draw(st.integers(1, len(cells) - 2))
                cells[a], cells[b] = cells[b], cells[a]
                lines[chosen] = "|".join(cells)
        text = "\n".join(lines)
    return text


def _check(name: str, text: str) -> None:
    _, parse, count, oracle = CASES[name]
    try:
        result = parse(text)
    except ParseError:
        return
    assert count(result) == oracle(text), "a parser returned a shorter result silently"


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mutated_pages(name: str) -> None:
    @SETTINGS
    @given(mutated(name))
    def run(text: str) -> None:
        _check(name, text)

    run()


@SETTINGS
@given(st.data())
def test_mutated_html_fixture(data: st.DataObject) -> None:
    text = (FIXTURES / "permissions-mini.html").read_text()
    lines = text.split("\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = data.draw(st.sampled_from(["", lines[index] * 2, lines[index][::-1], *MARKUP]))
    mutated_text = "\n".join(lines)
    try:
        page = permissions_html.parse(mutated_text, provenance("h.html"))
    except ParseError:
        return
    names = re.findall(r"API_(\w+)\.html\">\1<", mutated_text)
    assert [op.name for op in page.operations] == names


# The protections against runaway input, on mutated inputs: a damaged corpus archive is decoded
# no further than the lock says; positions in a policy file name the text of the value cited.
ARCHIVE_RAW = bytes(range(256)) * 64


@SETTINGS
@given(st.data())
def test_a_mutated_archive_is_decoded_no_further_than_the_lock_says(data: st.DataObject) -> None:
    archive = bytearray(lzma.compress(ARCHIVE_RAW, format=lzma.FORMAT_XZ, preset=1))
    for at in data.draw(st.lists(st.integers(0, len(archive) - 1), max_size=3)):
        archive[at] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(0, len(archive)))
    tail = data.draw(st.sampled_from([b"", b"\0" * 7, lzma.compress(bytes(100_000))]))
    raw, error = _decompress(bytes(archive[:cut]) + tail, len(ARCHIVE_RAW))
    assert len(raw) <= len(ARCHIVE_RAW)
    assert error is None or isinstance(error, str)
    if error is None:
        assert raw == ARCHIVE_RAW


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


def _pointers(value: object, pointer: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield pointer, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _pointers(child, (*pointer, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _pointers(child, (*pointer, index))


@SETTINGS
@given(JSON_VALUES, st.sampled_from([None, 1, 4]), st.booleans())
def test_json_positions_point_at_the_value_cited(
    value: object, indent: int | None, ascii: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    lines = text.split("\n")
    positions = JsonPositions(text)
    for pointer, child in _pointers(value):
        found = positions(pointer)
        assert found is not None, pointer
        line, column = found
        at = lines[line - 1][column - 1 :]
        if pointer and isinstance(pointer[-1], str):  # a member: the position of its key
            assert at.startswith(json.dumps(pointer[-1], ensure_ascii=ascii)), (pointer, at)
        else:
            assert at.startswith(json.dumps(child, ensure_ascii=ascii)[:1]), (pointer, at)
    assert positions((*next(iter(_pointers(value)))[0], "no such member")) is None


def test_unmutated_pages_pass_the_oracle() -> None:
    for name in CASES:
        _check(name, _text(name))
        assert CASES[name][2](CASES[name][1](_text(name))) > 0


__all__ = ["Path"]
