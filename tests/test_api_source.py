"""The KMS API Reference (botocore's service model) as a third source, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.api_facts import api_actions
from kms_permissions.policy import check
from kms_permissions.reference import load
from kms_permissions.scraper import api_reference_json
from kms_permissions.scraper.sources import LocalSource

# Every disagreement between the API Reference and the guide's permissions reference on the
# newest copies, with the reason it exists. A new, unexplained one fails the test.
EXPLAINED = {
    ("permission-not-named-by-api", "kms:RetireGrant"): (
        "The API Reference says retiring is determined by the grant and names no permission; "
        "the guide lists kms:RetireGrant as an IAM policy permission that is not effective in a "
        "key policy. Both describe the same rule from two sides."
    ),
    ("action-only-in-api", "kms:Encapsulate"): (
        "ML-KEM operations shipped in botocore 1.44.8 (2026-11-20), after the newest SAR copy "
        "(2026-06-14) and the guide's page."
    ),
    ("action-only-in-api", "kms:Decapsulate"): "As kms:Encapsulate.",
}


def _lookup(capsys: pytest.CaptureFixture[str], *names: str) -> list[dict[str, object]]:
    assert main(["lookup", "--json", *names]) == 0
    results: list[dict[str, object]] = json.loads(capsys.readouterr().out)["results"]
    return results


def test_the_new_operations_answer(capsys: pytest.CaptureFixture[str]) -> None:
    for entry in _lookup(capsys, "kms:Encapsulate", "Decapsulate"):
        assert entry["policy_types"] == ["key-policy"]
        assert entry["cross_account"] == "yes" and entry["api_cross_account"] == "yes"
        assert entry["details_source"] == "api"
        assert (entry["in_guide"], entry["in_sar"], entry["in_api"]) == (False, False, True)
        assert entry["listed_since"] == {"api": "2026-11-20"}
        assert entry["listed_in"] == {"api": "botocore 1.44.8"}
    assert main(["lookup", "kms:Decapsulate"]) == 0
    assert "API Reference: first in botocore 1.44.8 of 2026-11-20" in capsys.readouterr().out


def test_check_accepts_policies_using_them() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM policies",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowKem",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/kem"},
                "Action": ["kms:Encapsulate", "kms:Decapsulate", "kms:DescribeKey"],
                "Resource": "*",
            },
        ],
    }
    findings = check(json.dumps(policy), kind="key-policy", account="111122223333")
    assert not [f for f in findings if f.severity in ("error", "warning")], findings


def test_dependent_permissions_with_what_they_depend_on() -> None:
    reference = load()
    create = reference.actions["kms:CreateKey"].required_permissions
    assert [(r.permission, r.parameter, r.where, r.policy_types) for r in create] == [
        ("kms:CreateKey", None, None, ("iam-policy",)),
        ("kms:TagResource", "Tags", None, ("iam-policy",)),
    ]
    replicate = reference.actions["kms:ReplicateKey"].required_permissions
    assert [(r.permission, r.resource, r.parameter, r.where) for r in replicate] == [
        ("kms:ReplicateKey", "the primary key", None, "in the primary key's Region"),
        ("kms:CreateKey", None, None, "in the replica Region"),
        ("kms:TagResource", None, "Tags", "in the replica Region"),
    ]
    tag = reference.actions["kms:TagResource"]
    assert {(r.operation, r.parameter) for r in tag.required_by} == {
        ("CreateKey", "Tags"),
        ("ReplicateKey", "Tags"),
    }
    alias = reference.actions["kms:CreateAlias"].required_permissions
    assert [(r.resource, r.policy_types) for r in alias] == [
        ("the alias", ("iam-policy",)),
        ("the KMS key", ("key-policy",)),
    ]


def test_every_disagreement_on_the_newest_copies_is_explained() -> None:
    reference = load()
    with_api = [d for d in reference.discrepancies if d.api_source]
    found = {(d.kind, d.subject) for d in with_api}
    assert found == set(EXPLAINED), sorted(found ^ set(EXPLAINED))
    compared = [a for a in reference.actions.values() if a.in_api and a.in_guide]
    assert len(compared) == 55  # 54 shared operations; ReEncrypt has two permissions
    for action in compared:
        if action.api_cross_account in ("yes", "no", "n/a"):
            assert action.api_cross_account == action.cross_account, action.action
        if action.api_policy_types:
            assert action.api_policy_types == action.policy_types, action.action
    derive = reference.actions["kms:DeriveSharedSecret"]
    assert (derive.cross_account, derive.api_cross_account) == ("yes", "yes")


def test_arrival_dated_to_the_botocore_revision(corpus: Path) -> None:
    reference = load()
    assert reference.coverage["api"].first == "2015-04-27"
    assert reference.actions["kms:ReplicateKey"].listed_since["api"] == "2021-06-16"
    assert reference.actions["kms:Encrypt"].listed_since["api"] == "2015-04-27"
    pages = list(LocalSource(corpus / "botocore-kms").pages())
    assert len(pages) == 64 and all(p.kind == api_reference_json.KIND for p in pages)
    newest = api_reference_json.parse(pages[-1].text(), pages[-1].provenance())
    owned = api_actions(newest, {})
    # New actions come only from the permissions the text names, never from operation names.
    assert {"kms:Encapsulate", "kms:Decapsulate"} <= set(owned)
    assert "kms:RetireGrant" not in owned


def test_a_model_in_a_folder_of_any_name_is_read_by_content(corpus: Path, tmp_path: Path) -> None:
    newest = sorted((corpus / "botocore-kms").glob("2026-11-20*.json"))[-1]
    copy = tmp_path / "downloads" / "service-2.json"
    copy.parent.mkdir()
    copy.write_bytes(newest.read_bytes())
    (page,) = LocalSource(copy.parent, "2026-11-21").pages()
    assert (page.kind, page.rendering, page.revision_date) == (
        "api-reference",
        "botocore-json",
        "2026-11-21",
    )
