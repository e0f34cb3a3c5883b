"""Grant chains: a grantee that holds CreateGrant through a grant creates only grants with some of
its operations and constraints at least as strict (KMS guide, "Granting CreateGrant
permission"), read from the CreateGrant request's kms:GrantOperations, kms:GrantConstraintType,
kms:GrantConstraintSourceArn and kms:EncryptionContext:KEY."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.policy.access import explain
from kms_permissions.policy.access.cases import (
    DECRYPT_GRANT,
    LOGS_ARN,
    USER,
    enable_iam,
    policy,
    request,
)
from kms_permissions.policy.access.explanation import read_request
from kms_permissions.policy.access.grants import grant_allows, parse_grants

# The guide's parent grant: GenerateDataKey, Decrypt and CreateGrant, EncryptionContextSubset.
PARENT = {
    **DECRYPT_GRANT,
    "GranteePrincipal": USER,
    "Operations": ["GenerateDataKey", "Decrypt", "CreateGrant"],
    "Constraints": {"EncryptionContextSubset": {"Department": "IT"}},
}
EQUALS = {**PARENT, "Constraints": {"EncryptionContextEquals": {"Department": "IT"}}}
UNCONSTRAINED = {**PARENT, "Constraints": {}}


def child(operations: list[str], kind: str | None = None, **pairs: str) -> dict[str, Any]:
    context: dict[str, Any] = {"kms:GrantOperations": operations}
    if kind:
        context["kms:GrantConstraintType"] = kind
    context.update({f"kms:EncryptionContext:{k}": v for k, v in pairs.items()})
    return context


def create(parent: dict[str, Any], context: dict[str, Any]) -> Any:
    return explain(policy(enable_iam()), request(USER, "kms:CreateGrant", context), grants=[parent])


@pytest.mark.parametrize(
    ("parent", "context", "decision"),
    [
        # The guide's child grant: fewer operations, Subset turned into Equals.
        (
            PARENT,
            child(["CreateGrant", "Decrypt"], "EncryptionContextEquals", Department="IT"),
            "allow",
        ),
        # Adding pairs to the Subset; the key's case does not matter in a grant constraint.
        (
            PARENT,
            child(["Decrypt"], "EncryptionContextSubset", department="IT", Purpose="Test"),
            "allow",
        ),
        # Removing the parent's pair, changing its value, or dropping the constraint: no.
        (PARENT, child(["Decrypt"], "EncryptionContextSubset", Purpose="Test"), "implicit-deny"),
        (PARENT, child(["Decrypt"], "EncryptionContextSubset", Department="it"), "implicit-deny"),
        (PARENT, child(["Decrypt"]), "implicit-deny"),
        # An operation the parent lacks.
        (PARENT, child(["Encrypt"], "EncryptionContextEquals", Department="IT"), "implicit-deny"),
        # Equals cannot become Subset, nor change its pairs.
        (EQUALS, child(["Decrypt"], "EncryptionContextSubset", Department="IT"), "implicit-deny"),
        (EQUALS, child(["Decrypt"], "EncryptionContextEquals", Department="IT"), "allow"),
        (
            EQUALS,
            child(["Decrypt"], "EncryptionContextEquals", Department="IT", x="y"),
            "implicit-deny",
        ),
        # An unconstrained parent admits any constraint, or none.
        (UNCONSTRAINED, child(["Decrypt"]), "allow"),
        (UNCONSTRAINED, child(["Decrypt"], "EncryptionContextSubset", a="b"), "allow"),
    ],
)
def test_child_grants(parent: Any, context: Any, decision: str) -> None:
    result = create(parent, context)
    assert (result.decision, result.decided) == (decision, True)
    if decision != "allow":
        assert result.reasons[-1].code == "grant-does-not-apply"


def test_the_reason_says_what_the_child_lacks() -> None:
    result = create(PARENT, child(["Decrypt"], "EncryptionContextSubset", Purpose="Test"))
    assert result.reasons[-1].rule == (
        f"grant {PARENT['GrantId']} has the constraint EncryptionContextSubset "
        '{"Department": "IT"}; a grant it lets its grantee create must keep those pairs, and the '
        'new grant\'s EncryptionContextSubset {"Purpose": "Test"} lacks {"Department": "IT"}'
    )


def test_source_arn_parent_admits_only_the_same_source_arn() -> None:
    parent = {**UNCONSTRAINED, "Constraints": {"SourceArn": LOGS_ARN}}
    same = {**child(["Decrypt"]), "kms:GrantConstraintSourceArn": LOGS_ARN}
    same["aws:SourceArn"] = LOGS_ARN
    assert create(parent, same).decision == "allow"
    other = {**same, "kms:GrantConstraintSourceArn": LOGS_ARN + "2"}
    assert (create(parent, other).decision, create(parent, other).decided) == (
        "implicit-deny",
        True,
    )
    none = {k: v for k, v in same.items() if k != "kms:GrantConstraintSourceArn"}
    assert "SourceArn" in create(parent, none).reasons[-1].rule


def test_what_the_request_does_not_say_is_not_guessed() -> None:
    no_type = create(PARENT, child(["Decrypt"], None, Department="IT"))
    assert no_type.decided is False
    assert "kms:GrantConstraintType" in no_type.undecided[0].rule
    no_operations = create(
        PARENT,
        {
            "kms:GrantConstraintType": "EncryptionContextEquals",
            "kms:EncryptionContext:Department": "IT",
        },
    )
    assert no_operations.decided is False
    assert "kms:GrantOperations" in no_operations.undecided[0].rule


# --- the rule agrees with the constraints' own meaning --------------------------------------

KEYS = ["a", "A", "b"]  # a and A are one key in a grant constraint
VALUES = ["1", "2"]
# Every encryption context over a, b and one key no constraint names.
CONTEXTS = [
    {k: v for k, v in zip(("a", "b", "c"), values, strict=True) if v}
    for values in itertools.product(["", *VALUES], repeat=3)
]
pairs = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2).filter(
    lambda d: len({k.lower() for k in d}) == len(d)
)
constraints: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    pairs.map(lambda p: {"EncryptionContextEquals": p}),
    pairs.map(lambda p: {"EncryptionContextSubset": p}),
)


def _admits(grant: dict[str, Any], context: dict[str, str]) -> bool:
    found = parse_grants({**grant, "Operations": ["Decrypt"]}, "grant")[0]
    req = read_request(
        request(USER, "kms:Decrypt", {f"kms:EncryptionContext:{k}": v for k, v in context.items()})
    )
    return grant_allows(found, req, "kms:Decrypt", True).value is True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constraints, constraints)
def test_a_child_is_allowed_exactly_when_it_admits_no_request_its_parent_refuses(
    parent_constraints: dict[str, Any], child_constraints: dict[str, Any]
) -> None:
    parent = {**PARENT, "Constraints": parent_constraints}
    kind = next(iter(child_constraints), None)
    context = child(["Decrypt"], kind, **(child_constraints.get(kind, {}) if kind else {}))
    within = all(
        _admits(parent, c)
        for c in CONTEXTS
        if _admits({**PARENT, "Constraints": child_constraints}, c)
    )
    result = create(parent, context)
    assert result.decided
    assert (result.decision == "allow") == within
