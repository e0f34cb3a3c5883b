"""What `check` reads: policy files, CloudFormation templates (JSON and YAML) and Terraform
plans give the same findings for the same policy, placed in the file they come from;
configuration; and inputs that must fail with one clear line (issue 13's list)."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from kms_permissions.cli import main
from kms_permissions.policy import Finding, PolicyError, check
from kms_permissions.policy.inputs import read_inputs
from kms_permissions.policy.reading import MAX_BYTES, MAX_DEPTH

REALWORLD = Path(__file__).parent / "realworld"
# Real policies with findings of several rules (the CloudWatch Logs guide's key policy, the
# console key policy with Encrypt/Decrypt AND-ed with kms:GrantIsForAWSResource).
POLICIES = [
    "06-cwlogs-guide-key-policy-account-condition.json",
    "49-kms-guide-console-key-policy-grant-for-aws-resource-with-encrypt-EDITED.json",
    "04-cloudtrail-guide-default-trail-key-policy.json",
]


def _essence(findings: list[Finding]) -> list[tuple[str, str, str | None, str, str]]:
    return sorted((f.rule_id, f.severity, f.sid, f.path, f.message) for f in findings)


def _cloudformation(policy: Any) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": policy}},
            "Bucket": {"Type": "AWS::S3::Bucket"},
        },
    }


def _plan(policy_text: str) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_kms_key.this",
                        "mode": "managed",
                        "type": "aws_kms_key",
                        "name": "this",
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "schema_version": 0,
                        "values": {"description": "key", "policy": policy_text},
                    }
                ]
            }
        },
    }


def _at(text: str, finding: Finding) -> str:
    assert finding.line is not None and finding.column is not None, finding
    return text.splitlines()[finding.line - 1][finding.column - 1 :]


def _written(policy: Any, path: str) -> tuple[str, ...]:
    """What the text at a finding's position may start with: the key of the member the path
    names, or the beginning of its value (for list items)."""
    from kms_permissions.policy.positions import segments

    value = policy
    for part in segments(path):
        value = value[part]
    last = segments(path)[-1] if segments(path) else ""
    starts = [str(last)] if isinstance(last, str) else []
    while isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict) and value:
        starts.append(next(iter(value)))
    elif isinstance(value, str):
        starts.append(value[:12])
    return tuple(p for s in starts for p in (s, f"'{s}", f'"{s}', "- "))


@pytest.mark.parametrize("name", POLICIES)
def test_templates_and_plans_give_the_policy_files_findings_placed_in_them(
    name: str, tmp_path: Path
) -> None:
    text = (REALWORLD / name).read_text()
    policy = json.loads(text)
    alone = check(text)
    assert alone
    inputs = {
        "template.json": json.dumps(_cloudformation(policy), indent=2),
        "template.yaml": yaml.safe_dump(_cloudformation(policy), sort_keys=False),
        "plan.json": json.dumps(_plan(text), indent=2),
        "plan-one-line.json": json.dumps(_plan(text)),
    }
    for file, content in inputs.items():
        found = check(content)
        assert _essence(found) == _essence(alone), file
        for finding in found:
            at = _at(content, finding)
            if file.startswith("plan"):
                # Inside the plan's JSON string, quotes are escaped.
                assert at.startswith(('\\"', "{", "[")), (file, at)
            elif file.endswith(".yaml"):
                assert at.startswith(_written(policy, finding.path)), (file, at)
            else:
                assert at.startswith(('"', "{", "[")), (file, at)
        assert {f.policy for f in found} == {
            "Resources.Key" if file.startswith("template") else "aws_kms_key.this.policy"
        }


def test_positions_in_the_real_world_set_point_at_json_values() -> None:
    for path in sorted(REALWORLD.glob("[0-9]*.json")):
        text = path.read_text()
        try:
            found = check(
                text, kind="vpc-endpoint-policy" if path.name[:2] in ("40", "41") else "auto"
            )
        except PolicyError:
            continue  # the three documents that are not valid JSON
        for finding in found:
            at = _at(text, finding)
            assert at[:1] in ('"', "{", "[") or at[:2] == '\\"', (path.name, finding.path, at[:30])


def test_cloudformation_yaml_details() -> None:
    """Unquoted Version (a YAML date), quoted 'Null', short-form functions kept opaque."""
    template = """
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'
            Action: 'kms:*'
            Resource: '*'
          - Effect: Allow
            Principal:
              AWS: !GetAtt Role.Arn
            Action: kms:Decrypt
            Resource: '*'
            Condition:
              'Null':
                kms:EncryptionContext:aws:cloudtrail:arn: 'false'
          - !If
            - Public
            - Effect: Allow
              Principal: '*'
              Action: kms:Decrypt
              Resource: '*'
            - !Ref AWS::NoValue
"""
    found = check(template)
    assert [(f.rule_id, f.line, f.column) for f in found] == [("KMS040", 26, 15)]


MERGED = """
Defaults: &use
  Effect: Allow
  Principal: '*'
  Action: kms:Decrypt
  Resource: '*'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Sid: Root
            Effect: Allow
            Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}
            Action: kms:*
            Resource: '*'
          - <<: *use
            Sid: Public
          - <<: [{Principal: {AWS: arn:aws:iam::111122223333:role/A}}, *use]
            Sid: Named
"""


def test_yaml_merge_keys_are_read_as_yaml_defines_them() -> None:
    """`<<: *anchor` (resolved by `aws cloudformation package`, SAM, the Serverless Framework):
    the merged values count, placed where they are written; the mapping's own keys win, then
    the first merged mapping; a merge of something that is not a mapping is one clear line."""
    found = check(MERGED)
    assert [(f.rule_id, f.line, f.statement) for f in found] == [("KMS040", 4, 1)]
    named = MERGED.replace("Sid: Public", "Principal: {AWS: arn:aws:iam::111122223333:role/B}")
    assert check(named) == []
    with pytest.raises(PolicyError, match="line 3: a merge key"):
        check("a: &x [1]\nc:\n  <<: *x\n")


def test_a_resource_given_without_its_template_is_read_as_its_resources() -> None:
    """Guides publish a resource alone (`myKey: {Type: AWS::KMS::Key, ...}`, no Resources:):
    an object whose every entry is a resource with a Type is read as a template's Resources,
    its policies named and placed as in a template; one that is not all resources is not."""
    fragment = """
myKey:
  Type: AWS::KMS::Key
  Properties:
    KeyPolicy:
      Version: '2012-10-17'
      Statement:
        - Effect: Allow
          Principal: '*'
          Action: kms:Decrypt
          Resource: '*'
Topic:
  Type: AWS::SNS::Topic
"""
    found = check(fragment)
    assert [(f.rule_id, f.policy, f.line, f.column) for f in found] == [
        ("KMS051", "myKey", 7, 7),
        ("KMS040", "myKey", 9, 11),
    ]
    assert read_inputs(fragment).format == "cloudformation"
    mixed = fragment + "Version: '2012-10-17'\n"
    assert read_inputs(mixed).format == "policy"
    with pytest.raises(PolicyError, match="not a policy"):
        check(mixed)


def test_a_yaml_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(PolicyError, match="values"):
        check("\n".join(lines) + "\n")


def test_terraform_hcl_is_named_not_misread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(REALWORLD / "17-terraform-aws-modules-kms-main.tf")]) == 2
    assert "terraform show -json" in capsys.readouterr().err
    with pytest.raises(PolicyError, match="HCL"):
        check('resource "aws_kms_key" "k" {\n  policy = "{}"\n}\n')


def test_plan_data_sources_and_state(tmp_path: Path) -> None:
    plan = json.loads((REALWORLD / "45-terraform-aws-modules-kms.plan.json").read_text())
    state = {"format_version": "1.0", "values": plan["prior_state"]["values"]}
    (found,) = [f for f in check(state) if f.rule_id == "KMS044"]
    assert found.policy == "module.kms.data.aws_iam_policy_document.this[0].json"
    with pytest.raises(PolicyError, match="format_version"):
        check({"format_version": "2.0", "planned_values": {}})


# --- inputs that must fail with one line (issue 13) -----------------------------------------


def _check_file(
    path: Path | str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    status = main(["check", *extra, str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_bad_files_get_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "latin1.json": b'{"Statement": [{"Sid": "caf\xe9"}]}',
        "digits.json": b'{"Version": ' + b"9" * 100_000 + b"}",
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep.yaml": b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    }
    messages = {
        "latin1.json": "not UTF-8 text (byte 0xe9",
        "digits.json": "numbers are capped",
        "deep.json": f"nested deeper than {MAX_DEPTH} levels",
        "deep.yaml": f"nested deeper than {MAX_DEPTH} levels",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        status, out, err = _check_file(path, capsys)
        assert status == 2, name
        (line,) = err.strip().splitlines()
        assert line.startswith(f"kms-permissions check: {path}: ") and messages[name] in line, line
        assert "Traceback" not in out + err


def test_special_files_are_refused_without_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _check_file("/dev/zero", capsys)
    assert status == 2 and "not a regular file" in err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    status, _, err = _check_file(fifo, capsys)  # no writer: must not block
    assert status == 2 and "not a regular file" in err
    status, _, err = _check_file(tmp_path, capsys)
    assert status == 2 and err.endswith(": is a folder\n")


def test_size_cap_and_short_echoes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("w") as handle:
        handle.write('{"Statement": [{"Effect": "Allow", "Action": "kms:')
        handle.write("A" * (MAX_BYTES + 10))
        handle.write('", "Resource": "*"}]}')
    status, _, err = _check_file(huge, capsys)
    assert status == 2 and "larger than 16 MiB" in err and len(err) < 300
    long_action = tmp_path / "long.json"
    long_action.write_text(
        json.dumps(
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "kms:" + "A" * 5_000_000, "Resource": "*"}
                ]
            }
        )
    )
    status, out, _ = _check_file(long_action, capsys)
    assert status == 0 and "KMS001" in out and len(out) < 1000
    with pytest.raises(PolicyError, match="larger than"):
        check(" " * (MAX_BYTES + 1))


def test_a_lone_surrogate_in_a_sid_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "surrogate.json"
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "a\\ud800b", "Effect": "Allow", '
        '"Action": "kms:Decrypt", "Resource": "*"}]}'
    )
    for options in ([], ["--json"], ["--sarif"]):
        status, out, err = _check_file(policy, capsys, *options)
        assert status == 1 and "\\ud800" in out and not err, options
        out.encode("utf-8")


def test_the_python_api_raises_its_own_exception() -> None:
    from kms_permissions.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match=r"check\(\): account must be a str of 12 digits"):
        check({"Statement": []}, account=111122223333)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="account '1111': not a 12-digit account ID"):
        check({"Statement": []}, account="1111")
    with pytest.raises(PolicyError, match="kind"):
        check({"Statement": []}, kind="bucket-policy")
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(PolicyError, match="nested deeper"):
        check(deep)
    for value in (None, 42, "null", b"{}"):
        with pytest.raises(PolicyError):
            check(value)  # type: ignore[arg-type]
    assert issubclass(PolicyError, Exception)
    from kms_permissions.errors import KmsPermissionsError

    assert issubclass(PolicyError, KmsPermissionsError)


# --- configuration ----------------------------------------------------------------------------


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.kms-permissions.check]\n{table}\n")
    folder = tmp_path / "policies" / "endpoints"
    folder.mkdir(parents=True)
    return folder


def test_pyproject_settings_apply_to_files_below_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _project(
        tmp_path,
        'fail-on = "warning"\n'
        'ignore = ["KMS044"]\n'
        'per-file-kinds = { "policies/endpoints/*.json" = "vpc-endpoint-policy" }\n'
        'per-sid-ignores = { "AllowListing" = ["KMS111"] }\n',
    )
    endpoint = folder / "kms.json"
    endpoint.write_text(
        (REALWORLD / "41-kms-guide-vpc-endpoint-policy-deny-external-accounts.json").read_text()
    )
    status, out, _ = _check_file(endpoint, capsys)
    assert status == 1 and "KMS120 [warning]" in out  # fail-on warning; endpoint kind
    listing = folder / "listing.json"
    listing.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AllowListing",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "kms:ListKeys",
                        "Resource": "arn:aws:kms:*:111122223333:key/*",
                    }
                ],
            }
        )
    )
    status, out, _ = _check_file(listing, capsys)
    assert status == 0 and "KMS111" not in out
    logs = tmp_path / "policies" / "logs.json"
    logs.write_text(
        (REALWORLD / "07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
    )
    status, out, _ = _check_file(logs, capsys)
    assert "KMS105" in out and "KMS044" not in out  # ignored by the table
    status, out, _ = _check_file(logs, capsys, "--select", "KMS04")
    assert status == 0 and "KMS105" not in out  # the command line wins
    status, out, _ = _check_file(logs, capsys, "--select", "KMS1", "--ignore", "KMS105")
    assert status == 0 and "KMS105" not in out


def test_bad_settings_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    policy = _project(tmp_path, 'colour = "blue"') / "p.json"
    policy.write_text(
        (REALWORLD / "07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
    )
    status, _, err = _check_file(policy, capsys)
    assert status == 2 and "unknown setting 'colour'" in err
    status, _, err = _check_file(policy, capsys, "--select", "KMS999")
    assert status == 2 and "'KMS999' names no rule" in err


def test_the_account_is_validated_once_the_same_way_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """check and access, from Python and from the command line: a non-string is a type error,
    a malformed string one input error (a usage error before any file is read)."""
    from kms_permissions import access
    from kms_permissions.errors import ArgumentTypeError, KmsPermissionsError
    from kms_permissions.policy.access import InputError

    monkeypatch.chdir(tmp_path)
    policy = tmp_path / "p.json"
    policy.write_text(
        (REALWORLD / "07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
    )
    for function in (check, access):
        name = function.__name__
        with pytest.raises(ArgumentTypeError, match=rf"{name}\(\): account must be a str"):
            function(policy.read_text(), account=111122223333)  # type: ignore[arg-type]
        for bad in ("abc", "1111", "١١١١٢٢٢٢٣٣٣٣", " 111122223333"):
            with pytest.raises(KmsPermissionsError, match="not a 12-digit account ID") as error:
                function(policy.read_text(), account=bad)
            assert isinstance(error.value, ValueError)
    with pytest.raises(InputError, match="account 'abc'"):
        access(policy.read_text(), account="abc")
    for verb in ("check", "access"):
        status = main([verb, "--account", "abc", str(policy)])
        captured = capsys.readouterr()
        assert status == 2 and captured.out == "", verb
        assert (
            captured.err == f"kms-permissions {verb}: --account 'abc': not a 12-digit account ID\n"
        )
    # The setting in pyproject.toml, named with its table.
    project = _project(tmp_path, 'account = "abc"')
    (project / "p.json").write_text(policy.read_text())
    status, _, err = _check_file(project / "p.json", capsys)
    assert status == 2 and "[tool.kms-permissions.check]: account 'abc': not a 12-digit" in err


def test_list_rules_and_unrecognized_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--list-rules"]) == 0
    listed = capsys.readouterr().out
    assert "KMS040  error" in listed and "KMS044  info" in listed
    package = tmp_path / "package.json"
    package.write_text('{"name": "app", "version": "1.0.0"}')
    assert main(["check", str(package)]) == 2
    capsys.readouterr()
    assert main(["check", "--ignore-unrecognized", str(package)]) == 0


def test_list_rules_as_json_and_not_as_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    from kms_permissions.policy.registry import all_rules

    assert main(["check", "--list-rules", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "kms-permissions-rules/1"
    assert [r["id"] for r in document["rules"]] == [r.rule_id for r in all_rules()]
    kms103 = next(r for r in document["rules"] if r["id"] == "KMS103")
    assert kms103 == {
        "id": "KMS103",
        "name": "not-principal-with-allow",
        "severity": "error",
        "summary": "NotPrincipal with Allow",
        "kind": "key-policy",
        "link": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
    }
    assert main(["check", "--list-rules", "--sarif"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("kms-permissions check: --list-rules takes --json, not --sarif")


def test_data_that_is_not_statements_is_unrecognized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pre-commit hook runs on every JSON and YAML file: a list of records, Ansible tasks,
    an empty file hold no policy. They are skipped with --ignore-unrecognized and one input
    error without it, never a finding per object."""
    files = {
        "data.json": '[{"id": 1, "name": "foo"}]\n',
        "tasks.yaml": "- name: install\n  apt:\n    name: nginx\n- name: start\n  service: {}\n",
        "numbers.json": "[1, 2]",
        "nothing.json": "[]",
        "empty.yaml": "",
        "comments.yaml": "# nothing here\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        status, out, err = _check_file(path, capsys)
        assert status == 2 and "KMS1" not in out, name
        (line,) = err.strip().splitlines()
        assert "no policy" in line or "not a policy" in line, line
        assert _check_file(path, capsys, "--ignore-unrecognized") == (
            0,
            "0 findings in 0 files.\n",
            "",
        ), name
    # The real-world set's own tables are lists of records.
    for table in ("sources.json", "judgements.json", "expected.json"):
        assert _check_file(REALWORLD / table, capsys, "--ignore-unrecognized")[0] == 0, table
    with pytest.raises(PolicyError, match="not a policy"):
        check([{"id": 1, "name": "foo"}])
    # A list that looks like statements is checked strictly, every item of it.
    mixed = tmp_path / "mixed.json"
    mixed.write_text(
        json.dumps([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}, {"id": 1}])
    )
    status, out, _ = _check_file(mixed, capsys, "--ignore-unrecognized", "--kind", "iam-policy")
    assert status == 1 and "KMS100 [error]" in out
    found = check(json.loads(mixed.read_text()), kind="iam-policy")
    assert {(f.rule_id, f.statement) for f in found} == {
        ("KMS100", 1),
        ("KMS102", 1),
        ("KMS152", 0),  # kms:Decrypt on every key
    }
    one = {"Action": "kms:Decrypt", "Resource": "*"}  # one statement, its Effect forgotten
    assert [f.rule_id for f in check(one)] == ["KMS100"]
    # A template's policy that is not one is the template's error, whatever the option.
    template = tmp_path / "template.json"
    template.write_text(json.dumps(_cloudformation([{"id": 1}])))
    status, _, err = _check_file(template, capsys, "--ignore-unrecognized")
    assert status == 2 and "not a policy" in err


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "kms-permissions-check"
    assert hook["entry"].startswith("kms-permissions check")
    assert hook["language"] == "python"
    # It brings what reading YAML needs: the 'templates' extra, as pyproject declares it.
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert (
        hook["additional_dependencies"] == project["project"]["optional-dependencies"]["templates"]
    )
    assert set(hook["types_or"]) == {"json", "yaml"}
    # It passes the files that can hold a policy, and not those whose name says they do not.
    exclude = re.compile(hook["exclude"])
    for name in (
        "policies/key.json",
        "infra/template.yaml",
        "cdk.out/Stack.template.json",
        "terraform/plan.json",
        "kms/key-policy.yml",
    ):
        assert not exclude.search(name), name
    for name in (
        "package.json",
        "web/package-lock.json",
        "tsconfig.json",
        "tsconfig.build.json",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        "cdk.json",
        "docker-compose.yml",
        "mkdocs.yml",
        "frontend/node_modules/x/package.json",
    ):
        assert exclude.search(name), name


def test_a_batch_keeps_its_findings_when_one_file_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hook gives many files at once: one that cannot be read is one line on stderr and
    exit 2, and every other file's findings are still printed."""
    good = tmp_path / "a.json"
    good.write_text(
        (REALWORLD / "07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
    )
    bad = tmp_path / "b.json"
    bad.write_bytes(b'{"Statement": [{"Sid": "caf\xe9"}]}')
    status = main(["check", "--ignore-unrecognized", str(good), str(bad)])
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    assert status == 2
    assert "KMS105" in out and "1 file not read" in out
    (line,) = err.splitlines()
    assert line.startswith(f"kms-permissions check: {bad}: line 1: not UTF-8")


def test_a_bad_setting_is_reported_once_for_all_the_files_under_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _project(tmp_path, 'ignore = ["KMS999"]')
    names = []
    for index in range(3):
        path = folder / f"p{index}.json"
        path.write_text(
            (REALWORLD / "07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
        )
        names.append(str(path))
    status = main(["check", *names])
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert status == 2 and captured.out == ""
    assert str(tmp_path / "pyproject.toml") in line and "'KMS999' names no rule" in line


@pytest.mark.parametrize("before", ["", "[tool.kms-permissions.check]\n"])
def test_a_configuration_nested_too_deeply_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, before: str
) -> None:
    # Before our table (the scan meets it) and inside it (the reader meets it): both recurse.
    monkeypatch.chdir(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"{before}x = {'[' * 5000}{']' * 5000}\n[tool.kms-permissions.check]\n")
    policy = tmp_path / "key.json"
    policy.write_text(
        REALWORLD.joinpath("07-cwlogs-guide-old-key-decrypt-only-key-policy.json").read_text()
    )
    status = main(["check", str(policy)])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err.splitlines() == [
        f"kms-permissions check: {pyproject}: nested too deeply to be a configuration"
    ]
