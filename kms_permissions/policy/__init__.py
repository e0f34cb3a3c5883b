"""KMS-aware checks of key policies, IAM policies and VPC endpoint policies, backed by the
dataset; policies read from policy files, CloudFormation templates and Terraform plans."""

from __future__ import annotations

from kms_permissions.policy.check import check
from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.findings import Finding

__all__ = ["Finding", "PolicyError", "check"]
