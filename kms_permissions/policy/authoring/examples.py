"""Example specs: one entry per service integration and the issue's whole spec, shown on the
site and in the README, and run by the tests."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
REGION = "ap-southeast-2"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/KeyAdministrators"
USER = f"arn:aws:iam::{ACCOUNT}:role/OrdersService"
# Per integration: the fields of an example entry (its name aside).
SERVICES: dict[str, dict[str, str]] = {
    "cloudtrail": {"trail_arn": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/management-events"},
    "logs": {"log_group_arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/orders/app"},
    "sns": {
        "topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:alarms",
        "source_arn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:orders-latency",
    },
    "sqs": {
        "queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders",
        "source_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:order-events",
    },
    "s3-inventory": {"source_bucket_arn": "arn:aws:s3:::orders-data"},
    "events": {"event_bus_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"},
    "backup": {"role_arn": f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"},
}


def service_spec(name: str) -> dict[str, Any]:
    """A spec with an administrator and one service integration."""
    return {
        "account": ACCOUNT,
        "region": REGION,
        "admins": [ADMIN],
        "services": [{"name": name, **SERVICES[name]}],
    }


SPEC: dict[str, Any] = {
    "account": ACCOUNT,
    "region": REGION,
    "admins": [ADMIN],
    "users": [USER],
    "iam_policies": False,
    "services": [
        {"name": "cloudtrail", **SERVICES["cloudtrail"]},
        {"name": "logs", **SERVICES["logs"]},
    ],
    "external_accounts": [
        {"account": "210987654321", "use": ["encrypt", "decrypt"], "grants_for_aws_resources": True}
    ],
}

# Every condition a spec can ask for, on one key: S3 through the key's Region for the bucket's
# objects, the organization's other accounts decrypting, replicas in one other Region, and
# another account granting its uses to its Auto Scaling role.
CONDITIONS_SPEC: dict[str, Any] = {
    "account": ACCOUNT,
    "region": REGION,
    "admins": [ADMIN],
    "users": [USER],
    "users_use": ["decrypt", "describe-key", "encrypt", "generate-data-key"],
    "via_services": ["s3"],
    "encryption_context": {"aws:s3:arn": "arn:aws:s3:::orders-data/*"},
    "organization": {"id": "o-a1b2c3d4e5", "use": ["decrypt", "describe-key"]},
    "replica_regions": ["ap-southeast-4"],
    "external_accounts": [
        {
            "account": "210987654321",
            "use": ["decrypt", "describe-key", "encrypt", "generate-data-key"],
            "grantees": [
                "arn:aws:iam::210987654321:role/aws-service-role/autoscaling.amazonaws.com/"
                "AWSServiceRoleForAutoScaling"
            ],
        }
    ],
}
