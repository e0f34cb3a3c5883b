"""Reports as code scanning and workflows read them, and suppressions where the policy lives
(issue 21, item 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kms_permissions.cli import main
from kms_permissions.policy import PolicyError, check

REALWORLD = Path(__file__).parent / "realworld"
PUBLIC = REALWORLD / "13-kics-cfn-kms-key-public-policy.json"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_sarif_rules_results_and_fingerprints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infra").mkdir()
    template = tmp_path / "infra" / "key.json"
    template.write_text(PUBLIC.read_text())
    status, out, _ = _run(capsys, "--sarif", "infra/key.json")
    assert status == 1
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["help"]["markdown"].startswith(f"**{rule['id']} ")
        assert "```json" in rule["help"]["markdown"] and rule["helpUri"] in rule["help"]["text"]
        severity = float(rule["properties"]["security-severity"])
        assert severity >= 7 if rule["defaultConfiguration"]["level"] == "error" else severity < 7
        assert {"security", "kms"} <= set(rule["properties"]["tags"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    (result,) = [r for r in run["results"] if r["ruleId"] == "KMS040"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "infra/key.json", "uriBaseId": "%SRCROOT%"}
    first = result["partialFingerprints"]["kmsPermissions/v1"]
    # Lines move above the finding: the fingerprint stays; another file: it changes.
    template.write_text("\n\n\n" + PUBLIC.read_text())
    moved = json.loads(_run(capsys, "--sarif", "infra/key.json")[1])["runs"][0]["results"]
    (again,) = [r for r in moved if r["ruleId"] == "KMS040"]
    assert again["locations"][0]["physicalLocation"]["region"]["startLine"] == 19
    assert again["partialFingerprints"]["kmsPermissions/v1"] == first
    (tmp_path / "other.json").write_text(PUBLIC.read_text())
    other = json.loads(_run(capsys, "--sarif", "other.json")[1])["runs"][0]["results"]
    assert {r["partialFingerprints"]["kmsPermissions/v1"] for r in other}.isdisjoint({first})
    fingerprints = [r["partialFingerprints"]["kmsPermissions/v1"] for r in moved]
    assert len(set(fingerprints)) == len(fingerprints)


def test_github_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    policy = tmp_path / "a,b:c.json"
    policy.write_text(PUBLIC.read_text())
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    status, out, err = _run(capsys, "--format", "github", policy.name, broken.name)
    assert status == 2 and err.startswith("kms-permissions check: broken.json: ")
    lines = out.splitlines()
    assert lines[-1].startswith("::error file=broken.json,title=kms-permissions::")
    public = [line for line in lines if "KMS040" in line]
    assert public == [line for line in public if line.startswith("::error file=a%2Cb%3Ac.json,")]
    assert ",line=16,col=15,title=KMS040 public-principal::Resources.RSASigningKey: " in public[0]
    notices = [line for line in lines if line.startswith("::notice ")]
    assert all("title=KMS" in line for line in notices)
    assert not any("\n" in line[:-1] for line in lines)


def _template(metadata: Any = None, top: Any = None) -> dict[str, Any]:
    key: dict[str, Any] = {
        "Type": "AWS::KMS::Key",
        "Properties": {
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "Logs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logs.amazonaws.com"},
                        "Action": "kms:GenerateDataKey*",
                        "Resource": "*",
                    },
                ],
            }
        },
    }
    if metadata is not None:
        key["Metadata"] = metadata
    template: dict[str, Any] = {"Resources": {"Key": key}}
    if top is not None:
        template["Metadata"] = top
    return template


def test_suppressions_in_cloudformation_metadata() -> None:
    assert [f.rule_id for f in check(_template())] == ["KMS044"]
    ignored = {"kms-permissions": {"ignore": [{"id": "KMS044", "reason": "logs in one account"}]}}
    assert check(_template(ignored)) == []
    assert check(_template({"kms-permissions": {"ignore": ["KMS04"]}})) == []
    assert check(_template(top={"kms-permissions": {"ignore": ["KMS044"]}})) == []
    # Other tools' metadata is theirs; a bad entry of ours is one clear error naming where.
    assert len(check(_template({"cfn-lint": {"config": {"ignore_checks": ["W1"]}}}))) == 1
    with pytest.raises(PolicyError, match=r"Resources\.Key\.Metadata\.kms-permissions\..*KMS999"):
        check(_template({"kms-permissions": {"ignore": ["KMS999"]}}))
    with pytest.raises(PolicyError, match="a table with one setting, ignore"):
        check(_template({"kms-permissions": {"skip": ["KMS044"]}}))
