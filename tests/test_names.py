"""The one template matcher: instances as policies really write them."""

from __future__ import annotations

import pytest

from kms_permissions import constants
from kms_permissions.cli import main
from kms_permissions.names import (
    Templates,
    enumerated_instances,
    identity,
    is_template,
    natural_key,
)
from kms_permissions.reference import load

KEYS = load().condition_keys
TEMPLATES = Templates(KEYS, {k: enumerated_instances(i.sar_names) for k, i in KEYS.items()})


@pytest.mark.parametrize(
    ("name", "template"),
    [
        # AWS's own service key policies: context keys hold colons.
        ("kms:EncryptionContext:aws:logs:arn", "kms:EncryptionContext:${context-key}"),
        ("kms:EncryptionContext:aws:cloudtrail:arn", "kms:EncryptionContext:${context-key}"),
        ("kms:EncryptionContext:aws:s3:arn", "kms:EncryptionContext:${context-key}"),
        ("kms:EncryptionContext:aws:rds:db-id", "kms:EncryptionContext:${context-key}"),
        ("kms:encryptioncontext:Department", "kms:EncryptionContext:${context-key}"),
        ("aws:ResourceTag/Project", "aws:ResourceTag/${tag-key}"),
        ("aws:ResourceTag/team/cost-centre", "aws:ResourceTag/${tag-key}"),
        ("aws:RequestTag/Owner", "aws:RequestTag/${tag-key}"),
        ("kms:RecipientAttestation:PCR7", "kms:RecipientAttestation:PCR${PCR_ID}"),
        # The SAR enumerates NitroTPMPCR0 ... 23: a template of its own, not PCR${PCR_ID}'s.
        ("kms:RecipientAttestation:NitroTPMPCR7", "kms:RecipientAttestation:NitroTPMPCR${PCR_ID}"),
    ],
)
def test_instances_match_their_template(name: str, template: str) -> None:
    assert TEMPLATES.match(name) == template


@pytest.mark.parametrize(
    "name",
    [
        "kms:EncryptionContext:",  # nothing fills the placeholder
        "kms:EncryptionContextKeys",  # its own key, no colon after the stem
        "kms:RecipientAttestation:NitroTPMPCR24",  # the SAR enumerates 0 ... 23 only
        "kms:EncryptionContext:${context-key}",  # a template is not an instance
        "aws:ResourceTag",
        # The SAR enumerates the PCRs (PCR0 ... PCR31): nothing else is an instance.
        "kms:RecipientAttestation:PCR99",
        "kms:RecipientAttestation:PCRxyz",
    ],
)
def test_non_instances_do_not_match(name: str) -> None:
    assert TEMPLATES.match(name) is None


def test_identity_ignores_case_and_placeholder_names() -> None:
    assert identity("aws:ResourceTag/${TagKey}") == identity("aws:resourcetag/${tag-key}")
    assert identity("kms:ViaService") == "kms:viaservice"
    assert is_template("kms:EncryptionContext:${EncryptionContextKey}")
    assert not is_template("kms:EncryptionContext:aws:s3:arn")


def test_natural_order() -> None:
    names = ["PCR10", "PCR2", "PCR1", "NitroTPMPCR0"]
    assert sorted(names, key=natural_key) == ["NitroTPMPCR0", "PCR1", "PCR2", "PCR10"]


def test_instance_of_a_template() -> None:
    assert (
        TEMPLATES.instance("kms:EncryptionContext:${context-key}", "aws:logs:arn")
        == "kms:EncryptionContext:aws:logs:arn"
    )
    with pytest.raises(ValueError, match="empty"):
        TEMPLATES.instance("kms:EncryptionContext:${context-key}", "")


def test_enumerated_instances_bound_every_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "kms:RecipientAttestation:PCR31"]) == 0
    assert main(["lookup", "kms:RecipientAttestation:PCR32"]) == 1
    capsys.readouterr()
    assert constants.recipient_attestation_pcr("7") == "kms:RecipientAttestation:PCR7"
    with pytest.raises(ValueError, match="not a PCR_ID the SAR lists"):
        constants.recipient_attestation_pcr("99")
    with pytest.raises(TypeError, match="pcr_id must be a str, not int"):
        constants.recipient_attestation_pcr(7)  # type: ignore[arg-type]
    # Open templates stay open: any encryption context key.
    assert constants.encryption_context("aws:logs:arn") == "kms:EncryptionContext:aws:logs:arn"
