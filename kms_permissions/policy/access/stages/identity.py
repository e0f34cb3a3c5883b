"""The caller's identity policies, limited by its permissions boundary and session policy.

- In the key's account an IAM policy allows only where the key policy enables IAM policies (a
  statement allowing the account):
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
- A principal in another account needs the key policy (naming it or its account) and its own IAM
  policy; only permissions usable across accounts work that way:
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- IAM-policy-only permissions (not on a key) are decided by IAM policies alone:
  https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
- What identity policies allow is also limited by the permissions boundary (users and roles)
  and the session policy (role and federated sessions); both must allow too:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- The root user is not governed by IAM policies: it has every permission within its account:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, any_of
from kms_permissions.policy.access.results import Reason, Stage
from kms_permissions.policy.access.stages.base import (
    Evaluation,
    Path,
    allows,
    cite,
    holding,
    near_misses,
)
from kms_permissions.policy.access.statements import StatementVerdict

# typing's names for type checkers only (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

ROOT_USER = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"


def _allowed_by(verdicts: list[StatementVerdict] | None) -> Outcome:
    if verdicts is None:
        return TRUE
    return any_of((v.applies for v in allows(verdicts)), "")


def limits(ev: Evaluation) -> Outcome:
    """The permissions boundary and the session policy both allow (true where not given)."""
    return all_of((_allowed_by(ev.boundary), _allowed_by(ev.session)))


def limit_reasons(ev: Evaluation, allowed: bool) -> list[Reason]:
    """Why the boundary and session policy let the request through, or what they lack."""
    found: list[Reason] = []
    action = ev.request.action
    for verdicts, kind, basis in (
        (ev.boundary, "permissions-boundary", docs.BOUNDARIES),
        (ev.session, "session-policy", docs.SESSION_POLICIES),
    ):
        if verdicts is None:
            continue
        name = "permissions boundary" if kind == "permissions-boundary" else "session policy"
        outcome = _allowed_by(verdicts)
        if allowed and outcome.value is True:
            found += [
                cite(v, f"{kind}-allows", f"the {name} allows {action}", basis, "identity")
                for v in holding(allows(verdicts), "applies")
            ]
        elif not allowed and outcome.value is False:
            found.append(
                Reason(
                    f"{kind}-does-not-allow",
                    f"the {name} does not allow {action}; it limits what the identity policies "
                    "allow",
                    kind,  # type: ignore[arg-type]
                    file=verdicts[0].policy.name if verdicts else None,
                    basis=basis,
                    stage="identity",
                )
            )
            found += near_misses(verdicts, action, "identity")
    return found


def _lacks(
    ev: Evaluation,
    kind: Literal["key-policy", "iam-policy"],
    code: str,
    rule: str,
    basis: str,
    stage: Stage = "identity",
    near: bool = True,
) -> list[Reason]:
    """Why the key policy or the caller's IAM policies do not allow: the reason, then each of
    their statements that nearly did (unless `near` is False)."""
    verdicts = ev.key_policy if kind == "key-policy" else ev.iam
    # The key policy is one file; the IAM policies may be several, so none is named.
    named = verdicts[0].policy.name if kind == "key-policy" and verdicts else None
    reason = Reason(code, rule, kind, file=named, basis=basis, stage=stage)
    return [reason, *(near_misses(verdicts, ev.request.action, stage) if near else [])]


def iam_allow(ev: Evaluation) -> Outcome:
    """Some identity policy of the caller allows the request (the root user needs none)."""
    if ev.request.caller.kind == "root":
        return TRUE
    return any_of((v.applies for v in allows(ev.iam)), "")


def _iam_because(ev: Evaluation, rule: str, code: str) -> list[Reason]:
    if ev.request.caller.kind == "root":
        return [
            Reason(
                "root-user",
                f"the root user of account {ev.request.caller.account} has every permission in "
                "its account and needs no IAM policy",
                "request",
                basis=ROOT_USER,
                stage="identity",
            )
        ]
    return [
        cite(v, code, rule, docs.EVALUATION_LOGIC, "identity")
        for v in holding(allows(ev.iam), "applies")
    ]


def same_account(ev: Evaluation) -> Path:
    """The key policy enables IAM policies for the caller's account, and an IAM policy allows."""
    request, key_policy = ev.request, ev.key_policy
    account = request.caller.account
    enabling = allows(key_policy)
    enabled = any_of((v.applies_to_account for v in enabling), "")
    allowed = iam_allow(ev)
    limited = limits(ev)
    outcome = all_of((enabled, allowed, limited))
    because: list[Reason] = []
    if outcome.value is True:
        because = (
            [
                cite(
                    v,
                    "iam-policies-enabled",
                    f"the key policy enables IAM policies for account {account}",
                    docs.ENABLE_IAM,
                    "identity",
                )
                for v in holding(enabling, "applies_to_account")
            ]
            + _iam_because(
                ev,
                f"the key policy enables IAM policies for account {account} and the IAM policy "
                "allows",
                "iam-policy-allows",
            )
            + limit_reasons(ev, True)
        )
    missing: list[Reason] = []
    if enabled.value is False:
        missing += _lacks(
            ev,
            "key-policy",
            "iam-not-enabled",
            f"the key policy does not enable IAM policies for account {account} "
            f"(no statement allows the account {request.action})",
            docs.ENABLE_IAM,
            "identity",
            near=False,
        )
        missing += _iam_because(
            ev,
            f"the IAM policy allows {request.action}, but without the key policy's permission "
            "an IAM policy has no effect",
            "iam-policy-ineffective",
        )
    elif allowed.value is False:
        missing += _lacks(
            ev,
            "iam-policy",
            "no-iam-allow",
            f"the key policy enables IAM policies for account {account}, but no IAM policy of "
            f"{request.caller.label} allows {request.action} on this key",
            docs.ENABLE_IAM,
        )
    elif limited.value is False:
        missing += limit_reasons(ev, False)
    return Path(outcome, because, missing)


def cross_account(ev: Evaluation) -> Path:
    """The key policy allows the external caller or its account, and its IAM policy allows.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
    the caller's account evaluates its identity policies (with boundary and session policy),
    the key's account the key policy; both must allow.
    """
    request, key_policy = ev.request, ev.key_policy
    caller, account = request.caller.label, request.caller.account
    granted = any_of((v.applies for v in allows(key_policy)), "")
    allowed = iam_allow(ev)
    limited = limits(ev)
    outcome = all_of((granted, allowed, limited))
    because: list[Reason] = []
    if outcome.value is True:
        because = (
            [
                cite(
                    v,
                    "key-policy-allows-external",
                    f"the key policy allows {caller} (account {account}) to use {request.action} "
                    f"across accounts",
                    docs.CROSS_ACCOUNT,
                    "key-policy",
                )
                for v in holding(allows(key_policy), "applies")
            ]
            + _iam_because(
                ev,
                f"the IAM policy in account {account} allows {request.action} on the key in "
                f"account {request.key_account}",
                "iam-policy-allows-external",
            )
            + limit_reasons(ev, True)
        )
    missing: list[Reason] = []
    if granted.value is False:
        missing += _lacks(
            ev,
            "key-policy",
            "no-key-policy-allow",
            f"the key policy allows neither {caller} nor its account {account} to use "
            f"{request.action}",
            docs.CROSS_ACCOUNT,
            "key-policy",
        )
    if allowed.value is False:
        missing += _lacks(
            ev,
            "iam-policy",
            "no-iam-allow-external",
            f"a principal in another account also needs its own IAM policy to allow "
            f"{request.action} on the key; no IAM policy of {caller} does",
            docs.CROSS_ACCOUNT,
        )
    elif limited.value is False:
        missing += limit_reasons(ev, False)
    return Path(outcome, because, missing)


def iam_only(ev: Evaluation) -> Path:
    """An IAM-policy-only permission: identity policies alone decide (with their limits)."""
    request = ev.request
    allowed = iam_allow(ev)
    limited = limits(ev)
    because = _iam_because(
        ev,
        f"{request.action} is an IAM-policy-only permission and the IAM policy allows",
        "iam-only-allows",
    ) + limit_reasons(ev, True)
    missing = (
        _lacks(
            ev,
            "iam-policy",
            "no-iam-allow",
            f"{request.action} is an IAM-policy-only permission and no IAM policy of "
            f"{request.caller.label} allows it",
            docs.PERMISSIONS,
        )
        if allowed.value is False
        else limit_reasons(ev, False)
    )
    return Path(all_of((allowed, limited)), because, missing)
