"""The rule classes of issue 21 beyond their own examples: the cases each must flag, and the
near misses each must leave alone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kms_permissions.policy import check
from kms_permissions.policy.global_keys import PRESENCE, presence
from kms_permissions.policy.registry import Rule, all_rules
from kms_permissions.policy.rules._examples import (
    ACCOUNT,
    KEY_ARN,
    ROLE,
    allow,
    iam_allow,
    iam_policy,
    key_policy,
)

LOGS = {"Service": "logs.amazonaws.com"}


def rules(policy: Any, **options: Any) -> list[str]:
    return [f.rule_id for f in check(policy, **options)]


def test_global_keys_by_principal_type() -> None:
    assert presence("AWS:SOURCEARN") is presence("aws:SourceArn")
    assert presence("aws:PrincipalTag/team").key == "aws:PrincipalTag/"  # type: ignore[union-attr]
    assert presence("aws:SourceIp") is None
    assert all(p.link.startswith("https://docs.aws.amazon.com/IAM/") for p in PRESENCE)
    source_arn = {"ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:*"}}
    # An IAM policy's principal is an IAM identity: aws:SourceArn is never there.
    found = check(iam_policy(iam_allow("kms:Decrypt", Condition=source_arn)))
    assert [f.rule_id for f in found] == ["KMS014"] and "aws:PrincipalArn" in found[0].message
    # With the service principal that sets it: fine; with IfExists or a negation: not judged.
    assert "KMS014" not in rules(key_policy(allow("kms:Decrypt", LOGS, Condition=source_arn)))
    if_exists = {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:logs:*"}}
    assert "KMS014" not in rules(key_policy(allow("kms:Decrypt", Condition=if_exists)))
    # aws:PrincipalOrgID with a service principal; Principal "*" is anyone: not judged.
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert "KMS014" in rules(key_policy(allow("kms:Decrypt", LOGS, Condition=org)))
    assert "KMS014" not in rules(key_policy(allow("kms:Decrypt", "*", Condition=org)))
    # A Deny that can never apply is reported too: it protects nothing.
    deny = {**allow("kms:Decrypt", Condition=source_arn), "Effect": "Deny"}
    assert "denies nothing" in " ".join(f.message for f in check(key_policy(deny)))


def test_via_service_regions() -> None:
    def via(value: Any) -> list[str]:
        condition = {"StringEquals": {"kms:ViaService": value}}
        return rules(key_policy(allow("kms:Decrypt", Condition=condition)))

    good_values = [
        "ec2.us-gov-west-1.amazonaws.com",
        "rds.ap-southeast-7.amazonaws.com",
        "ec2.*.amazonaws.com",
        "s3.${AWS::Region}.amazonaws.com",
        "lambda.il-central-1.amazonaws.com",
    ]
    for good in good_values:
        assert "KMS015" not in via(good), good
    for bad in ("ec2.us-east1.amazonaws.com", "ec2.us-east-1a.amazonaws.com",
                "ec2.useast-1.amazonaws.com"):  # fmt: skip
        assert "KMS015" in via(bad), bad
    # A service the guide's table does not list: EBS calls KMS as ec2, IAM never does.
    for unknown in ("ebs.us-east-1.amazonaws.com", "iam.us-east-1.amazonaws.com"):
        assert "KMS015" in via(unknown), unknown
    assert "KMS015" not in via("s3.amazonaws.com")  # the shape is KMS071's
    assert "KMS071" in via("s3.amazonaws.com")


def test_a_service_region_value_is_judged_by_kms015_alone() -> None:
    # A value of the form SERVICE.REGION.amazonaws.com is KMS015's: KMS071 (the value's form)
    # stays quiet on it, right or wrong, so a mistake in it is one finding, not two.
    def via(value: str) -> list[str]:
        condition = {"StringEquals": {"kms:ViaService": value}}
        return rules(key_policy(allow("kms:Decrypt", Condition=condition)))

    for wrong in ("ec2.eu_west_2.amazonaws.com", "EC2.us-east-1.amazonaws.com",
                  "secretsmanager.eu-west.amazonaws.com"):  # fmt: skip
        found = via(wrong)
        assert found.count("KMS015") == 1 and "KMS071" not in found, (wrong, found)
    for right in ("ec2.${aws_region}.amazonaws.com", "rds.*.amazonaws.com",
                  "dynamodb.eu-west-2.amazonaws.com"):  # fmt: skip
        found = via(right)
        assert "KMS015" not in found and "KMS071" not in found, (right, found)


def test_grant_escalation_needs_a_principal_without_use() -> None:
    admin = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"}
    found = check(key_policy(allow(["kms:Create*", "kms:Put*"], admin)))
    assert [f.rule_id for f in found] == ["KMS150"] and "(kms:Create*)" in found[0].message
    # kms:* holds every use already; a role that is also a full key user gains nothing either.
    assert "KMS150" not in rules(key_policy(allow("kms:*", admin)))
    uses = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
    both = key_policy(allow("kms:Create*", admin), allow(uses, admin))
    assert "KMS150" not in rules(both)
    # A user of some operations gains the others of the keys that allow them: Decrypt and
    # GenerateDataKeyWithoutPlaintext are a symmetric key's, whose Encrypt it can grant itself.
    some = ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"]
    found = check(key_policy(allow(some, admin)))
    assert [f.rule_id for f in found] == ["KMS150"]
    gained = found[0].message.split("give itself ", 1)[1]
    assert "kms:Encrypt" in gained and "kms:Decrypt" not in gained
    # Decrypt with Sign: no key usage allows both, so the policy does not say what the key
    # is and what a grant would add is not guessed.
    sign = key_policy(allow(["kms:Decrypt", "kms:Sign", "kms:CreateGrant"], admin))
    assert [f.rule_id for f in check(sign)] == []
    # Grants only through a service, or only for AWS resources: nothing to gain either.
    via = {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}
    assert "KMS150" not in rules(key_policy(allow("kms:CreateGrant", Condition=via)))
    # The account (root) is left to the IAM policies it enables.
    assert "KMS150" not in rules(key_policy())


def test_iam_policies_on_every_key() -> None:
    assert "KMS151" in rules(iam_policy(iam_allow("kms:Put*", "*")))
    assert "KMS151" in rules(iam_policy(iam_allow("kms:CreateGrant", "arn:aws:kms:*:*:key/*")))
    assert "KMS151" not in rules(iam_policy(iam_allow("*", "*")))  # an administrator's policy
    tagged = {"StringEquals": {"aws:ResourceTag/team": "payments"}}
    assert "KMS151" not in rules(iam_policy(iam_allow("kms:*", "*", Condition=tagged)))
    # Least privilege: cryptographic actions on every key, never those granted only on "*".
    assert "KMS152" in rules(iam_policy(iam_allow("kms:Decrypt", "*")))
    assert "KMS152" in rules(iam_policy(iam_allow("kms:Decrypt", f"arn:aws:kms:*:{ACCOUNT}:key/*")))
    assert "KMS152" not in rules(iam_policy(iam_allow(["kms:ListKeys", "kms:CreateKey"], "*")))
    assert "KMS152" not in rules(iam_policy(iam_allow("kms:Decrypt", KEY_ARN)))
    via = {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    assert "KMS152" not in rules(iam_policy(iam_allow("kms:Decrypt", "*", Condition=via)))


def test_recovery_rules() -> None:
    admin = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"}
    other = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Backup"}
    # One administrator, no account statement: advice; two, or the account: nothing.
    only = key_policy(allow("kms:*", admin), allow("kms:Decrypt"), root=False)
    assert "KMS053" in rules(only)
    two = key_policy(allow("kms:*", admin), allow("kms:*", other), root=False)
    assert "KMS053" not in rules(two)
    assert "KMS053" not in rules(key_policy(allow("kms:*", admin)))
    # Nobody may use the key: administration only, and no account statement.
    nobody = key_policy(allow(["kms:Put*", "kms:Describe*"], admin), root=False)
    assert "KMS052" in rules(nobody)
    assert "KMS052" not in rules(key_policy(allow(["kms:Put*"], admin)))  # IAM may give use
    users = key_policy(allow(["kms:Put*"], admin), allow("kms:Decrypt", {"AWS": ROLE}), root=False)
    assert "KMS052" not in rules(users)
    # Fetching an asymmetric key's public key is using it (to verify or encrypt outside KMS).
    public = key_policy(
        allow(["kms:Put*"], admin),
        allow("kms:GetPublicKey", {"AWS": "arn:aws:iam::444455556666:root"}),
        root=False,
    )
    assert "KMS052" not in rules(public)


def test_every_new_finding_says_how_to_fix_it() -> None:
    source = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    region = {"StringEquals": {"kms:ViaService": "s3.us-east1.amazonaws.com"}}
    admin = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"}
    cases = [
        iam_policy(iam_allow("kms:Decrypt", Condition=source)),
        key_policy(allow("kms:Decrypt", Condition=region)),
        key_policy(allow("kms:CreateGrant", {"AWS": "arn:aws:iam::444455556666:root"})),
        key_policy(allow(["kms:Create*", "kms:Put*"], admin), root=False),
        iam_policy(iam_allow("kms:*", "*")),
        key_policy(allow(["kms:Put*"], {"AWS": ROLE}), root=False),
    ]  # fmt: skip
    fixes = ("instead", "write", "add", "name", "list")
    seen = set()
    for policy in cases:
        for finding in check(policy):
            if finding.rule_id in {
                "KMS014",
                "KMS015",
                "KMS031",
                "KMS052",
                "KMS053",
                "KMS150",
                "KMS151",
                "KMS152",
            }:
                seen.add(finding.rule_id)
                assert any(word in finding.message for word in fixes), finding.message
    assert seen == {"KMS014", "KMS015", "KMS031", "KMS052", "KMS053", "KMS150", "KMS151", "KMS152"}


def test_an_encryption_context_naming_one_accounts_resource_pins_the_service() -> None:
    """The CloudWatch Logs key policy (KMS and CloudWatch Logs guides) limits the service with
    `ArnLike kms:EncryptionContext:aws:logs:arn`, not with aws:SourceAccount: no KMS044."""
    context = "kms:EncryptionContext:aws:logs:arn"
    pinned = {"ArnLike": {context: f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*"}}
    assert "KMS044" not in rules(key_policy(allow("kms:GenerateDataKey*", LOGS, Condition=pinned)))
    # A pattern that lets any account's log groups through still leaves the deputy confused.
    anyone = {"ArnLike": {context: "arn:aws:logs:us-east-1:*:log-group:*"}}
    assert "KMS044" in rules(key_policy(allow("kms:GenerateDataKey*", LOGS, Condition=anyone)))
    negated = {"ArnNotLike": {context: f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*"}}
    assert "KMS044" in rules(key_policy(allow("kms:GenerateDataKey*", LOGS, Condition=negated)))


def test_via_service_on_an_operation_it_does_not_condition_is_reported() -> None:
    # The part of "a service that never calls the operation" the dataset can say: the
    # operations kms:ViaService is a condition key of. ListAliases is not one (KMS013 says the
    # statement never allows it); Decrypt and CreateKey are. Which operations each service
    # calls is not in the dataset, so EC2 with kms:Sign is not judged (KMS015's page says why).
    via = {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}
    found = check(iam_policy(iam_allow(["kms:Decrypt", "kms:ListAliases"], "*", Condition=via)))
    assert [
        (f.rule_id, "kms:ListAliases" in f.message) for f in found if f.rule_id != "KMS152"
    ] == [("KMS013", True)]
    assert not {"KMS010", "KMS013", "KMS015"} & set(
        rules(iam_policy(iam_allow(["kms:Decrypt", "kms:CreateKey"], "*", Condition=via)))
    )
    assert "KMS015" not in rules(key_policy(allow("kms:Sign", Condition=via)))


# A fix is an imperative clause after the diagnosis: "; add ...", ": write ...", "(use ...".
_FIX = re.compile(
    r"(?:[;:.(]|\bor)\s*(?:if [^;]*, )?(?:add|write|use|remove|name|move|grant|give|list|limit|"
    r"put|compare|test|wrap|correct|allow|did you mean|exempt)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.rule_id)
def test_every_finding_says_how_to_fix_it(rule: Rule) -> None:
    found = [f for f in check(rule.bad, kind=rule.kind) if f.rule_id == rule.rule_id]
    assert found, rule.rule_id
    for finding in found:
        assert _FIX.search(finding.message), (rule.rule_id, finding.message)


ALIAS = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"
ALIAS_OPERATIONS = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"]


def test_alias_operations_allowed_only_on_keys() -> None:
    """KMS112 judges the policy: an alias operation is allowed when some statement allows it on
    a resource that can be an alias, whichever statement that is."""
    assert rules(iam_policy(iam_allow(ALIAS_OPERATIONS, KEY_ARN))) == ["KMS112"]
    key_and_alias = iam_policy(
        iam_allow(ALIAS_OPERATIONS, KEY_ARN), iam_allow(["kms:CreateAlias"], ALIAS)
    )
    found = check(key_and_alias)
    assert [f.rule_id for f in found] == ["KMS112"]
    assert "kms:DeleteAlias, kms:UpdateAlias" in found[0].message
    assert "CreateAlias" not in found[0].message
    for resource in ("*", [KEY_ARN, ALIAS], f"arn:aws:kms:us-east-1:{ACCOUNT}:*", "${key}"):
        assert "KMS112" not in rules(iam_policy(iam_allow(ALIAS_OPERATIONS, resource))), resource
    # A lone statement is a part of a policy whose other statements are not seen.
    assert "KMS112" not in rules(iam_allow(ALIAS_OPERATIONS, KEY_ARN))
    # Key policies authorize the key part only: not this rule's.
    assert "KMS112" not in rules(key_policy(allow(ALIAS_OPERATIONS)))


def test_a_missing_version_is_advice_on_kms_policies_only() -> None:
    statement = iam_allow("kms:Decrypt", KEY_ARN)
    assert rules({"Statement": [statement]}) == ["KMS108"]
    assert rules({"Version": "2008-10-17", "Statement": [statement]}) == []
    assert rules([statement]) == [] and rules(statement) == []  # snippets
    s3_only = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    assert rules(s3_only) == []
    everything = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    }
    assert "KMS108" not in rules(everything, kind="vpc-endpoint-policy")


def test_placeholders_of_examples_are_named_and_real_values_are_not() -> None:
    def placeholder_messages(resource: Any = KEY_ARN, condition: Any = None) -> list[str]:
        statement = iam_allow("kms:Decrypt", resource)
        if condition is not None:
            statement["Condition"] = condition
        return [f.message for f in check(iam_policy(statement)) if f.rule_id == "KMS109"]

    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/"
    for value in ("key_ID", "123456", "3be10e2d-xmpl-4be4-bc9d-0405a71945cc", "KMSKeyId"):
        (message,) = placeholder_messages(key + value)
        assert f"key ID '{value}' is a placeholder" in message
    for value in ("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-" + "0" * 32, "*", "${id}"):
        assert placeholder_messages(key + value) == [], value
    org = {"StringEquals": {"aws:PrincipalOrgID": "<my-org-id>"}}
    region = {"StringNotEquals": {"aws:RequestedRegion": ["{example-region-1}", "us-east-1"]}}
    role = {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/[ADMIN_ROLE]"}}
    for condition, shown in (
        (org, "'<my-org-id>'"),
        (region, "'{example-region-1}'"),
        (role, "'[ADMIN_ROLE]'"),
    ):
        (message,) = placeholder_messages(condition=condition)
        assert message.startswith(f"{shown} is a placeholder"), message
    # Policy variables and templates' substitutions are not placeholders of an example.
    variables = {"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}}
    assert placeholder_messages("arn:aws:kms:*:${Account}:key/*", variables) == []
    # One finding per statement, naming what it holds.
    both = {**org, **region}
    (message,) = placeholder_messages(key + "key_ID", both)
    assert message.startswith("'<my-org-id>', '{example-region-1}', key ID 'key_ID' are")


def test_a_resource_that_is_no_arn_is_refused_as_aws_refuses_it() -> None:
    def found(resource: Any, kind: str = "iam-policy") -> list[str]:
        policy = (
            iam_policy(iam_allow("kms:Decrypt", resource))
            if kind == "iam-policy"
            else key_policy(allow("kms:Decrypt", Resource=resource))
        )
        return [f.rule_id for f in check(policy, kind=kind) if f.rule_id in {"KMS106", "KMS109"}]

    for resource in ("1234abcd-12ab-34cd-56ef-1234567890ab", "alias/app", "custom-key-id"):
        assert found(resource) == ["KMS106"], resource
    for resource in ("*", KEY_ARN, "arn:aws:kms:*:*:key/*", "${key_arn}"):
        assert found(resource) == [], resource
    assert found("<key-arn>") == ["KMS109"]  # an example's marked placeholder: advice
    assert found("custom-key-id", kind="key-policy") == []  # KMS090's
