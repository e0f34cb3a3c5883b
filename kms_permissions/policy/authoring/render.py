"""A key policy written out: JSON, YAML, a CloudFormation `AWS::KMS::Key` with its `KeyPolicy`
property, or a Terraform `aws_kms_key` whose `policy` is `jsonencode(...)`."""

from __future__ import annotations

import json
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
    return {
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "KeySpec": spec.key_spec.name,
                    "KeyUsage": spec.key_usage,
                    "KeyPolicy": policy,
                },
            }
        }
    }


def terraform(spec: Spec, policy: dict[str, Any]) -> str:
    """An `aws_kms_key` resource. JSON is HCL's object and tuple syntax too, so the policy is
    the JSON itself inside `jsonencode`; only HCL's template sequences (`${`, `%{`) are
    escaped in its strings."""
    body = _json(policy).replace("${", "$${").replace("%{", "%%{")
    body = body.replace("\n", "\n  ")
    return (
        'resource "aws_kms_key" "key" {\n'
        f'  customer_master_key_spec = "{spec.key_spec.name}"\n'
        f'  key_usage                = "{spec.key_usage}"\n'
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
