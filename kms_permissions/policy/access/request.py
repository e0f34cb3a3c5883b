"""The request file: who asks for which permission on which key, with which context.

`{"principal": ARN, "action": "kms:Decrypt", "key_arn": ARN, "context": {KEY: VALUE or [VALUES]},
"vpce": "vpce-..."}`. The context keys that follow from the request are filled in unless given:
aws:PrincipalArn, aws:PrincipalAccount, kms:CallerAccount and aws:username (IAM users) for IAM
principals, aws:PrincipalServiceName for service principals, aws:SourceVpce from `vpce`, and
kms:EncryptionContextKeys from the kms:EncryptionContext:KEY entries. Every other key is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kms_permissions.policy.access.principals import Caller, PrincipalError, parse_caller

FIELDS = ("principal", "action", "key_arn", "context", "vpce")
KEY_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/(?P<id>[\w-]+)\Z"
)
_CONTEXT_PREFIX = "kms:encryptioncontext:"


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

    def __init__(self, values: Mapping[str, ContextValue]) -> None:
        self._values = {name.lower(): value for name, value in values.items()}

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


@dataclass(frozen=True)
class Request:
    """One KMS request to decide."""

    caller: Caller
    action: str
    key_arn: str | None
    context: Context
    vpce: str | None

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
        where = f"context[{name!r}]"
        if not isinstance(name, str) or not name.strip() or ":" not in name:
            raise RequestError(f"{where}: a condition key is PREFIX:NAME")
        if name.lower() in given:
            raise RequestError(f"{where}: given twice (key names are case-insensitive)")
        if isinstance(value, list):
            values = tuple(_scalar(v, where) for v in value)
            given[name.lower()] = ContextValue(name, values, True)
        else:
            given[name.lower()] = ContextValue(name, (_scalar(value, where),), False)
    # An empty list is no value at all: the key is absent.
    return {k: v for k, v in given.items() if v.values}


def _derived(
    caller: Caller, given: dict[str, ContextValue], vpce: str | None
) -> list[ContextValue]:
    derived: list[tuple[str, str | list[str]]] = []
    if caller.kind == "service":
        derived.append(("aws:PrincipalServiceName", caller.service or ""))
    else:
        derived += [
            ("aws:PrincipalArn", caller.principal_arn or ""),
            ("aws:PrincipalAccount", caller.account or ""),
            ("kms:CallerAccount", caller.account or ""),
        ]
        if caller.kind == "user":
            derived.append(("aws:username", caller.name or ""))
    if vpce:
        derived.append(("aws:SourceVpce", vpce))
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
        if name.lower() not in given
    ]


def parse_request(data: Any, action_known: Any) -> Request:
    """A request from its JSON data; `action_known(name)` gives the canonical name or None."""
    if not isinstance(data, dict):
        raise RequestError("$: a request is a JSON object")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise RequestError(f"{unknown[0]}: unknown field; a request has {', '.join(FIELDS)}")
    for field in ("principal", "action"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise RequestError(f"{field}: missing (a string)")
    try:
        caller = parse_caller(data["principal"])
    except PrincipalError as exc:
        raise RequestError(f"principal: {exc}") from None
    action = action_known(data["action"])
    if action is None:
        raise RequestError(f"action: {data['action']!r} is not a KMS permission in the dataset")
    key_arn = data.get("key_arn")
    if key_arn is not None and (not isinstance(key_arn, str) or not KEY_ARN.match(key_arn)):
        raise RequestError(
            f"key_arn: {key_arn!r} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"
        )
    vpce = data.get("vpce")
    if vpce is not None and (not isinstance(vpce, str) or not vpce.startswith("vpce-")):
        raise RequestError(f"vpce: {vpce!r} is not a VPC endpoint ID (vpce-...)")
    given = _given_context(data.get("context", {}))
    values = {**given, **{v.name.lower(): v for v in _derived(caller, given, vpce)}}
    return Request(caller, action, key_arn, Context(values), vpce)
