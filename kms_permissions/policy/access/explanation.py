"""`explain(...)`: one request, one decision, with the reasons."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from kms_permissions.errors import ArgumentTypeError
from kms_permissions.policy.access import docs, facts, iam_parts, two_keys
from kms_permissions.policy.access.assumptions import POLICY_TYPES, assumptions
from kms_permissions.policy.access.decision import Policies, decide
from kms_permissions.policy.access.grants import Grant, parse_grants
from kms_permissions.policy.access.inputs import (
    Given,
    InputError,
    Policy,
    PolicyKind,
    check_given,
    check_many,
    load_json,
    parse_policy,
)
from kms_permissions.policy.access.request import Request, RequestError, parse_request
from kms_permissions.policy.access.results import CANNOT_DECIDE, Assumption, Explanation, Reason
from kms_permissions.policy.conditions import conditions

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import replace
else:
    from kms_permissions._slotted import replace


def read_request(source: Given, dataset: str | None = None) -> Request:
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


def _optional(source: Given | None, kind: PolicyKind, name: str) -> Policy | None:
    return None if source is None else parse_policy(source, kind, name)


def _absent_keys(
    policies: Policies, request: Request, other: Policy | None = None
) -> tuple[str, ...]:
    """Condition keys the given policies read that the request does not have."""
    documents = [
        policies.key_policy,
        other,
        *policies.iam,
        policies.boundary,
        policies.session,
        *policies.scps,
        *policies.rcps,
        policies.vpce,
    ]
    found: dict[str, str] = {}
    context = request.context
    for policy in documents:
        for statement in policy.document.statements if policy else ():
            for condition in conditions(statement):
                key = condition.key
                if key not in context and not context.why_unknown(key):
                    found.setdefault(key.lower(), key)
    return tuple(found[k] for k in sorted(found))


def _absent_assumption(
    request: Request,
    action: facts.ActionFacts,
    given: Policies,
    dataset: str | None,
    keys: list[str],
    decided: tuple[str, bool],
    final: str,
) -> Assumption:
    """Condition keys the policies read that the request neither gives nor says are absent:
    taken as absent, which could change the decision when the request's own part is decided
    otherwise with them unknown (a principal's tags, its organization: facts of the caller
    that a request file may simply leave out), unless another part's explicit Deny decides."""
    probe = replace(request, context=request.context.with_unknown(keys, "not given"))
    decision, certain, _ = decide(probe, action, given, dataset)
    return Assumption(
        "context",
        f"the request's context does not give {', '.join(keys)}: assumed absent",
        (decision, certain) != decided and (final != "explicit-deny" or decided[0] == final),
        docs.CONDITION_ELEMENT,
    )


def _other_key_policy(
    request: Request,
    action: facts.ActionFacts,
    two: two_keys.Parts | None,
    given: Policies,
    source: Given | None,
) -> Policy | None:
    """The other key's policy: given, or the key policy when the other key is key_arn."""
    if request.other_key_arn is not None and two is None:
        raise InputError(
            f"request: other_key_arn: {action.name} is authorized on one key (key_arn); "
            "only a two-key operation's permission has another key"
        )
    name = str(source) if isinstance(source, Path) else "other-key-policy"
    if source is not None and request.other_key_arn is None:
        raise InputError(
            f"{name}: an other key policy, but the request names no other_key_arn (its key)"
        )
    if request.other_key_arn is not None and request.other_key_arn == request.key_arn:
        if source is not None:
            raise InputError(
                f"{name}: the request's other_key_arn is its key_arn, whose policy is the key "
                "policy; give no other key policy"
            )
        return given.key_policy
    return None if source is None else parse_policy(source, "key-policy", "other-key-policy")


def _check_arguments(given: dict[str, object]) -> None:
    """ArgumentTypeError naming the first argument of `explain` of the wrong type."""
    if not isinstance(given["request"], Request):
        check_given(given["request"], "request", "explain")
    check_given(given["key_policy"], "key_policy", "explain")
    for argument in ("vpce_policy", "permissions_boundary", "session_policy", "other_key_policy"):
        check_given(given[argument], argument, "explain", optional=True)
    for argument in ("iam_policies", "grants", "scps", "rcps"):
        check_many(given[argument], argument, "explain")
    check_many(given["absent"], "absent", "explain", str)
    dataset = given["dataset"]
    if dataset is not None and not isinstance(dataset, str | PathLike):
        raise ArgumentTypeError(
            f"explain(): dataset must be a path or None, not {type(dataset).__name__}"
        )
    if not isinstance(given["strict"], bool):
        raise ArgumentTypeError(
            f"explain(): strict must be a bool, not {type(given['strict']).__name__}"
        )


def explain(
    key_policy: Given,
    request: Given | Request,
    iam_policies: Sequence[Given] = (),
    grants: Sequence[Given] = (),
    vpce_policy: Given | None = None,
    dataset: str | None = None,
    *,
    scps: Sequence[Given] = (),
    rcps: Sequence[Given] = (),
    permissions_boundary: Given | None = None,
    session_policy: Given | None = None,
    other_key_policy: Given | None = None,
    absent: Sequence[str] = (),
    strict: bool = False,
) -> Explanation:
    """Decide one KMS request as KMS would: `allow`, `explicit-deny` or `implicit-deny`.

    Each input is a `Path` (read), a JSON string, or parsed data. `iam_policies` are the
    requesting principal's identity policies; each grant source is one grant as ListGrants
    returns it (or ListGrants' whole answer). `scps` are the caller's organization's service
    control policies, one per level; `rcps` the key owner's resource control policies, one per
    level. `other_key_policy` is the key policy of the request's `other_key_arn`, the second key
    of a two-key operation (ReEncrypt, UpdateAlias, UpdatePrimaryRegion): both keys' parts are
    decided. A policy type that could take part and is neither given nor named in `absent` is an
    assumption the result states; with `strict`, one that could change the decision makes it
    undecided. Raises InputError for input that is not usable.
    """
    _check_arguments(locals())
    unknown_types = [t for t in absent if t not in POLICY_TYPES]
    if unknown_types:
        raise InputError(
            f"absent: {unknown_types[0]!r} is not a policy type ({', '.join(POLICY_TYPES)})"
        )
    given_types = {
        "iam-policy": bool(iam_policies),
        "scp": bool(scps),
        "rcp": bool(rcps),
        "permissions-boundary": permissions_boundary is not None,
        "session-policy": session_policy is not None,
        "vpce-policy": vpce_policy is not None,
    }
    contradicted = [t for t in absent if given_types.get(t)]
    if contradicted:
        raise InputError(
            f"absent: {contradicted[0]!r} is said to be absent and is given too; drop one of "
            "the two (--none names a policy type that is truly absent)"
        )
    parsed = request if isinstance(request, Request) else read_request(request, dataset)
    action = facts.action_facts(parsed.action, dataset)
    if action is None:  # a Request built by hand
        raise InputError(f"request: {parsed.action!r} is not a KMS permission in the dataset")
    if action.on_key and parsed.key_arn is None:
        raise InputError(f"request: key_arn: missing; {action.name} is authorized on a KMS key")
    if "alias" in action.resources and parsed.alias is None:
        raise InputError(
            f"request: alias: missing; {action.name} is authorized on the key and an alias"
        )
    found_grants: list[Grant] = []
    for i, source in enumerate(grants):
        found_grants += parse_grants(source, f"grant[{i}]", dataset)
    given = Policies(
        key_policy=parse_policy(key_policy, "key-policy", "key-policy"),
        iam=[parse_policy(p, "iam-policy", f"iam-policy[{i}]") for i, p in enumerate(iam_policies)],
        boundary=_optional(permissions_boundary, "permissions-boundary", "permissions-boundary"),
        session=_optional(session_policy, "session-policy", "session-policy"),
        scps=[parse_policy(p, "scp", f"scp[{i}]") for i, p in enumerate(scps)],
        rcps=[parse_policy(p, "rcp", f"rcp[{i}]") for i, p in enumerate(rcps)],
        vpce=_optional(vpce_policy, "vpce-policy", "vpce-policy"),
        grants=found_grants,
    )
    two = two_keys.parts(action)
    other_policy = _other_key_policy(parsed, action, two, given, other_key_policy)
    decision, decided, reasons = decide(parsed, action, given, dataset)
    main_part = (decision, decided)
    other_part = None
    if two is not None and other_policy is not None:
        other = two_keys.other_request(parsed, two.other)
        other_action = facts.action_facts(two.other.permission, dataset)
        assert other_action is not None  # the dataset names it
        other_given = replace(
            given,
            key_policy=other_policy,
            grants=two_keys.grants_for(given.grants, other.key_arn or ""),
        )
        other_part = (other, other_action, other_given)
        decision, decided, reasons = two_keys.combine(
            (decision, decided, reasons),
            decide(other, other_action, other_given, dataset),
            two_keys.label(parsed, two.other),
        )
    iam_given = replace(given, key_policy=None, vpce=None, grants=[])
    for part in action.iam_parts:
        part_action = facts.action_facts(part.permission, dataset)
        assert part_action is not None  # the dataset names it
        decision, decided, reasons = two_keys.combine(
            (decision, decided, reasons),
            decide(iam_parts.part_request(parsed, part), part_action, iam_given, dataset),
            iam_parts.label(parsed, part),
        )
    assumed = assumptions(parsed, action, given, set(absent), decision, other_policy is not None)
    absent_keys = _absent_keys(given, parsed, other_policy)
    unstated = [k for k in absent_keys if k.lower() not in parsed.context.stated_absent]
    if unstated:
        assumed.append(
            _absent_assumption(parsed, action, given, dataset, unstated, main_part, decision)
        )
    if other_part is not None:
        # The other key's own facts (its account's RCPs, its manager) are assumed for it too.
        seen = {a.subject for a in assumed}
        assumed += [
            a
            for a in assumptions(*other_part, set(absent), decision, True)
            if a.subject not in seen
        ]
    if strict:
        open_ = [
            Reason(
                CANNOT_DECIDE,
                f"cannot decide (--strict): {a.text}; "
                + (
                    f"give the {a.subject} or say it is absent (--none {a.subject})"
                    if a.subject in POLICY_TYPES
                    else "give each key in the request's context, or as [] to say it is absent"
                    if a.subject == "context"
                    else f"the request does not settle {a.subject}"
                ),
                "request",
                basis=a.basis,
                stage="assumption",
            )
            for a in assumed
            if a.matters
        ]
        if open_:
            decided = False
            reasons = open_ + reasons
    return Explanation(
        decision=decision,
        decided=decided,
        reasons=tuple(reasons),
        principal=parsed.caller.label,
        action=parsed.action,
        key_arn=parsed.key_arn,
        context=parsed.context.to_json(),
        dataset_version=facts.dataset_version(dataset),
        assumptions=tuple(assumed),
        derived=tuple(parsed.context.derived()),
        absent=absent_keys,
        other_key_arn=parsed.other_key_arn,
        strict=strict,
    )
