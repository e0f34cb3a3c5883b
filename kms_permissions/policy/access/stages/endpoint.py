"""A request through a VPC endpoint must also be allowed by the endpoint's policy.

https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.outcome import TRUE, any_of
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.stages.base import Evaluation, Path, allows, cite, near_misses


def endpoint_id(ev: Evaluation) -> str:
    """The VPC endpoint the request passes through."""
    return ev.request.context["aws:SourceVpce"].values[0]


def stage(ev: Evaluation) -> Path:
    """The VPC endpoint's policy allows the request (always, when it takes no part)."""
    vp = ev.vpce
    if not vp:
        return Path(TRUE)
    action = ev.request.action
    outcome = any_of((v.applies for v in allows(vp)), "")
    because = [
        cite(
            v,
            "vpce-policy-allows",
            f"the VPC endpoint policy allows {action} through {endpoint_id(ev)}",
            docs.VPC_ENDPOINT_POLICY,
            "endpoint",
        )
        for v in allows(vp)
        if v.applies.value is True
    ]
    missing = [
        Reason(
            "vpce-policy-does-not-allow",
            f"the request passes through {endpoint_id(ev)}, whose policy does not allow "
            f"{action} for {ev.request.caller.label}",
            "vpce-policy",
            file=vp[0].policy.name,
            basis=docs.VPC_ENDPOINT_POLICY,
            stage="endpoint",
        ),
        *near_misses(vp, action, "endpoint"),
    ]
    return Path(outcome, because, missing)
