"""Rules and how they are declared: one function per rule, `@rule(...)` next to it.

A rule function takes the `Context` of one policy and yields `Hit`s; the decorator records the
rule's id, severity, summary, the AWS page it rests on and two example policies (one it
flags, one it passes; a test checks both, and the rule's page on the site shows them). The
function's docstring says what the rule catches and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kms_permissions.policy.document import Document, Statement
from kms_permissions.policy.findings import SEVERITIES
from kms_permissions.policy.knowledge import Knowledge

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any
else:
    from kms_permissions._slotted import Any, dataclass

KINDS = ("key-policy", "iam-policy", "vpc-endpoint-policy")


@dataclass(frozen=True)
class Hit:
    """What a rule found: where (statement and JSON path), what, and on what it rests."""

    statement: Statement | None
    path: str
    message: str
    basis: str
    link: str | None = None
    severity: str | None = None  # when a case is worse or milder than the rule's default


@dataclass
class Context:
    """One policy to check: its data, kind, owning account, origin, and the dataset's facts.

    `template` is "cloudformation" or "terraform-plan" for a policy read from one (None for a
    policy file); `data` is the policy as read (duplicate keys marked, see jsontext).
    """

    document: Document
    kind: str
    account: str | None
    knowledge: Knowledge
    data: Any = None
    template: str | None = None


Check = Callable[[Context], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule: id, name, default severity, summary, what it checks, and how."""

    rule_id: str
    name: str
    severity: str
    summary: str
    check: Check
    link: str
    bad: Any
    good: Any
    kind: str = "key-policy"
    template: str | None = None

    @property
    def doc(self) -> str:
        """What the rule checks: its function's docstring, indentation removed (cleaned when
        read: `inspect` costs a cold `check` more than every rule's checking)."""
        import inspect

        return inspect.cleandoc(self.check.__doc__ or "")

    def run(self, context: Context) -> Iterator[Hit]:
        """The rule's hits on one policy."""
        return self.check(context)


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    severity: str,
    summary: str,
    *,
    name: str,
    link: str,
    bad: Any,
    good: Any,
    kind: str = "key-policy",
    template: str | None = None,
) -> Callable[[Check], Check]:
    """Register the decorated function as rule `rule_id`.

    `bad` and `good` are example policies (as JSON data) of `kind`: the rule flags the first
    and not the second. `template` names the input the examples stand for when the rule is
    about templates ("cloudformation": the examples are templates).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"{rule_id}: severity {severity!r} is not one of {SEVERITIES}")
    if kind not in KINDS:
        raise ValueError(f"{rule_id}: kind {kind!r} is not one of {KINDS}")

    def register(function: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is declared twice")
        RULES[rule_id] = Rule(
            rule_id=rule_id,
            name=name,
            severity=severity,
            summary=summary,
            check=function,
            link=link,
            bad=bad,
            good=good,
            kind=kind,
            template=template,
        )
        return function

    return register


def all_rules() -> list[Rule]:
    """Every rule, by id (importing the rule modules registers them)."""
    import kms_permissions.policy.rules  # noqa: F401 - registers the rules

    return [RULES[rule_id] for rule_id in sorted(RULES)]


RULES_FORMAT = "kms-permissions-rules/1"


def rules_document() -> dict[str, Any]:
    """`check --list-rules --json`: every rule's id, name, default severity, summary, the
    policy kind its examples are, and the AWS page it rests on."""
    return {
        "format": RULES_FORMAT,
        "rules": [
            {
                "id": rule.rule_id,
                "name": rule.name,
                "severity": rule.severity,
                "summary": rule.summary,
                "kind": rule.kind,
                "link": rule.link,
            }
            for rule in all_rules()
        ],
    }
