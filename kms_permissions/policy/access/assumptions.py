"""What was not given and was assumed: policy types assumed absent, facts of the request.

An absent restricting policy (SCP, RCP, permissions boundary, session policy, the VPC endpoint's
policy) can only turn an allow into a deny; an absent granting one (identity policies) an
implicit deny into an allow, never an explicit one; an assumed member account or customer
managed key keeps an SCP or RCP binding that might not. Each assumption says whether it could
change the decision at hand.
"""

from __future__ import annotations

from collections.abc import Collection

from kms_permissions.policy.access import docs, two_keys
from kms_permissions.policy.access.decision import Policies
from kms_permissions.policy.access.facts import ActionFacts
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import Assumption, Decision

# Policy types a caller can declare absent (`--none TYPE`).
POLICY_TYPES = ("iam-policy", "scp", "rcp", "permissions-boundary", "session-policy", "vpce-policy")


def assumptions(
    request: Request,
    action: ActionFacts,
    given: Policies,
    absent: Collection[str],
    decision: Decision,
    other_key_given: bool = False,
) -> list[Assumption]:
    """The assumptions behind a decision, in a fixed order."""
    caller = request.caller
    identity_side = caller.kind != "service"
    allowed = decision == "allow"
    found: list[Assumption] = []

    def policy_type(
        subject: str, applies: bool, given_it: bool, text: str, restricts: bool, basis: str
    ) -> None:
        if applies and not given_it and subject not in absent:
            # A granting policy can only lift an implicit deny: an explicit Deny is final.
            changes = allowed if restricts else decision == "implicit-deny"
            found.append(Assumption(subject, text, changes, basis))

    policy_type(
        "iam-policy",
        identity_side and caller.kind != "root",
        bool(given.iam),
        "no identity policy of the caller was given: assumed it has none",
        False,
        docs.EVALUATION_LOGIC,
    )
    member = not (request.management_account and caller.account == request.management_account)
    policy_type(
        "scp",
        identity_side and member and caller.service_linked is not True,
        bool(given.scps),
        "no service control policy was given: assumed none restricts the caller's account",
        True,
        docs.SCP,
    )
    key_member = not (
        request.management_account and request.key_account == request.management_account
    )
    policy_type(
        "rcp",
        action.on_key and request.key_manager != "AWS" and key_member,
        bool(given.rcps),
        "no resource control policy was given: assumed none restricts the key's account",
        True,
        docs.RCP,
    )
    policy_type(
        "permissions-boundary",
        caller.kind in ("user", "role", "assumed-role"),
        given.boundary is not None,
        "no permissions boundary was given: assumed the caller has none",
        True,
        docs.BOUNDARIES,
    )
    policy_type(
        "session-policy",
        # A role never calls KMS itself: a request "from the role" comes from one of its
        # sessions, which may carry a session policy (aws:PrincipalType is AssumedRole).
        caller.kind in ("role", "assumed-role", "federated-user"),
        given.session is not None,
        "no session policy was given: assumed the session has none",
        True,
        docs.SESSION_POLICIES,
    )
    policy_type(
        "vpce-policy",
        request.through_vpc_endpoint,
        given.vpce is not None,
        "the request passes through a VPC endpoint whose policy was not given: assumed it allows",
        True,
        docs.VPC_ENDPOINT_POLICY,
    )
    two = two_keys.parts(action)
    other = two and two_keys.assumption(request, two, other_key_given, decision)
    if other:
        found.append(other)
    organization = bool(given.scps or given.rcps)
    if organization and request.management_account is None:
        found.append(
            Assumption(
                "management_account",
                "the request does not name the organization's management account: assumed the "
                "caller's and the key's accounts are member accounts, which SCPs and RCPs bind",
                not allowed,
                docs.SCP,
            )
        )
    if given.rcps and action.on_key and request.key_manager is None:
        found.append(
            Assumption(
                "key_manager",
                "the request does not give key_manager: assumed a customer managed key, which "
                "RCPs bind (they do not bind AWS managed keys)",
                not allowed,
                docs.KMS_RCP,
            )
        )
    return found
