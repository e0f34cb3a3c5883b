"""Condition keys the KMS API Reference's text offers (botocore's model: "You can use the
kms:PolicyName condition key to control access to this operation ..."): facts with source `api`
and the operations that offer them, in the dataset, lookup, the constants, the site and check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions import constants
from kms_permissions.cli import main
from kms_permissions.reference import load
from kms_permissions.scraper import api_reference_json

from .conftest import ROOT, provenance

DATA = ROOT / "kms_permissions" / "data"


def _offered(path: Path) -> dict[tuple[str, str], str | None]:
    page = api_reference_json.parse(path.read_text(), provenance(str(path)))
    return {
        (op.name, key.name): key.parameter for op in page.operations for key in op.condition_keys
    }


def test_the_models_offer_keys_in_the_operations_text_or_a_parameters(corpus: Path) -> None:
    models = sorted((corpus / "botocore-kms").glob("*.json"))
    newest = next(p for p in reversed(models) if p.name != "revisions.json")
    assert _offered(newest) == {
        ("GetKeyPolicy", "kms:PolicyName"): None,
        ("PutKeyPolicy", "kms:PolicyName"): None,
        ("EnableKeyRotation", "kms:RotationPeriodInDays"): "RotationPeriodInDays",
        ("ScheduleKeyDeletion", "kms:ScheduleKeyDeletionPendingWindowInDays"): (
            "PendingWindowInDays"
        ),
    }
    # CreateKey's KeySpec points at kms:EncryptionAlgorithm ("use a condition key ... see"):
    # keys of other operations, not offered for CreateKey.
    assert not any(op == "CreateKey" for op, _ in _offered(newest))
    assert _offered(corpus / "botocore-kms" / "2015-04-27_f1317df.json") == {}


def test_a_sentence_is_read_from_its_paragraph() -> None:
    model = {
        "metadata": {
            "endpointPrefix": "kms",
            "protocol": "json",
            "apiVersion": "2014-11-01",
            "serviceId": "KMS",
            "signingName": "kms",
            "targetPrefix": "TrentService",
        },
        "operations": {
            "GetKeyPolicy": {
                "name": "GetKeyPolicy",
                "documentation": "<p>Gets a key policy.</p> <p><b>Required permissions</b>: "
                "<a>kms:GetKeyPolicy</a> (key policy)</p> <p>You can use the "
                "<a href='x'>kms:PolicyName</a> condition key to control access. Other text.</p>",
            }
        },
        "shapes": {},
    }
    page = api_reference_json.parse(json.dumps(model), provenance())
    (key,) = page.operations[0].condition_keys
    assert key.name == "kms:PolicyName" and key.parameter is None
    assert key.sentence == "You can use the kms:PolicyName condition key to control access."


def test_the_dataset_holds_kms_policy_name_from_the_api_reference() -> None:
    info = load().condition_keys["kms:PolicyName"]
    assert (info.in_api, info.in_guide, info.in_sar) == (True, False, False)
    assert info.actions == ("kms:GetKeyPolicy", "kms:PutKeyPolicy")
    assert dict(info.action_sources) == {"kms:GetKeyPolicy": ("api",), "kms:PutKeyPolicy": ("api",)}
    assert info.api_description is not None and "PolicyName parameter" in info.api_description
    # Nothing the API text does not say is filled in: no type, no policy types.
    assert info.condition_type is None and info.value_type is None and info.policy_types == ()
    assert "kms:PolicyName" in load().actions["kms:PutKeyPolicy"].condition_keys
    rows = json.loads((DATA / "action_condition_keys.json").read_text())
    paired = {r["action"] for r in rows if r["condition_key"] == "kms:PolicyName"}
    assert paired == {"kms:GetKeyPolicy", "kms:PutKeyPolicy"}
    assert all(r["api_source"].startswith("api-reference/") for r in rows if r["api_source"])
    rotation = load().condition_keys["kms:RotationPeriodInDays"].action_sources
    assert rotation["kms:EnableKeyRotation"] == ("permissions", "sar", "api")
    history = json.loads((DATA / "history.json").read_text())
    assert any(
        r["entity"] == "kms:PolicyName" and r["source"] == "api" and r["field"] == "present"
        for r in history
    )


def test_lookup_constants_site_and_check_know_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "kms:PolicyName"]) == 0
    text = capsys.readouterr().out
    assert "listed by      API Reference" in text
    assert "  description      You can use the kms:PolicyName condition key" in text
    assert constants.ConditionKey.POLICY_NAME.value == "kms:PolicyName"
    page = (ROOT / "site/docs/condition-keys/kms-PolicyName.md").read_text()
    assert "The API Reference (as of 2026-11-20), in the text of" in page
    policy = tmp_path / "policy.json"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": ["kms:GetKeyPolicy", "kms:PutKeyPolicy"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:PolicyName": "default"}},
    }
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    main(["check", "--json", str(policy)])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    # Before, KMS011 said kms:PolicyName is no KMS condition key; other rules may still speak.
    assert [f for f in findings if "PolicyName" in f["message"]] == []
