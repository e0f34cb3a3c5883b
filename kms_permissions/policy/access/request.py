"""The request file: who asks for which permission on which key, with which context.

`{"principal": ARN, "action": "kms:Decrypt", "key_arn": ARN, "context": {KEY: VALUE or [VALUES]},
"vpce": "vpce-...", "principal_arn": ROLE ARN, "alias": "alias/NAME", "aliases": [...],
"management_account": ACCOUNT, "key_manager": "CUSTOMER" or "AWS", "other_key_arn": ARN}`.
`other_key_arn` is the second key of a two-key operation (`two_keys`): UpdateAlias's other key
(key_arn the alias's current key, other_key_arn its new one, or the reverse), ReEncrypt's other
key (for kms:ReEncryptFrom on the source key_arn, the destination; for kms:ReEncryptTo, the
source).

The keys AWS sets on every request are derived from it unless the context gives them
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
aws:PrincipalArn (for a role session its role's ARN with path, from `principal_arn`: a session ARN
has no path, so it is never derived from one), aws:PrincipalAccount, kms:CallerAccount,
aws:PrincipalType, aws:PrincipalIsAWSService, aws:username (IAM users), aws:PrincipalServiceName
(service principals), aws:RequestedRegion and aws:ResourceAccount from the key ARN,
aws:SecureTransport (KMS takes HTTPS only), aws:ViaAWSService (true when kms:ViaService is given),
aws:SourceVpce from `vpce`, kms:RequestAlias from `alias`, kms:ResourceAliases from `aliases`, and
kms:EncryptionContextKeys from the kms:EncryptionContext:KEY entries. The keys AWS always sets but
the request cannot tell (aws:CurrentTime, aws:SourceIp..., and aws:RequestedRegion when no key is
named) are unknown unless given: a condition on them cannot be decided. Through a VPC endpoint
aws:SourceIp is absent and aws:SourceVpc and aws:VpcSourceIp are unknown unless given; elsewhere
those two are absent. Every other key is absent; one a condition reads is an assumption the
explanation states (the request may simply not know the caller's tags), unless the context gives
it as `[]`, which says it is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from kms_permissions.errors import json_kind, shown
from kms_permissions.policy.access.principals import (
    Caller,
    PrincipalError,
    parse_caller,
    with_role_arn,
)

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

FIELDS = (
    "principal",
    "action",
    "key_arn",
    "context",
    "vpce",
    "principal_arn",
    "alias",
    "aliases",
    "management_account",
    "key_manager",
    "other_key_arn",
)
# Keys AWS puts in every request whose value the request file cannot know unless it gives them.
ALWAYS_SET = (
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:RequestedRegion",  # derived from the key's ARN when the request names a key
    "aws:SourceIp",
    "aws:UserAgent",
    "aws:userid",
)
# A request through a VPC endpoint has no aws:SourceIp, and has these instead
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
NOT_THROUGH_ENDPOINT = ("aws:SourceIp",)
ONLY_THROUGH_ENDPOINT = ("aws:SourceVpc", "aws:VpcSourceIp")
_PRINCIPAL_TYPES = {
    "root": "Account",
    "user": "User",
    "role": "AssumedRole",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
}
_ALIAS = re.compile(r"alias/[a-zA-Z0-9/_-]+\Z")
_VPCE = re.compile(r"vpce-[0-9a-z]+\Z")
_ACCOUNT = re.compile(r"\d{12}\Z")
KEY_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/(?P<id>[\w-]+)\Z"
)
_CONTEXT_PREFIX = "kms:encryptioncontext:"
_REENCRYPT = ("kms:reencryptfrom", "kms:reencryptto")


class RequestError(ValueError):
    """A request that cannot be evaluated, with the field that is wrong."""


@dataclass(frozen=True)
class ContextValue:
    """One context key as the request gives it: its name, values, and whether a list."""

    name: str
    values: tuple[str, ...]
    is_list: bool
    derived: bool = False


class Context(Mapping[str, ContextValue]):
    """The request context; key names are case-insensitive, values are kept as given."""

    def __init__(
        self,
        values: Mapping[str, ContextValue],
        unknown: Mapping[str, str] | None = None,
        stated_absent: frozenset[str] = frozenset(),
    ) -> None:
        self._values = {name.lower(): value for name, value in values.items()}
        # Keys the request has but whose values it does not give, each with why.
        self.unknown = {name.lower(): why for name, why in (unknown or {}).items()}
        # Keys the request says are absent (given as []), lowercased.
        self.stated_absent = stated_absent

    def why_unknown(self, name: str) -> str | None:
        """Why a key's value is unknown (None when it is given or absent)."""
        return self.unknown.get(name.lower())

    def __getitem__(self, name: str) -> ContextValue:
        return self._values[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def to_json(self) -> dict[str, str | list[str]]:
        """The context as JSON: one string, or a list for keys given as lists."""
        return {
            v.name: list(v.values) if v.is_list else v.values[0]
            for v in sorted(self._values.values(), key=lambda v: v.name.lower())
        }

    def rederived(self, values: Mapping[str, str]) -> Context:
        """The same context with these derived keys' values replaced (keys given stay)."""
        kept = dict(self._values)
        for name, value in values.items():
            old = kept.get(name.lower())
            if old is None or old.derived:
                kept[name.lower()] = ContextValue(name, (value,), False, True)
        return Context(kept, self.unknown, self.stated_absent)

    def with_values(self, values: Mapping[str, str]) -> Context:
        """The same context with these keys set to these values (given or not)."""
        kept = {**self._values}
        kept.update({n.lower(): ContextValue(n, (v,), False, True) for n, v in values.items()})
        unknown = {k: why for k, why in self.unknown.items() if k not in kept}
        return Context(kept, unknown, self.stated_absent)

    def unknown_for(self, prefixes: tuple[str, ...], why: str) -> Context:
        """The same context with the keys that start with these prefixes made unknown."""
        lowered = tuple(p.lower() for p in prefixes)
        dropped = {k: v for k, v in self._values.items() if k.startswith(lowered)}
        kept = {k: v for k, v in self._values.items() if k not in dropped}
        unknown = {
            **self.unknown,
            **{v.name.lower(): why.format(key=v.name) for v in dropped.values()},
        }
        return Context(kept, unknown, self.stated_absent)

    def with_unknown(self, names: list[str], why: str) -> Context:
        """The same context with these keys, which it does not have, made unknown."""
        unknown = {**self.unknown, **{name.lower(): why for name in names}}
        return Context(self._values, unknown, self.stated_absent)

    def derived(self) -> list[str]:
        """The keys derived from the request (not given in its context), sorted."""
        return sorted((v.name for v in self._values.values() if v.derived), key=str.lower)


@dataclass(frozen=True)
class Request:
    """One KMS request to decide."""

    caller: Caller
    action: str
    key_arn: str | None
    context: Context
    vpce: str | None
    alias: str | None = None
    management_account: str | None = None
    key_manager: str | None = None
    other_key_arn: str | None = None

    @property
    def key_region(self) -> str | None:
        """The Region of the key."""
        match = KEY_ARN.match(self.key_arn or "")
        return match["region"] if match else None

    @property
    def alias_arn(self) -> str | None:
        """The ARN of the alias the request names, in the key's account and Region."""
        match = KEY_ARN.match(self.key_arn or "")
        if not match or not self.alias:
            return None
        return f"arn:{match['partition']}:kms:{match['region']}:{match['account']}:{self.alias}"

    @property
    def key_account(self) -> str | None:
        """The account that owns the key."""
        match = KEY_ARN.match(self.key_arn or "")
        return match["account"] if match else None

    @property
    def cross_account(self) -> bool:
        """An IAM principal of another account than the key's."""
        return (
            self.caller.kind != "service"
            and self.key_account is not None
            and self.caller.account != self.key_account
        )

    @property
    def through_vpc_endpoint(self) -> bool:
        """The request reaches KMS through a VPC endpoint."""
        return "aws:SourceVpce" in self.context


def _scalar(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise RequestError(f"{where}: a context value is a string, number or boolean")


def _given_context(raw: Any) -> dict[str, ContextValue]:
    if not isinstance(raw, dict):
        raise RequestError("context: must be an object of key: value or [values]")
    given: dict[str, ContextValue] = {}
    for name, value in raw.items():
        where = f"context[{shown(name)}]"
        if not isinstance(name, str) or not name.strip() or ":" not in name:
            raise RequestError(f"{where}: a condition key is PREFIX:NAME")
        if name.lower() in given:
            raise RequestError(f"{where}: given twice (key names are case-insensitive)")
        if name.lower() == _CONTEXT_PREFIX:
            raise RequestError(f"{where}: names no encryption context key after the prefix")
        if isinstance(value, list):
            values = tuple(_scalar(v, where) for v in value)
            given[name.lower()] = ContextValue(name, values, True)
        else:
            given[name.lower()] = ContextValue(name, (_scalar(value, where),), False)
    # An empty list is no value at all: the key is absent.
    return {k: v for k, v in given.items() if v.values}


def _stated_absent(raw: dict[str, Any]) -> frozenset[str]:
    """The keys a (checked) context gives as an empty list: the request says they are absent."""
    return frozenset(name.lower() for name, value in raw.items() if value == [])


def _derived(
    caller: Caller, given: dict[str, ContextValue], data: dict[str, Any]
) -> list[ContextValue]:
    derived: list[tuple[str, str | list[str]]] = []
    if caller.kind == "service":
        derived += [
            ("aws:PrincipalServiceName", caller.service or ""),
            ("aws:PrincipalIsAWSService", "true"),
        ]
    else:
        if caller.principal_arn:
            derived.append(("aws:PrincipalArn", caller.principal_arn))
        derived += [
            ("aws:PrincipalAccount", caller.account or ""),
            ("kms:CallerAccount", caller.account or ""),
            ("aws:PrincipalType", _PRINCIPAL_TYPES[caller.kind]),
            ("aws:PrincipalIsAWSService", "false"),
        ]
        if caller.kind == "user":
            derived.append(("aws:username", caller.name or ""))
    key = KEY_ARN.match(data.get("key_arn") or "")
    if key:
        derived += [("aws:RequestedRegion", key["region"]), ("aws:ResourceAccount", key["account"])]
    derived.append(("aws:SecureTransport", "true"))
    via = "kms:viaservice" in given
    derived.append(("aws:ViaAWSService", "true" if via else "false"))
    if data.get("vpce"):
        derived.append(("aws:SourceVpce", data["vpce"]))
    if data.get("alias"):
        derived.append(("kms:RequestAlias", data["alias"]))
    if data.get("aliases"):
        derived.append(("kms:ResourceAliases", list(data["aliases"])))
    other = data.get("other_key_arn")
    if other and str(data.get("action", "")).lower() in _REENCRYPT:
        same = other == data.get("key_arn")
        derived.append(("kms:ReEncryptOnSameKey", "true" if same else "false"))
    context_keys = [
        v.name[len(_CONTEXT_PREFIX) :] for k, v in given.items() if k.startswith(_CONTEXT_PREFIX)
    ]
    if context_keys:
        derived.append(("kms:EncryptionContextKeys", sorted(context_keys)))
    return [
        ContextValue(
            name,
            tuple(value) if isinstance(value, list) else (value,),
            isinstance(value, list),
            True,
        )
        for name, value in derived
    ]


def _agrees(given: ContextValue, derived: ContextValue) -> bool:
    if derived.is_list:
        return set(given.values) == set(derived.values)
    if len(given.values) != 1:
        return False
    value, fact = given.values[0], derived.values[0]
    return value == fact or (fact in ("true", "false") and value.lower() == fact)


def _check_agrees(
    given: dict[str, ContextValue], derived: list[ContextValue], stated_absent: frozenset[str]
) -> None:
    """A key the context gives, or says is absent, must agree with what the request's fields
    say of it."""
    for fact in derived:
        if fact.name.lower() in stated_absent:
            shown = list(fact.values) if fact.is_list else fact.values[0]
            raise RequestError(
                f"context[{fact.name!r}]: [] says it is absent, but the request's other fields "
                f"make it {shown!r}"
            )
        value = given.get(fact.name.lower())
        if value is not None and not _agrees(value, fact):
            shown = list(fact.values) if fact.is_list else fact.values[0]
            raise RequestError(
                f"context[{value.name!r}]: contradicts the request, whose other fields make "
                f"{fact.name} {shown!r}"
            )


def parse_request(data: Any, action_known: Any) -> Request:
    """A request from its JSON data; `action_known(name)` gives the canonical name or None."""
    if not isinstance(data, dict):
        raise RequestError("$: a request is a JSON object")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        name = shown(unknown[0]) if len(unknown[0]) > 40 else unknown[0]
        raise RequestError(f"{name}: unknown field; a request has {', '.join(FIELDS)}")
    for field in ("principal", "action"):
        if field not in data:
            raise RequestError(f"{field}: missing (a string)")
        if not isinstance(data[field], str):
            raise RequestError(f"{field}: must be a string, not {json_kind(data[field])}")
        if not data[field].strip():
            raise RequestError(f"{field}: empty")
    key_arn = data.get("key_arn")
    partitions = []
    for field in ("key_arn", "other_key_arn"):
        value = data.get(field)
        key = KEY_ARN.match(value) if isinstance(value, str) else None
        if value is not None and key is None:
            raise RequestError(
                f"{field}: {shown(value)} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"
            )
        if key is not None:
            partitions.append(key["partition"])
    if data.get("other_key_arn") is not None and key_arn is None:
        raise RequestError("other_key_arn: given without key_arn, the request's first key")
    if len(set(partitions)) > 1:
        raise RequestError(
            f"other_key_arn: in the partition {partitions[1]}, key_arn in {partitions[0]}; "
            "a request never spans two partitions"
        )
    try:
        caller = parse_caller(data["principal"], *partitions[:1])
    except PrincipalError as exc:
        raise RequestError(f"principal: {exc}") from None
    if partitions and caller.partition != partitions[0]:
        raise RequestError(
            f"principal: in the partition {caller.partition}, the key in {partitions[0]}; a "
            "principal never calls a key of another partition (each has its own accounts)"
        )
    action = action_known(data["action"])
    if action is None:
        raise RequestError(
            f"action: {shown(data['action'])} is not a KMS permission in the dataset"
        )
    vpce = data.get("vpce")
    if vpce is not None and (not isinstance(vpce, str) or not _VPCE.match(vpce)):
        raise RequestError(f"vpce: {shown(vpce)} is not a VPC endpoint ID (vpce-...)")
    caller = _with_role(caller, data.get("principal_arn"))
    _check_fields(data)
    given = _given_context(data.get("context", {}))
    claimed = given.get("aws:principalarn")
    if caller.kind == "assumed-role" and caller.role_arn is None and claimed is not None:
        # A session's aws:PrincipalArn is its role's ARN: a context that gives it names the role.
        try:
            caller = with_role_arn(caller, claimed.values[0])
        except PrincipalError as exc:
            raise RequestError(f"context[{claimed.name!r}]: {exc}") from None
    derived = _derived(caller, given, data)
    stated_absent = _stated_absent(data.get("context", {}))
    _check_agrees(given, derived, stated_absent)
    values = {**given, **{v.name.lower(): v for v in derived if v.name.lower() not in given}}
    not_given = _not_given(values)
    if caller.kind == "assumed-role" and "aws:principalarn" not in values:
        not_given["aws:PrincipalArn"] = (
            f"aws:PrincipalArn of the role session {caller.arn} is its role's ARN with the role's "
            "path, which a session ARN does not carry; give the request's principal_arn"
        )
    return Request(
        caller,
        action,
        key_arn,
        Context(values, not_given, stated_absent),
        vpce,
        data.get("alias"),
        data.get("management_account"),
        data.get("key_manager"),
        data.get("other_key_arn"),
    )


def _not_given(values: dict[str, ContextValue]) -> dict[str, str]:
    """The keys AWS sets on this request that the request does not give, each with why."""
    endpoint = "aws:sourcevpce" in values
    wrong, why = (
        (NOT_THROUGH_ENDPOINT, "AWS does not set it on a request through a VPC endpoint")
        if endpoint
        else (ONLY_THROUGH_ENDPOINT, "AWS sets it only on a request through a VPC endpoint")
    )
    for name in wrong:
        if name.lower() in values:
            raise RequestError(f"context[{values[name.lower()].name!r}]: {why}")
    set_here = [n for n in ALWAYS_SET if n not in NOT_THROUGH_ENDPOINT or not endpoint]
    if endpoint:
        set_here += ONLY_THROUGH_ENDPOINT
    return {
        name: f"the request does not give {name}, which AWS sets on "
        + (
            "every request through a VPC endpoint"
            if name in ONLY_THROUGH_ENDPOINT
            else "every request"
        )
        for name in set_here
        if name.lower() not in values
    }


def _with_role(caller: Caller, role_arn: Any) -> Caller:
    if role_arn is None:
        return caller
    if not isinstance(role_arn, str):
        raise RequestError("principal_arn: a string (the role's ARN with its path)")
    try:
        return with_role_arn(caller, role_arn)
    except PrincipalError as exc:
        raise RequestError(f"principal_arn: {exc}") from None


def _check_fields(data: dict[str, Any]) -> None:
    alias = data.get("alias")
    if alias is not None and (not isinstance(alias, str) or not _ALIAS.match(alias)):
        raise RequestError(f"alias: {shown(alias)} is not an alias name (alias/NAME)")
    aliases = data.get("aliases")
    if aliases is not None and (
        not isinstance(aliases, list)
        or not all(isinstance(a, str) and _ALIAS.match(a) for a in aliases)
    ):
        raise RequestError("aliases: a list of alias names (alias/NAME), the key's aliases")
    account = data.get("management_account")
    if account is not None and (not isinstance(account, str) or not _ACCOUNT.match(account)):
        raise RequestError(f"management_account: {shown(account)} is not a 12-digit account ID")
    manager = data.get("key_manager")
    if manager is not None and manager not in ("CUSTOMER", "AWS"):
        raise RequestError(
            f"key_manager: {shown(manager)} is not CUSTOMER or AWS (DescribeKey's KeyManager)"
        )
