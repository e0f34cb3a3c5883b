"""KMS-aware checks of key policies, IAM policies and VPC endpoint policies, backed by the
dataset; policies read from policy files, CloudFormation templates and Terraform plans.

The names below are imported on first use (PEP 562), so that importing a part of the package
(the access evaluator, the key-policy writer) does not load the checker and its rules.
`check()` lives in `kms_permissions.policy.checker`.
"""

from __future__ import annotations

from kms_permissions._lazy import exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.policy.checker import check
    from kms_permissions.policy.document import PolicyError
    from kms_permissions.policy.findings import Finding

__all__ = ["Finding", "PolicyError", "check"]
_LAZY = {"Finding": "findings", "PolicyError": "document", "check": "checker"}


__getattr__ = exports(globals(), _LAZY)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
