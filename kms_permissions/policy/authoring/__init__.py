"""Key policies written from a spec (`key_policy(spec)`), and proved by `check` and `explain`.

One module per job: `spec` reads and checks the spec, `key_specs` says which operations a key
allows, `services` is the table of service integrations, `statements` builds the policy,
`render` writes it in each format, `verify` decides the intended and adversarial requests.
"""

from __future__ import annotations

from kms_permissions.policy.authoring.api import key_policy, read_spec

__all__ = ["key_policy", "read_spec"]
