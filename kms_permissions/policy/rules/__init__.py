"""The rules, one module per subject; importing this package registers them all.

To add a rule, write a function in the module of its subject (or a new module listed here)
and put `@rule(id, severity, summary, ...)` on it: see `kms_permissions.policy.registry`.
"""

from kms_permissions.policy.rules import (
    actions,
    condition_keys,
    cross_account,
    endpoint,
    escalation,
    grammar,
    key_policy,
    network,
    placeholders,
    principal_keys,
    public,
    required,
    resources,
    services,
    templates,
    via_service,
)

__all__ = [
    "actions",
    "condition_keys",
    "cross_account",
    "endpoint",
    "escalation",
    "grammar",
    "key_policy",
    "network",
    "placeholders",
    "principal_keys",
    "public",
    "required",
    "resources",
    "services",
    "templates",
    "via_service",
]
