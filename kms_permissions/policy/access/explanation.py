"""`explain(...)`: one request, one decision, with the reasons."""

from __future__ import annotations

from collections.abc import Sequence

from kms_permissions.policy.access import facts
from kms_permissions.policy.access.decision import decide
from kms_permissions.policy.access.grants import Grant, parse_grants
from kms_permissions.policy.access.inputs import InputError, Source, load_json, parse_policy
from kms_permissions.policy.access.request import Request, RequestError, parse_request
from kms_permissions.policy.access.results import Explanation


def read_request(source: Source, dataset: str | None = None) -> Request:
    """A request from a file, JSON text or data; InputError names what is wrong."""
    name, data = load_json(source, "request")

    def canonical(action: str) -> str | None:
        found = facts.action_facts(action, dataset)
        return found.name if found else None

    try:
        request = parse_request(data, canonical)
    except RequestError as exc:
        raise InputError(f"{name}: {exc}") from None
    action = facts.action_facts(request.action, dataset)
    if action is not None and action.on_key and request.key_arn is None:
        raise InputError(f"{name}: key_arn: missing; {action.name} is authorized on a KMS key")
    for value in request.context.values():
        known = facts.key_facts(value.name, dataset)
        if known is not None and known.multi_valued is False and len(value.values) > 1:
            raise InputError(
                f"{name}: context[{value.name!r}]: {known.name} is single-valued in the dataset; "
                f"the request gives {len(value.values)} values"
            )
    return request


def explain(
    key_policy: Source,
    request: Source | Request,
    iam_policies: Sequence[Source] = (),
    grants: Sequence[Source] = (),
    vpce_policy: Source | None = None,
    dataset: str | None = None,
) -> Explanation:
    """Decide one KMS request as KMS would: `allow`, `explicit-deny` or `implicit-deny`.

    Each input is a `Path` (read), a JSON string, or parsed data. `iam_policies` are the
    requesting principal's identity policies; each grant source is one grant as ListGrants
    returns it (or ListGrants' whole answer). Raises InputError for input that is not usable.
    """
    parsed = request if isinstance(request, Request) else read_request(request, dataset)
    action = facts.action_facts(parsed.action, dataset)
    if action is None:  # a Request built by hand
        raise InputError(f"request: {parsed.action!r} is not a KMS permission in the dataset")
    if action.on_key and parsed.key_arn is None:
        raise InputError(f"request: key_arn: missing; {action.name} is authorized on a KMS key")
    key = parse_policy(key_policy, "key-policy", "key-policy")
    iam = [parse_policy(p, "iam-policy", f"iam-policy[{i}]") for i, p in enumerate(iam_policies)]
    found_grants: list[Grant] = []
    for i, source in enumerate(grants):
        found_grants += parse_grants(source, f"grant[{i}]", dataset)
    vpce = (
        parse_policy(vpce_policy, "vpce-policy", "vpce-policy") if vpce_policy is not None else None
    )
    decision, decided, reasons = decide(parsed, action, key, iam, found_grants, vpce, dataset)
    return Explanation(
        decision=decision,
        decided=decided,
        reasons=tuple(reasons),
        principal=parsed.caller.label,
        action=parsed.action,
        key_arn=parsed.key_arn,
        context=parsed.context.to_json(),
        dataset_version=facts.dataset_version(dataset),
    )
