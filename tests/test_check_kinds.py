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
from kms_permissions.policy.check import KINDS

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
