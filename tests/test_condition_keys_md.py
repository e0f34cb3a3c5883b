"""Condition-key tables across all 77 archived revisions of the guide, and a fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions.errors import ParseError
from kms_permissions.scraper import condition_keys_md
from kms_permissions.scraper.records import ConditionKey, OperationTerm

from .conftest import FIXTURES, provenance

PAGES = ("policy-conditions.md", "conditions-kms.md", "conditions-nitro-enclaves.md")


def _revision_pages(corpus: Path) -> list[tuple[str, Path]]:
    revisions = json.loads((corpus / "kms-devguide-github" / "revisions.json").read_text())
    found = []
    for revision in revisions["revisions"]:
        for page in PAGES:
            path = corpus / "kms-devguide-github" / revision["dir"] / "doc_source" / page
            if path.exists():
                found.append((revision["dir"], path))
    return found


def _keys(path: Path) -> dict[str, ConditionKey]:
    page = condition_keys_md.parse(path.read_text(), provenance(str(path)))
    return {k.name: k for k in page.condition_keys}


def test_every_revision_with_keys_yields_them_with_a_condition_type(corpus: Path) -> None:
    revisions = json.loads((corpus / "kms-devguide-github" / "revisions.json").read_text())
    with_keys: set[str] = set()
    for directory, path in _revision_pages(corpus):
        text = path.read_text()
        if not condition_keys_md.has_condition_keys(text):
            continue
        with_keys.add(directory)
        for key in condition_keys_md.parse(text, provenance(str(path))).condition_keys:
            assert key.name.startswith("kms:")
            if key.condition_type is None:
                # Only deprecated keys reduced to a pointer at their replacement lack a table.
                assert key.deprecated and key.replacement in ("kms:KeySpec", "kms:KeyUsage")
            else:
                assert key.condition_type in ("String", "Boolean", "Timestamp", "String (list)")
                assert key.operations and key.policy_types
    assert len(with_keys) == len(revisions["revisions"]) == 77


def test_oldest_revision(corpus: Path) -> None:
    path = corpus / "kms-devguide-github/2017-11-15_980f865/doc_source/policy-conditions.md"
    keys = _keys(path)
    assert len(keys) == 9
    caller = keys["kms:CallerAccount"]
    assert caller.condition_type == "String"
    assert caller.value_type is None
    assert caller.operations == (
        OperationTerm(
            "all-except",
            excluded=(
                "CreateKey",
                "GenerateRandom",
                "ListAliases",
                "ListKeys",
                "ListRetirableGrants",
                "RetireGrant",
            ),
        ),
    )
    assert [c.policy_types for c in caller.policy_types] == [("key-policy",)]
    context = keys["kms:EncryptionContext:${context-key}"]
    assert context.name_in_table is None
    assert [t.operation for t in context.operations] == [
        "Encrypt",
        "Decrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncrypt",
    ]


def test_newest_revision(corpus: Path) -> None:
    path = corpus / "kms-devguide-github/2022-12-05_3828191/doc_source/conditions-kms.md"
    keys = _keys(path)
    assert keys["kms:CallerAccount"].condition_type == "String"
    assert keys["kms:CallerAccount"].value_type == "single-valued"
    assert [t.kind for t in keys["kms:CallerAccount"].operations] == [
        "kms-key-resource-operations",
        "custom-key-store-operations",
    ]
    assert keys["kms:EncryptionContextKeys"].value_type == "multi-valued"
    assert keys["kms:EncryptionContextKeys"].condition_type == "String (list)"
    assert keys["kms:ValidTo"].condition_type == "Timestamp"
    spec = keys["kms:CustomerMasterKeySpec"]
    assert (spec.deprecated, spec.replacement, spec.condition_type) == (True, "kms:KeySpec", None)
    bypass = keys["kms:BypassPolicyLockoutSafetyCheck"]
    assert [(c.applies_to, c.policy_types) for c in bypass.policy_types] == [
        (("CreateKey",), ("iam-policy",)),
        (("PutKeyPolicy",), ("key-policy", "iam-policy")),
    ]
    origin = keys["kms:KeyOrigin"]
    assert [c.applies_to for c in origin.policy_types] == [
        ("CreateKey",),
        ("kms-key-resource-operations",),
    ]
    assert keys["kms:ResourceAliases"].policy_types[0].policy_types == ("iam-policy",)
    alias = keys["kms:RequestAlias"]
    assert [t.kind for t in alias.operations] == [
        "cryptographic-operations",
        "operation",
        "operation",
    ]
    mac = keys["kms:MacAlgorithm"]
    assert [t.operation for t in mac.operations] == ["GenerateMac", "VerifyMac"]
    assert "deprecated" not in keys["kms:KeySpec"].description


def test_typo_in_a_table_is_kept_beside_the_heading_name(corpus: Path) -> None:
    path = corpus / "kms-devguide-github/2019-11-28_1b73693/doc_source/policy-conditions.md"
    usage = _keys(path)["kms:CustomerMasterKeyUsage"]
    assert usage.name_in_table == "kms:CusomterMasterKeyUsage"


def test_nitro_enclave_keys_keep_their_template(corpus: Path) -> None:
    path = corpus / "kms-devguide-github/2022-12-05_3828191/doc_source/conditions-nitro-enclaves.md"
    keys = _keys(path)
    assert "kms:RecipientAttestation:PCR${PCR_ID}" in keys
    assert keys["kms:RecipientAttestation:ImageSha384"].section == "conditions-nitro-enclaves"


def test_fixture_page() -> None:
    page = condition_keys_md.parse((FIXTURES / "conditions-mini.md").read_text(), provenance())
    keys = {k.name: k for k in page.condition_keys}
    assert list(keys) == [
        "kms:BypassPolicyLockoutSafetyCheck",
        "kms:CallerAccount",
        "kms:CustomerMasterKeySpec",
        "kms:EncryptionContext:${context-key}",
        "kms:KeySpec",
        "kms:RequestAlias",
    ]
    assert keys["kms:CallerAccount"].operations[0].excluded == (
        "CreateKey",
        "GenerateRandom",
        "ListKeys",
    )
    context = keys["kms:EncryptionContext:${context-key}"]
    assert [t.operation for t in context.operations] == ["CreateGrant", "Encrypt", "Decrypt"]
    assert context.description == "Matches one pair of the encryption context."
    alias = keys["kms:RequestAlias"]
    assert [c.applies_to for c in alias.policy_types] == [("CreateKey",), ("DescribeKey",)]
    assert keys["kms:CustomerMasterKeySpec"].replacement == "kms:KeySpec"


FIXTURE = (FIXTURES / "conditions-mini.md").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "| Condition type | Value type | API operations | Policy type |",
            "| Condition type | Value type | Operations | Policy type |",
            "unknown column",
        ),
        (
            "|  String  | Single\\-valued |  `CreateGrant`",
            "|  String  |  `CreateGrant`",
            "cells for",
        ),
        ("|  Boolean  | Single\\-valued |", "|  Boolean  | Twice\\-valued |", "unknown value type"),
        ("IAM policies only Key policies and IAM policies", "Bucket policies", "not understood"),
        (
            "`CreateKey` KMS key resource operations",
            "`CreateKey` some other operations",
            "unexpected text",
        ),
    ],
)
def test_mutations_raise_parse_error(old: str, new: str, message: str) -> None:
    assert old in FIXTURE
    with pytest.raises(ParseError, match=message):
        condition_keys_md.parse(FIXTURE.replace(old, new, 1), provenance("mutated.md"))


def test_truncated_page_raises() -> None:
    cut = FIXTURE[: FIXTURE.index("| --- | --- | --- | --- | --- | \n|  `kms:KeySpec`")]
    with pytest.raises(ParseError):
        condition_keys_md.parse(cut, provenance("cut.md"))


def test_page_without_keys_raises() -> None:
    with pytest.raises(ParseError, match="no condition key sections"):
        condition_keys_md.parse("# Conditions\n\nNone here.\n", provenance("empty.md"))


def test_global_key_guidance_reads_on_its_own(corpus: Path) -> None:
    from kms_permissions.scraper.global_keys_md import parse as parse_global

    page = (
        corpus / "kms-devguide-github" / "2022-12-05_3828191" / "doc_source" / "conditions-aws.md"
    )
    keys = {k.name: k.guidance for k in parse_global(page.read_text(), provenance()).global_keys}
    # "But use caution ..." leans on the sentence before it; list markers and backticks go.
    assert keys["aws:SourceIp"].startswith("You can use AWS KMS to protect your data")
    assert "But use caution" in keys["aws:SourceIp"]
    assert (
        keys["aws:SourceVpc"] == "aws:SourceVpc limits access to requests from the specified VPC."
    )
    assert not any("`" in g or g.startswith("+") for g in keys.values())
