"""Property-based tests: mutated real pages give a complete result or the project's ParseError.

Never another exception, and never a silently shorter result: when a parser returns, it returns
as many operations, actions or keys as an independent count on the mutated page finds.
"""

from __future__ import annotations

import json
import lzma
import re
import tempfile
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


# What a killed writer leaves beside its output, mixed with the user's files of similar names:
# the next write removes only the names it owns, puts a retired folder back only in place of a
# missing target, and never touches the rest.
OWNED_LEFTOVERS = [".out.kms-permissions-a1b2.tmp", ".out.kms-permissions-c3d4.tmp"]
FOREIGN = [
    ".out.kms-permissions.tmp",  # no dash: not a name the writer makes
    ".out.tmp",
    ".out.x.tmp",
    ".other.kms-permissions-a1b2.tmp",  # another target's
    "out.kms-permissions-a1b2.tmp",
    ".out.kms-permissions-a1b2.bak",
    "notes.txt",
]


@SETTINGS
@given(
    st.lists(st.sampled_from(OWNED_LEFTOVERS), unique=True),
    st.lists(st.sampled_from(FOREIGN), unique=True),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_a_write_clears_only_the_leftovers_it_owns(
    owned: list[str], foreign: list[str], folders: bool, retired: bool, target_there: bool
) -> None:
    from kms_permissions.files import replacing_folder

    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        for name in [*owned, *foreign]:
            if folders:
                (base / name).mkdir()
                (base / name / "inside").write_text(name)
            else:
                (base / name).write_text(name)
        if target_there:
            (base / "out").mkdir()
            (base / "out" / "old.txt").write_text("old")
        if retired:  # killed between the two renames of a swap (or after them)
            (base / ".out.kms-permissions-e5f6.old").mkdir()
            (base / ".out.kms-permissions-e5f6.old" / "old.txt").write_text("retired")
        with replacing_folder(base / "out") as staged:
            kept = sorted((base / "out").iterdir()) if (base / "out").exists() else []
            assert [p.read_text() for p in kept] == (
                ["old"] if target_there else ["retired"] if retired else []
            )
            (staged / "new.txt").write_text("new")
        assert sorted(p.name for p in base.iterdir()) == sorted([*foreign, "out"])
        assert [p.name for p in (base / "out").iterdir()] == ["new.txt"]
        for name in foreign:
            inside = base / name / "inside" if folders else base / name
            assert inside.read_text() == name


# `?`-heavy IAM patterns (shift-and) against long values, as a regular expression decides.
@SETTINGS
@given(
    st.lists(st.sampled_from(["a", "b", "?", "?", "?", "*", "ab", "a?"]), max_size=40).map("".join),
    st.lists(st.sampled_from(["a", "b", "aa", "ab", "ba"]), max_size=60).map("".join),
)
def test_question_mark_patterns_match_as_a_regex_would(pattern: str, value: str) -> None:
    from kms_permissions.wildcards import glob

    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    assert glob(pattern, value) == (re.fullmatch(regex, value, re.DOTALL) is not None)


def test_unmutated_pages_pass_the_oracle() -> None:
    for name in CASES:
        _check(name, _text(name))
        assert CASES[name][2](CASES[name][1](_text(name))) > 0


__all__ = ["Path"]
