"""The Service Authorization Reference page: every dated copy (2019-2026) and a fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kms_permissions.errors import ParseError
from kms_permissions.scraper import sar_html
from kms_permissions.scraper.records import SarAction, SarPage

from .conftest import FIXTURES, provenance


def _parse(path: Path) -> SarPage:
    return sar_html.parse(path.read_text(encoding="utf-8"), provenance(str(path)))


def _action_rows(path: Path) -> int:
    """Counted independently of the parser: first cells of the actions table's rows."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for table in soup.find_all("table"):
        first = table.find("th")
        if first and first.get_text().strip() == "Actions":
            return len(
                [a for a in table.find_all(id=re.compile(r"^awskeymanagementservice-[A-Z]"))]
            )
    raise AssertionError("no actions table")


@pytest.mark.slow
def test_every_copy_parses_with_its_action_count(sar_copies: list[Path]) -> None:
    assert len(sar_copies) == 55
    for path in sar_copies:
        page = _parse(path)
        assert len(page.actions) == _action_rows(path), path.name
        assert {r.name for r in page.resource_types} == {"alias", "key"}
        assert page.condition_keys


@pytest.mark.slow
def test_when_actions_appear(sar_copies: list[Path]) -> None:
    first_seen: dict[str, str] = {}
    for path in sar_copies:
        for action in _parse(path).actions:
            first_seen.setdefault(action.name, path.stem)
    assert first_seen["ReplicateKey"] == "2021-07-01"
    assert first_seen["DeriveSharedSecret"] == "2024-07-06"
    assert first_seen["GetKeyLastUsage"] == "2026-06-14"
    assert first_seen["CancelKeyDeletion"] == "2019-10-10"


@pytest.fixture(scope="module")
def newest(sar_copies: list[Path]) -> dict[str, SarAction]:
    return {a.name: a for a in _parse(sar_copies[-1]).actions}


def test_newest_copy_facts(newest: dict[str, SarAction], sar_copies: list[Path]) -> None:
    assert len(newest) == 56
    create_alias = newest["CreateAlias"]
    assert [(r.resource_type, r.required) for r in create_alias.resource_rows[:2]] == [
        ("alias", True),
        ("key", True),
    ]
    assert newest["ConnectCustomKeyStore"].resource_rows[0].resource_type is None
    assert newest["ConnectCustomKeyStore"].access_level == "Write"
    assert newest["ListKeys"].access_level == "List"
    assert newest["PutKeyPolicy"].access_level == "Permissions management"
    assert newest["TagResource"].access_level == "Tagging"
    sync = newest["SynchronizeMultiRegionKey"]
    assert sync.permission_only and sync.api_reference_url is None
    page = _parse(sar_copies[-1])
    key = next(r for r in page.resource_types if r.name == "key")
    assert key.arn_pattern == "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
    types = {k.name: k.type for k in page.condition_keys}
    assert types["kms:CallerAccount"] == "String"
    assert types["kms:ValidTo"] == "Date"
    assert types["aws:TagKeys"] == "ArrayOfString"


def test_oldest_copy_layout(sar_copies: list[Path]) -> None:
    page = _parse(sar_copies[0])
    actions = {a.name: a for a in page.actions}
    assert len(actions) == 42
    assert actions["CancelKeyDeletion"].api_reference_url == (
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html"
    )
    assert {k.name: k.type for k in page.condition_keys}["kms:ValidTo"] == "Numeric"


FIXTURE = (FIXTURES / "sar-mini.html").read_text()


def test_fixture_page() -> None:
    page = sar_html.parse(FIXTURE, provenance("sar-mini.html"))
    actions = {a.name: a for a in page.actions}
    assert list(actions) == ["CreateAlias", "ConnectCustomKeyStore", "SynchronizeMultiRegionKey"]
    rows = actions["CreateAlias"].resource_rows
    assert [(r.resource_type, r.required, r.condition_keys) for r in rows] == [
        ("alias", True, ()),
        ("key", True, ()),
        (None, False, ("kms:CallerAccount", "kms:ViaService")),
    ]
    assert actions["SynchronizeMultiRegionKey"].resource_rows[0].dependent_actions == (
        "kms:ReplicateKey",
    )
    alias = page.resource_types[0]
    assert alias.arn_pattern == "arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<th>Access level</th>", "<th>Level</th>", "no actions table"),
        ("<th>ARN</th>", "", "no resource types table"),
        ('<td rowspan="3">Write</td>', '<td rowspan="3">Writable</td>', "unknown access level"),
        ('<td rowspan="2">Write</td>', "", "cells"),
        (
            "Actions, resources, and condition keys for AWS Key Management Service</h1>",
            "Something else</h1>",
            "title",
        ),
    ],
)
def test_mutations_raise_parse_error(old: str, new: str, message: str) -> None:
    assert old in FIXTURE
    with pytest.raises(ParseError, match=message):
        sar_html.parse(FIXTURE.replace(old, new, 1), provenance("mutated.html"))


def test_truncated_copy_raises(sar_copies: list[Path]) -> None:
    text = sar_copies[-1].read_text(encoding="utf-8")
    cut = text[: text.index("awskeymanagementservice-resources-for-iam-policies") + 2000]
    with pytest.raises(ParseError):
        sar_html.parse(cut, provenance("cut.html"))
