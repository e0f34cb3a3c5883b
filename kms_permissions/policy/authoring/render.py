"""A key policy written out: JSON, YAML, a CloudFormation `AWS::KMS::Key` with its `KeyPolicy`
property, or a Terraform `aws_kms_key` whose `policy` is `jsonencode(...)`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kms_permissions.policy.authoring.spec import Spec

FORMATS = ("json", "yaml", "cloudformation", "terraform")
# Formats written with PyYAML (the `templates` extra).
YAML_FORMATS = ("yaml", "cloudformation")


def _json(data: Any, indent: int = 2) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=False)


def _yaml(data: Any) -> str:
    import yaml

    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return text


def cloudformation(spec: Spec, policy: dict[str, Any]) -> dict[str, Any]:
    """A template with the key: its spec, usage and KeyPolicy property."""
    return _template(spec.key_spec.name, spec.key_usage, policy)


def _template(key_spec: str, usage: str, policy: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeySpec": key_spec, "KeyUsage": usage, "KeyPolicy": policy},
            }
        }
    }


def terraform(spec: Spec, policy: dict[str, Any]) -> str:
    """An `aws_kms_key` resource. JSON is HCL's object and tuple syntax too, so the policy is
    the JSON itself inside `jsonencode`; only HCL's template sequences (`${`, `%{`) are
    escaped in its strings."""
    return _terraform(spec.key_spec.name, spec.key_usage, policy)


def _terraform(key_spec: str, usage: str, policy: Any) -> str:
    body = _json(policy).replace("${", "$${").replace("%{", "%%{")
    body = body.replace("\n", "\n  ")
    return (
        'resource "aws_kms_key" "key" {\n'
        f'  customer_master_key_spec = "{key_spec}"\n'
        f'  key_usage                = "{usage}"\n'
        f"  policy = jsonencode({body})\n"
        "}\n"
    )


def render(spec: Spec, policy: dict[str, Any], form: str) -> str:
    """The policy as text in `form` (one of FORMATS), ending in a newline."""
    if form == "json":
        return _json(policy) + "\n"
    if form == "yaml":
        return _yaml(policy)
    if form == "cloudformation":
        return _yaml(cloudformation(spec, policy))
    if form == "terraform":
        return terraform(spec, policy)
    raise ValueError(f"format {form!r} is not one of {', '.join(FORMATS)}")


# An earlier output larger than this is not read to be recognised (no key policy comes near:
# KMS caps a key policy at 32 KB).
MAX_RECOGNISED_BYTES = 1024 * 1024
_TERRAFORM = re.compile(
    r'resource "aws_kms_key" "key" \{\n  customer_master_key_spec = "([A-Z0-9_]+)"\n'
    r'  key_usage                = "([A-Z_]+)"\n  policy = jsonencode\((.*)\)\n\}\n\Z',
    re.S,
)


def is_written(path: Path) -> bool:
    """Whether a file is a key policy this command wrote, in any format: its text is exactly
    what rendering the policy it holds gives, and every Sid is one the writer gives. A file
    edited since, or anything else, is not."""
    try:
        if path.stat().st_size > MAX_RECOGNISED_BYTES:
            return False
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return any(_policy_of(text, form) for form in FORMATS)


def _policy_of(text: str, form: str) -> bool:
    try:
        if form == "json":
            policy = json.loads(text)
            again = _json(policy) + "\n"
        elif form == "terraform":
            match = _TERRAFORM.match(text)
            if match is None:
                return False
            body = match[3].replace("\n  ", "\n").replace("$${", "${").replace("%%{", "%{")
            policy = json.loads(body)
            again = _terraform(match[1], match[2], policy)
        else:
            data = _yaml_data(text)
            if form == "yaml":
                policy, again = data, _yaml(data)
            else:
                key = data["Resources"]["Key"]["Properties"]
                policy = key["KeyPolicy"]
                again = _yaml(_template(key["KeySpec"], key["KeyUsage"], policy))
    except (ValueError, TypeError, KeyError, RecursionError):
        return False
    return again == text and _ours(policy)


def _yaml_data(text: str) -> Any:
    """The data of YAML text; ValueError when it is not YAML, or PyYAML is not installed (then
    nothing in YAML is recognised, and an existing file is not replaced)."""
    from kms_permissions.extras import missing

    if missing("templates"):
        raise ValueError("PyYAML is not installed")
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


def _ours(policy: Any) -> bool:
    """Whether a policy is one the writer gave, unchanged: its Id is the digest of its
    statements, and every Sid is one the writer gives."""
    from kms_permissions.policy.authoring.statements import policy_id, written_sid

    if not isinstance(policy, dict) or list(policy) != ["Version", "Id", "Statement"]:
        return False
    found = policy["Statement"]
    return (
        isinstance(found, list)
        and bool(found)
        and all(isinstance(s, dict) and written_sid(str(s.get("Sid", ""))) for s in found)
        and policy["Id"] == policy_id(found)
    )
