"""`access(key_policy)`: what a key policy grants on its own, per principal, and what it exposes.

Per principal the actions each statement allows (expanded from the dataset) and under which
conditions; permissions a key policy cannot grant (IAM-policy-only, not effective in a key
policy, not usable across accounts) are set apart with the reason, and so is everything a
statement names when its Resource is not the key (`key_resource`: only `*` or a key ARN can be):
such a statement grants nothing and does not enable IAM policies. Findings follow IAM Access
Analyzer for KMS keys: access for another account, `*` not limited to the key's account, service
principals without aws:SourceAccount / aws:SourceArn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from kms_permissions.policy.access import docs, facts
from kms_permissions.policy.access.inputs import Given, InputError, Policy, parse_policy
from kms_permissions.policy.access.wildcards import glob
from kms_permissions.policy.account import valid_account
from kms_permissions.policy.conditions import Condition, conditions
from kms_permissions.policy.document import Statement
from kms_permissions.policy.key_resource import reaches_key
from kms_permissions.policy.operators import TABLE
from kms_permissions.policy.principals import (
    ACCOUNT_ID,
    PrincipalKind,
    parse_principal,
    principal_entries,
)

ACCESS_FORMAT = "kms-permissions-access/1"
FindingKind = Literal[
    "public-access", "external-account", "service-without-source", "cannot-decide", "never-matches"
]

# Condition keys that limit who the caller is, and what they limit it to.
ACCOUNT_KEYS = ("kms:CallerAccount", "aws:PrincipalAccount")
ARN_KEYS = ("aws:PrincipalArn",)
ORG_KEYS = ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths")
NETWORK_KEYS = ("aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp", "aws:VpcSourceIp")
SOURCE_KEYS = ("aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths")
# Operators whose match limits the caller to the values written: positive string-like ones.
_LIMITING_FAMILIES = ("String", "Arn", "Ip")


@dataclass(frozen=True)
class ConditionSummary:
    """One operator and key of a statement's Condition, with its values."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def text(self) -> str:
        """`Operator key [values]`."""
        return f"{self.operator} {self.key} {list(self.values)}"

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {"operator": self.operator, "key": self.key, "values": list(self.values)}


@dataclass(frozen=True)
class Ineffective:
    """A permission a statement names that it cannot grant to this principal, and why."""

    action: str
    reason: str


@dataclass(frozen=True)
class StatementAccess:
    """What one statement allows or denies one principal."""

    statement: int
    sid: str | None
    effect: str
    actions: tuple[str, ...]
    ineffective: tuple[Ineffective, ...]
    conditions: tuple[ConditionSummary, ...]
    resources: tuple[str, ...]
    # Why the statement never applies to the key (its Resource is not the key), or None.
    never_applies: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "statement": self.statement,
            "sid": self.sid,
            "effect": self.effect,
            "actions": list(self.actions),
            "ineffective": [{"action": i.action, "reason": i.reason} for i in self.ineffective],
            "conditions": [c.to_json() for c in self.conditions],
            "resources": list(self.resources),
            "never_applies": self.never_applies,
        }


@dataclass(frozen=True)
class PrincipalAccess:
    """Everything the key policy allows and denies one principal (as the policy names it)."""

    principal: str
    kind: PrincipalKind
    account: str | None
    external: bool | None
    allows: tuple[StatementAccess, ...]
    denies: tuple[StatementAccess, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action some statement allows, under its conditions or none."""
        return tuple(sorted({a for s in self.allows for a in s.actions}))

    @property
    def unconditional(self) -> tuple[str, ...]:
        """Actions allowed by a statement without conditions and not denied without them."""
        allowed = {a for s in self.allows if not s.conditions for a in s.actions}
        denied = {a for s in self.denies if not s.conditions for a in s.actions}
        return tuple(sorted(allowed - denied))

    @property
    def iam_policies_enabled(self) -> bool:
        """An account principal with allowed actions: the account's IAM policies can grant them."""
        return self.kind == "account" and bool(self.actions)

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "principal": self.principal,
            "kind": self.kind,
            "account": self.account,
            "external": self.external,
            "iam_policies_enabled": self.iam_policies_enabled,
            "actions": list(self.actions),
            "unconditional_actions": list(self.unconditional),
            "allows": [s.to_json() for s in self.allows],
            "denies": [s.to_json() for s in self.denies],
        }


@dataclass(frozen=True)
class AccessFinding:
    """External or public access, in the manner of IAM Access Analyzer."""

    kind: FindingKind
    principal: str
    statement: int
    sid: str | None
    actions: tuple[str, ...]
    limited_by: tuple[str, ...]
    message: str
    basis: str

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "kind": self.kind,
            "principal": self.principal,
            "statement": self.statement,
            "sid": self.sid,
            "actions": list(self.actions),
            "limited_by": list(self.limited_by),
            "message": self.message,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class AccessReport:
    """The effective access a key policy grants on its own."""

    file: str
    account: str | None
    account_source: Literal["given", "inferred"] | None
    principals: tuple[PrincipalAccess, ...]
    findings: tuple[AccessFinding, ...]
    dataset_version: str

    @property
    def iam_policies_enabled_for(self) -> tuple[str, ...]:
        """Accounts whose IAM policies the key policy enables."""
        return tuple(
            sorted({p.account for p in self.principals if p.iam_policies_enabled and p.account})
        )

    def to_json(self) -> dict[str, Any]:
        """The `kms-permissions-access/1` document."""
        return {
            "format": ACCESS_FORMAT,
            "dataset_version": self.dataset_version,
            "file": self.file,
            "account": self.account,
            "account_source": self.account_source,
            "iam_policies_enabled_for": list(self.iam_policies_enabled_for),
            "principals": [p.to_json() for p in self.principals],
            "findings": [f.to_json() for f in self.findings],
        }


def _principal_entries(element: Any) -> list[str]:
    """The principals a Principal element names, as written ("*" for everyone)."""
    return [
        value if kind in ("AWS", "Service", "*", "?") else f"{kind}:{value}"
        for kind, value in principal_entries(element)
    ]


def _classify(principal: str) -> tuple[PrincipalKind, str | None]:
    named = parse_principal(principal)
    return named.kind, named.account


def _expand(statement: Statement, dataset: str | None) -> tuple[str, ...]:
    """The KMS permissions a statement's Action or NotAction covers."""
    every = facts.all_actions(dataset)
    element = "Action" if "Action" in statement.body else "NotAction"
    patterns = [str(p) for _, p in statement.values(element)]
    hit = [a for a in every if any(glob(p, a, ignore_case=True) for p in patterns)]
    return tuple(hit) if element == "Action" else tuple(a for a in every if a not in hit)


def _ineffective(action: str, external: bool | None, dataset: str | None) -> str | None:
    known = facts.action_facts(action, dataset)
    if known is None or not known.policy_types:
        return "the dataset names no policy type for it"
    if known.key_policy_effective is False:
        if not known.on_key:
            return "IAM-policy-only permission: a key policy cannot grant it"
        return "not effective in a key policy"
    if external and known.cross_account == "no":
        return "cannot be used across accounts"
    return None


def _summaries(statement: Statement) -> tuple[ConditionSummary, ...]:
    return tuple(
        ConditionSummary(c.operator, c.key, tuple(str(v) for v in c.values))
        for c in conditions(statement)
    )


def _limits(found: list[Condition], keys: Sequence[str]) -> list[Condition]:
    """Conditions on these keys that limit the caller: positive, no IfExists, no wildcard (an
    ARN pattern whose account is written out, `arn:aws:iam::ACCOUNT:role/*`, still limits)."""
    wanted = {k.lower() for k in keys}
    return [
        c
        for c in found
        if c.key.lower() in wanted
        and _limiting_operator(c.base)
        and not c.if_exists
        and c.set_operator != "ForAllValues"
        and all(_pinned(c, str(v)) for v in c.values)
    ]


def _pinned(condition: Condition, value: str) -> bool:
    """The value names its account(s) exactly: no wildcard, or one only after the account."""
    if not any(ch in value for ch in "*?"):
        return True
    if condition.key.lower() not in {k.lower() for k in ARN_KEYS}:
        return False
    parts = value.split(":", 5)
    return len(parts) == 6 and bool(ACCOUNT_ID.match(parts[4])) and "*" not in "".join(parts[:4])


def _denied_outside(
    statements: Sequence[Statement], actions: tuple[str, ...], dataset: str | None
) -> list[tuple[Statement, list[Condition]]]:
    """Deny statements for everyone that cover these actions on the key and whose only
    conditions are negated limits on who the caller is (`StringNotEquals aws:PrincipalOrgID`):
    they bound an Allow to the callers those conditions name."""
    found = []
    for statement in statements:
        if statement.effect != "Deny" or statement.body.get("Principal") not in ("*", {"AWS": "*"}):
            continue
        if reaches_key(statement)[1] or not set(actions) <= set(_expand(statement, dataset)):
            continue
        limits = conditions(statement)
        keys = {k.lower() for k in (*ACCOUNT_KEYS, *ARN_KEYS, *ORG_KEYS)}
        if limits and all(
            c.key.lower() in keys
            and (operator := TABLE.get(c.base)) is not None
            and operator.negated
            and operator.family in _LIMITING_FAMILIES
            and c.set_operator is None
            and all(_pinned(c, str(v)) for v in c.values)
            for c in limits
        ):
            found.append((statement, limits))
    return found


def _limiting_operator(name: str) -> bool:
    operator = TABLE.get(name)
    return operator is not None and not operator.negated and operator.family in _LIMITING_FAMILIES


def _limited_accounts(found: list[Condition]) -> set[str] | None:
    """The accounts account or ARN conditions limit the caller to, or None if unlimited."""
    accounts: set[str] | None = None
    for c in _limits(found, ACCOUNT_KEYS):
        values = {str(v) for v in c.values}
        accounts = values if accounts is None else accounts & values
    for c in _limits(found, ARN_KEYS):
        values = set()
        for v in c.values:
            named = parse_principal(str(v))
            values.add(named.account or str(v))
        accounts = values if accounts is None else accounts & values
    return accounts


def _everyone_finding(
    statement: Statement,
    actions: tuple[str, ...],
    account: str | None,
    bounds: Sequence[tuple[Statement, list[Condition]]] = (),
) -> AccessFinding | None:
    # A Deny for everyone outside some callers bounds the Allow as a positive condition would.
    found = conditions(statement) + [
        replace(c, base=TABLE[c.base].positive, if_exists=False)
        for _, limits in bounds
        for c in limits
    ]
    restricting = tuple(dict.fromkeys(c.key for c in found))
    base = (statement.index, statement.sid, actions)
    accounts = _limited_accounts(found)
    if accounts is not None:
        if account is not None and accounts <= {account}:
            return None
        others = sorted(accounts - {account}) if account else sorted(accounts)
        by = tuple(c.key for c in _limits(found, (*ACCOUNT_KEYS, *ARN_KEYS)))
        if account is None:
            message = (
                f'"*" is limited to accounts {others}; give --account to tell whether they '
                "are the key's"
            )
        else:
            message = (
                f'"*" is limited to accounts {others}, other than the key\'s account {account}'
            )
        return AccessFinding("external-account", "*", *base, by, message, docs.ACCESS_ANALYZER)
    org = _limits(found, ORG_KEYS)
    if org:
        values = sorted({str(v) for c in org for v in c.values})
        message = f'"*" is limited to the organization {values}, not to the key\'s account'
        return AccessFinding(
            "external-account", "*", *base, tuple(c.key for c in org), message, docs.ACCESS_ANALYZER
        )
    network = _limits(found, NETWORK_KEYS)
    if network:
        shown = ", ".join(dict.fromkeys(c.key for c in network))
        message = f'"*": anyone, in any account, limited only by the network ({shown})'
    elif restricting:
        message = (
            f'"*": anyone, in any account; its conditions ({", ".join(restricting)}) do not '
            "limit who the caller is"
        )
    else:
        message = '"*" without a condition: anyone, in any account'
    return AccessFinding("public-access", "*", *base, restricting, message, docs.ACCESS_ANALYZER)


def _finding(
    statement: Statement,
    principal: str,
    kind: PrincipalKind,
    external: bool | None,
    actions: tuple[str, ...],
    account: str | None,
    bounds: Sequence[tuple[Statement, list[Condition]]] = (),
) -> AccessFinding | None:
    if not actions:
        return None
    base = (statement.index, statement.sid, actions)
    if kind == "everyone":
        found = _everyone_finding(statement, actions, account, bounds)
        if found is not None and bounds:
            where = ", ".join(str(deny.index) for deny, _ in bounds)
            found = replace(
                found, message=f"{found.message} (bounded by the Deny of statement {where})"
            )
        return found
    if kind == "service":
        keys = [c.key for c in conditions(statement)]
        if not _limits(conditions(statement), SOURCE_KEYS):
            # Other conditions (an encryption context naming the account's resources, say) may
            # narrow it, but only the source keys tie the request to the resource it serves.
            limiting = list(dict.fromkeys(keys))
            if not limiting:
                message = (
                    f"the service principal {principal} has no condition: without "
                    "aws:SourceAccount or aws:SourceArn the service may use the key on behalf "
                    "of any account (confused deputy)"
                )
            else:
                which = "that condition pins" if len(limiting) == 1 else "those conditions pin"
                message = (
                    f"the service principal {principal} is limited only by {', '.join(limiting)}, "
                    "not by an exact aws:SourceAccount or aws:SourceArn: unless "
                    f"{which} the account, the service may use the key on behalf of any "
                    "account (confused deputy)"
                )
            return AccessFinding(
                "service-without-source",
                principal,
                *base,
                tuple(keys),
                message,
                docs.ACCESS_ANALYZER,
            )
        return None
    if external:
        message = (
            f"{principal} is in account {_classify(principal)[1]}, not the key's account {account}"
        )
        named = tuple(dict.fromkeys(c.key for c in conditions(statement)))
        return AccessFinding(
            "external-account", principal, *base, named, message, docs.ACCESS_ANALYZER
        )
    return None


def _never_matches(statement: Statement) -> AccessFinding | None:
    """A statement whose principals are all in accounts its own conditions exclude."""
    if "Principal" not in statement.body:
        return None
    accounts = set()
    for principal in _principal_entries(statement.body["Principal"]):
        kind, principal_account = _classify(principal)
        if principal_account is None or kind in ("everyone", "service", "other"):
            return None
        accounts.add(principal_account)
    limited = _limited_accounts(conditions(statement))
    if not accounts or limited is None or accounts & limited:
        return None
    by = tuple(c.key for c in _limits(conditions(statement), (*ACCOUNT_KEYS, *ARN_KEYS)))
    message = (
        f"the statement names principals of {sorted(accounts)} but its conditions admit only "
        f"callers of {sorted(limited)}: it can never match"
    )
    return AccessFinding(
        "never-matches", "", *_at(statement), (), by, message, docs.EVALUATION_LOGIC
    )


def _infer_account(policy: Policy, dataset: str | None) -> str | None:
    """The key's account: the one account a key ARN names, else the one account allowed a
    permission that cannot be used across accounts (only the owner can use it), else the one
    account named at all."""
    in_arns: set[str] = set()
    owners: set[str] = set()
    named: set[str] = set()
    for statement in policy.document.statements:
        for _, resource in statement.values("Resource"):
            match = re.match(r"arn:aws[\w-]*:kms:[^:]*:(\d{12}):", str(resource))
            if match:
                in_arns.add(match.group(1))
        if statement.effect != "Allow" or not isinstance(statement.body.get("Principal"), dict):
            continue
        local_only = any(
            (known := facts.action_facts(a, dataset)) is not None and known.cross_account == "no"
            for a in _expand(statement, dataset)
        )
        for principal in _principal_entries(statement.body["Principal"]):
            kind, account = _classify(principal)
            if account:
                named.add(account)
                if kind == "account" and local_only:
                    owners.add(account)
    for accounts in (in_arns, owners, named):
        if len(accounts) == 1:
            return next(iter(accounts))
    return None


def _at(statement: Statement) -> tuple[int, str | None]:
    return statement.index, statement.sid


def _statement_access(
    statement: Statement,
    expanded: tuple[str, ...],
    external: bool | None,
    dataset: str | None,
    never: str | None = None,
) -> StatementAccess:
    """What one statement gives (or denies) one principal, the permissions it cannot give set
    apart; `never` says why the statement never applies to the key (it then gives nothing)."""
    effective, ineffective = [], []
    for action in expanded:
        if never:
            why: str | None = f"the statement never applies: {never}"
        elif statement.effect == "Allow":
            why = _ineffective(action, external, dataset)
        else:
            why = None
        if why:
            ineffective.append(Ineffective(action, why))
        else:
            effective.append(action)
    return StatementAccess(
        statement.index,
        statement.sid,
        statement.effect,
        tuple(effective),
        tuple(ineffective),
        _summaries(statement),
        tuple(str(r) for _, r in statement.values("Resource") if r != "*"),
        never,
    )


def access(
    key_policy: Given, account: str | None = None, dataset: str | None = None
) -> AccessReport:
    """The access a key policy grants on its own, per principal, with Access Analyzer findings.

    `account` is the key's account (12 digits, as a string; InputError otherwise, and
    ArgumentTypeError for another type); without it, the one account the policy names is taken.
    """
    account = valid_account(account, "account", "access", InputError)
    policy = parse_policy(key_policy, "key-policy", "key-policy")
    owner = account or _infer_account(policy, dataset)
    source: Literal["given", "inferred"] | None = (
        "given" if account else ("inferred" if owner else None)
    )
    entries: dict[
        str, tuple[PrincipalKind, str | None, list[StatementAccess], list[StatementAccess]]
    ] = {}
    findings: list[AccessFinding] = []
    for statement in policy.document.statements:
        expanded = _expand(statement, dataset)
        never = reaches_key(statement)[1]
        if "NotPrincipal" in statement.body:
            listed = _principal_entries(statement.body["NotPrincipal"])
            if statement.effect == "Allow":
                message = "NotPrincipal with Allow: AWS does not support it"
                findings.append(
                    AccessFinding(
                        "cannot-decide",
                        "NotPrincipal",
                        *_at(statement),
                        expanded,
                        (),
                        message,
                        docs.NOT_PRINCIPAL,
                    )
                )
                continue
            # A Deny for everyone but the principals it lists.
            named: list[tuple[str, PrincipalKind, str | None]] = [
                (f"* except {', '.join(listed)}", "everyone", None)
            ]
        else:
            named = [
                (p, *_classify(p)) for p in _principal_entries(statement.body.get("Principal"))
            ]
        for principal, kind, principal_account in named:
            external = (
                None if owner is None or principal_account is None else principal_account != owner
            )
            part = _statement_access(statement, expanded, external, dataset, never)
            entry = entries.setdefault(principal, (kind, principal_account, [], []))
            (entry[2] if statement.effect == "Allow" else entry[3]).append(part)
            if statement.effect == "Allow":
                bounds = (
                    _denied_outside(policy.document.statements, part.actions, dataset)
                    if kind == "everyone"
                    else []
                )
                finding = _finding(
                    statement, principal, kind, external, part.actions, owner, bounds
                )
                if finding:
                    findings.append(finding)
        never_matches = _never_matches(statement)
        if never_matches:
            findings.append(never_matches)
    principals = tuple(
        PrincipalAccess(
            principal,
            kind,
            principal_account,
            None if owner is None or principal_account is None else principal_account != owner,
            tuple(allows),
            tuple(denies),
        )
        for principal, (kind, principal_account, allows, denies) in entries.items()
    )
    return AccessReport(
        policy.name, owner, source, principals, tuple(findings), facts.dataset_version(dataset)
    )
