"""The policies of Terraform's plan or state as JSON (`terraform show -json`).

HashiCorp's JSON output format: `planned_values` (plan) or `values` (state) hold a
`root_module` whose `resources` carry each resource's attribute `values`, and whose
`child_modules` nest the same way; data sources read during planning are in `prior_state`.
A policy attribute is JSON text inside the JSON, so each character of it is mapped back to the
file: findings point into the plan itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.inputs import PolicyInput
from kms_permissions.policy.jsontext import JsonPositions, loads
from kms_permissions.policy.positions import Locator, Lookup, Pointer, string_offsets

KEY_POLICY_RESOURCES = {
    "aws_kms_key",
    "aws_kms_key_policy",
    "aws_kms_replica_key",
    "aws_kms_external_key",
    "aws_kms_replica_external_key",
}
IAM_POLICY_RESOURCES = {
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
}


def _modules(module: Any, pointer: Pointer) -> Iterator[tuple[dict[str, Any], Pointer]]:
    stack = [(module, pointer)]
    while stack:
        current, at = stack.pop()
        if not isinstance(current, dict):
            continue
        yield current, at
        children = current.get("child_modules")
        if isinstance(children, list):
            stack.extend((child, (*at, "child_modules", i)) for i, child in enumerate(children))


def _resources(plan: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Pointer]]:
    """Every resource of the planned values, the state's values and the prior state (for data
    sources), each address once (the planned value first)."""
    roots: list[tuple[Any, Pointer]] = [
        (plan.get("planned_values", {}), ("planned_values",)),
        (plan.get("values", {}), ("values",)),
        (plan.get("prior_state", {}).get("values", {}), ("prior_state", "values")),
    ]
    seen: set[str] = set()
    for values, pointer in roots:
        if not isinstance(values, dict):
            continue
        for module, at in _modules(values.get("root_module"), (*pointer, "root_module")):
            resources = module.get("resources")
            if not isinstance(resources, list):
                continue
            for index, resource in enumerate(resources):
                if not isinstance(resource, dict) or not isinstance(resource.get("values"), dict):
                    continue
                address = str(resource.get("address", ""))
                if address in seen:
                    continue
                seen.add(address)
                yield resource, (*at, "resources", index, "values")


def _attributes(resource: dict[str, Any]) -> Iterator[tuple[Pointer, str]]:
    """(pointer under `values`, kind) of each policy attribute of a resource."""
    kind = resource.get("type")
    values = resource["values"]
    mode = resource.get("mode", "managed")
    if mode == "data" and kind == "aws_iam_policy_document":
        yield ("json",), "auto"
    elif mode != "managed":
        return
    elif kind in KEY_POLICY_RESOURCES:
        yield ("policy",), "key-policy"
    elif kind in IAM_POLICY_RESOURCES:
        yield ("policy",), "iam-policy"
    elif kind == "aws_iam_role" and isinstance(values.get("inline_policy"), list):
        for index, _ in enumerate(values["inline_policy"]):
            yield ("inline_policy", index, "policy"), "iam-policy"
    elif kind == "aws_vpc_endpoint" and ".kms" in str(values.get("service_name", "")):
        yield ("policy",), "vpc-endpoint-policy"


def _value(values: dict[str, Any], pointer: Pointer) -> Any:
    current: Any = values
    for part in pointer:
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current


def plan_policies(plan: dict[str, Any], lookup: Lookup, text: str) -> list[PolicyInput]:
    """The policies of a plan or state, each mapped into the file's text."""
    version = str(plan.get("format_version", ""))
    if version.split(".")[0] != "1":
        raise PolicyError(
            f"Terraform JSON format_version {version!r}: only major version 1 is read"
        )
    found: list[PolicyInput] = []
    seen: set[str] = set()  # a policy document data source used by a key: checked once
    for resource, at in _resources(plan):
        for attribute, kind in _attributes(resource):
            document = _value(resource["values"], attribute)
            if not isinstance(document, str) or not document.strip():
                continue  # unknown until applied, or no policy (the default key policy)
            data_source = resource.get("mode") == "data"
            if (data_source and document in seen) or (
                kind != "key-policy" and "kms:" not in document.lower()
            ):
                continue
            seen.add(document)
            label = f"{resource.get('address', '?')}.{'.'.join(str(a) for a in attribute)}"
            try:
                data = loads(document)
            except PolicyError as exc:
                raise PolicyError(f"{label}: {exc}") from None
            locator = _embedded(lookup, (*at, *attribute), document, text)
            given = f"Terraform resource type {resource.get('type')}"
            found.append(PolicyInput(label, kind, data, locator, given))
    return found


def _embedded(lookup: Lookup, pointer: Pointer, document: str, text: str) -> Locator:
    """A locator for the policy `document`, held as a JSON string at `pointer` of the plan's
    `text`: positions inside the policy become positions in the plan (computed on first use)."""
    if not isinstance(lookup, JsonPositions):
        return Locator(lookup, pointer)
    outer = lookup
    cache: dict[str, JsonPositions | None] = {}

    def inner(path: Pointer) -> tuple[int, int] | None:
        if "positions" not in cache:
            quote = outer.value_offset(pointer)
            cache["positions"] = (
                None
                if quote is None
                else JsonPositions(document, outer.lines, string_offsets(text, quote))
            )
        positions = cache["positions"]
        found = positions(path) if positions else None
        return found or outer(pointer)

    return Locator(inner)
