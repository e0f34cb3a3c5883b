"""Plain answers to what a reader asks of a permission, each derived from the dataset's facts.

Four questions: who must allow it in the key's account, what another account needs, whether
only a key policy or an IAM policy too can allow it, and whether a grant can give it. Where the
dataset lacks the fact an answer needs, the answer says so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kms_permissions.model import ActionInfo

QUESTIONS = ("Same account", "Another account", "Key policy or IAM policy", "Grants")
UNKNOWN = "the dataset does not say (no source gives its policy types)"


@dataclass(frozen=True)
class Only:
    """An action only one policy type can allow, and why."""

    action: str
    reason: str


def on_key(info: ActionInfo[str]) -> bool:
    """Whether it acts on a KMS key (a key policy and a grant can only speak of their key)."""
    return "key" in info.resources


def iam_only_reason(info: ActionInfo[str]) -> str | None:
    """Why only an IAM policy can allow it, or None when a key policy can."""
    if info.policy_types != ("iam-policy",):
        return None
    if not on_key(info):
        return "it acts on no KMS key (its resource is *), so no key policy applies to it"
    if info.guide_key_policy_effective is False:
        return "the permissions reference says a key policy statement allowing it has no effect"
    return f"{_source(info)} gives IAM policy as its only policy type"


def key_policy_only_reason(info: ActionInfo[str]) -> str | None:
    """Why the key policy must allow it, or None when an IAM policy alone can."""
    if info.policy_types != ("key-policy",):
        return None
    return f"{_source(info)} gives Key policy as its only policy type"


def _source(info: ActionInfo[str]) -> str:
    """The source of its headline policy types, in words."""
    source = info.policy_types_source
    if source == "api" and not info.in_guide:
        return "the API Reference (the permissions reference does not list it yet)"
    return {"api": "the API Reference", "permissions": "the permissions reference"}.get(
        source or "", "no source"
    )


def same_account(info: ActionInfo[str]) -> str:
    """Who must allow it for a principal in the key's own account."""
    if not info.policy_types:
        return f"Not known: {UNKNOWN}."
    if len(info.policy_types) == 2:
        return f"Both policies, each on its own resource: {_both(info)}."
    if info.policy_types == ("iam-policy",):
        return "An IAM policy of the principal must allow it; " + str(iam_only_reason(info)) + "."
    return (
        "The key policy must allow it, either to the principal itself or to the account "
        "(enabling IAM policies, as the default key policy does), in which case an IAM policy "
        "of the principal can allow it."
    )


def another_account(info: ActionInfo[str]) -> str:
    """What a principal in another account needs, by the cross-account facts."""
    said = info.cross_account_text
    value = info.cross_account
    if value == "no":
        return "It cannot be used from another account, whatever the policies say."
    if value == "n/a":
        return "The question does not arise: it acts on no resource of an account."
    if value == "yes" and info.policy_types == ("key-policy",):
        return (
            "It can be, with both sides allowing it: the key policy must allow the other "
            "account (or its principal), and an IAM policy in that account must allow the "
            "principal to use the key (its ARN)."
        )
    if value == "yes":
        return (
            "It can be; an IAM policy in the caller's own account must allow it, as "
            + str(iam_only_reason(info))
            + "."
        )
    if value == "contradictory" and said:
        return f"The permissions reference says both: {said}"
    if said:
        return f"In the sources' words: {said}"
    return f"Not known: {UNKNOWN}."


def key_policy_or_iam(info: ActionInfo[str]) -> str:
    """Whether only a key policy, only an IAM policy, or both can allow it."""
    iam = iam_only_reason(info)
    key = key_policy_only_reason(info)
    if iam:
        return f"Only an IAM policy: {iam}."
    if key:
        return (
            "The key policy decides; an IAM policy counts too, but only where the key policy "
            "enables IAM policies for the account. \u201cKey policy\u201d as its policy type "
            "does not mean that IAM policies cannot allow it."
        )
    if len(info.policy_types) == 2:
        return f"Both are needed: {_both(info)}."
    return f"Not known: {UNKNOWN}."


def grants(info: ActionInfo[str]) -> str:
    """Whether a KMS grant can give it, as far as the facts tell."""
    if not info.resources:
        return "Not known: the dataset gives no resource for it."
    if not on_key(info):
        return "No: a grant gives operations on its one KMS key, and this acts on no key."
    return (
        "A grant on the key can give it if it is one of the grant operations AWS lists; the "
        "dataset does not hold that list."
    )


def _both(info: ActionInfo[str]) -> str:
    rows = [
        f"{'the key policy' if g.policy_type == 'key-policy' else 'an IAM policy'} "
        f"{g.qualifier or 'on ' + ', '.join(g.resources)}"
        for g in sorted(info.grants, key=lambda g: g.policy_type != "key-policy")
    ]
    return " and ".join(rows) or "the sources name both policy types"


def answers(info: ActionInfo[str]) -> list[tuple[str, str]]:
    """(question, answer) for each question, in the order of QUESTIONS."""
    return list(
        zip(
            QUESTIONS,
            (same_account(info), another_account(info), key_policy_or_iam(info), grants(info)),
            strict=True,
        )
    )
