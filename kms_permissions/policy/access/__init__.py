"""Access analysis for KMS keys: why a request is allowed or denied, and who can do what.

- `explain(key_policy, request, iam_policies=(), grants=(), vpce_policy=None)`: one request, one
  decision (`allow`, `explicit-deny`, `implicit-deny`) with the reasons KMS's rules give.
- `access(key_policy, account=None)`: the access a key policy grants on its own, per principal,
  with findings of external and public access.
"""

from __future__ import annotations

from kms_permissions._lazy import exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.policy.access.analysis import (
        AccessFinding,
        AccessReport,
        PrincipalAccess,
        access,
    )
    from kms_permissions.policy.access.explanation import explain
    from kms_permissions.policy.access.inputs import InputError
    from kms_permissions.policy.access.results import Decision, Explanation, Reason

# Imported when first used: `explain` need not load `access` (and the checker it reads), nor
# the reverse.
_LAZY = {
    "AccessFinding": "analysis",
    "AccessReport": "analysis",
    "PrincipalAccess": "analysis",
    "access": "analysis",
    "explain": "explanation",
    "InputError": "inputs",
    "Decision": "results",
    "Explanation": "results",
    "Reason": "results",
}


__getattr__ = exports(globals(), _LAZY)


__all__ = [
    "AccessFinding",
    "AccessReport",
    "Decision",
    "Explanation",
    "InputError",
    "PrincipalAccess",
    "Reason",
    "access",
    "explain",
]
