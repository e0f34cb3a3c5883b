"""Decisions per second of `explain` on the worked cases, and its peers' on the same ones:
principalmapper (Python) and @cloud-copilot/iam-simulate (node; `npm ci` in
tests/peers/iam-simulate). Target: explain() at least 3x iam-simulate's rate, both measured
inside their own process on the cases both can express, the inputs given as data each time.

principalmapper's local policy simulation models key policies (KMS needs the key policy to match,
IAM policies where it names the account root) but not grants, VPC endpoint policies, root users
or service principals: the cases with those are left out of the comparison and counted.
Run: python benchmarks/explain.py   (principalmapper comes with `pip install -e '.[bench]'`)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from kms_permissions.policy.access import explain, facts
from kms_permissions.policy.access.cases import CASES, Case
from kms_permissions.policy.access.decision import Policies, decide
from kms_permissions.policy.access.explanation import read_request
from kms_permissions.policy.access.grants import parse_grants
from kms_permissions.policy.access.inputs import parse_policy
from kms_permissions.policy.access.request import KEY_ARN

PASSES = 5
ROUNDS = 5  # alternating rounds of explain() and iam-simulate


def rate(decide: Callable[[Case], Any], cases: list[Case], repeat: int) -> float:
    """Median decisions per second over PASSES passes of `repeat` rounds of every case."""
    rates = []
    for _ in range(PASSES):
        start = time.perf_counter()
        for _ in range(repeat):
            for case in cases:
                decide(case)
        rates.append(repeat * len(cases) / (time.perf_counter() - start))
    return statistics.median(rates)


def ours(case: Case) -> str:
    return explain(**case.inputs()).decision


def prepared(cases: list[Case]) -> Callable[[Case], str]:
    """Decisions on inputs read once, as principalmapper gets its policies already loaded."""
    inputs = {}
    for case in cases:
        request = read_request(case.request)
        action = facts.action_facts(request.action)
        assert action is not None
        grants = [g for i, s in enumerate(case.grants) for g in parse_grants(s, f"grant[{i}]")]
        inputs[case.slug] = (
            request,
            action,
            Policies(
                key_policy=parse_policy(case.key_policy, "key-policy", "key-policy"),
                iam=[parse_policy(p, "iam-policy", "iam-policy") for p in case.iam_policies],
                grants=grants,
                vpce=parse_policy(case.vpce_policy, "vpce-policy", "vpce")
                if case.vpce_policy
                else None,
            ),
        )

    def decide_only(case: Case) -> str:
        request, action, given = inputs[case.slug]
        return decide(request, action, given, None)[0]

    return decide_only


def _pmapper() -> tuple[Callable[[Case], str | None], str] | None:
    import collections
    import collections.abc

    # principalmapper 1.1.5 imports Mapping and MutableMapping from `collections`, which
    # Python 3.10 removed; they are the same classes in collections.abc.
    for name in ("Mapping", "MutableMapping"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    try:
        import principalmapper
        from principalmapper.common.nodes import Node
        from principalmapper.common.policies import Policy
        from principalmapper.querying.query_interface import local_check_authorization_full
    except ImportError:
        return None

    def theirs(case: Case) -> str | None:
        """allow or deny as principalmapper decides; None where it cannot model the case."""
        request = case.request
        principal = request["principal"]
        if (
            case.grants
            or case.vpce_policy
            or case.scps
            or case.rcps
            or case.permissions_boundary
            or case.session_policy
            or ":root" in principal
            or "arn:" not in principal
            or any(
                f in request
                for f in ("alias", "principal_arn", "management_account", "other_key_arn")
            )
        ):
            return None
        if ":assumed-role/" in principal:  # the role's node stands for its sessions
            account, role = principal.split(":")[4], principal.split("/")[1]
            principal = f"arn:aws:iam::{account}:role/{role}"
        policies = [
            Policy(f"{principal}/inline-{i}", f"inline-{i}", document)
            for i, document in enumerate(case.iam_policies)
        ]
        node = Node(
            principal,
            "AIDAEXAMPLE",
            policies,
            None,
            {} if ":role/" in principal else None,
            None,
            0,
            False,
            False,
            None,
            False,
            None,
        )
        key = request.get("key_arn")
        owner = KEY_ARN.match(key)["account"] if key and KEY_ARN.match(key) else None  # type: ignore[index]
        allowed = local_check_authorization_full(
            node,
            request["action"],
            key or "*",
            dict(request.get("context", {})),
            case.key_policy if key else None,
            owner,
        )
        return "allow" if allowed else "deny"

    return theirs, principalmapper.__version__


def _iam_simulate(cases: list[Case]) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.peers import iam_simulate as peer

    why_not = peer.missing()
    if why_not:
        print(f"iam-simulate: cannot run ({why_not})")
        return
    comparable = [c for c in cases if peer.comparable(c)]
    simulations = json.dumps([peer.simulation(c) for c in comparable])

    def theirs() -> float:
        done = subprocess.run(
            ["node", str(peer.RUNNER), "--repeat", "10"],
            input=simulations,
            capture_output=True,
            text=True,
            cwd=peer.FOLDER,
            check=True,
        )
        return float(json.loads(done.stdout)["per_second"])

    # Each round measures both, one right after the other, so that a busy machine weighs on
    # both sides of a ratio alike; the median ratio of the rounds is reported.
    rounds = [(rate(ours, comparable, repeat=4), theirs()) for _ in range(ROUNDS)]
    ratios = sorted(mine / their for mine, their in rounds)
    ratio = statistics.median(ratios)
    verdict = "met" if ratio >= 3 else "NOT met"
    mine = statistics.median(m for m, _ in rounds)
    their = statistics.median(t for _, t in rounds)
    print(
        f"iam-simulate: {len(comparable)} of {len(cases)} cases comparable; decisions per second "
        f"explain() {mine:8.0f}, iam-simulate {their:8.0f}; explain / iam-simulate = "
        f"{ratio:.2f}, median of {ROUNDS} rounds ({ratios[0]:.2f} to {ratios[-1]:.2f}; "
        f"target 3: {verdict})"
    )


def main() -> None:
    cases = list(CASES)
    whole = rate(ours, cases, repeat=20)
    decide_only = rate(prepared(cases), cases, repeat=20)
    print(f"explain: {len(cases)} worked cases; decisions per second, median of {PASSES} passes")
    print(f"  files read and checked each time: {whole:8.0f}")
    print(f"  inputs read once:                 {decide_only:8.0f}")
    _iam_simulate(cases)
    found = _pmapper()
    if found is None:
        print("principalmapper: not installed or not importable here (pip install -e '.[bench]')")
        return
    theirs, version = found
    comparable = [c for c in cases if theirs(c) is not None]
    agree = [c for c in comparable if (ours(c) == "allow") == (theirs(c) == "allow")]
    print(
        f"principalmapper {version}: {len(comparable)} of {len(cases)} cases comparable "
        "(the others use grants, VPC endpoints, root users or service principals)"
    )
    print(f"  agreement (allow vs deny): {len(agree)} of {len(comparable)}")
    for case in comparable:
        if case not in agree:
            mine = explain(**case.inputs())
            print(
                f"    {case.slug}: explain {mine.decision} ({mine.reasons[0].code}), "
                f"principalmapper {theirs(case)}"
            )
    their_rate = rate(theirs, comparable, repeat=20)
    ours_rate = rate(prepared(comparable), comparable, repeat=20)
    print(
        f"  decisions per second on those: explain (inputs read once) {ours_rate:8.0f}, "
        f"principalmapper {their_rate:8.0f}; explain / principalmapper = "
        f"{ours_rate / their_rate:.2f}"
    )


if __name__ == "__main__":
    main()
