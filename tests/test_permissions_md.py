"""The permissions reference in its markdown rendering: all 54 operations of the real page."""

from __future__ import annotations

import pytest

from kms_permissions.errors import ParseError
from kms_permissions.scraper import permissions_md
from kms_permissions.scraper.records import Operation, PermissionsPage

from .conftest import FIXTURES, provenance

KMS_KEY_OPS = [
    "kms:CallerAccount",
    "kms:KeySpec",
    "kms:KeyUsage",
    "kms:KeyOrigin",
    "kms:MultiRegion",
    "kms:MultiRegionKeyType",
    "kms:ResourceAliases",
    "aws:ResourceTag/${tag-key}",
    "kms:ViaService",
]

# name: [(policy type, cross-account, resources, number of condition keys)] per grant row,
# read off the real page by hand.
EXPECTED: dict[str, list[tuple[str, str, tuple[str, ...], int]]] = {
    "CancelKeyDeletion": [("key-policy", "no", ("key",), 9)],
    "ConnectCustomKeyStore": [("iam-policy", "no", ("*",), 1)],
    "CreateAlias": [("iam-policy", "no", ("alias",), 0), ("key-policy", "no", ("key",), 9)],
    "CreateCustomKeyStore": [("iam-policy", "no", ("*",), 1)],
    "CreateGrant": [("key-policy", "yes", ("key",), 19)],
    "CreateKey": [("iam-policy", "no", ("*",), 11)],
    "Decrypt": [("key-policy", "yes", ("key",), 13)],
    "DeleteAlias": [("iam-policy", "no", ("alias",), 0), ("key-policy", "no", ("key",), 9)],
    "DeleteCustomKeyStore": [("iam-policy", "no", ("*",), 1)],
    "DeleteImportedKeyMaterial": [("key-policy", "no", ("key",), 9)],
    "DeriveSharedSecret": [("key-policy", "yes", ("key",), 10)],
    "DescribeCustomKeyStores": [("iam-policy", "no", ("*",), 1)],
    "DescribeKey": [("key-policy", "yes", ("key",), 10)],
    "DisableKey": [("key-policy", "no", ("key",), 10)],
    "DisableKeyRotation": [("key-policy", "no", ("key",), 9)],
    "DisconnectCustomKeyStore": [("iam-policy", "no", ("*",), 1)],
    "EnableKey": [("key-policy", "no", ("key",), 9)],
    "EnableKeyRotation": [("key-policy", "no", ("key",), 10)],
    "Encrypt": [("key-policy", "yes", ("key",), 13)],
    "GenerateDataKey": [("key-policy", "yes", ("key",), 13)],
    "GenerateDataKeyPair": [("key-policy", "yes", ("key",), 14)],
    "GenerateDataKeyPairWithoutPlaintext": [("key-policy", "yes", ("key",), 14)],
    "GenerateDataKeyWithoutPlaintext": [("key-policy", "yes", ("key",), 13)],
    "GenerateMac": [("key-policy", "yes", ("key",), 11)],
    "GenerateRandom": [("iam-policy", "n/a", ("*",), 0)],
    "GetKeyLastUsage": [("key-policy", "no", ("key",), 9)],
    "GetKeyPolicy": [("key-policy", "no", ("key",), 9)],
    "GetKeyRotationStatus": [("key-policy", "yes", ("key",), 9)],
    "GetParametersForImport": [("key-policy", "no", ("key",), 11)],
    "GetPublicKey": [("key-policy", "yes", ("key",), 10)],
    "ImportKeyMaterial": [("key-policy", "no", ("key",), 11)],
    "ListAliases": [("iam-policy", "no", ("*",), 0)],
    "ListGrants": [("key-policy", "yes", ("key",), 10)],
    "ListKeyPolicies": [("key-policy", "no", ("key",), 9)],
    "ListKeyRotations": [("key-policy", "no", ("key",), 9)],
    "ListKeys": [("iam-policy", "no", ("*",), 0)],
    "ListResourceTags": [("key-policy", "no", ("key",), 9)],
    "ListRetirableGrants": [("iam-policy", "other", ("*",), 0)],
    "PutKeyPolicy": [("key-policy", "no", ("key",), 10)],
    "ReEncrypt": [("key-policy", "yes", ("key",), 14)],
    "ReplicateKey": [("key-policy", "no", ("key",), 10)],
    "RetireGrant": [("iam-policy", "yes", ("key",), 7)],
    "RevokeGrant": [("key-policy", "yes", ("key",), 10)],
    "RotateKeyOnDemand": [("key-policy", "no", ("key",), 9)],
    "ScheduleKeyDeletion": [("key-policy", "no", ("key",), 10)],
    "Sign": [("key-policy", "yes", ("key",), 12)],
    "TagResource": [("key-policy", "no", ("key",), 11)],
    "UntagResource": [("key-policy", "no", ("key",), 11)],
    "UpdateAlias": [("iam-policy", "no", ("alias",), 0), ("key-policy", "no", ("key",), 9)],
    "UpdateCustomKeyStore": [("iam-policy", "no", ("*",), 1)],
    "UpdateKeyDescription": [("key-policy", "no", ("key",), 9)],
    "UpdatePrimaryRegion": [("key-policy", "no", ("key",), 10)],
    "Verify": [("key-policy", "yes", ("key",), 12)],
    "VerifyMac": [("key-policy", "yes", ("key",), 11)],
}


@pytest.fixture(scope="module")
def page(current_permissions_md: str) -> PermissionsPage:
    return permissions_md.parse(current_permissions_md, provenance("current.md"))


@pytest.fixture(scope="module")
def ops(page: PermissionsPage) -> dict[str, Operation]:
    return {op.name: op for op in page.operations}


def keys(op: Operation, row: int = -1) -> list[str]:
    return [k.name for k in op.grants[row].condition_keys]


def groups(op: Operation, row: int = -1) -> dict[str, str | None]:
    return {k.name: k.group for k in op.grants[row].condition_keys}


def test_all_54_operations_field_by_field(ops: dict[str, Operation]) -> None:
    assert len(ops) == 54
    got = {
        name: [
            (g.policy_type, g.cross_account, g.resources, len(g.condition_keys)) for g in op.grants
        ]
        for name, op in ops.items()
    }
    assert got == EXPECTED
    for name, op in ops.items():
        assert op.api_reference_url == (
            f"https://docs.aws.amazon.com/kms/latest/APIReference/API_{name}.html"
        )
        if name != "ReEncrypt":
            assert op.permissions == (f"kms:{name}",)


def test_reencrypt_has_two_permissions(ops: dict[str, Operation]) -> None:
    op = ops["ReEncrypt"]
    assert op.permissions == ("kms:ReEncryptFrom", "kms:ReEncryptTo")
    assert op.note is not None and "kms:ReEncryptTo on the KMS key used to encrypt" in op.note
    assert groups(op)["kms:ReEncryptOnSameKey"] == "Other conditions"


@pytest.mark.parametrize("name", ["CreateAlias", "DeleteAlias", "UpdateAlias"])
def test_alias_operations_need_alias_and_key(ops: dict[str, Operation], name: str) -> None:
    alias, key = ops[name].grants
    assert (alias.policy_type, alias.qualifier, alias.resources) == (
        "iam-policy",
        "for the alias",
        ("alias",),
    )
    assert alias.condition_keys == ()
    assert alias.condition_keys_note == "when controlling access to the alias"
    assert key.policy_type == "key-policy"
    assert key.qualifier in ("for the KMS key", "for the KMS keys")
    assert keys(ops[name]) == KMS_KEY_OPS


def test_retire_grant_is_iam_only_with_its_qualifier(ops: dict[str, Operation]) -> None:
    (grant,) = ops["RetireGrant"].grants
    assert grant.policy_type == "iam-policy"
    assert grant.qualifier == "This permission is not effective in a key policy."
    assert ops["RetireGrant"].note is not None
    assert ops["RetireGrant"].note.startswith("Permission to retire a grant is determined")
    assert keys(ops["RetireGrant"]) == [
        "kms:EncryptionContext:${context-key}",
        "kms:EncryptionContextKeys",
        "kms:GrantConstraintType",
        "kms:CallerAccount",
        "kms:ResourceAliases",
        "aws:ResourceTag/${tag-key}",
        "kms:ViaService",
    ]


def test_cross_account_values(ops: dict[str, Operation]) -> None:
    assert ops["GenerateRandom"].grants[0].cross_account == "n/a"
    assert ops["GenerateRandom"].grants[0].cross_account_text == "N/A"
    retirable = ops["ListRetirableGrants"].grants[0]
    assert retirable.cross_account == "other"
    assert retirable.cross_account_text == (
        "The specified principal must be in the local account, "
        "but the operation returns grants in all accounts."
    )


@pytest.mark.parametrize("name", ["Sign", "Verify"])
def test_glued_links_in_sign_and_verify(ops: dict[str, Operation], name: str) -> None:
    assert keys(ops[name])[:3] == ["kms:MessageType", "kms:RequestAlias", "kms:SigningAlgorithm"]
    assert set(groups(ops[name]).values()) == {
        "Conditions for signing and verification",
        "Conditions for KMS key operations",
    }


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("DeriveSharedSecret", ["kms:KeyAgreementAlgorithm"]),
        ("GenerateMac", ["kms:MacAlgorithm", "kms:RequestAlias"]),
        ("VerifyMac", ["kms:MacAlgorithm", "kms:RequestAlias"]),
    ],
)
def test_plain_group_label_glued_after_a_link(
    ops: dict[str, Operation], name: str, extra: list[str]
) -> None:
    op = ops[name]
    assert keys(op) == KMS_KEY_OPS + extra
    for key in extra:
        assert groups(op)[key] == "Conditions for cryptographic operations"
    assert groups(op)["kms:ViaService"] == "Conditions for KMS key operations"


def test_group_labels_in_all_forms(ops: dict[str, Operation]) -> None:
    # Italic with colon, italic without colon, glued to the next link, and no label at all.
    assert groups(ops["Decrypt"])["kms:EncryptionAlgorithm"] == (
        "Conditions for cryptographic operations"
    )
    assert groups(ops["UpdatePrimaryRegion"])["kms:PrimaryRegion"] == "Other conditions"
    assert groups(ops["ImportKeyMaterial"])["kms:ExpirationModel"] == "Other conditions"
    assert groups(ops["GetParametersForImport"])["kms:WrappingAlgorithm"] is None
    assert groups(ops["CreateKey"]) == dict.fromkeys(keys(ops["CreateKey"]))
    assert groups(ops["DisableKey"])["kms:TrailingDaysWithoutKeyUsage"] == (
        "Key last usage condition"
    )


def test_global_keys_are_marked(ops: dict[str, Operation]) -> None:
    create = {k.name: k.is_global for k in ops["CreateKey"].grants[0].condition_keys}
    assert create["aws:RequestTag/${tag-key}"] is True
    assert create["aws:TagKeys"] is True
    assert create["kms:ViaService"] is False
    tag = ops["TagResource"].grants[0].condition_keys
    assert [k.name for k in tag if k.group == "Conditions for tagging"] == [
        "aws:RequestTag/${tag-key}",
        "aws:TagKeys",
    ]


def test_resource_note_is_kept(ops: dict[str, Operation]) -> None:
    grant = ops["GenerateDataKeyPair"].grants[0]
    assert grant.resources == ("key",)
    assert grant.resource_note == (
        "Generates an asymmetric data key pair that is protected by a symmetric encryption KMS key."
    )


def test_fixture_page() -> None:
    page = permissions_md.parse(
        (FIXTURES / "permissions-mini.md").read_text(), provenance("permissions-mini.md")
    )
    names = [op.name for op in page.operations]
    assert names == ["CreateAlias", "GenerateRandom", "ReEncrypt", "RetireGrant", "Sign"]
    sign = page.operations[-1].grants[0]
    assert sign.resource_note == "Asymmetric KMS keys only."
    assert [(k.name, k.group) for k in sign.condition_keys] == [
        ("kms:MessageType", "Conditions for signing and verification"),
        ("kms:SigningAlgorithm", "Conditions for signing and verification"),
        ("kms:ViaService", "Conditions for signing and verification"),
        ("kms:RequestAlias", "Conditions for cryptographic operations"),
    ]


def _mutated(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - **Cross-account use:** Yes\n", "", "lacks cross_account"),
        ("**Policy type:** Key policy\n", "**Policicy type:** Key policy\n", "unknown field"),
        ("**Policy type:** Key policy\n", "**Policy type:** Bucket policy\n", "neither a key"),
        (
            "**Resources (for IAM policies):** KMS key\n",
            "**Resources (for IAM policies):** Disk\n",
            "unknown resource",
        ),
        ("`kms:GenerateRandom`", "", "names no kms: permission"),
        ("# AWS KMS permissions", "# Something else", "title"),
    ],
)
def test_mutations_raise_parse_error(
    current_permissions_md: str, old: str, new: str, message: str
) -> None:
    text = _mutated(current_permissions_md, old, new)
    with pytest.raises(ParseError, match=message) as info:
        permissions_md.parse(text, provenance("mutated.md"))
    assert info.value.page == "mutated.md"
    assert info.value.rendering == "md-list"


def test_truncated_page_raises(current_permissions_md: str) -> None:
    cut = current_permissions_md[: current_permissions_md.index("kms:ListKeys")]
    with pytest.raises(ParseError):
        permissions_md.parse(cut, provenance("cut.md"))


def test_empty_table_raises() -> None:
    with pytest.raises(ParseError, match="no API operation items"):
        permissions_md.parse("# AWS KMS permissions\n\nNothing here.\n", provenance("empty.md"))
