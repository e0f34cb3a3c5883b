"""Operations only the API Reference lists yet (kms:Encapsulate, kms:Decapsulate): the guide's
and the SAR's rules for every operation on a key apply to them, with the rule recorded; their
description is the API Reference's first sentence; their access level stays empty, saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions import constants
from kms_permissions.cli import main
from kms_permissions.dataset.api_facts import first_sentence
from kms_permissions.reference import load

from .conftest import ROOT

DATA = ROOT / "kms_permissions" / "data"
KEY_RESOURCE_KEYS = (
    "aws:ResourceTag/${tag-key}",
    "kms:CallerAccount",
    "kms:KeyOrigin",
    "kms:KeySpec",
    "kms:KeyUsage",
    "kms:MultiRegion",
    "kms:MultiRegionKeyType",
    "kms:ResourceAliases",
    "kms:ViaService",
)


@pytest.mark.parametrize("action", ["kms:Encapsulate", "kms:Decapsulate"])
def test_the_key_resource_condition_keys_apply_by_rule(action: str) -> None:
    info = load().actions[action]
    assert (info.in_guide, info.in_sar, info.in_api) == (False, False, True)
    assert info.condition_keys == KEY_RESOURCE_KEYS
    rules = dict(info.condition_key_rules)
    assert set(rules) == set(KEY_RESOURCE_KEYS)
    assert rules["kms:ViaService"] == "the condition key page's KMS key resource operations"
    assert rules["aws:ResourceTag/${tag-key}"] == "the SAR's key resource type"
    assert info.condition_key_sources["kms:KeySpec"] == ("conditions", "sar")
    # Request-specific keys have no rule for every key operation: none is invented.
    assert "kms:EncryptionAlgorithm" not in info.condition_keys
    assert info.access_level is None
    # The SAR does not list it: its description is the API Reference's first sentence.
    assert info.description is not None and info.description == info.api_description
    assert info.headline_sources["description"] == "api"
    assert "Permission for" not in info.api_description
    assert action in load().condition_keys["kms:ViaService"].actions


def test_listed_actions_keep_their_sources_without_a_rule() -> None:
    rows = json.loads((DATA / "action_condition_keys.json").read_text())
    ruled = {r["action"] for r in rows if r["rule"]}
    assert ruled == {"kms:Encapsulate", "kms:Decapsulate"}
    assert load().actions["kms:Decrypt"].condition_key_rules == {}


def test_first_sentence() -> None:
    assert first_sentence("Gets a key. Then more. And more.") == "Gets a key."
    assert first_sentence("Uses the key (e.g. for AES). Other.") == "Uses the key (e.g. for AES)."
    assert first_sentence("One sentence without an end") == "One sentence without an end"


def test_outputs_say_where_the_facts_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "kms:Decapsulate"]) == 0
    text = capsys.readouterr().out
    assert "access level     - (the SAR gives access levels and does not list it)" in text
    assert "description      Recovers the shared secret" in text
    assert "ML-KEM KMS key. (API Reference, as of 2026-11-20)" in text
    assert "by the rule    the condition key page's KMS key resource operations:" in text
    doc = constants.Action.DECAPSULATE.__doc__ or ""
    assert not doc.startswith("Permission for")
    page = (ROOT / "site/docs/actions/Decapsulate.md").read_text()
    assert "The permissions reference: Yes" not in page
    assert "*Description from &#40;API Reference, as of 2026-11-20&#41;*" in page
    assert "by their rule" in page


def test_check_no_longer_says_via_service_never_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": ["kms:Encapsulate", "kms:Decapsulate"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:ViaService": "ec2.us-east-1.amazonaws.com",
                "kms:CallerAccount": "111122223333",
            }
        },
    }
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    main(["check", "--json", str(policy)])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    about_keys = [f for f in findings if "ViaService" in f["message"] or "never" in f["message"]]
    assert about_keys == [], about_keys
    # The key policy has no administrator: that finding stays, and is the only one.
    assert [f["rule_id"] for f in findings] == ["KMS051"]


def test_a_template_keeps_what_the_sar_says_of_each_instance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    info = load().condition_keys["kms:RecipientAttestation:PCR${PCR_ID}"]
    assert len(info.sar_names) == len(info.sar_descriptions) == 32
    own = dict(zip(info.sar_names, info.sar_descriptions, strict=True))
    assert "IAM role assigned to the parent instance" in own["kms:RecipientAttestation:PCR3"]
    # The template says what its instances share, not a joined blob of all 32.
    assert info.sar_description == (
        "Filters access by the platform configuration register (PCR) N in the attestation "
        "document in the request."
    )
    assert main(["lookup", "kms:RecipientAttestation:PCR3"]) == 0
    text = capsys.readouterr().out
    assert "  instance         kms:RecipientAttestation:PCR3: Filters access by" in text
    assert "IAM role assigned to the parent instance" in text
    assert main(["lookup", "kms:RecipientAttestation:PCR${PCR_ID}"]) == 0
    assert "instance " not in capsys.readouterr().out  # the template itself: no instance line
    assert load().condition_keys["kms:CallerAccount"].sar_descriptions == ()
