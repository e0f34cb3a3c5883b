"""Resource control policies of the key owner's organization: they restrict by Deny.

https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html:
RCPs set the maximum permissions on the resources of member accounts (not the management
account's); RCPFullAWSAccess is attached at every level and cannot be detached, so each level
allows everything its Deny statements leave, and a Deny at any level denies. They do not bind
service-linked roles; they do bind AWS service principals (AWS's own RCP examples exempt them with
aws:PrincipalIsAWSService).
https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html: they do not
apply to AWS managed keys, and kms:RetireGrant is not effective in an RCP.
"""

from __future__ import annotations

from kms_permissions.policy.access.outcome import TRUE, Outcome, false, unknown
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.stages.base import Evaluation
from kms_permissions.policy.access.statements import StatementVerdict


def applies(request: Request, action: str, on_key: bool) -> Outcome:
    """Whether the key owner's RCPs bind this request (false with why not)."""
    if not on_key:
        return false(f"{action} is not authorized on a key, so no RCP of a key's owner applies")
    if request.key_manager == "AWS":
        return false("RCPs do not apply to AWS managed keys")
    if request.management_account and request.key_account == request.management_account:
        return false(f"RCPs do not apply to the management account {request.key_account}")
    if action == "kms:RetireGrant":
        return false("kms:RetireGrant is not effective in an RCP")
    linked = request.caller.service_linked
    if linked is None:
        return unknown(
            f"{request.caller.label} may be a service-linked role's session, to which RCPs do not "
            "apply; give the request's principal_arn (the role's ARN with its path)"
        )
    if linked:
        return false("RCPs do not apply to service-linked roles")
    return TRUE


def denies(ev: Evaluation) -> tuple[Outcome, list[StatementVerdict]]:
    """Whether RCPs bind the request, and their Deny statements."""
    if not ev.rcps:
        return false(""), []
    binding = applies(ev.request, ev.action.name, ev.action.on_key)
    return binding, [v for level in ev.rcps for v in level if v.effect == "Deny"]
