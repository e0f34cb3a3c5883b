"""The ways KMS can allow a request, each with the reasons it holds or does not.

- The key policy comes first: no principal, the account's root user included, has access unless a
  key policy, IAM policy or grant allows it, and an IAM policy allows only where the key policy
  enables IAM policies (a statement allowing the account):
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html,
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
- A principal in another account needs the key policy (naming it or its account) and its own IAM
  policy, and only permissions usable across accounts work that way:
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- IAM-policy-only permissions (not on a key) are decided by IAM policies alone, and a key policy
  cannot grant a permission that is not effective in it:
  https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
- Grants allow their grantee their operations; a grant is retired by its retiring principal, its
  grantee when it allows RetireGrant, or its account, which can delegate that with IAM policies:
  https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.facts import ActionFacts
from kms_permissions.policy.access.grants import Grant, grant_allows, names_caller, on_key
from kms_permissions.policy.access.outcome import TRUE, Outcome, all_of, any_of, false, unknown
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.results import Reason
from kms_permissions.policy.access.statements import StatementVerdict


@dataclass
class Path:
    """One way to allow: whether it holds, the reasons if it does, and what is missing if not."""

    outcome: Outcome
    because: list[Reason] = field(default_factory=list)
    missing: list[Reason] = field(default_factory=list)


def cite(verdict: StatementVerdict, code: str, rule: str, basis: str) -> Reason:
    """A reason located at one statement of one policy."""
    statement = verdict.statement
    return Reason(
        code=code,
        rule=rule,
        kind=verdict.policy.kind,
        file=verdict.policy.name,
        statement=statement.index,
        sid=statement.sid,
        path=statement.path,
        basis=basis,
    )


def near_misses(verdicts: list[StatementVerdict], action: str) -> list[Reason]:
    """Statements that name the action but do not apply, each with what fails."""
    found = []
    for v in verdicts:
        outcome = v.applies
        if v.action.value is True and outcome.value is False:
            found.append(
                cite(
                    v,
                    "does-not-apply",
                    f"this {v.effect} statement covers {action} but does not apply: {outcome.why}",
                    docs.EVALUATION_LOGIC,
                )
            )
    return found


def allows(verdicts: list[StatementVerdict]) -> list[StatementVerdict]:
    """The Allow statements."""
    return [v for v in verdicts if v.effect == "Allow"]


def _holding(verdicts: list[StatementVerdict], pick: str) -> list[StatementVerdict]:
    return [v for v in verdicts if getattr(v, pick).value is True]


def key_policy_direct(request: Request, key_policy: list[StatementVerdict]) -> Path:
    """The key policy allows the caller itself (or everyone)."""
    candidates = allows(key_policy)
    outcome = any_of((v.applies_directly for v in candidates), "")
    caller = request.caller.label
    because = [
        cite(
            v,
            "key-policy-allows",
            f"the key policy allows {caller} to call {request.action}",
            docs.KEY_POLICIES,
        )
        for v in _holding(candidates, "applies_directly")
    ]
    missing = [
        Reason(
            "no-key-policy-allow",
            f"no statement of the key policy allows {caller} to call {request.action}",
            "key-policy",
            file=candidates[0].policy.name if candidates else None,
            basis=docs.KEY_POLICIES,
        ),
        *near_misses(key_policy, request.action),
    ]
    return Path(outcome, because, missing)


def iam_allow(request: Request, iam: list[StatementVerdict]) -> Outcome:
    """Some IAM policy of the caller allows the request."""
    if request.caller.kind == "root":
        return unknown(
            "the root user is not governed by IAM policies; how it is authorized is not modelled"
        )
    return any_of((v.applies for v in allows(iam)), "")


def _iam_because(
    request: Request, iam: list[StatementVerdict], rule: str, code: str
) -> list[Reason]:
    return [cite(v, code, rule, docs.EVALUATION_LOGIC) for v in _holding(allows(iam), "applies")]


def same_account_iam(
    request: Request, key_policy: list[StatementVerdict], iam: list[StatementVerdict]
) -> Path:
    """The key policy enables IAM policies for the caller's account, and an IAM policy allows."""
    account = request.caller.account
    enabling = [v for v in allows(key_policy)]
    enabled = any_of((v.applies_to_account for v in enabling), "")
    allowed = iam_allow(request, iam)
    outcome = all_of((enabled, allowed))
    because: list[Reason] = []
    if outcome.value is True:
        because = [
            cite(
                v,
                "iam-policies-enabled",
                f"the key policy enables IAM policies for account {account}",
                docs.ENABLE_IAM,
            )
            for v in _holding(enabling, "applies_to_account")
        ] + _iam_because(
            request,
            iam,
            f"the key policy enables IAM policies for account {account} and the IAM policy allows",
            "iam-policy-allows",
        )
    missing: list[Reason] = []
    if enabled.value is False:
        missing.append(
            Reason(
                "iam-not-enabled",
                f"the key policy does not enable IAM policies for account {account} "
                f"(no statement allows the account {request.action})",
                "key-policy",
                file=key_policy[0].policy.name if key_policy else None,
                basis=docs.ENABLE_IAM,
            )
        )
        missing += _iam_because(
            request,
            iam,
            f"the IAM policy allows {request.action}, but without the key policy's permission "
            "an IAM policy has no effect",
            "iam-policy-ineffective",
        )
    elif allowed.value is False:
        missing.append(
            Reason(
                "no-iam-allow",
                f"the key policy enables IAM policies for account {account}, but no IAM policy of "
                f"{request.caller.label} allows {request.action} on this key",
                "iam-policy",
                basis=docs.ENABLE_IAM,
            )
        )
        missing += near_misses(iam, request.action)
    return Path(outcome, because, missing)


def cross_account(
    request: Request, key_policy: list[StatementVerdict], iam: list[StatementVerdict]
) -> Path:
    """The key policy allows the external caller or its account, and its IAM policy allows."""
    caller, account = request.caller.label, request.caller.account
    granted = any_of((v.applies for v in allows(key_policy)), "")
    allowed = iam_allow(request, iam)
    outcome = all_of((granted, allowed))
    because: list[Reason] = []
    if outcome.value is True:
        because = [
            cite(
                v,
                "key-policy-allows-external",
                f"the key policy allows {caller} (account {account}) to use {request.action} "
                f"across accounts",
                docs.CROSS_ACCOUNT,
            )
            for v in _holding(allows(key_policy), "applies")
        ] + _iam_because(
            request,
            iam,
            f"the IAM policy in account {account} allows {request.action} on the key in account "
            f"{request.key_account}",
            "iam-policy-allows-external",
        )
    missing: list[Reason] = []
    if granted.value is False:
        missing.append(
            Reason(
                "no-key-policy-allow",
                f"the key policy allows neither {caller} nor its account {account} to use "
                f"{request.action}",
                "key-policy",
                file=key_policy[0].policy.name if key_policy else None,
                basis=docs.CROSS_ACCOUNT,
            )
        )
        missing += near_misses(key_policy, request.action)
    if allowed.value is False:
        missing.append(
            Reason(
                "no-iam-allow-external",
                f"a principal in another account also needs its own IAM policy to allow "
                f"{request.action} on the key; no IAM policy of {caller} does",
                "iam-policy",
                basis=docs.CROSS_ACCOUNT,
            )
        )
        missing += near_misses(iam, request.action)
    return Path(outcome, because, missing)


def iam_only(request: Request, iam: list[StatementVerdict]) -> Path:
    """An IAM-policy-only permission: an IAM policy alone decides."""
    allowed = iam_allow(request, iam)
    because = _iam_because(
        request,
        iam,
        f"{request.action} is an IAM-policy-only permission and the IAM policy allows",
        "iam-only-allows",
    )
    missing = [
        Reason(
            "no-iam-allow",
            f"{request.action} is an IAM-policy-only permission and no IAM policy of "
            f"{request.caller.label} allows it",
            "iam-policy",
            basis=docs.PERMISSIONS,
        ),
        *near_misses(iam, request.action),
    ]
    return Path(allowed, because, missing)


def by_grants(request: Request, action: ActionFacts, grants: list[Grant]) -> Path:
    """A grant gives the caller the operation."""
    outcomes: list[Outcome] = []
    because: list[Reason] = []
    missing: list[Reason] = []
    for grant in grants:
        outcome = grant_allows(grant, request, action.operation, action.takes_encryption_context)
        outcomes.append(outcome)
        where = {
            "kind": "grant",
            "file": grant.name,
            "statement": grant.index,
            "sid": grant.grant_id,
        }
        if outcome.value is True:
            because.append(
                Reason(
                    "grant-allows",
                    f"{grant.label} gives {grant.grantee} the {action.operation} operation",
                    basis=docs.GRANTS,
                    **where,  # type: ignore[arg-type]
                )
            )
        elif outcome.value is False:
            missing.append(
                Reason("grant-does-not-apply", outcome.why, basis=docs.GRANTS, **where)  # type: ignore[arg-type]
            )
    return Path(any_of(outcomes, ""), because, missing)


def retire_grant(
    request: Request, action: ActionFacts, iam: list[StatementVerdict], grants: list[Grant]
) -> Path:
    """Retiring a grant: its retiring principal, its grantee with RetireGrant, or its account."""
    caller = request.caller
    outcomes: list[Outcome] = []
    because: list[Reason] = []
    for grant in grants:
        where = {
            "kind": "grant",
            "file": grant.name,
            "statement": grant.index,
            "sid": grant.grant_id,
        }
        issuing = (grant.issuing_account or "").split(":")
        issuer = issuing[4] if len(issuing) > 4 else grant.issuing_account
        retiring_account = (grant.retiring or "").endswith(":root") and (
            grant.retiring or ""
        ).split(":")[4]
        ways = [
            (
                "the grant names the caller as its retiring principal",
                names_caller(grant.retiring, request),
            ),
            (
                "the grant's grantee is the caller and the grant allows RetireGrant",
                all_of(
                    (
                        names_caller(grant.grantee, request),
                        TRUE if "RetireGrant" in grant.operations else false(""),
                    )
                ),
            ),
            (
                "the caller is the root user of the account that created the grant",
                TRUE if caller.kind == "root" and caller.account == issuer else false(""),
            ),
            (
                "the account that created the grant (or that is its retiring principal) delegates "
                "retiring it with an IAM policy that allows kms:RetireGrant",
                all_of(
                    (
                        TRUE
                        if caller.account in (issuer, retiring_account) and caller.kind != "root"
                        else false(""),
                        iam_allow(request, iam),
                    )
                ),
            ),
        ]
        for rule, outcome in ways:
            outcome = all_of((on_key(grant, request), outcome))
            outcomes.append(outcome)
            if outcome.value is True:
                because.append(Reason("grant-retirement", rule, basis=docs.RETIRE_GRANT, **where))  # type: ignore[arg-type]
    missing = [
        Reason(
            "retire-needs-grant",
            f"{action.name}: {action.note or 'permission to retire a grant comes from the grant'}",
            "dataset",
            basis=docs.RETIRE_GRANT,
        )
    ]
    return Path(any_of(outcomes, ""), because, missing)


def not_across_accounts(request: Request, action: ActionFacts) -> Path:
    """A permission that cannot be used across accounts, asked for from another account."""
    return Path(
        false("not usable across accounts"),
        missing=[
            Reason(
                "not-cross-account",
                f"{action.name} cannot be used across accounts (the key is in account "
                f"{request.key_account}, the caller in {request.caller.account})",
                "dataset",
                basis=docs.CROSS_ACCOUNT,
            )
        ],
    )


def undecidable(why: str) -> Path:
    """A request this analysis cannot decide at all."""
    return Path(unknown(why))
