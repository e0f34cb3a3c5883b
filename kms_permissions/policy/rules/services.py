"""Service principals: key administration given to a service, and the confused deputy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kms_permissions.policy.conditions import Condition, limiting
from kms_permissions.policy.knowledge import IAM_GUIDE, PERMISSIONS_PAGE
from kms_permissions.policy.principals import service_principals
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import ACCOUNT, allow, key_policy
from kms_permissions.policy.rules.public import confines
from kms_permissions.policy.statements import granted, listed

CONFUSED_DEPUTY = f"{IAM_GUIDE}/confused-deputy.html"
# Permissions that let a holder take the key away from its owner.
ADMINISTRATION = {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"}
SOURCE_KEYS = {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
# An encryption context pair naming the resource's ARN (kms:EncryptionContext:aws:logs:arn, as
# the CloudWatch Logs and CloudTrail key policies write it) pins the caller's account too when
# every value's account field is one account.
_CONTEXT_PREFIX = "kms:encryptioncontext:"
_ACCOUNT = re.compile(r"arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+")
LOGS = {"Service": "logs.amazonaws.com"}


@rule(
    "KMS043",
    "error",
    "Key administration given to a service principal",
    name="service-principal-admin",
    link=PERMISSIONS_PAGE,
    bad=key_policy(allow("kms:*", LOGS)),
    good=key_policy(allow(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], LOGS)),
)
def service_principal_admin(ctx: Context) -> Iterator[Hit]:
    """An Allow to a service principal whose actions include kms:PutKeyPolicy or
    kms:ScheduleKeyDeletion, usually through `kms:*`. A service uses keys on behalf of its
    customers; with these permissions the service (acting for any of its callers the
    conditions admit) can replace the key policy or delete the key. Give services the
    cryptographic operations they document."""
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        services = service_principals(statement)
        if statement.effect != "Allow" or not services:
            continue
        admin = granted(statement, ctx.knowledge, ctx.kind) & ADMINISTRATION
        if admin:
            yield Hit(
                statement,
                services[0][0],
                f"service principal {services[0][1]} may {listed(admin)}: the service can "
                "replace this key policy or delete the key; grant only the operations it uses",
                "permissions reference: kms:PutKeyPolicy, kms:ScheduleKeyDeletion",
                PERMISSIONS_PAGE,
            )


@rule(
    "KMS044",
    "info",
    "Service principal without aws:SourceAccount or aws:SourceArn",
    name="service-principal-unscoped",
    link=CONFUSED_DEPUTY,
    bad=key_policy(allow("kms:GenerateDataKey*", LOGS)),
    good=key_policy(
        allow(
            "kms:GenerateDataKey*",
            LOGS,
            Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        )
    ),
)
def service_principal_unscoped(ctx: Context) -> Iterator[Hit]:
    """An Allow to a service principal with no aws:SourceAccount, aws:SourceArn or
    aws:SourceOrgID condition: the service may use the key for any of its customers who
    point their resource at it (the confused deputy problem). Services document these
    conditions for their key policies; this is hardening advice."""
    if ctx.kind != "key-policy":
        return
    for statement in ctx.document.statements:
        services = service_principals(statement)
        if statement.effect != "Allow" or not services:
            continue
        if any(_pins_source(c) for c in limiting(statement)):
            continue
        names = ", ".join(name for _, name in services)
        yield Hit(
            statement,
            services[0][0],
            f"{names} may use the key for any AWS account: add aws:SourceAccount or "
            "aws:SourceArn (or the encryption context naming your resource's ARN, as the "
            "service documents it) so that it acts only for yours (confused deputy)",
            "IAM: the confused deputy problem",
            CONFUSED_DEPUTY,
        )


def _pins_source(condition: Condition) -> bool:
    """A condition that limits the service to requests for one account's resources."""
    if not confines(condition):
        return False
    key = condition.key.lower()
    if key in SOURCE_KEYS:
        return True
    return (
        key.startswith(_CONTEXT_PREFIX)
        and key.endswith(":arn")
        and all(isinstance(v, str) and _ACCOUNT.fullmatch(v) for v in condition.values)
    )
