"""`key-policy new` on AWS's documented key policy scenarios.

Each scenario is a spec written from one AWS page, and the requests that page says the policy
must allow and the near misses it must refuse (another account, another operation, a missing or
wrong context, another service or Region), written before the policy was generated and decided
by `explain` on the generated policy. Each policy also passes `check` with no error and no
warning, `--verify` agrees, and where AWS publishes the statement, ours has its effect,
principal, actions and conditions, or differs as the scenario says and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import kms_permissions as kp
from kms_permissions.policy.access import explain
from kms_permissions.policy.authoring import statements
from kms_permissions.policy.authoring.api import read_spec
from kms_permissions.policy.authoring.verify import verify
from kms_permissions.policy.checker import check, knowledge

ACCOUNT = "111122223333"
OTHER = "444455556666"
THIRD = "777788889999"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"
APP = f"arn:aws:iam::{ACCOUNT}:role/AppRole"
TRAIL = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app"
LOG_CONTEXT = "kms:EncryptionContext:aws:logs:arn"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms"
TOPIC_CONTEXT = "kms:EncryptionContext:aws:sns:topicArn"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
BUS_CONTEXT = "kms:EncryptionContext:aws:events:event-bus:arn"
SECRETS = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
SECRET_CONTEXT = "kms:EncryptionContext:SecretARN"
FUNCTIONS = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
FUNCTION_CONTEXT = "kms:EncryptionContext:aws:lambda:FunctionArn"
SQS_DOCS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
BACKUP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)


OTHER_SLR = SLR.replace(ACCOUNT, OTHER)
# The operations of the grant AWS's page has the other account create for its role.
SLR_GRANT = [
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "DescribeKey",
    "CreateGrant",
]


def role(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


@dataclass(frozen=True)
class Ask:
    """One request and what the AWS page says KMS must decide."""

    why: str
    principal: str
    action: str
    allow: bool
    context: dict[str, str | list[str]] = field(default_factory=dict)
    iam: tuple[str, ...] = ()


@dataclass(frozen=True)
class Published:
    """A statement AWS publishes for the scenario, and how ours differs from it (if at all):
    actions AWS's wildcards cover that we leave out or that we add, and why."""

    sid: str
    principal: dict[str, Any]
    actions: tuple[str, ...]
    condition: dict[str, Any] | None
    dropped: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    why: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    page: str
    spec: dict[str, Any]
    asks: tuple[Ask, ...]
    published: tuple[Published, ...] = ()


def base(**more: Any) -> dict[str, Any]:
    return {"account": ACCOUNT, "region": REGION, "admins": [ADMIN], **more}


SCENARIOS = [
    Scenario(
        "cloudtrail",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        base(services=[{"name": "cloudtrail", "trail_arn": TRAIL}]),
        (
            Ask(
                "CloudTrail writes the trail's log files",
                "cloudtrail.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
            ),
            Ask(
                "CloudTrail describes the key for the trail",
                "cloudtrail.amazonaws.com",
                "kms:DescribeKey",
                True,
                {"aws:SourceArn": TRAIL},
            ),
            Ask(
                "another account's trail (confused deputy)",
                "cloudtrail.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {
                    "aws:SourceArn": TRAIL.replace(ACCOUNT, OTHER),
                    "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL.replace(ACCOUNT, OTHER),
                },
            ),
            Ask(
                "CloudTrail never decrypts",
                "cloudtrail.amazonaws.com",
                "kms:Decrypt",
                False,
                {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
            ),
            Ask(
                "a call without the trail's context",
                "cloudtrail.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {"aws:SourceArn": TRAIL},
            ),
        ),
        (
            Published(
                "AllowCloudtrailToEncryptLogsForTheTrail",
                {"Service": "cloudtrail.amazonaws.com"},
                ("kms:GenerateDataKey*",),
                {
                    "StringEquals": {"aws:SourceArn": TRAIL},
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": (
                            f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
                        )
                    },
                },
            ),
        ),
    ),
    Scenario(
        "cloudtrail-log-readers",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        base(
            users=[role(ACCOUNT, "SecurityAuditors")],
            users_use=["decrypt", "describe-key"],
            services=[{"name": "cloudtrail", "trail_arn": TRAIL}],
            encryption_context={"aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
        ),
        (
            Ask(
                "an auditor decrypts a log file of the account's trail",
                role(ACCOUNT, "SecurityAuditors"),
                "kms:Decrypt",
                True,
                {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
            ),
            Ask(
                "an auditor decrypts another account's trail's log file",
                role(ACCOUNT, "SecurityAuditors"),
                "kms:Decrypt",
                False,
                {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL.replace(ACCOUNT, OTHER)},
            ),
            Ask(
                "an auditor decrypts something that is not a log file",
                role(ACCOUNT, "SecurityAuditors"),
                "kms:Decrypt",
                False,
                {"kms:EncryptionContext:App": "orders"},
            ),
            Ask(
                "an auditor encrypts (readers only decrypt)",
                role(ACCOUNT, "SecurityAuditors"),
                "kms:Encrypt",
                False,
                {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
            ),
            Ask(
                "an auditor lets a service grant itself use (readers grant nothing)",
                role(ACCOUNT, "SecurityAuditors"),
                "kms:CreateGrant",
                False,
                {
                    "kms:GrantIsForAWSResource": "true",
                    "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL,
                },
            ),
            Ask(
                "CloudTrail still writes the log files",
                "cloudtrail.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {"aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL},
            ),
        ),
    ),
    Scenario(
        "cloudwatch-logs",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
        base(services=[{"name": "logs", "log_group_arn": LOG_GROUP}]),
        (
            Ask(
                "Logs encrypts the log group's events",
                f"logs.{REGION}.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {LOG_CONTEXT: LOG_GROUP},
            ),
            Ask(
                "Logs decrypts them for a reader",
                f"logs.{REGION}.amazonaws.com",
                "kms:Decrypt",
                True,
                {LOG_CONTEXT: LOG_GROUP},
            ),
            Ask(
                "another log group",
                f"logs.{REGION}.amazonaws.com",
                "kms:Decrypt",
                False,
                {LOG_CONTEXT: LOG_GROUP.replace(":app", ":other")},
            ),
            Ask(
                "Logs in another Region",
                "logs.us-west-2.amazonaws.com",
                "kms:Decrypt",
                False,
                {LOG_CONTEXT: LOG_GROUP},
            ),
        ),
        (
            Published(
                "AllowLogsToEncryptTheLogGroup",
                {"Service": f"logs.{REGION}.amazonaws.com"},
                (
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ),
                {"ArnEquals": {LOG_CONTEXT: LOG_GROUP}},
                dropped=frozenset({"kms:DescribeKey"}),
                why="a DescribeKey request never carries an encryption context, so the published "
                "statement's condition never holds for it",
            ),
        ),
    ),
    Scenario(
        "sns-cloudwatch-alarms",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
        base(
            services=[
                {
                    "name": "sns",
                    "topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms",
                    "source_arn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:high-cpu",
                }
            ]
        ),
        (
            Ask(
                "the alarm publishes to the encrypted topic",
                "cloudwatch.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:high-cpu",
                    TOPIC_CONTEXT: TOPIC,
                },
            ),
            Ask(
                "another account's alarm",
                "cloudwatch.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {
                    "aws:SourceAccount": OTHER,
                    "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{OTHER}:alarm:high-cpu",
                    TOPIC_CONTEXT: TOPIC,
                },
            ),
            Ask(
                "another service principal",
                "events.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:high-cpu",
                    TOPIC_CONTEXT: TOPIC,
                },
            ),
        ),
    ),
    Scenario(
        "sqs-eventbridge-rule",
        f"{SQS_DOCS}sqs-key-management.html",
        base(
            services=[
                {
                    "name": "sqs",
                    "queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders",
                    "source_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/order-created",
                }
            ]
        ),
        (
            Ask(
                "the rule's target sends to the encrypted queue",
                "events.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/order-created",
                },
            ),
            Ask(
                "another rule",
                "events.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/other",
                },
            ),
            Ask(
                "another account's rule",
                "events.amazonaws.com",
                "kms:Decrypt",
                False,
                {
                    "aws:SourceAccount": OTHER,
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{OTHER}:rule/order-created",
                },
            ),
            Ask(
                "the service encrypts with no source at all",
                "events.amazonaws.com",
                "kms:GenerateDataKey",
                False,
            ),
            Ask(
                "a data key the queue never asks for",
                "events.amazonaws.com",
                "kms:Encrypt",
                False,
                {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/order-created",
                },
            ),
        ),
        (
            Published(
                "AllowSqsToSendFromEventsToTheEncryptedQueue",
                {"Service": "events.amazonaws.com"},
                ("kms:GenerateDataKey", "kms:Decrypt"),
                {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {
                        "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/order-created"
                    },
                },
                why="AWS's example pins aws:SourceArn; we pin aws:SourceAccount too",
            ),
        ),
    ),
    Scenario(
        "sqs-s3-event-notifications",
        f"{SQS_DOCS}sqs-key-management.html",
        base(
            services=[
                {
                    "name": "sqs",
                    "queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:uploads",
                    "source_arn": "arn:aws:s3:::upload-bucket",
                }
            ]
        ),
        (
            Ask(
                "the bucket notifies the queue",
                "s3.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::upload-bucket"},
            ),
            Ask(
                "a bucket of the same name in another account (S3 ARNs name no account)",
                "s3.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {"aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::upload-bucket"},
            ),
            Ask(
                "another bucket",
                "s3.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::other-bucket"},
            ),
        ),
    ),
    Scenario(
        "eventbridge-event-bus",
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
        base(
            services=[
                {
                    "name": "events",
                    "event_bus_arn": BUS,
                }
            ]
        ),
        (
            Ask(
                "EventBridge encrypts the bus's events",
                "events.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {
                    "aws:SourceArn": BUS,
                    "kms:EncryptionContext:aws:events:event-bus:arn": (BUS),
                },
            ),
            Ask(
                "another bus",
                "events.amazonaws.com",
                "kms:Decrypt",
                False,
                {
                    "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
                    "kms:EncryptionContext:aws:events:event-bus:arn": (
                        f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
                    ),
                },
            ),
        ),
    ),
    Scenario(
        "backup-vault",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
        base(
            services=[
                {
                    "name": "backup",
                    "role_arn": BACKUP_ROLE,
                }
            ]
        ),
        (
            Ask(
                "the backup role encrypts through AWS Backup",
                BACKUP_ROLE,
                "kms:GenerateDataKey",
                True,
                {"kms:ViaService": f"backup.{REGION}.amazonaws.com"},
            ),
            Ask(
                "the backup role lets AWS Backup grant itself use",
                BACKUP_ROLE,
                "kms:CreateGrant",
                True,
                {
                    "kms:ViaService": f"backup.{REGION}.amazonaws.com",
                    "kms:GrantIsForAWSResource": "true",
                },
            ),
            Ask(
                "the backup role decrypts directly",
                BACKUP_ROLE,
                "kms:Decrypt",
                False,
            ),
            Ask(
                "the backup role grants to a principal of its choosing",
                BACKUP_ROLE,
                "kms:CreateGrant",
                False,
                {"kms:ViaService": f"backup.{REGION}.amazonaws.com"},
            ),
        ),
    ),
    Scenario(
        "s3-inventory-reports",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html",
        base(services=[{"name": "s3-inventory", "source_bucket_arn": "arn:aws:s3:::orders-data"}]),
        (
            Ask(
                "S3 writes the bucket's inventory report",
                "s3.amazonaws.com",
                "kms:GenerateDataKey",
                True,
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::orders-data"},
            ),
            Ask(
                "another account's bucket of the same name",
                "s3.amazonaws.com",
                "kms:GenerateDataKey",
                False,
                {"aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::orders-data"},
            ),
            Ask(
                "S3 reads the report back (it never needs to)",
                "s3.amazonaws.com",
                "kms:Decrypt",
                False,
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::orders-data"},
            ),
        ),
    ),
    Scenario(
        "auto-scaling-service-linked-role",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
        base(users=[SLR]),
        (
            Ask(
                "launching an instance with an encrypted volume",
                SLR,
                "kms:GenerateDataKeyWithoutPlaintext",
                True,
            ),
            Ask("reading an encrypted snapshot", SLR, "kms:Decrypt", True),
            Ask("re-encrypting a volume", SLR, "kms:ReEncryptFrom", True),
            Ask("describing the key", SLR, "kms:DescribeKey", True),
            Ask(
                "EBS attaches the volume (a grant for an AWS resource)",
                SLR,
                "kms:CreateGrant",
                True,
                {"kms:GrantIsForAWSResource": "true"},
            ),
            Ask("a grant not for an AWS resource", SLR, "kms:CreateGrant", False),
            Ask("the role changes the key policy", SLR, "kms:PutKeyPolicy", False),
            Ask(
                "another account's Auto Scaling role",
                SLR.replace(ACCOUNT, OTHER),
                "kms:Decrypt",
                False,
                iam=("kms:Decrypt",),
            ),
        ),
        (
            Published(
                "AllowKeyUsersToUseTheKey",
                {"AWS": SLR},
                (
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ),
                None,
            ),
            Published(
                "AllowKeyUsersGrantsForAwsResources",
                {"AWS": SLR},
                ("kms:CreateGrant",),
                {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                added=frozenset({"kms:ListGrants", "kms:RevokeGrant"}),
                why="the console's default statement for grants lists and revokes them too",
            ),
        ),
    ),
    Scenario(
        "auto-scaling-cross-account",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
        base(
            external_accounts=[
                {
                    "account": OTHER,
                    "use": [
                        "encrypt",
                        "decrypt",
                        "re-encrypt",
                        "generate-data-key",
                        "generate-data-key-without-plaintext",
                        "describe-key",
                    ],
                    "grantees": [OTHER_SLR],
                }
            ]
        ),
        (
            Ask(
                "the other account's administrator grants the Auto Scaling role use (the CLI)",
                role(OTHER, "Admin"),
                "kms:CreateGrant",
                True,
                {"kms:GranteePrincipal": OTHER_SLR, "kms:GrantOperations": SLR_GRANT},
                ("kms:CreateGrant",),
            ),
            Ask(
                "a grant to another principal of that account",
                role(OTHER, "Admin"),
                "kms:CreateGrant",
                False,
                {"kms:GranteePrincipal": role(OTHER, "Admin"), "kms:GrantOperations": SLR_GRANT},
                ("kms:CreateGrant",),
            ),
            Ask(
                "a grant of more than the account was given",
                role(OTHER, "Admin"),
                "kms:CreateGrant",
                False,
                {
                    "kms:GranteePrincipal": OTHER_SLR,
                    "kms:GrantOperations": [*SLR_GRANT, "GenerateDataKeyPair"],
                },
                ("kms:CreateGrant",),
            ),
            Ask(
                "the other account's role decrypts, allowed by its IAM policy",
                OTHER_SLR,
                "kms:Decrypt",
                True,
                iam=("kms:Decrypt",),
            ),
            Ask(
                "a third account grants",
                role(THIRD, "Admin"),
                "kms:CreateGrant",
                False,
                {"kms:GranteePrincipal": OTHER_SLR, "kms:GrantOperations": SLR_GRANT},
                ("kms:CreateGrant",),
            ),
        ),
    ),
    Scenario(
        "ebs-every-principal-of-the-account",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account",
        {**base(account_via_services=["ec2"]), "region": "us-west-2"},
        (
            Ask(
                "any role of the account attaches an encrypted volume through EBS",
                role(ACCOUNT, "Developer"),
                "kms:CreateGrant",
                True,
                {
                    "kms:ViaService": "ec2.us-west-2.amazonaws.com",
                    "kms:GrantIsForAWSResource": "true",
                },
            ),
            Ask(
                "any role of the account reads an encrypted snapshot through EBS",
                role(ACCOUNT, "Developer"),
                "kms:Decrypt",
                True,
                {"kms:ViaService": "ec2.us-west-2.amazonaws.com"},
            ),
            Ask(
                "the role decrypts directly",
                role(ACCOUNT, "Developer"),
                "kms:Decrypt",
                False,
            ),
            Ask(
                "through RDS",
                role(ACCOUNT, "Developer"),
                "kms:Decrypt",
                False,
                {"kms:ViaService": "rds.us-west-2.amazonaws.com"},
            ),
            Ask(
                "another account's role through EBS",
                role(OTHER, "Developer"),
                "kms:Decrypt",
                False,
                {"kms:ViaService": "ec2.us-west-2.amazonaws.com"},
                ("kms:Decrypt",),
            ),
            Ask(
                "a role of the account changes the key policy through EBS",
                role(ACCOUNT, "Developer"),
                "kms:PutKeyPolicy",
                False,
                {"kms:ViaService": "ec2.us-west-2.amazonaws.com"},
            ),
        ),
    ),
    Scenario(
        "via-service-ec2-and-rds",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
        {
            "account": ACCOUNT,
            "region": "us-west-2",
            "admins": [ADMIN],
            "users": [f"arn:aws:iam::{ACCOUNT}:user/ExampleUser"],
            "via_services": ["ec2", "rds"],
        },
        (
            Ask(
                "EBS on the user's behalf",
                f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
                "kms:Decrypt",
                True,
                {"kms:ViaService": "ec2.us-west-2.amazonaws.com"},
            ),
            Ask(
                "RDS on the user's behalf",
                f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
                "kms:GenerateDataKeyWithoutPlaintext",
                True,
                {"kms:ViaService": "rds.us-west-2.amazonaws.com"},
            ),
            Ask(
                "the user calls KMS directly",
                f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
                "kms:Decrypt",
                False,
            ),
            Ask(
                "through Lambda",
                f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
                "kms:Encrypt",
                False,
                {"kms:ViaService": "lambda.us-west-2.amazonaws.com"},
            ),
            Ask(
                "through EC2 in another Region",
                f"arn:aws:iam::{ACCOUNT}:user/ExampleUser",
                "kms:Decrypt",
                False,
                {"kms:ViaService": "ec2.us-east-1.amazonaws.com"},
            ),
        ),
    ),
    Scenario(
        "s3-sse-kms-bucket-key",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html",
        base(
            users=[APP],
            via_services=["s3"],
            encryption_context={"aws:s3:arn": "arn:aws:s3:::example-bucket"},
        ),
        (
            Ask(
                "S3 makes the bucket key",
                APP,
                "kms:GenerateDataKey",
                True,
                {
                    "kms:ViaService": f"s3.{REGION}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::example-bucket",
                },
            ),
            Ask(
                "S3 decrypts the bucket key",
                APP,
                "kms:Decrypt",
                True,
                {
                    "kms:ViaService": f"s3.{REGION}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::example-bucket",
                },
            ),
            Ask(
                "another bucket",
                APP,
                "kms:Decrypt",
                False,
                {
                    "kms:ViaService": f"s3.{REGION}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other-bucket",
                },
            ),
            Ask(
                "no encryption context",
                APP,
                "kms:Decrypt",
                False,
                {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
            ),
            Ask(
                "the role decrypts directly with the bucket's context",
                APP,
                "kms:Decrypt",
                False,
                {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::example-bucket"},
            ),
            Ask(
                "describing the key needs no context",
                APP,
                "kms:DescribeKey",
                True,
                {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
            ),
        ),
    ),
    Scenario(
        "secrets-manager",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
        base(
            users=[APP],
            via_services=["secretsmanager"],
            encryption_context={
                "SecretARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/*"
            },
        ),
        (
            Ask(
                "reading a production secret",
                APP,
                "kms:Decrypt",
                True,
                {
                    "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
                    SECRET_CONTEXT: f"{SECRETS}prod/db-AbCdEf",
                },
            ),
            Ask(
                "writing a production secret",
                APP,
                "kms:GenerateDataKey",
                True,
                {
                    "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
                    SECRET_CONTEXT: f"{SECRETS}prod/db-AbCdEf",
                },
            ),
            Ask(
                "reading a development secret",
                APP,
                "kms:Decrypt",
                False,
                {
                    "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
                    SECRET_CONTEXT: f"{SECRETS}dev/db-AbCdEf",
                },
            ),
            Ask(
                "through SSM Parameter Store instead",
                APP,
                "kms:Decrypt",
                False,
                {
                    "kms:ViaService": f"ssm.{REGION}.amazonaws.com",
                    SECRET_CONTEXT: f"{SECRETS}prod/db-AbCdEf",
                },
            ),
        ),
    ),
    Scenario(
        "lambda-environment-variables",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
        base(
            users=[role(ACCOUNT, "orders-function-role")],
            via_services=["lambda"],
            encryption_context={
                "aws:lambda:FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"
            },
        ),
        (
            Ask(
                "Lambda decrypts the function's variables",
                role(ACCOUNT, "orders-function-role"),
                "kms:Decrypt",
                True,
                {
                    "kms:ViaService": f"lambda.{REGION}.amazonaws.com",
                    FUNCTION_CONTEXT: f"{FUNCTIONS}orders",
                },
            ),
            Ask(
                "another function's variables",
                role(ACCOUNT, "orders-function-role"),
                "kms:Decrypt",
                False,
                {
                    "kms:ViaService": f"lambda.{REGION}.amazonaws.com",
                    FUNCTION_CONTEXT: f"{FUNCTIONS}billing",
                },
            ),
            Ask(
                "another role",
                role(ACCOUNT, "billing-function-role"),
                "kms:Decrypt",
                False,
                {
                    "kms:ViaService": f"lambda.{REGION}.amazonaws.com",
                    FUNCTION_CONTEXT: f"{FUNCTIONS}orders",
                },
            ),
        ),
    ),
    Scenario(
        "cross-account-use-and-grants",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
        base(
            users=[APP],
            external_accounts=[
                {
                    "account": OTHER,
                    "use": [
                        "encrypt",
                        "decrypt",
                        "re-encrypt",
                        "generate-data-key",
                        "describe-key",
                    ],
                    "grants_for_aws_resources": True,
                }
            ],
        ),
        (
            Ask(
                "the other account's role, allowed by its IAM policy",
                role(OTHER, "Reader"),
                "kms:Decrypt",
                True,
                iam=("kms:Decrypt",),
            ),
            Ask(
                "the other account's role without an IAM policy",
                role(OTHER, "Reader"),
                "kms:Decrypt",
                False,
            ),
            Ask(
                "the other account lets EBS attach a volume",
                role(OTHER, "Reader"),
                "kms:CreateGrant",
                True,
                {"kms:GrantIsForAWSResource": "true"},
                ("kms:CreateGrant",),
            ),
            Ask(
                "the other account grants to a principal of its choosing",
                role(OTHER, "Reader"),
                "kms:CreateGrant",
                False,
                iam=("kms:CreateGrant",),
            ),
            Ask(
                "the other account changes the key policy",
                role(OTHER, "Reader"),
                "kms:PutKeyPolicy",
                False,
                iam=("kms:PutKeyPolicy",),
            ),
            Ask(
                "a third account", role(THIRD, "Reader"), "kms:Decrypt", False, iam=("kms:Decrypt",)
            ),
        ),
    ),
    Scenario(
        "separation-of-duties",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators",
        base(users=[APP], iam_policies=False),
        (
            Ask("the administrator changes the key policy", ADMIN, "kms:PutKeyPolicy", True),
            Ask("the administrator schedules deletion", ADMIN, "kms:ScheduleKeyDeletion", True),
            Ask("the administrator decrypts", ADMIN, "kms:Decrypt", False),
            Ask("the administrator grants itself decryption", ADMIN, "kms:CreateGrant", False),
            Ask("the user decrypts", APP, "kms:Decrypt", True),
            Ask("the user changes the key policy", APP, "kms:PutKeyPolicy", False),
            Ask(
                "an account admin with kms:* in IAM (IAM policies not enabled)",
                role(ACCOUNT, "AccountAdmin"),
                "kms:Decrypt",
                False,
                iam=("kms:*",),
            ),
        ),
    ),
    Scenario(
        "break-glass-administrator",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key",
        {
            "account": ACCOUNT,
            "region": REGION,
            "admins": [ADMIN, role(ACCOUNT, "BreakGlass")],
            "users": [APP],
            "iam_policies": False,
        },
        (
            Ask(
                "break-glass restores the key policy",
                role(ACCOUNT, "BreakGlass"),
                "kms:PutKeyPolicy",
                True,
            ),
            Ask(
                "break-glass cancels a deletion",
                role(ACCOUNT, "BreakGlass"),
                "kms:CancelKeyDeletion",
                True,
            ),
            Ask(
                "break-glass re-enables the key", role(ACCOUNT, "BreakGlass"), "kms:EnableKey", True
            ),
            Ask("break-glass reads data", role(ACCOUNT, "BreakGlass"), "kms:Decrypt", False),
            Ask(
                "break-glass grants itself use",
                role(ACCOUNT, "BreakGlass"),
                "kms:CreateGrant",
                False,
            ),
        ),
    ),
    Scenario(
        "organization-wide-use",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
        base(users=[APP], organization={"id": "o-a1b2c3d4e5", "use": ["decrypt", "describe-key"]}),
        (
            Ask(
                "a member account's role, allowed by its IAM policy",
                role(OTHER, "Reader"),
                "kms:Decrypt",
                True,
                {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                ("kms:Decrypt",),
            ),
            Ask(
                "a member account's role without an IAM policy",
                role(OTHER, "Reader"),
                "kms:Decrypt",
                False,
                {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
            ),
            Ask(
                "a member encrypts (only decrypt was given)",
                role(OTHER, "Reader"),
                "kms:Encrypt",
                False,
                {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                ("kms:Encrypt",),
            ),
            Ask(
                "another organization",
                role(THIRD, "Reader"),
                "kms:Decrypt",
                False,
                {"aws:PrincipalOrgID": "o-zzzzzzzzzz"},
                ("kms:Decrypt",),
            ),
            Ask(
                "any role of the key's own account (it is in the organization too)",
                role(ACCOUNT, "SomeRole"),
                "kms:Decrypt",
                False,
                {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
            ),
        ),
    ),
    Scenario(
        "multi-region-replication",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-replica-region",
        {
            "account": ACCOUNT,
            "region": REGION,
            "admins": [role(ACCOUNT, "Administrator")],
            "users": [APP],
            "replica_regions": ["eu-west-3", "ap-southeast-2"],
        },
        (
            # ReplicateKey also needs kms:CreateKey in an IAM policy in the replica Region
            # (API Reference, ReplicateKey): the administrator has one, so the key policy decides.
            Ask(
                "replicating into a chosen Region",
                role(ACCOUNT, "Administrator"),
                "kms:ReplicateKey",
                True,
                {"kms:ReplicaRegion": "eu-west-3"},
                ("kms:CreateKey",),
            ),
            Ask(
                "replicating anywhere else",
                role(ACCOUNT, "Administrator"),
                "kms:ReplicateKey",
                False,
                {"kms:ReplicaRegion": "sa-east-1"},
                ("kms:CreateKey",),
            ),
            Ask(
                "replicating into a chosen Region without kms:CreateKey in an IAM policy",
                role(ACCOUNT, "Administrator"),
                "kms:ReplicateKey",
                False,
                {"kms:ReplicaRegion": "eu-west-3"},
            ),
            Ask(
                "the user replicates",
                APP,
                "kms:ReplicateKey",
                False,
                {"kms:ReplicaRegion": "eu-west-3"},
            ),
        ),
    ),
    Scenario(
        "code-signing-key",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-users-crypto",
        base(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY", users=[role(ACCOUNT, "Signer")]),
        (
            Ask("the signer signs", role(ACCOUNT, "Signer"), "kms:Sign", True),
            Ask("the signer verifies", role(ACCOUNT, "Signer"), "kms:Verify", True),
            Ask(
                "the signer downloads the public key",
                role(ACCOUNT, "Signer"),
                "kms:GetPublicKey",
                True,
            ),
            Ask(
                "the signer creates a grant (no AWS service needs one)",
                role(ACCOUNT, "Signer"),
                "kms:CreateGrant",
                False,
                {"kms:GrantIsForAWSResource": "true"},
            ),
            Ask("the administrator signs", ADMIN, "kms:Sign", False),
        ),
    ),
]


def _expanded(actions: tuple[str, ...]) -> set[str]:
    return set(statements.on_key(knowledge(), actions))


def _actions(statement: dict[str, Any]) -> set[str]:
    value = statement["Action"]
    return {value} if isinstance(value, str) else set(value)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_is_clean(scenario: Scenario) -> None:
    policy = kp.key_policy(scenario.spec)
    findings = check(policy, kind="key-policy", account=scenario.spec["account"])
    assert [f"{f.rule_id} {f.sid}: {f.message}" for f in findings if f.severity != "info"] == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_decides_as_the_page_says(scenario: Scenario) -> None:
    policy = kp.key_policy(scenario.spec)
    key = KEY.replace(REGION, scenario.spec["region"])
    wrong = []
    for ask in scenario.asks:
        iam = (
            [
                {
                    "Version": "2012-10-17",
                    # kms:CreateKey is on no key: an IAM policy allows it on "*".
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": list(ask.iam),
                            "Resource": "*" if ask.iam == ("kms:CreateKey",) else key,
                        }
                    ],
                }
            ]
            if ask.iam
            else []
        )
        request = {
            "principal": ask.principal,
            "action": ask.action,
            "key_arn": key,
            "context": ask.context,
        }
        result = explain(policy, request, iam)
        if not result.decided or (result.decision == "allow") != ask.allow:
            wrong.append(f"{ask.why}: {result.decision}")
    assert wrong == []
    assert any(a.allow for a in scenario.asks) and any(not a.allow for a in scenario.asks)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_verifies(scenario: Scenario) -> None:
    checked = read_spec(scenario.spec)
    outcomes = verify(checked, kp.key_policy(checked), knowledge())
    assert [f"{o.case.what}: {o.case.action}" for o in outcomes if not o.agrees] == []


PUBLISHED = [(s, p) for s in SCENARIOS for p in s.published]


@pytest.mark.parametrize(
    ("scenario", "published"), PUBLISHED, ids=[f"{s.name}-{p.sid}" for s, p in PUBLISHED]
)
def test_scenario_matches_the_published_statement(scenario: Scenario, published: Published) -> None:
    policy = kp.key_policy(scenario.spec)
    (ours,) = [s for s in policy["Statement"] if s["Sid"] == published.sid]
    assert ours["Effect"] == "Allow"
    assert ours["Principal"] == published.principal
    wanted = (_expanded(published.actions) - published.dropped) | published.added
    assert _actions(ours) == wanted
    assert ours.get("Condition") == published.condition
    assert not (published.dropped or published.added) or published.why


# The guide's own statements, as the corpus holds them (the newest copy of conditions-kms).
def _guide_statements(corpus: Path, heading: str) -> list[dict[str, Any]]:
    copies = sorted((corpus / "kms-devguide-github").glob("*/doc_source/conditions-kms.md"))
    text = copies[-1].read_text()
    section = text.split(f"## {heading}<a name=", 1)[1].split("\n## ", 1)[0]
    found = []
    for block in re.findall(r"```\n(\{.*?\})\n```", section, flags=re.S):
        # The guide's ReplicaRegion example lacks a comma after "Action": read it as meant.
        repaired = re.sub(r'("Action": "[^"]+")\n', r"\1,\n", block)
        data = json.loads(repaired)
        if data.get("Effect") == "Allow":
            found.append(data)
    return found


def test_via_service_matches_the_guides_example(corpus: Path) -> None:
    (guide,) = _guide_statements(corpus, "kms:ViaService")
    scenario = next(s for s in SCENARIOS if s.name == "via-service-ec2-and-rds")
    policy = kp.key_policy(scenario.spec)
    users = [s for s in policy["Statement"] if s["Principal"] == guide["Principal"]]
    assert {s["Sid"] for s in users} == {
        "AllowKeyUsersToUseTheKey",
        "AllowKeyUsersGrantsForAwsResources",
    }
    assert all(
        s["Condition"]["StringEquals"]["kms:ViaService"]
        == guide["Condition"]["StringEquals"]["kms:ViaService"]
        for s in users
    )
    ours = set().union(*(_actions(s) for s in users))
    # The same permissions, plus RevokeGrant (the console's grants statement); our CreateGrant
    # is for AWS resources only, which the guide's example does not require.
    assert ours == _expanded(tuple(guide["Action"])) | {"kms:RevokeGrant"}
    (grants,) = [s for s in users if s["Sid"] == "AllowKeyUsersGrantsForAwsResources"]
    assert grants["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_replica_region_matches_the_guides_example(corpus: Path) -> None:
    (guide,) = _guide_statements(corpus, "kms:ReplicaRegion")
    scenario = next(s for s in SCENARIOS if s.name == "multi-region-replication")
    policy = kp.key_policy(scenario.spec)
    (ours,) = [
        s for s in policy["Statement"] if s["Sid"] == "AllowKeyAdministratorsToReplicateTheKey"
    ]
    assert ours["Principal"] == guide["Principal"]
    assert ours["Action"] == guide["Action"]
    # The guide lists three Regions; the scenario's spec two of them.
    assert set(ours["Condition"]["StringEquals"]["kms:ReplicaRegion"]) < set(
        guide["Condition"]["StringEquals"]["kms:ReplicaRegion"]
    )


def test_account_via_services_matches_the_guides_caller_account_example(corpus: Path) -> None:
    (guide,) = _guide_statements(corpus, "kms:CallerAccount")
    scenario = next(s for s in SCENARIOS if s.name == "ebs-every-principal-of-the-account")
    policy = kp.key_policy(scenario.spec)
    use, grants = [s for s in policy["Statement"] if s["Principal"] == guide["Principal"]]
    assert use["Condition"] == guide["Condition"]
    # The guide's CreateGrant here has no kms:GrantIsForAWSResource; ours has it (a service
    # creating a grant for its resource sets it), in a statement of its own.
    assert _actions(use) | _actions(grants) == _expanded(tuple(guide["Action"]))
    assert grants["Action"] == "kms:CreateGrant"
    assert grants["Condition"] == {
        **guide["Condition"],
        "Bool": {"kms:GrantIsForAWSResource": "true"},
    }
