"""The permissions reference as website HTML (table with rowspans), against the markdown list."""

from __future__ import annotations

import dataclasses

import pytest

from kms_permissions.errors import ParseError
from kms_permissions.scraper import permissions_html, permissions_md
from kms_permissions.scraper.records import Operation

from .conftest import FIXTURES, provenance

HTML = (FIXTURES / "permissions-mini.html").read_text()


def _without_links(op: Operation) -> Operation:
    grants = tuple(
        dataclasses.replace(
            g, condition_keys=tuple(dataclasses.replace(k, link=None) for k in g.condition_keys)
        )
        for g in op.grants
    )
    return dataclasses.replace(op, grants=grants)


def test_html_and_markdown_renderings_agree() -> None:
    html = permissions_html.parse(HTML, provenance("mini.html"))
    md = permissions_md.parse((FIXTURES / "permissions-mini.md").read_text(), provenance("mini.md"))
    assert [_without_links(op) for op in html.operations] == [
        _without_links(op) for op in md.operations
    ]


def test_rowspan_gives_two_grant_rows() -> None:
    page = permissions_html.parse(HTML, provenance("mini.html"))
    create_alias = page.operations[0]
    assert create_alias.name == "CreateAlias"
    assert [(g.policy_type, g.resources) for g in create_alias.grants] == [
        ("iam-policy", ("alias",)),
        ("key-policy", ("key",)),
    ]
    assert create_alias.grants[1].condition_keys[1].name == "aws:ResourceTag/${tag-key}"
    assert create_alias.grants[1].condition_keys[1].is_global


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<th>Cross-account use</th>", "", "no table with the permissions reference columns"),
        ("<th>Policy type</th>", "<th>Kind of policy</th>", "no table with the permissions"),
        ("<td>N/A</td>", "", "cells"),
        ('<td rowspan="2">', '<td rowspan="3">', "row 3 has more than 5 cells"),
    ],
)
def test_mutations_raise_parse_error(old: str, new: str, message: str) -> None:
    assert old in HTML
    with pytest.raises(ParseError, match=message):
        permissions_html.parse(HTML.replace(old, new, 1), provenance("mutated.html"))


def test_truncated_html_raises() -> None:
    with pytest.raises(ParseError):
        permissions_html.parse(HTML[: HTML.index("GenerateRandom")], provenance("cut.html"))
