"""`key_policy(spec)`: the spec read from a file, text or data, checked, and written."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kms_permissions.policy.authoring import statements
from kms_permissions.policy.authoring.spec import Spec, SpecError, parse_spec
from kms_permissions.policy.authoring.via import via_names
from kms_permissions.policy.checker import knowledge
from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.key_specs import KeySpec, KeySpecError

Given = Path | str | Mapping[str, Any]
VIA_SERVICE = "kms:ViaService"


def spec_data(text: str, name: str) -> Any:
    """The data of a spec's text: JSON when it starts as JSON does, YAML otherwise."""
    from kms_permissions.policy.jsontext import loads

    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return loads(text)
        from kms_permissions.extras import require

        require("templates")
        from kms_permissions.policy.yamltext import YamlData

        return YamlData(text).data
    except PolicyError as exc:
        raise SpecError(f"{name}: {exc}") from None


def read_spec(source: Given, dataset: str | None = None) -> Spec:
    """A checked spec from a Path (read), JSON or YAML text, or parsed data.

    Raises SpecError (an InputError) naming the field that is wrong."""
    facts = knowledge(dataset)
    if isinstance(source, Path):
        from kms_permissions.policy.reading import decode, read_bytes

        try:
            text = decode(read_bytes(str(source)))
        except PolicyError as exc:
            raise SpecError(f"{source}: {exc}") from None
        data = spec_data(text, str(source))
    elif isinstance(source, str):
        data = spec_data(source, "spec")
    else:
        data = source

    def uses_of(key_spec: KeySpec, usage: str) -> Mapping[str, tuple[str, ...]]:
        try:
            return statements.uses(key_spec, usage, facts)
        except KeySpecError as exc:
            raise SpecError(f"key_usage: {exc}") from None

    spec = parse_spec(data, uses_of, lambda: via_names(facts))
    for field, given in (
        ("via_services", spec.via_services),
        ("account_via_services", spec.account_via_services),
    ):
        if not given:
            continue
        applies = facts.key_actions(VIA_SERVICE)
        users = {n for names in uses_of(spec.key_spec, spec.key_usage).values() for n in names}
        never = sorted(users - applies)
        if never:
            raise SpecError(
                f"{field}: {VIA_SERVICE} does not apply to {', '.join(never)} (the "
                f"dataset), which a {spec.key_spec.name} {spec.key_usage} key's users need: "
                "the condition would never hold for them"
            )
    if spec.encryption_context:
        bound = statements.context_actions(spec, facts)
        if not bound & set(statements.user_actions(spec, uses_of(spec.key_spec, spec.key_usage))):
            raise SpecError(
                "encryption_context: none of the users' operations takes every one of these "
                "context keys (the dataset); the condition would never hold"
            )
    return spec


def key_policy(spec: Given | Spec, dataset: str | None = None) -> dict[str, Any]:
    """The key policy a spec asks for, as a dict (JSON-ready, deterministic).

    `spec` is a Path, JSON or YAML text, a dict, or a Spec from `read_spec`."""
    checked = spec if isinstance(spec, Spec) else read_spec(spec, dataset)
    return statements.policy(checked, knowledge(dataset))
