"""Network conditions: aws:SourceIp, aws:SourceVpc and aws:SourceVpce with KMS."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.policy.conditions import conditions
from kms_permissions.policy.document import Statement
from kms_permissions.policy.knowledge import GUIDE
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import allow, key_policy
from kms_permissions.policy.statements import note_basis, note_link

VPC_ENDPOINT = f"{GUIDE}/kms-vpc-endpoint.html"
# Keys a statement tests to let AWS services (or the other network path) through.
EXEMPTIONS = {
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:viaawsservice",
    "aws:principalisawsservice",
    "kms:viaservice",
}


def _keys(statement: Statement) -> set[str]:
    return {c.key.lower() for c in conditions(statement)}


@rule(
    "KMS060",
    "warning",
    "aws:SourceIp with KMS",
    name="source-ip",
    link=VPC_ENDPOINT,
    bad=key_policy(allow("kms:Decrypt", Condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})),
    good=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
    ),
)
def source_ip(ctx: Context) -> Iterator[Hit]:
    """aws:SourceIp on its own: requests that reach KMS through a VPC endpoint carry no public
    source address, and AWS services calling KMS for you carry theirs, so the condition
    blocks (or, in a Deny, catches) both. Statements that also test aws:SourceVpc,
    aws:SourceVpce, kms:ViaService or aws:ViaAWSService (the documented complements) are
    not reported."""
    note = ctx.knowledge.note("kms-vpc-endpoint", "aws:sourceIP")
    for statement in ctx.document.statements:
        if _keys(statement) & EXEMPTIONS:
            continue
        for condition in conditions(statement):
            if condition.key.lower() == "aws:sourceip":
                yield Hit(
                    statement,
                    condition.path,
                    "aws:SourceIp does not hold for requests through a VPC endpoint, nor for "
                    "AWS services calling KMS for you; test aws:SourceVpce or aws:SourceVpc "
                    "too (and kms:ViaService for integrated services)",
                    note_basis(note),
                    note_link(note, VPC_ENDPOINT),
                )


@rule(
    "KMS061",
    "info",
    "VPC endpoint condition with KMS",
    name="vpc-endpoint-condition",
    link=VPC_ENDPOINT,
    bad=key_policy(
        allow("kms:Decrypt", Condition={"StringEquals": {"aws:SourceVpc": "vpc-12345678"}})
    ),
    good=key_policy(
        allow(
            "kms:Decrypt",
            Condition={"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
        )
    ),
)
def vpc_endpoint(ctx: Context) -> Iterator[Hit]:
    """aws:SourceVpce or aws:SourceVpc: AWS services that use the key on your behalf (EBS, S3,
    ...) do not call through your endpoint, so a statement requiring it leaves them out (an
    Allow) or catches them (a Deny). Statements that exempt services (kms:ViaService,
    aws:ViaAWSService, aws:PrincipalIsAWSService) are not reported."""
    note = ctx.knowledge.note(
        "kms-vpc-endpoint", "VPC endpoint", "on your behalf"
    ) or ctx.knowledge.note("kms-vpc-endpoint", "integrated AWS services")
    for statement in ctx.document.statements:
        if _keys(statement) & (EXEMPTIONS - {"aws:sourcevpc", "aws:sourcevpce"}):
            continue
        for condition in conditions(statement):
            if condition.key.lower() in ("aws:sourcevpce", "aws:sourcevpc"):
                yield Hit(
                    statement,
                    condition.path,
                    f"{condition.key} also applies to AWS services that use the key for you; "
                    "they do not call through your VPC endpoint (exempt them with "
                    "kms:ViaService or aws:ViaAWSService)",
                    note_basis(note),
                    note_link(note, VPC_ENDPOINT),
                )
