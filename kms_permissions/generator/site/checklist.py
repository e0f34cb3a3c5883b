"""The "why was my request denied?" checklist that opens access/index.md: AWS's order of evaluation,
each step linked to the worked cases that show it.

A case belongs to a step by what it holds, not by its name: the source kinds of the reasons
that stand against the request, not those saying a source allowed it (explicit Deny anywhere,
an SCP or RCP, the key policy, identity-side policies, grants, a VPC endpoint policy), a request
that gives an encryption context, or a reason about the key's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kms_permissions.policy.access import docs as aws
from kms_permissions.policy.access.cases import Case

KEY_STATE = f"{aws.KMS}/key-state.html"


# Reasons that say a source allowed (or enabled) something: in a denied case, not why.
ALLOWING = ("allows", "enabled")


def _kinds(case: Case) -> set[str]:
    """The source kinds of the reasons that stand against the request."""
    return {
        kind
        for code, kind, _ in case.reasons
        if code != "explicit-deny" and not any(word in code for word in ALLOWING)
    }


def _denied_by(*kinds: str) -> Callable[[Case], bool]:
    return lambda case: case.decision != "allow" and bool(_kinds(case) & set(kinds))


def _explicit_deny(case: Case) -> bool:
    return any(code == "explicit-deny" for code, _, _ in case.reasons)


def _encryption_context(case: Case) -> bool:
    context = case.request.get("context") or {}
    given = any(name.lower().startswith("kms:encryptioncontext") for name in context)
    return given and case.decision != "allow"


def _key_state(case: Case) -> bool:
    return any("key-state" in code for code, _, _ in case.reasons)


@dataclass(frozen=True)
class Step:
    """One thing to check, the AWS page that says it, and which cases show it."""

    title: str
    check: str
    page: str
    shows: Callable[[Case], bool]


STEPS: tuple[Step, ...] = (
    Step(
        "An explicit Deny anywhere",
        "A Deny that applies, in any policy (key policy, IAM policy, SCP, RCP, permissions "
        "boundary, session policy, VPC endpoint policy), wins over every Allow.",
        aws.EVALUATION_LOGIC,
        _explicit_deny,
    ),
    Step(
        "Service and resource control policies",
        "An SCP of the caller's organization must allow the action for the caller's account, "
        "and an RCP of the key owner's organization must allow it on the key.",
        aws.SCP_EVALUATION,
        _denied_by("scp", "rcp"),
    ),
    Step(
        "The key policy",
        "The key policy must allow the caller, directly or by enabling IAM policies for its "
        "account; without it nobody, not even the account's root user, can use the key.",
        aws.KEY_POLICIES,
        _denied_by("key-policy"),
    ),
    Step(
        "IAM policies, permissions boundaries and session policies",
        "Where the key policy enables IAM policies (and always for another account), an IAM "
        "policy must allow the caller, within its permissions boundary and session policy.",
        aws.BOUNDARIES,
        _denied_by("iam-policy", "permissions-boundary", "session-policy"),
    ),
    Step(
        "Grants",
        "A grant gives its grantee only the operations it lists, only on its key and only "
        "under its constraints.",
        aws.GRANTS,
        _denied_by("grant"),
    ),
    Step(
        "The key's state",
        "A disabled key, or one pending deletion or import, refuses cryptographic "
        "operations whatever the policies allow.",
        KEY_STATE,
        _key_state,
    ),
    Step(
        "The encryption context",
        "A condition or grant constraint on the encryption context must match the request's "
        "context exactly: keys ignore case, values do not.",
        aws.ENCRYPTION_CONTEXT_CASE,
        _encryption_context,
    ),
    Step(
        "The VPC endpoint",
        "A request through a VPC endpoint must also be allowed by the endpoint's policy.",
        aws.VPC_ENDPOINT_POLICY,
        _denied_by("vpce-policy"),
    ),
)


def cases_of(step: Step, cases: tuple[Case, ...]) -> list[Case]:
    """The worked cases that show the step, in the case list's order."""
    return [case for case in cases if step.shows(case)]
