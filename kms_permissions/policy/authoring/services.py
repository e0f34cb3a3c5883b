"""The service integrations a spec can name: one row per AWS service that documents the key
policy statement it needs, with the page it follows and its confused-deputy conditions.

Each row names its fields (what the spec gives, all ARNs), and builds its statements from
them: the service principal, the documented actions (patterns expanded through the dataset),
and the conditions that tie each call to the spec's own resource. A condition is a `Pin`: the
value the policy requires, the value the service's own call carries, and the value a call for
another account's resource carries (which `--verify` proves refused).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kms_permissions.policy.authoring.arns import Arn, other_account


@dataclass(frozen=True)
class Pin:
    """One condition: `operator` on `key` with the policy's value; `good` is what the
    intended call carries, `foreign` what a call for another account's resource carries."""

    operator: str
    key: str
    value: str
    good: str
    foreign: str
    wrong: str = "a call for another account's resource"


@dataclass(frozen=True)
class ServiceStatement:
    """One statement a service needs: what for (the Sid's words), who (a service principal,
    or an IAM role the service uses: `principal_kind` AWS), which actions (as the service's
    documentation writes them), under which conditions."""

    purpose: str
    principal: str
    actions: tuple[str, ...]
    pins: tuple[Pin, ...]
    principal_kind: str = "Service"


@dataclass(frozen=True)
class Env:
    """What a service's statements depend on besides its ARNs: the key's account and Region,
    and `via(prefix, region)`, the kms:ViaService value of a service of the dataset's table in
    a Region."""

    account: str
    region: str
    via: Callable[[str, str], str]


@dataclass(frozen=True)
class Field:
    """A field of a service entry: an ARN of `service` whose resource starts with `resource`."""

    name: str
    service: str
    resource: str
    example: str


@dataclass(frozen=True)
class Integration:
    """One service integration: its name in specs, title, documentation page and fields."""

    name: str
    title: str
    page: str
    fields: tuple[Field, ...]
    build: Callable[[Mapping[str, Arn], Env], tuple[ServiceStatement, ...]]
    # Fields whose Region must be the key's (the service uses keys in its own Region).
    same_region: tuple[str, ...] = ()


def _cloudtrail(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    trail = arns["trail_arn"]
    foreign = other_account(trail.account)
    source = Pin("StringEquals", "aws:SourceArn", trail.text, trail.text, trail.in_account(foreign))
    context = Pin(
        "StringLike",
        "kms:EncryptionContext:aws:cloudtrail:arn",
        f"arn:{trail.partition}:cloudtrail:*:{trail.account}:trail/*",
        trail.text,
        trail.in_account(foreign),
    )
    principal = "cloudtrail.amazonaws.com"
    return (
        ServiceStatement(
            "Encrypt logs for the trail",
            principal,
            ("kms:GenerateDataKey*",),
            (
                source,
                context,
            ),
        ),
        ServiceStatement(
            "Describe the key for the trail", principal, ("kms:DescribeKey",), (source,)
        ),
    )


def _logs(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    group = arns["log_group_arn"]
    # As the CloudWatch Logs guide writes it: ArnEquals on the log group's ARN (the
    # evaluator and the checker decide ARN operators on this string key, see operators.py).
    context = Pin(
        "ArnEquals",
        "kms:EncryptionContext:aws:logs:arn",
        group.text,
        group.text,
        group.in_account(other_account(group.account)),
    )
    actions = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*")
    principal = f"logs.{group.region}.amazonaws.com"
    return (ServiceStatement("Encrypt the log group", principal, actions, (context,)),)


def _sns(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    topic, source = arns["topic_arn"], arns["source_arn"]
    return (
        ServiceStatement(
            f"Publish from {source.service} to the encrypted topic",
            f"{source.service}.amazonaws.com",
            ("kms:GenerateDataKey*", "kms:Decrypt"),
            (
                *_source_pins(source, env, "ArnLike"),
                Pin(
                    "StringEquals",
                    "kms:EncryptionContext:aws:sns:topicArn",
                    topic.text,
                    topic.text,
                    topic.in_account(other_account(topic.account)),
                ),
            ),
        ),
    )


def _sqs(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    source = arns["source_arn"]
    return (
        ServiceStatement(
            f"Send from {source.service} to the encrypted queue",
            f"{source.service}.amazonaws.com",
            ("kms:GenerateDataKey", "kms:Decrypt"),
            _source_pins(source, env, "ArnEquals"),
        ),
    )


def _source_pins(source: Arn, env: Env, operator: str) -> tuple[Pin, Pin]:
    """aws:SourceAccount and aws:SourceArn pinned to the resource a service acts for (its
    account: the ARN's, or for an ARN that names none, as an S3 bucket's, the key's)."""
    owner = source.account or env.account
    foreign = other_account(owner)
    other = source.in_account(foreign) if source.account else f"{source.text}-other"
    return (
        Pin("StringEquals", "aws:SourceAccount", owner, owner, foreign),
        Pin(operator, "aws:SourceArn", source.text, source.text, other),
    )


def _s3_inventory(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    bucket = arns["source_bucket_arn"]
    account = env.account
    foreign = other_account(account)
    return (
        ServiceStatement(
            "Write reports",
            "s3.amazonaws.com",
            ("kms:GenerateDataKey",),
            (
                Pin("StringEquals", "aws:SourceAccount", account, account, foreign),
                Pin("ArnLike", "aws:SourceArn", bucket.text, bucket.text, f"{bucket.text}-other"),
            ),
        ),
    )


def _events(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    bus = arns["event_bus_arn"]
    foreign_bus = bus.in_account(other_account(bus.account))
    source = Pin("StringEquals", "aws:SourceArn", bus.text, bus.text, foreign_bus)
    context = Pin(
        "StringEquals",
        "kms:EncryptionContext:aws:events:event-bus:arn",
        bus.text,
        bus.text,
        foreign_bus,
    )
    principal = "events.amazonaws.com"
    return (
        ServiceStatement(
            "Describe the key for the event bus", principal, ("kms:DescribeKey",), (source,)
        ),
        ServiceStatement(
            "Encrypt events of the event bus",
            principal,
            ("kms:GenerateDataKey", "kms:Decrypt"),
            (source, context),
        ),
    )


def _backup(arns: Mapping[str, Arn], env: Env) -> tuple[ServiceStatement, ...]:
    role = arns["role_arn"].text
    via = env.via("backup", env.region)
    elsewhere = env.via("backup", other_region(env.region))
    through = Pin(
        "StringEquals", "kms:ViaService", via, via, elsewhere, "a call through another Region"
    )
    for_aws = Pin(
        "Bool",
        "kms:GrantIsForAWSResource",
        "true",
        "true",
        "false",
        "a grant not for an AWS resource",
    )
    use = (
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    )
    return (
        ServiceStatement("Use the key through AWS Backup", role, use, (through,), "AWS"),
        ServiceStatement(
            "Grant AWS Backup use of the key", role, ("kms:CreateGrant",), (through, for_aws), "AWS"
        ),
    )


def other_region(region: str) -> str:
    """A Region that is not `region`, for calls that must be refused."""
    return "us-west-2" if region != "us-west-2" else "us-east-1"


INTEGRATIONS: dict[str, Integration] = {
    row.name: row
    for row in (
        Integration(
            "cloudtrail",
            "AWS CloudTrail (trail log files)",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
            "create-kms-key-policy-for-cloudtrail.html",
            (
                Field(
                    "trail_arn",
                    "cloudtrail",
                    "trail/",
                    "arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME",
                ),
            ),
            _cloudtrail,
        ),
        Integration(
            "logs",
            "Amazon CloudWatch Logs (log group encryption)",
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
            (
                Field(
                    "log_group_arn",
                    "logs",
                    "log-group:",
                    "arn:aws:logs:REGION:ACCOUNT:log-group:NAME",
                ),
            ),
            _logs,
            same_region=("log_group_arn",),
        ),
        Integration(
            "sns",
            "Amazon SNS (an AWS service publishing to an encrypted topic)",
            "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
            (
                Field("topic_arn", "sns", "", "arn:aws:sns:REGION:ACCOUNT:TOPIC"),
                Field("source_arn", "", "", "the publishing resource, e.g. a CloudWatch alarm"),
            ),
            _sns,
            same_region=("topic_arn",),
        ),
        Integration(
            "sqs",
            "Amazon SQS (an AWS service sending to an encrypted queue)",
            "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
            "sqs-key-management.html",
            (
                Field("queue_arn", "sqs", "", "arn:aws:sqs:REGION:ACCOUNT:QUEUE"),
                Field(
                    "source_arn",
                    "",
                    "",
                    "the sending resource: an SNS topic, an EventBridge rule, an S3 bucket",
                ),
            ),
            _sqs,
            same_region=("queue_arn",),
        ),
        Integration(
            "s3-inventory",
            "Amazon S3 (Inventory and analytics reports to an SSE-KMS bucket)",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html",
            (Field("source_bucket_arn", "s3", "", "arn:aws:s3:::BUCKET"),),
            _s3_inventory,
        ),
        Integration(
            "events",
            "Amazon EventBridge (event bus encryption)",
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
            (
                Field(
                    "event_bus_arn",
                    "events",
                    "event-bus/",
                    "arn:aws:events:REGION:ACCOUNT:event-bus/NAME",
                ),
            ),
            _events,
            same_region=("event_bus_arn",),
        ),
        Integration(
            "backup",
            "AWS Backup (a backup vault's key, used by the role AWS Backup assumes)",
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
            (Field("role_arn", "iam", "role/", "arn:aws:iam::ACCOUNT:role/service-role/NAME"),),
            _backup,
        ),
    )
}
