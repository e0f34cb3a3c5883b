"""What the KMS API Reference (botocore's service model) says of each action, in one snapshot.

An action belongs to the operation whose "Required permissions" name it without a parameter
(`kms:CreateKey` to CreateKey, `kms:ReEncryptFrom` to ReEncrypt); a permission named only for a
parameter or a Region (`kms:TagResource` for CreateKey's `Tags`) is required there, not owned.
Revisions before 2020-12 have no such section: there a known action belongs to its operation
when the operation exists, which dates its arrival. New actions are only ever taken from the
permissions the text names, never from an operation's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from kms_permissions.scraper.records import ApiOperation, ApiReferencePage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import RequiredPermissionsRow


@dataclass(frozen=True)
class ApiFacts:
    """The API Reference's facts for one action."""

    operation: str
    cross_account: str | None
    cross_account_text: str | None
    policy_types: tuple[str, ...]
    resources: tuple[str, ...]
    description: str


def _resource(wording: str | None) -> str | None:
    """key or alias from the text's resource ("the primary key", "the alias")."""
    if wording is None:
        return None
    if "alias" in wording:
        return "alias"
    return "key" if "key" in wording or "CMK" in wording else None


def _facts(operation: ApiOperation, action: str) -> ApiFacts:
    own = [
        rp
        for rp in operation.required_permissions
        if rp.permission == action and rp.parameter is None
    ]
    policy_types = sorted({t for rp in own for t in rp.policy_types or ()})
    resources = {r for rp in own if (r := _resource(rp.resource))}
    if not resources and "key-policy" in policy_types:
        resources = {"key"}
    return ApiFacts(
        operation=operation.name,
        cross_account=operation.cross_account,
        cross_account_text=operation.cross_account_text,
        policy_types=tuple(policy_types),
        resources=tuple(sorted(resources, key=lambda r: (r != "key", r))),
        description=first_sentence(operation.summary),
    )


def first_sentence(text: str) -> str:
    """The first sentence of a text (up to a period before a capital letter), whole if one."""
    import re

    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip(), maxsplit=1)[0]


def api_actions(page: ApiReferencePage | None, operation_of: dict[str, str]) -> dict[str, ApiFacts]:
    """Per action, what the page says of it; `operation_of` maps the actions the guide knows to
    their operations (kms:ReEncryptFrom -> ReEncrypt)."""
    if page is None:
        return {}
    by_name = {op.name: op for op in page.operations}
    owners: dict[str, list[ApiOperation]] = {}
    for op in page.operations:
        for rp in op.required_permissions:
            if rp.parameter is None and op not in owners.get(rp.permission, []):
                owners.setdefault(rp.permission, []).append(op)
    found: dict[str, ApiFacts] = {}
    for action, ops in owners.items():
        own_name = operation_of.get(action, action.split(":", 1)[1])
        chosen = next((op for op in ops if op.name == own_name), ops[0])
        found[action] = _facts(chosen, action)
    for action, operation in operation_of.items():
        if action not in found and operation in by_name:
            found[action] = _facts(by_name[operation], action)
    return found


def required_permission_rows(
    page: ApiReferencePage | None, source_id: str
) -> list[RequiredPermissionsRow]:
    """Rows of the required_permissions table."""
    if page is None:
        return []
    return [
        {
            "operation": op.name,
            "position": position,
            "permission": rp.permission,
            "policy_types": list(rp.policy_types or ()),
            "resource": rp.resource,
            "parameter": rp.parameter,
            "where": rp.where,
            "sentence": rp.sentence,
            "source_id": source_id,
        }
        for op in page.operations
        for position, rp in enumerate(op.required_permissions)
    ]
