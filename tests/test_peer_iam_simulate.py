"""A second opinion: every worked case both tools can express, through explain and through
@cloud-copilot/iam-simulate (node, pinned by tests/peers/iam-simulate/package-lock.json).

Every disagreement is recorded with its reason in tests/peers/iam-simulate/disagreements.json;
a new one, or one that went away, fails until the file says why.
"""

from __future__ import annotations

import json

import pytest

from kms_permissions.policy.access import explain
from kms_permissions.policy.access.cases import CASES
from tests.peers import iam_simulate as peer

pytestmark = pytest.mark.slow


def test_every_disagreement_with_iam_simulate_is_recorded_with_its_reason() -> None:
    why_not = peer.missing()
    if why_not:
        pytest.skip(f"iam-simulate cannot run: {why_not}")
    cases = [c for c in CASES if peer.comparable(c)]
    assert len(cases) >= 30  # most cases are comparable; the rest use grants or aliases
    results = peer.run([peer.simulation(c) for c in cases])
    found = []
    for case, result in zip(cases, results, strict=True):
        assert "errors" not in result, (case.slug, result)
        ours = explain(**case.inputs())
        assert ours.decided
        if peer.RESULTS[ours.decision] != result["result"]:
            found.append((case.slug, ours.decision, result["result"]))
    recorded = json.loads(peer.DISAGREEMENTS.read_text(encoding="utf-8"))["disagreements"]
    assert all(r["reason"].strip() for r in recorded)
    assert sorted(found) == sorted((r["case"], r["explain"], r["iam-simulate"]) for r in recorded)
