"""The worked cases as @cloud-copilot/iam-simulate simulations, and running them through node.

The peer is installed from `tests/peers/iam-simulate/package-lock.json` by `npm ci` (`.ci/run`).
It has no grants, aliases, second keys, or facts about the organization (management account,
AWS managed keys): cases that use those are not comparable. It does not derive context keys, so each
simulation gets the context `explain` used (given and derived keys alike): both decide on the
same request.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from kms_permissions.policy.access import explain
from kms_permissions.policy.access.cases import Case
from kms_permissions.policy.access.request import KEY_ARN

FOLDER = Path(__file__).parent / "iam-simulate"
RUNNER = FOLDER / "simulate.mjs"
DISAGREEMENTS = FOLDER / "disagreements.json"
RESULTS = {
    "allow": "Allowed",
    "explicit-deny": "ExplicitlyDenied",
    "implicit-deny": "ImplicitlyDenied",
}
_NOT_COMPARABLE = ("alias", "aliases", "management_account", "key_manager", "other_key_arn")


def missing() -> str | None:
    """Why the peer cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (FOLDER / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        return f"the peer is not installed: run `npm ci` in {FOLDER}"
    return None


def comparable(case: Case) -> bool:
    """Whether both tools can express the case."""
    request = case.request
    return (
        case.decided  # the peer has no "cannot decide"
        and _endpoint_principals_are_star(case.vpce_policy)
        and not case.grants
        and "key_arn" in request
        and not any(field in request for field in _NOT_COMPARABLE)
    )


def _endpoint_principals_are_star(vpce_policy: dict[str, Any] | None) -> bool:
    """The peer refuses an endpoint policy naming a principal other than "*"; KMS's guide has
    endpoint policies that name principals (kms-vpc-endpoint.html#vpce-policy)."""
    statements = (vpce_policy or {}).get("Statement", [])
    return all(s.get("Principal") in ("*", {"AWS": "*"}) for s in statements)


def simulation(case: Case) -> dict[str, Any]:
    """The case as an iam-simulate Simulation."""
    ours = explain(**case.inputs())
    request = case.request
    key = KEY_ARN.match(request["key_arn"])
    assert key is not None
    simulation: dict[str, Any] = {
        "request": {
            "principal": request["principal"],
            "action": request["action"],
            "resource": {"resource": request["key_arn"], "accountId": key["account"]},
            "contextVariables": ours.context,
        },
        "identityPolicies": [
            {"name": f"iam-{i}", "policy": p} for i, p in enumerate(case.iam_policies)
        ],
        "serviceControlPolicies": [
            {"orgIdentifier": f"level-{i}", "policies": [{"name": f"scp-{i}", "policy": p}]}
            for i, p in enumerate(case.scps)
        ],
        "resourceControlPolicies": [
            {"orgIdentifier": f"level-{i}", "policies": [{"name": f"rcp-{i}", "policy": p}]}
            for i, p in enumerate(case.rcps)
        ],
        "resourcePolicy": case.key_policy,
    }
    if case.permissions_boundary is not None:
        simulation["permissionBoundaryPolicies"] = [
            {"name": "boundary", "policy": case.permissions_boundary}
        ]
    if case.session_policy is not None:
        simulation["sessionPolicy"] = case.session_policy
    if case.vpce_policy is not None and "vpce" in request:
        simulation["vpcEndpointPolicies"] = [{"name": "vpce", "policy": case.vpce_policy}]
    return simulation


def run(simulations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """iam-simulate's result for each simulation, in one node process."""
    done = subprocess.run(
        ["node", str(RUNNER)],
        input=json.dumps(simulations),
        capture_output=True,
        text=True,
        cwd=FOLDER,
        check=True,
        timeout=300,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results
