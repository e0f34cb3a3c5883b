"""Actions: names the dataset does not know, patterns that match nothing, NotAction."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.policy.document import Statement
from kms_permissions.policy.knowledge import IAM_GUIDE, PERMISSIONS_PAGE
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import allow, iam_policy, key_policy
from kms_permissions.policy.statements import is_pattern, listed

_SUGGESTED_PER_POLICY = 20  # "did you mean" costs a fuzzy search; a hostile file has thousands


def _kms_strings(ctx: Context) -> Iterator[tuple[Statement, str, str]]:
    for statement in ctx.document.statements:
        for element in ("Action", "NotAction"):
            for path, value in statement.values(element):
                kms = isinstance(value, str) and value.lower().startswith("kms:")
                if kms and value == value.strip():
                    yield statement, path, value


@rule(
    "KMS001",
    "warning",
    "Unknown KMS action",
    name="unknown-action",
    link=PERMISSIONS_PAGE,
    bad=key_policy(allow(["kms:Encrypt", "kms:Decrpyt"])),
    good=key_policy(allow(["kms:Encrypt", "kms:Decrypt"])),
)
def unknown_actions(ctx: Context) -> Iterator[Hit]:
    """An action with the `kms:` prefix that is not a KMS permission (a typo, or an API name
    that is not a permission). AWS accepts the policy, but the entry allows (or denies)
    nothing: a Deny with a misspelt action protects nothing."""
    suggested = 0
    for statement, path, text in _kms_strings(ctx):
        if is_pattern(text) or ctx.knowledge.action(text) is not None:
            continue
        hint = ""
        if suggested < _SUGGESTED_PER_POLICY:
            suggested += 1
            hints = ctx.knowledge.suggestions(text)
            hint = (
                f"; did you mean {', '.join(hints)}?"
                if hints
                else "; correct the name or remove it"
            )
        verb = "allows" if statement.effect == "Allow" else "denies"
        yield Hit(
            statement,
            path,
            f"{shown(text)} is not a KMS permission: this entry {verb} nothing{hint}",
            "the dataset's actions table",
            PERMISSIONS_PAGE,
        )


@rule(
    "KMS002",
    "warning",
    "Wildcard matches no KMS action",
    name="wildcard-matches-nothing",
    link=f"{IAM_GUIDE}/reference_policies_elements_action.html",
    bad=key_policy(allow("kms:Frobnicate*")),
    good=key_policy(allow("kms:Generate*")),
)
def empty_wildcards(ctx: Context) -> Iterator[Hit]:
    """A `kms:` pattern with `*` or `?` that matches no KMS permission (IAM matches patterns
    against whole action names, case-insensitively): the entry has no effect."""
    for statement, path, text in _kms_strings(ctx):
        if is_pattern(text) and not ctx.knowledge.expand(text):
            yield Hit(
                statement,
                path,
                f"{shown(text)} matches no KMS permission: this entry has no effect; correct the "
                "pattern (kms:Describe*) or remove it",
                "IAM wildcard over the dataset's actions",
                PERMISSIONS_PAGE,
            )


@rule(
    "KMS003",
    "info",
    "What a NotAction covers",
    name="not-action-expanded",
    kind="iam-policy",
    link=f"{IAM_GUIDE}/reference_policies_elements_notaction.html",
    bad=iam_policy({"Effect": "Deny", "NotAction": "kms:Describe*", "Resource": "*"}),
    good=iam_policy({"Effect": "Deny", "Action": "kms:Describe*", "Resource": "*"}),
)
def not_action(ctx: Context) -> Iterator[Hit]:
    """NotAction matches every action except those listed, including every action of every
    other service; in an Allow that is usually far more than meant. The finding lists the KMS
    actions the statement covers. A guardrail's Deny NotAction (in an SCP or RCP, or limited
    by a condition, as the region deny of an SCP or of the IAM guide's example) is the idiom
    and means what it says: not reported."""
    for statement in ctx.document.statements:
        if "NotAction" not in statement.body:
            continue
        guardrail = ctx.kind in ("scp", "rcp") or "Condition" in statement.body
        if statement.effect == "Deny" and guardrail:
            continue
        excluded: set[str] = set()
        for _, value in statement.values("NotAction"):
            if isinstance(value, str) and value.lower().startswith("kms:"):
                excluded |= set(ctx.knowledge.expand(value))
        covered = set(ctx.knowledge.actions) - excluded
        verb = "allows" if statement.effect == "Allow" else "denies"
        yield Hit(
            statement,
            f"{statement.path}.NotAction",
            f"NotAction {verb} {len(covered)} KMS actions ({listed(covered, 8)}) and every "
            "action of other services; if that is more than meant, name the actions in Action",
            "expanded over the dataset's actions",
            PERMISSIONS_PAGE,
        )
