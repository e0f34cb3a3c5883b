"""CloudFormation's pseudo parameters mean "this template's account / Region / partition":
a root principal built from `${AWS::AccountId}` in any of the ways templates write it is the
owning account, with or without `--account`; Terraform plans hold the values themselves
(issue 21, item 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from kms_permissions.policy import check

ACCOUNT = "111122223333"
# The ways templates write the account's root principal (all seen in real templates: !Sub in
# aws-samples, Fn::Join in CDK output, Fn::Sub with a variable map, a bare !Ref).
ROOTS: dict[str, Any] = {
    "Fn::Sub": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
    "Fn::Sub map": {
        "Fn::Sub": [
            "arn:${P}:iam::${A}:root",
            {"P": {"Ref": "AWS::Partition"}, "A": {"Ref": "AWS::AccountId"}},
        ]
    },
    "Fn::Join": {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"],
        ]
    },
    "Ref": {"Ref": "AWS::AccountId"},
}


def _template(root: Any, *more: dict[str, Any]) -> dict[str, Any]:
    statements = [
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        },
        *more,
    ]
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": statements}},
            }
        },
    }


USE = {
    "Sid": "Use",
    "Effect": "Allow",
    "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/App"}},
    "Action": ["kms:Decrypt", "kms:ScheduleKeyDeletion"],
    "Resource": "*",
    "Condition": {"StringEquals": {"kms:CallerAccount": {"Ref": "AWS::AccountId"}}},
}


@pytest.mark.parametrize("form", sorted(ROOTS))
def test_the_template_account_is_the_account_with_or_without_account(form: str) -> None:
    template = _template(ROOTS[form], USE)
    found = check(template)
    assert found == check(template, account=ACCOUNT), form
    # It enables IAM policies, and the role of the template's account is not another's.
    assert not {"KMS050", "KMS105", "KMS030"} & {f.rule_id for f in found}, form
    # The same as YAML text, the short forms included.
    text = yaml.safe_dump(template)
    assert [f.rule_id for f in check(text)] == [f.rule_id for f in found]


def test_short_forms_in_yaml() -> None:
    text = """\
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Ref AWS::AccountId}
            Action: kms:*
            Resource: "*"
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
"""
    assert check(text) == check(text, account=ACCOUNT) == []


def test_another_account_is_still_another_account() -> None:
    other = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": "kms:ScheduleKeyDeletion",
        "Resource": "*",
    }
    found = check(_template(ROOTS["Fn::Sub"], other), account=ACCOUNT)
    assert [f.rule_id for f in found] == ["KMS030"]


def test_a_key_policy_without_the_account_says_so_quoting_the_template() -> None:
    only_role = _template({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/Admin"})
    for account in (None, ACCOUNT):
        assert "KMS050" in {f.rule_id for f in check(only_role, account=account)}
    wrong = _template({"Fn::Sub": "arn:aws:iam:us-east-1:${AWS::AccountId}:root"})
    (finding,) = [f for f in check(wrong) if f.rule_id == "KMS105"]
    assert "arn:aws:iam:us-east-1:${AWS::AccountId}:root" in finding.message


def _plan(policy: dict[str, Any]) -> dict[str, Any]:
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
                        "values": {"policy": json.dumps(policy)},
                    }
                ]
            }
        },
    }


def test_a_terraform_plan_holds_the_account_itself() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    assert check(_plan(policy)) == check(_plan(policy), account=ACCOUNT) == []
    assert "KMS050" in {f.rule_id for f in check(_plan(policy), account="444455556666")}
