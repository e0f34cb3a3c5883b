"""A policy is judged as what it is: other services' resource policies, trust policies, SCPs,
RCPs and VPC endpoint policies get no KMS finding for not being key policies, and `--json`
says which kind was inferred and from what (issue 21, item 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kms_permissions.cli import main
from kms_permissions.commands.check import KINDS as COMMAND_KINDS
from kms_permissions.policy import check
from kms_permissions.policy.checker import KINDS

ACCOUNT = "111122223333"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# Policies of other services as their guides show them (AWS documentation shapes, values ours).
NOT_KMS: dict[str, tuple[str, dict[str, Any]]] = {
    "s3-bucket-policy": (
        "resource-policy",
        _doc(
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
            },
            {
                "Sid": "DenyInsecure",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [
                    "arn:aws:s3:::amzn-s3-demo-bucket",
                    "arn:aws:s3:::amzn-s3-demo-bucket/*",
                ],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ),
    ),
    "role-trust-policy": (
        "trust-policy",
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
    ),
    "oidc-trust-policy": (
        "trust-policy",
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"Federated": GITHUB},
                "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
                },
            }
        ),
    ),
    "sns-topic-policy": (
        "resource-policy",
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "SNS:Publish",
                "Resource": f"arn:aws:sns:us-east-1:{ACCOUNT}:topic",
                "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::amzn-s3-demo-bucket"}},
            }
        ),
    ),
    "sqs-queue-policy": (
        "resource-policy",
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sqs:SendMessage",
                "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue",
                "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:t"}},
            }
        ),
    ),
    "secret-resource-policy": (
        "resource-policy",
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/App"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    ),
    "ecr-repository-policy": (
        "resource-policy",
        _doc(
            {
                "Sid": "AllowPull",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    ),
    "iam-policy-of-s3": (
        "iam-policy",
        _doc({"Effect": "Allow", "Action": "s3:GetObject"}),
    ),
    "default-endpoint-policy": (
        "vpc-endpoint-policy",
        {"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]},
    ),
    "rcp": (
        "rcp",
        _doc(
            {
                "Sid": "EnforceOrgIdentities",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"],
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg"},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            }
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_KMS))
def test_other_policies_get_no_kms_finding_and_their_kind(name: str) -> None:
    kind, policy = NOT_KMS[name]
    assert check(policy) == []
    assert check(policy, account=ACCOUNT) == []
    if kind in ("resource-policy", "trust-policy") or name == "iam-policy-of-s3":
        # No KMS action in it: named an IAM policy (per-file-kinds), still nothing to say.
        assert check(policy, kind="iam-policy") == [], name


def test_json_says_the_kind_and_what_it_was_read_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (kind, policy) in NOT_KMS.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(policy))
        assert main(["check", "--json", str(path)]) == 0
        (entry,) = json.loads(capsys.readouterr().out)["files"]
        (inferred,) = entry["policies"]
        assert (entry["kind"], inferred["kind"]) == (kind, kind), name
        assert inferred["kind_from"], name
    path = tmp_path / "given.json"
    path.write_text(json.dumps(NOT_KMS["default-endpoint-policy"][1]))
    assert main(["check", "--json", "--kind", "key-policy", str(path)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["files"][0]["policies"][0]["kind_from"] == "--kind"
    assert "KMS040" in {f["rule_id"] for f in document["files"][0]["findings"]}


def test_kms_statements_of_an_scp_are_checked_and_the_rest_is_not() -> None:
    scp = _doc(
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {}}},
        {
            "Effect": "Deny",
            "Action": "kms:ScheduleKeyDeletion",
            "Resource": "*",
            "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}},
        },
        {
            "Effect": "Deny",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1", "kms:Bogus": "x"}
            },
        },
    )
    found = check(scp, kind="scp")
    assert {f.rule_id for f in found} == {"KMS011"}
    assert {f.statement for f in found} == {2}


def test_an_iam_policy_is_judged_on_its_kms_statements_only() -> None:
    policy = _doc(
        {"Effect": "Allow", "Action": "s3:GetObject"},  # no Resource: not a KMS matter
        {"Effect": "Allow", "Action": "kms:Decrypt"},
    )
    assert [(f.rule_id, f.statement) for f in check(policy)] == [("KMS102", 1)]


def test_a_key_policy_is_still_a_key_policy() -> None:
    policy = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/App"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    assert "KMS051" in {f.rule_id for f in check(policy)}


def test_the_command_line_offers_every_kind() -> None:
    assert COMMAND_KINDS == KINDS


# The region deny of the IAM User Guide and of SCP examples: the same statement in both.
REGION_DENY: dict[str, Any] = {
    "Effect": "Deny",
    "NotAction": ["iam:*", "organizations:*", "route53:*", "support:*"],
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}},
}
EXEMPT = {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}


def _inferred(tmp_path: Path, name: str, policy: dict[str, Any]) -> tuple[str, str]:
    from kms_permissions.policy.run import Options, check_file

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(policy))
    result = check_file(str(path), Options())
    (checked,) = result.checked
    return checked.kind, checked.kind_from


def test_an_scp_is_told_from_its_exemptions_or_its_file_name(tmp_path: Path) -> None:
    exempting = dict(REGION_DENY, Condition={**REGION_DENY["Condition"], **EXEMPT})
    kind, why = _inferred(tmp_path, "deny-regions.json", _doc(exempting))
    assert kind == "scp" and "aws:principalarn" in why
    # Tags and accounts exempt principals as well; one exempting statement among Denies will do.
    tagged = {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
              "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}}  # fmt: skip
    assert _inferred(tmp_path, "a.json", _doc(REGION_DENY, tagged))[0] == "scp"
    # Without one, an identity-based policy reads the same: iam-policy, and the reason says so.
    kind, why = _inferred(tmp_path, "deny-regions.json", _doc(REGION_DENY))
    assert kind == "iam-policy" and "may be an SCP" in why
    # An Allow beside the exempting Deny: an identity-based policy's shape.
    allow = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    assert _inferred(tmp_path, "b.json", _doc(exempting, allow))[0] == "iam-policy"
    # The file's name or folder says SCP: service_control_policies/, scp-*.json, ScpS3.json.
    for name in ("scps/deny-regions.json", "service_control_policies/x.json", "scp_region.json",
                 "ServiceControlPolicies/a.json"):  # fmt: skip
        kind, why = _inferred(tmp_path, name, _doc(REGION_DENY))
        assert kind == "scp" and "path" in why, name
    # Names that only contain the letters do not: scpi.json, escape/.
    for name in ("scpi.json", "escape/deny.json", "descp.json"):
        assert _inferred(tmp_path, name, _doc(REGION_DENY))[0] == "iam-policy", name


def test_a_guardrails_region_deny_is_not_reported_as_what_not_action_covers() -> None:
    # KMS003 says what an Allow NotAction (or an unconditional Deny NotAction) covers; a region
    # deny is a guardrail's idiom, whatever the kind it is read as.
    for kind in ("scp", "iam-policy"):
        assert "KMS003" not in {f.rule_id for f in check(_doc(REGION_DENY), kind=kind)}
    unconditional = {k: v for k, v in REGION_DENY.items() if k != "Condition"}
    assert "KMS003" in {f.rule_id for f in check(_doc(unconditional), kind="iam-policy")}
    allowing = dict(unconditional, Effect="Allow")
    assert "KMS003" in {f.rule_id for f in check(_doc(allowing), kind="scp")}


def test_an_unknown_operator_is_reported_once_and_a_trailing_comma_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = _doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "Condition": {
                    "StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/t"},
                    "StringLike": {"aws:SourceAccount": ACCOUNT},
                }
            },
        }
    )
    assert [f.rule_id for f in check(nested)].count("KMS072") == 1
    path = tmp_path / "p.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",\n'
                    ' "Action": ["kms:*",], "Resource": "*"}]}')  # fmt: skip
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 2 column 20: a comma before ']', which JSON does not allow; remove it" in err
