"""The spec a key policy is written from: read (JSON or YAML), checked field by field, typed.

Every refusal is a `SpecError` naming the field (`users[1]`, `services[0].trail_arn`) and what
is wrong with it, one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kms_permissions.errors import InputError, json_kind
from kms_permissions.policy.authoring.arns import (
    ACCOUNT,
    IAM_PRINCIPAL,
    MAX_ARN,
    PARTITION,
    REGION,
    Arn,
    parse_arn,
)
from kms_permissions.policy.authoring.services import INTEGRATIONS, Integration
from kms_permissions.policy.key_specs import DESCRIBE_KEY, KEY_SPECS, KEY_USAGES, KeySpec
from kms_permissions.policy.reading import shown

# A spec's fields, each with what it says (the site's key-policy page shows them as written).
FIELD_MEANINGS = {
    "account": "The key's account (12 digits).",
    "region": "The key's Region; services are limited to it.",
    "partition": "The key's partition (default aws); every ARN must be in it.",
    "key_spec": "KMS's key spec (default SYMMETRIC_DEFAULT).",
    "key_usage": "KMS's key usage; needed where the key spec allows more than one.",
    "admins": "IAM roles or users of the account who administer the key.",
    "users": "IAM roles or users of the account who use the key.",
    "users_use": "The uses users get (default: every use the key allows; then no grants).",
    "iam_policies": "Whether IAM policies of the account count (AWS's default: true).",
    "via_services": "Services users must go through (kms:ViaService), in the key's Region.",
    "account_via_services": (
        "Services through which every principal of the account may use the key "
        "(kms:CallerAccount with kms:ViaService, as AWS managed keys)."
    ),
    "services": "Service integrations, each with the ARNs it names.",
    "external_accounts": (
        "Other accounts: the uses they get, grants for AWS resources, and the principals of "
        "theirs they may grant their uses to (grantees)."
    ),
    "encryption_context": (
        "Context key -> value (or pattern) users' requests and grants must carry."
    ),
    "organization": (
        "An organization's id and the uses its other accounts get (aws:PrincipalOrgID)."
    ),
    "replica_regions": "Regions administrators may replicate a multi-Region key into.",
}
FIELDS = tuple(FIELD_MEANINGS)
EXTERNAL_FIELDS = ("account", "use", "grants_for_aws_resources", "grantees")
ORGANIZATION_FIELDS = ("id", "use")
# AWS Organizations IDs: o- and 10 to 32 lowercase letters or digits.
ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}\Z")
# An encryption context key as a condition key names it: no wildcard (the key is literal in the
# condition key's name), no space or control character, at most 256 characters.
CONTEXT_KEY = re.compile(r"[!-~]{1,256}\Z")
MAX_CONTEXT_VALUE = 1024
# A spec is a handful of lines; this bounds the work a hostile one can ask for.
MAX_ITEMS = 100


class SpecError(InputError):
    """A spec that cannot be written as a key policy: the field and what is wrong."""


@dataclass(frozen=True)
class ServiceUse:
    """One entry of `services`: the integration and its ARNs by field."""

    integration: Integration
    arns: Mapping[str, Arn]
    where: str


@dataclass(frozen=True)
class ExternalAccount:
    """Another account given uses of the key (its own IAM policies must allow them too)."""

    account: str
    uses: tuple[str, ...]
    grants_for_aws_resources: bool
    where: str
    # Principals of that account it may create grants for (of its uses), with the CLI: AWS's
    # cross-account Auto Scaling pattern, a grant for the service-linked role.
    grantees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organization:
    """Every principal of an AWS organization given uses of the key (their own IAM policies
    must allow them too)."""

    id: str
    uses: tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """A checked spec."""

    account: str
    region: str
    partition: str
    key_spec: KeySpec
    key_usage: str
    admins: tuple[str, ...]
    users: tuple[str, ...]
    iam_policies: bool
    via_services: tuple[str, ...]
    services: tuple[ServiceUse, ...]
    external_accounts: tuple[ExternalAccount, ...]
    # Every principal of the account may use the key through these services (AWS managed
    # keys' pattern: kms:CallerAccount and kms:ViaService).
    account_via_services: tuple[str, ...] = ()
    # The uses users get (empty: every use the key allows).
    users_use: tuple[str, ...] = ()
    # The encryption context users' requests must carry: context key -> value (a value with
    # `*` or `?` is a pattern).
    encryption_context: tuple[tuple[str, str], ...] = ()
    organization: Organization | None = None
    # The Regions administrators may replicate a multi-Region key into.
    replica_regions: tuple[str, ...] = ()

    @property
    def root(self) -> str:
        """The account's root principal ARN."""
        return f"arn:{self.partition}:iam::{self.account}:root"


def _fail(where: str, problem: str) -> SpecError:
    return SpecError(f"{where}: {problem}")


def _object(value: Any, where: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"must be an object, not {json_kind(value)}")
    repeated = getattr(value, "repeated", ())
    if repeated:
        raise _fail(f"{where}.{repeated[0]}" if where != "$" else repeated[0], "given twice")
    for name in value:
        if name not in fields:
            path = name if where == "$" else f"{where}.{name}"
            raise _fail(shown(path)[1:-1], f"unknown field; the fields are {', '.join(fields)}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"must be a string, not {json_kind(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, f"must be a list, not {json_kind(value)}")
    if len(value) > MAX_ITEMS:
        raise _fail(where, f"{len(value)} items; at most {MAX_ITEMS}")
    return value


def _arn_text(value: Any, where: str) -> str:
    text = _string(value, where)
    if len(text) > MAX_ARN:
        raise _fail(where, f"{len(text)} characters; an ARN has at most {MAX_ARN}")
    return text


def _account(value: Any, where: str) -> str:
    text = _string(value, where)
    if not ACCOUNT.match(text):
        raise _fail(where, f"{shown(text)} is not an AWS account ID (12 digits)")
    return text


def _principals(
    data: dict[str, Any], field: str, spec_account: str, partition: str, parent: str = ""
) -> tuple[str, ...]:
    found: list[str] = []
    for i, value in enumerate(_list(data.get(field, []), f"{parent}{field}")):
        where = f"{parent}{field}[{i}]"
        text = _arn_text(value, where)
        match = IAM_PRINCIPAL.match(text)
        if match is None:
            raise _fail(
                where,
                f"{shown(text)} is not an IAM role or user ARN "
                "(arn:aws:iam::ACCOUNT:role/NAME or user/NAME)",
            )
        if match["partition"] != partition:
            raise _fail(where, f"{shown(text)} is not in the partition {partition}")
        if match["account"] != spec_account:
            whose = "that account" if parent else f"the key's account {spec_account}"
            hint = "" if parent else "; give other accounts through external_accounts"
            raise _fail(
                where,
                f"{shown(text)} is in account {match['account']}, not {whose}{hint}",
            )
        if text in found:
            raise _fail(where, f"{shown(text)} is listed twice")
        found.append(text)
    return tuple(found)


def _key_usage(data: dict[str, Any]) -> tuple[KeySpec, str]:
    spec_name = _string(data.get("key_spec", "SYMMETRIC_DEFAULT"), "key_spec")
    spec = KEY_SPECS.get(spec_name)
    if spec is None:
        raise _fail(
            "key_spec", f"{shown(spec_name)} is not a KMS key spec ({', '.join(KEY_SPECS)})"
        )
    if "key_usage" not in data:
        if len(spec.usages) > 1:
            raise _fail(
                "key_usage",
                f"missing; a {spec.name} key is one of {', '.join(spec.usages)}",
            )
        return spec, spec.usages[0]
    usage = _string(data["key_usage"], "key_usage")
    if usage not in KEY_USAGES:
        raise _fail("key_usage", f"{shown(usage)} is not a KMS key usage ({', '.join(KEY_USAGES)})")
    if usage not in spec.usages:
        raise _fail(
            "key_usage",
            f"a {spec.name} key cannot be {usage}; it can be {', '.join(spec.usages)}",
        )
    return spec, usage


def _service(
    value: Any, where: str, spec_account: str, spec_region: str, partition: str
) -> ServiceUse:
    if not isinstance(value, dict):
        raise _fail(where, f"must be an object, not {json_kind(value)}")
    name = _string(value.get("name"), f"{where}.name") if "name" in value else None
    if name is None:
        raise _fail(f"{where}.name", f"missing; one of {', '.join(INTEGRATIONS)}")
    integration = INTEGRATIONS.get(name)
    if integration is None:
        raise _fail(
            f"{where}.name",
            f"{shown(name)} is not a service this tool writes statements for "
            f"({', '.join(INTEGRATIONS)})",
        )
    _object(value, where, ("name", *(f.name for f in integration.fields)))
    arns: dict[str, Arn] = {}
    for field in integration.fields:
        at = f"{where}.{field.name}"
        if field.name not in value:
            raise _fail(at, f"missing ({field.example})")
        text = _arn_text(value[field.name], at)
        arn = parse_arn(text)
        wanted = f"a {field.service} ARN" if field.service else "an ARN without wildcards"
        if (
            arn is None
            or (field.service and arn.service != field.service)
            or not (arn.resource.startswith(field.resource))
        ):
            raise _fail(at, f"{shown(text)} is not {wanted} ({field.example})")
        if arn.partition != partition:
            raise _fail(at, f"{shown(text)} is not in the partition {partition}")
        if field.service == "iam" and arn.account != spec_account:
            raise _fail(
                at,
                f"{shown(text)} is in account {arn.account}; the role must be in the key's "
                f"account {spec_account}",
            )
        if field.name in integration.same_region and arn.region != spec_region:
            raise _fail(
                at,
                f"{shown(text)} is in {arn.region or 'no Region'}; {integration.title} uses "
                f"keys in its own Region, and the key is in {spec_region}",
            )
        arns[field.name] = arn
    return ServiceUse(integration, arns, where)


def parse_spec(
    data: Any,
    uses_of: Callable[[KeySpec, str], Mapping[str, tuple[str, ...]]],
    via_service_names: Callable[[], Mapping[str, str]],
) -> Spec:
    """A checked Spec from parsed JSON/YAML data.

    `uses_of(key_spec, usage)` gives the use names the key allows (use -> permissions);
    `via_service_names()` the dataset's ViaService names (short name -> the name as the
    table writes it)."""
    top = _object(data, "$", FIELDS)
    if "account" not in top:
        raise _fail("account", "missing (the key's AWS account ID)")
    account = _account(top["account"], "account")
    if "region" not in top:
        raise _fail("region", "missing (the key's Region, e.g. us-east-1)")
    region = _string(top["region"], "region")
    if not REGION.match(region):
        raise _fail("region", f"{shown(region)} is not an AWS Region name (e.g. us-east-1)")
    partition = _string(top.get("partition", "aws"), "partition")
    if not PARTITION.match(partition):
        raise _fail("partition", f"{shown(partition)} is not an AWS partition (aws, aws-cn ...)")
    key_spec, usage = _key_usage(top)
    admins = _principals(top, "admins", account, partition)
    users = _principals(top, "users", account, partition)
    iam_policies = top.get("iam_policies", True)
    if not isinstance(iam_policies, bool):
        raise _fail("iam_policies", f"must be true or false, not {json_kind(iam_policies)}")
    if not iam_policies and not admins:
        raise _fail(
            "admins",
            "empty while iam_policies is false: nobody could change the key policy, and the "
            "key could not be recovered; name an administrator or enable IAM policies",
        )
    overlap = sorted(set(admins) & set(users))
    if overlap:
        raise _fail(
            "users",
            f"{shown(overlap[0])} is also an admin; administrators do not use the key "
            "(give the use to another role)",
        )
    uses = uses_of(key_spec, usage)
    via = _via_services(top, "via_services", via_service_names)
    account_via = _via_services(top, "account_via_services", via_service_names)
    if via and not users:
        raise _fail("via_services", "given, but there are no users for it to limit")
    users_use: tuple[str, ...] = ()
    if "users_use" in top:
        if not users:
            raise _fail("users_use", "given, but there are no users")
        users_use = _uses(top["users_use"], "users_use", uses, key_spec, usage)
        if not users_use:
            raise _fail("users_use", "empty: leave it out to give users every use")
        if set(users_use) == set(uses):
            users_use = ()  # every use, as when it is left out
    services = tuple(
        _service(value, f"services[{i}]", account, region, partition)
        for i, value in enumerate(_list(top.get("services", []), "services"))
    )
    if services and not key_spec.symmetric_encryption:
        raise _fail(
            f"{services[0].where}.name",
            f"{services[0].integration.title} encrypts with a symmetric encryption key; "
            f"a {key_spec.name} {usage} key allows none of its operations",
        )
    externals: list[ExternalAccount] = []
    for i, value in enumerate(_list(top.get("external_accounts", []), "external_accounts")):
        where = f"external_accounts[{i}]"
        entry = _object(value, where, EXTERNAL_FIELDS)
        if "account" not in entry:
            raise _fail(f"{where}.account", "missing")
        other = _account(entry["account"], f"{where}.account")
        if other == account:
            raise _fail(f"{where}.account", f"{other} is the key's own account; use users")
        if any(e.account == other for e in externals):
            raise _fail(f"{where}.account", f"{other} is listed twice")
        wanted = _uses(entry.get("use", []), f"{where}.use", uses, key_spec, usage)
        grants = entry.get("grants_for_aws_resources", False)
        if not isinstance(grants, bool):
            raise _fail(f"{where}.grants_for_aws_resources", "must be true or false")
        if grants and not key_spec.symmetric_encryption:
            raise _fail(
                f"{where}.grants_for_aws_resources",
                f"AWS services use symmetric encryption keys only, not a {key_spec.name} key",
            )
        if not wanted and not grants:
            raise _fail(f"{where}.use", "empty, and no grants for AWS resources: nothing to allow")
        grantees = _principals(entry, "grantees", other, partition, f"{where}.")
        if grantees and not wanted:
            raise _fail(f"{where}.grantees", "given, but the account has no use to grant")
        externals.append(ExternalAccount(other, wanted, grants, where, grantees))
    context = _encryption_context(top, users, key_spec)
    if account_via:
        # Users are principals of the account: through those services they get every use,
        # whatever users_use or encryption_context say; the spec would promise a limit that
        # does not hold.
        for field, limit in (("users_use", users_use), ("encryption_context", context)):
            if limit:
                raise _fail(
                    field,
                    "users are principals of the account, and account_via_services gives each "
                    f"of those every use through {', '.join(account_via)}: the limit would "
                    "not hold there; drop one of the two",
                )
    organization = _organization(top, uses, key_spec, usage)
    replicas = _replica_regions(top, admins, region)
    # Describing the key is not using it; fetching an asymmetric key's public key is (check's
    # KMS052 counts it too: the public key is used outside KMS).
    crypto_uses = {use for use, names in uses.items() if set(names) - {DESCRIBE_KEY}}
    outside = [*(e.uses for e in externals), organization.uses if organization else ()]
    if users:
        outside.append(users_use or tuple(uses))
    if not (iam_policies or services or account_via or any(set(u) & crypto_uses for u in outside)):
        if users:
            raise _fail(
                "users_use",
                "describing the key is not using it, iam_policies is false, and no service or "
                "other account uses the key: nobody could use it",
            )
        raise _fail(
            "users",
            "empty while iam_policies is false, and no service or other account uses the key: "
            "nobody could use it",
        )
    return Spec(
        account=account,
        region=region,
        partition=partition,
        key_spec=key_spec,
        key_usage=usage,
        admins=admins,
        users=users,
        iam_policies=iam_policies,
        via_services=via,
        account_via_services=account_via,
        services=services,
        external_accounts=tuple(externals),
        users_use=users_use,
        encryption_context=context,
        organization=organization,
        replica_regions=replicas,
    )


def _via_services(
    top: dict[str, Any], field: str, via_service_names: Callable[[], Mapping[str, str]]
) -> tuple[str, ...]:
    via: list[str] = []
    for i, value in enumerate(_list(top.get(field, []), field)):
        where = f"{field}[{i}]"
        name = _string(value, where)
        known = via_service_names()
        if name not in known:
            raise _fail(
                where,
                f"{shown(name)} is not a service of the dataset's kms:ViaService table "
                f"(its first name part, e.g. {', '.join(sorted(known)[:5])})",
            )
        if name in via:
            raise _fail(where, f"{shown(name)} is listed twice")
        via.append(name)
    return tuple(via)


def _uses(
    values: Any, where: str, uses: Mapping[str, tuple[str, ...]], key_spec: KeySpec, usage: str
) -> tuple[str, ...]:
    wanted: list[str] = []
    for j, use in enumerate(_list(values, where)):
        name = _string(use, f"{where}[{j}]")
        if name not in uses:
            raise _fail(
                f"{where}[{j}]",
                f"{shown(name)} is not a use a {key_spec.name} {usage} key allows "
                f"({', '.join(uses)})",
            )
        if name not in wanted:
            wanted.append(name)
    return tuple(wanted)


def _encryption_context(
    top: dict[str, Any], users: tuple[str, ...], key_spec: KeySpec
) -> tuple[tuple[str, str], ...]:
    if "encryption_context" not in top:
        return ()
    entries = top["encryption_context"]
    if not isinstance(entries, dict):
        raise _fail("encryption_context", f"must be an object, not {json_kind(entries)}")
    repeated = getattr(entries, "repeated", ())
    if repeated:
        raise _fail(shown(f"encryption_context.{repeated[0]}")[1:-1], "given twice")
    if not entries:
        raise _fail(
            "encryption_context", "empty; name a context key and its value, or leave it out"
        )
    if not users:
        raise _fail("encryption_context", "given, but there are no users for it to limit")
    if not key_spec.symmetric_encryption:
        raise _fail(
            "encryption_context",
            f"a {key_spec.name} key takes no encryption context (only symmetric encryption "
            "keys do)",
        )
    if len(entries) > MAX_ITEMS:
        raise _fail("encryption_context", f"{len(entries)} pairs; at most {MAX_ITEMS}")
    found: list[tuple[str, str]] = []
    for name, value in entries.items():
        where = f"encryption_context.{name}"
        if not CONTEXT_KEY.match(name) or "*" in name or "?" in name:
            raise _fail(
                shown(where)[1:-1],
                "not an encryption context key a condition can name (printable characters, "
                "no space, no wildcard, at most 256)",
            )
        text = _string(value, where)
        if not text or len(text) > MAX_CONTEXT_VALUE:
            raise _fail(where, f"must be 1 to {MAX_CONTEXT_VALUE} characters")
        if not text.strip("*"):
            raise _fail(
                where,
                f"{shown(text)} matches any value; name the value (a pattern may use * and ?)",
            )
        found.append((name, text))
    folded = [name.lower() for name, _ in found]
    repeated = next((n for n in folded if folded.count(n) > 1), None)
    if repeated is not None:
        # KMS compares context keys in conditions without case (the guide's case sensitivity).
        raise _fail("encryption_context", f"{shown(repeated)} is given twice (keys ignore case)")
    return tuple(found)


def _organization(
    top: dict[str, Any], uses: Mapping[str, tuple[str, ...]], key_spec: KeySpec, usage: str
) -> Organization | None:
    if "organization" not in top:
        return None
    entry = _object(top["organization"], "organization", ORGANIZATION_FIELDS)
    if "id" not in entry:
        raise _fail("organization.id", "missing (the organization's ID, o-...)")
    org_id = _string(entry["id"], "organization.id")
    if not ORGANIZATION_ID.match(org_id):
        raise _fail(
            "organization.id",
            f"{shown(org_id)} is not an AWS Organizations ID (o- and 10 to 32 lowercase "
            "letters or digits)",
        )
    wanted = _uses(entry.get("use", []), "organization.use", uses, key_spec, usage)
    if not wanted:
        raise _fail("organization.use", "empty: nothing to allow")
    return Organization(org_id, wanted)


def _replica_regions(top: dict[str, Any], admins: tuple[str, ...], region: str) -> tuple[str, ...]:
    found: list[str] = []
    for i, value in enumerate(_list(top.get("replica_regions", []), "replica_regions")):
        where = f"replica_regions[{i}]"
        text = _string(value, where)
        if not REGION.match(text):
            raise _fail(where, f"{shown(text)} is not an AWS Region name (e.g. us-east-1)")
        if text == region:
            raise _fail(where, f"{text} is the key's own Region; a replica is in another")
        if text in found:
            raise _fail(where, f"{text} is listed twice")
        found.append(text)
    if found and not admins:
        raise _fail("replica_regions", "given, but there are no admins to replicate the key")
    return tuple(found)
