"""Whether one statement applies to a request: its action, principal, resource and conditions.

- Action and NotAction take `*` and `?` and ignore case:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
- Resource and NotResource take wildcards and policy variables; in a key policy `*` is the key:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
"""

from __future__ import annotations

from functools import cached_property

from kms_permissions.policy.access.condition_eval import evaluate_conditions
from kms_permissions.policy.access.inputs import IDENTITY_KINDS, Policy
from kms_permissions.policy.access.outcome import (
    TRUE,
    Outcome,
    all_of,
    any_of,
    false,
    negate,
    unknown,
)
from kms_permissions.policy.access.principals import match_not_principal, match_principal
from kms_permissions.policy.access.request import Request
from kms_permissions.policy.access.variables import resolve
from kms_permissions.policy.access.wildcards import glob, matches
from kms_permissions.policy.document import Statement

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass


@dataclass(frozen=True)
class StatementVerdict:
    """How one statement of one policy meets a request."""

    policy: Policy
    statement: Statement
    action: Outcome
    principal_direct: Outcome
    principal_any: Outcome
    resource: Outcome
    condition: Outcome

    @property
    def effect(self) -> str:
        """Allow or Deny."""
        return self.statement.effect

    @cached_property
    def applies(self) -> Outcome:
        """It covers the request, naming the caller or only the caller's account."""
        return all_of((self.action, self.principal_any, self.resource, self.condition))

    @cached_property
    def applies_directly(self) -> Outcome:
        """It covers the request and names the caller itself (or everyone)."""
        return all_of((self.action, self.principal_direct, self.resource, self.condition))

    @cached_property
    def applies_to_account(self) -> Outcome:
        """It covers the request through the caller's account only (it enables IAM policies)."""
        if self.principal_direct.value is True:
            return false("it names the caller itself")
        return self.applies


def match_action(statement: Statement, action: str) -> Outcome:
    """Whether the statement's Action (or NotAction) covers the action."""
    if "Action" in statement.body:
        hits = [
            TRUE if glob(p, action, ignore_case=True) else false("")
            for _, p in statement.values("Action")
        ]
        return any_of(hits, f"Action does not cover {action}")
    hits = [
        TRUE if glob(p, action, ignore_case=True) else false("")
        for _, p in statement.values("NotAction")
    ]
    return negate(any_of(hits, ""), f"NotAction covers {action}")


def _resource(request: Request, policy: Policy, action_on_key: bool) -> str:
    if action_on_key and request.key_arn:
        return request.key_arn
    return "*"


def match_resource(
    statement: Statement, policy: Policy, request: Request, resource: str
) -> Outcome:
    """Whether Resource (or NotResource) covers the resource: the key ARN, or `*`."""
    element = "Resource" if "Resource" in statement.body else "NotResource"
    hits = []
    for _, pattern in statement.values(element):
        if pattern == "*":
            hits.append(TRUE)
            continue
        resolved = resolve(pattern, request.context, policy.variables)
        if policy.variables and "${" in ":".join(pattern.split(":", 5)[:5]):
            # Variables are replaced only in the resource part, after the fifth colon.
            hits.append(unknown(f"{pattern!r}: a policy variable before the resource part"))
        elif resolved.unresolved:
            # An unresolved variable matches nothing; under NotResource that cannot be told.
            hits.append(unknown(resolved.unresolved) if element == "NotResource" else false(""))
        elif resolved.substituted_wildcard:
            hits.append(unknown(f"a policy variable put a wildcard into {pattern!r}"))
        else:
            hits.append(TRUE if matches(resolved.pieces, resource) else false(""))
    if element == "Resource":
        return any_of(hits, f"Resource does not cover {resource}")
    return negate(any_of(hits, ""), f"NotResource covers {resource}")


def evaluate_statement(
    policy: Policy,
    statement: Statement,
    request: Request,
    action_on_key: bool,
    dataset: str | None,
    resource_arn: str | None = None,
) -> StatementVerdict:
    """The verdict of one statement on the request (on `resource_arn` when given, else the key
    for a permission on a key, else `*`)."""
    action = match_action(statement, request.action)
    body = statement.body
    if policy.kind in IDENTITY_KINDS or policy.kind == "rcp":
        # Identity-side policies name no principal; an RCP's Principal is always "*".
        direct = every = TRUE
    elif "Principal" in body:
        principal = match_principal(body["Principal"], request.caller)
        direct, every = principal.direct, principal.any
    elif statement.effect == "Allow":
        direct = every = unknown(
            "NotPrincipal with Allow: AWS does not support it "
            "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)"
        )
    else:
        direct = every = match_not_principal(body["NotPrincipal"], request.caller)
    target = resource_arn or _resource(request, policy, action_on_key)
    resource = match_resource(statement, policy, request, target)
    # Conditions are evaluated only where the rest matches: a cheaper verdict, same result.
    if all_of((action, every, resource)).value is False:
        condition = TRUE
    else:
        condition = evaluate_conditions(statement, request.context, policy.variables, dataset)
    return StatementVerdict(policy, statement, action, direct, every, resource, condition)


def evaluate_policy(
    policy: Policy,
    request: Request,
    action_on_key: bool,
    dataset: str | None,
    resource_arn: str | None = None,
) -> list[StatementVerdict]:
    """Verdicts of every statement of a policy."""
    return [
        evaluate_statement(policy, s, request, action_on_key, dataset, resource_arn)
        for s in policy.document.statements
    ]
