"""The policies of a CloudFormation template (JSON or YAML), intrinsic functions kept opaque.

Key policies of `AWS::KMS::Key` and `AWS::KMS::ReplicaKey`; IAM policies of
`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and the inline
`Policies` of roles, users and groups (those that name a `kms:` action); the policy of a KMS
VPC endpoint (`AWS::EC2::VPCEndpoint` whose ServiceName names kms). A statement list entry
chosen by `Fn::If` is checked once per branch; every other intrinsic function becomes an
`Unresolved` value whose text keeps what is written out (`Fn::Join`, `Fn::Sub`).
"""

from __future__ import annotations

from typing import Any

from kms_permissions.policy.document import PolicyError, Unresolved
from kms_permissions.policy.inputs import PolicyInput, is_resources
from kms_permissions.policy.jsontext import Duplicates, loads
from kms_permissions.policy.positions import Locator, Lookup, Pointer
from kms_permissions.policy.suppressions import resource_ignores, template_ignores

KEY_TYPES = {"AWS::KMS::Key", "AWS::KMS::ReplicaKey"}
POLICY_TYPES = {
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
}
INLINE_TYPES = {"AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"}
NO_VALUE = {"Ref": "AWS::NoValue"}
MAX_BRANCHES = 256  # values one Fn::If tree may choose among (8 nested levels)


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (name,) = value
    return (
        name == "Ref"
        or name.startswith("Fn::")
        or (name == "Condition" and isinstance(value[name], str))
    )


def render(value: Any) -> str:
    """The text of an intrinsic function's result, `${...}` for what is not written out."""
    if isinstance(value, str):
        return value
    if not _is_intrinsic(value):
        return "${?}"
    ((name, argument),) = value.items()
    if name == "Ref":
        return f"${{{argument}}}"
    if name == "Fn::GetAtt":
        parts = argument if isinstance(argument, list) else str(argument).split(".", 1)
        return "${" + ".".join(str(p) for p in parts) + "}"
    if name == "Fn::Sub":
        if isinstance(argument, str):
            return argument
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            text = argument[0]
            variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
            for variable, replacement in variables.items():
                text = text.replace(f"${{{variable}}}", render(replacement))
            return text
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        separator, parts = argument
        if isinstance(separator, str) and isinstance(parts, list):
            return separator.join(render(p) for p in parts)
    return f"${{{name}}}"


def opaque(value: Any) -> Any:
    """`value` with every intrinsic function replaced by an `Unresolved` value."""
    if _is_intrinsic(value):
        (name,) = value
        return Unresolved(name, render(value), value[name])
    if isinstance(value, dict):
        result = {k: opaque(v) for k, v in value.items()}
        if isinstance(value, Duplicates):
            marked = Duplicates(result)
            marked.repeated = value.repeated
            return marked
        return result
    if isinstance(value, list):
        return [opaque(v) for v in value]
    return value


def _branches(value: Any, pointer: Pointer) -> list[tuple[Any, Pointer]]:
    """The values an entry may take: both branches of an Fn::If (recursively), none for
    AWS::NoValue, else the entry itself. More than MAX_BRANCHES is refused: nested Fn::Ifs
    double the values at each level (and YAML aliases make that cheap to write)."""
    found: list[tuple[Any, Pointer]] = []
    pending = [(value, pointer)]
    while pending:
        entry, at = pending.pop()
        if entry == NO_VALUE:
            continue
        argument = entry.get("Fn::If") if isinstance(entry, dict) and len(entry) == 1 else None
        if isinstance(argument, list) and len(argument) == 3:
            pending += [(argument[2], (*at, "Fn::If", 2)), (argument[1], (*at, "Fn::If", 1))]
            continue
        found.append((entry, at))
        if len(found) > MAX_BRANCHES:
            raise PolicyError(
                f"{'.'.join(str(p) for p in pointer)}: Fn::If chooses among more than "
                f"{MAX_BRANCHES} values; not read"
            )
    return found


def _documents(document: Any, pointer: Pointer) -> list[tuple[Any, Pointer]]:
    """The documents a policy property may be: its Fn::If branches, and for a document whose
    Statement is an Fn::If, one document per branch of it (none for AWS::NoValue)."""
    found: list[tuple[Any, Pointer]] = []
    for chosen, where in _branches(document, pointer):
        statements = chosen.get("Statement") if isinstance(chosen, dict) else None
        if not (isinstance(statements, dict) and _is_intrinsic(statements)):
            found.append((chosen, where))
            continue
        if "Fn::If" not in statements:
            found.append((chosen, where))
            continue
        for branch, at in _branches(statements, (*where, "Statement")):
            document_at = at[:-1] if at[-1] == "Statement" else at
            found.append(({**chosen, "Statement": branch}, document_at))
    return found


def _substituted(value: dict[str, Any]) -> Any:
    """An `Fn::Sub` of a policy written as JSON text, its `${...}` left in the strings where
    they stand: the policy, or None when the text is not JSON (then it is not read)."""
    text = render(value)
    if not text.lstrip().startswith("{"):
        return None
    try:
        return loads(text)
    except PolicyError:
        return None


def _policy(
    document: Any, pointer: Pointer, label: str, kind: str, lookup: Lookup, kind_from: str = ""
) -> list[PolicyInput]:
    """The policies of one policy property: one per branch when the whole document is an
    Fn::If, statements of Fn::If entries expanded."""
    found = []
    for index, (chosen, where) in enumerate(_documents(document, pointer)):
        name = label if where == pointer else f"{label} (Fn::If branch {index + 1})"
        if isinstance(chosen, dict) and "Fn::Sub" in chosen and isinstance(render(chosen), str):
            chosen = _substituted(chosen)
            if chosen is None:
                continue
        if _is_intrinsic(chosen):
            continue  # computed when the stack is deployed (Ref, Fn::GetAtt, Fn::Base64...)
        if isinstance(chosen, str):
            # A policy given as JSON text: checked as written, positions at the property.
            found.append(
                PolicyInput(
                    name,
                    kind,
                    loads(chosen),
                    Locator(None, fallback=lookup(where)),
                    kind_from,
                )
            )
            continue
        moved: dict[Pointer, Pointer] = {}
        data = chosen
        statements = chosen.get("Statement") if isinstance(chosen, dict) else None
        if isinstance(statements, list):
            expanded: list[Any] = []
            for i, entry in enumerate(statements):
                for value, at in _branches(entry, (*where, "Statement", i)):
                    moved[("Statement", len(expanded))] = at
                    expanded.append(value)
            data = {**chosen, "Statement": expanded}
            if isinstance(chosen, Duplicates):
                data = Duplicates(data)
                data.repeated = chosen.repeated
        found.append(
            PolicyInput(name, kind, opaque(data), Locator(lookup, where, moved), kind_from)
        )
    return found


def _mentions_kms(document: Any) -> bool:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("Action", "NotAction"):
                    items = item if isinstance(item, list) else [item]
                    if any(isinstance(i, str) and i.lower().startswith("kms:") for i in items):
                        return True
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _is_kms_endpoint(properties: dict[str, Any]) -> bool:
    service = render(properties.get("ServiceName", ""))
    return service.endswith(".kms") or ".kms." in service or service.endswith(".kms-fips")


def template_policies(template: dict[str, Any], lookup: Lookup) -> list[PolicyInput]:
    """The policies of a CloudFormation template (or of its Resources given alone), in the
    order of its resources."""
    resources = template.get("Resources")
    prefix: Pointer = ("Resources",)
    if not isinstance(resources, dict) and is_resources(template):
        resources, prefix = template, ()
    found: list[PolicyInput] = []
    if not isinstance(resources, dict):
        return found
    everywhere = template_ignores(template)
    for name, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        start = len(found)
        kind = resource.get("Type")
        properties = resource["Properties"]
        base: Pointer = (*prefix, name, "Properties")
        label = ".".join([*map(str, prefix), str(name)])
        given = f"the template's resource type {kind}"
        if kind in KEY_TYPES and "KeyPolicy" in properties:
            found += _policy(
                properties["KeyPolicy"], (*base, "KeyPolicy"), label, "key-policy", lookup, given
            )
        elif kind in POLICY_TYPES and _mentions_kms(properties.get("PolicyDocument")):
            found += _policy(
                properties["PolicyDocument"],
                (*base, "PolicyDocument"),
                label,
                "iam-policy",
                lookup,
                given,
            )
        elif kind in INLINE_TYPES and isinstance(properties.get("Policies"), list):
            for index, inline in enumerate(properties["Policies"]):
                if isinstance(inline, dict) and _mentions_kms(inline.get("PolicyDocument")):
                    policy_name = render(inline.get("PolicyName", index))
                    found += _policy(
                        inline["PolicyDocument"],
                        (*base, "Policies", index, "PolicyDocument"),
                        f"{label}.Policies[{policy_name}]",
                        "iam-policy",
                        lookup,
                        given,
                    )
        elif (
            kind == "AWS::EC2::VPCEndpoint"
            and "PolicyDocument" in properties
            and _is_kms_endpoint(properties)
        ):
            found += _policy(
                properties["PolicyDocument"],
                (*base, "PolicyDocument"),
                label,
                "vpc-endpoint-policy",
                lookup,
                given,
            )
        if len(found) > start:
            ignored = tuple(everywhere + resource_ignores(resource, str(name)))
            for policy in found[start:]:
                policy.ignore = ignored
    return found
