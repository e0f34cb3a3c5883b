"""The inputs `check` reads, and what it finds in them: one or more policies with positions.

A file is a policy (JSON or YAML), a CloudFormation template (JSON or YAML), or Terraform's
plan or state as JSON (`terraform show -json`). Terraform's HCL is not read: its policies are
often computed (interpolation, `jsonencode`, data sources, dynamic blocks) and only Terraform
can compute them; the plan holds them as Terraform will send them.
"""

from __future__ import annotations

import re

from kms_permissions.policy.document import NotAPolicy, PolicyError
from kms_permissions.policy.jsontext import JsonPositions, loads
from kms_permissions.policy.positions import Locator

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

FORMATS = ("policy", "cloudformation", "terraform-plan")
HCL_MESSAGE = (
    "Terraform HCL is not read (its policies are computed by Terraform); run "
    "`terraform plan -out=tfplan && terraform show -json tfplan > plan.json` and check plan.json"
)
_HCL = r"(?m)^\s*(resource|data|module|provider|variable|locals|terraform|output)\s+[\"{A-Za-z]"
_YAML_SUFFIXES = (".yaml", ".yml")
# Files whose name says what they are: their text is never taken for Terraform's (a README
# with `output "x" {` in an example is markdown).
_NOT_HCL = (*_YAML_SUFFIXES, ".json", ".template", ".md", ".txt", ".rst")


@dataclass
class PolicyInput:
    """One policy found in a file: where (`label`: None for a policy file), its kind
    ("auto" when the input does not say) and what gave it, its data, and how to place its
    paths in the file."""

    label: str | None
    kind: str
    data: Any
    locator: Locator
    kind_from: str = "given"
    ignore: tuple[str, ...] = ()  # rule ids its template's Metadata suppresses


@dataclass
class Inputs:
    """What a file holds: its format and the policies in it."""

    format: str
    policies: list[PolicyInput]


def _looks_like_hcl(text: str) -> bool:
    return bool(re.search(_HCL, text[:4096]))


def parse_text(text: str, name: str = "") -> tuple[Any, Any]:
    """(data, position lookup) of a JSON or YAML text; JSON when it starts like JSON."""
    lowered = name.lower()
    if lowered.endswith((".tf", ".hcl", ".tfvars")):
        raise PolicyError(HCL_MESSAGE)
    stripped = text.lstrip()
    if not stripped:
        raise NotAPolicy("empty file: no policy")
    if stripped[0] in "{[" and not lowered.endswith(_YAML_SUFFIXES):
        return loads(text), JsonPositions(text)
    if _looks_like_hcl(text) and not lowered.endswith(_NOT_HCL):
        raise PolicyError(HCL_MESSAGE)
    from kms_permissions.extras import require

    require("templates")  # PyYAML: one line saying what to install when it is missing
    from kms_permissions.policy.yamltext import YamlData

    parsed = YamlData(text)
    return parsed.data, parsed


# A CloudFormation resource type: AWS::SERVICE::RESOURCE (or a third party's, as Alexa::ASK::Skill).
_RESOURCE_TYPE = r"[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+"


def is_resources(data: Any) -> bool:
    """A template's Resources given alone, as guides publish a resource: an object whose every
    entry is an object with a resource Type (a policy document's entries never are)."""
    return (
        isinstance(data, dict)
        and bool(data)
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("Type"), str)
            and re.fullmatch(_RESOURCE_TYPE, entry["Type"]) is not None
            for entry in data.values()
        )
    )


def is_cloudformation(data: Any) -> bool:
    """A CloudFormation template: a format version or a Resources object, or its Resources
    given alone."""
    return isinstance(data, dict) and (
        "AWSTemplateFormatVersion" in data
        or isinstance(data.get("Resources"), dict)
        or is_resources(data)
    )


def is_terraform(data: Any) -> bool:
    """Terraform's plan or state as JSON (`terraform show -json`)."""
    return (
        isinstance(data, dict)
        and "format_version" in data
        and any(k in data for k in ("planned_values", "values", "prior_state", "terraform_version"))
    )


def read_inputs(text: str, name: str = "", kind: str = "auto", kind_from: str = "given") -> Inputs:
    """The policies of a file's text; `kind` applies to a policy file (templates and plans say
    the kind of each policy themselves); `kind_from` says what gave it."""
    data, lookup = parse_text(text, name)
    if is_cloudformation(data):
        from kms_permissions.policy.cloudformation import template_policies

        return Inputs("cloudformation", template_policies(data, lookup))
    if is_terraform(data):
        from kms_permissions.policy.terraform import plan_policies

        return Inputs("terraform-plan", plan_policies(data, lookup, text))
    return Inputs("policy", [PolicyInput(None, kind, data, Locator(lookup), kind_from)])
