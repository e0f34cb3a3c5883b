"""Suppressions where the policy lives: a CloudFormation template's `Metadata`, as cfn-lint
and checkov read theirs.

    Resources:
      Key:
        Type: AWS::KMS::Key
        Metadata:
          kms-permissions:
            ignore:
              - KMS044                              # a rule id or prefix
              - {id: KMS150, reason: "admins are break-glass roles"}
        Properties: ...

The template's own top-level `Metadata` takes the same table for every resource in it. In a
policy file, statements are suppressed by Sid with `per-sid-ignores` in pyproject.toml.
"""

from __future__ import annotations

from typing import Any

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.reading import shown
from kms_permissions.policy.selection import Selection

KEY = "kms-permissions"


def _codes(metadata: Any, where: str) -> list[str]:
    if not isinstance(metadata, dict) or KEY not in metadata:
        return []
    table = metadata[KEY]
    if not isinstance(table, dict) or set(table) - {"ignore"}:
        raise PolicyError(f"{where}.Metadata.{KEY}: a table with one setting, ignore")
    entries = table.get("ignore", [])
    if not isinstance(entries, list):
        raise PolicyError(f"{where}.Metadata.{KEY}.ignore: a list of rule ids")
    codes = []
    for entry in entries:
        code = entry.get("id") if isinstance(entry, dict) else entry
        if not isinstance(code, str):
            raise PolicyError(
                f"{where}.Metadata.{KEY}.ignore: {shown(str(entry))} is not a rule id "
                "(a string, or {id: ..., reason: ...})"
            )
        codes.append(code)
    try:
        return list(Selection.of(ignore=codes).ignore)
    except PolicyError as exc:
        raise PolicyError(f"{where}.Metadata.{KEY}.{exc}") from None


def template_ignores(template: dict[str, Any]) -> list[str]:
    """The rule ids a template's top-level Metadata ignores."""
    return _codes(template.get("Metadata"), "$")


def resource_ignores(resource: dict[str, Any], name: str) -> list[str]:
    """The rule ids a resource's Metadata ignores."""
    return _codes(resource.get("Metadata"), f"Resources.{name}")
