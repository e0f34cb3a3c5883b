"""KMS-aware checks of key policies and IAM policies, backed by the dataset."""

from __future__ import annotations

from kms_permissions.policy.check import check
from kms_permissions.policy.findings import Finding

__all__ = ["Finding", "check"]
