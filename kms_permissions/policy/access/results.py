"""What `explain` returns: a decision and the reasons, each naming where it comes from."""

from __future__ import annotations

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any, Literal
else:
    from kms_permissions._slotted import Any, Literal, dataclass

Decision = Literal["allow", "explicit-deny", "implicit-deny"]
SourceKind = Literal[
    "key-policy",
    "iam-policy",
    "grant",
    "vpce-policy",
    "scp",
    "rcp",
    "permissions-boundary",
    "session-policy",
    "request",
    "dataset",
]
# The stages of the evaluation, in AWS's order (IAM User Guide, "Policy evaluation logic").
Stage = Literal[
    "deny", "rcp", "scp", "key-policy", "identity", "grants", "endpoint", "request", "assumption"
]
EXPLAIN_FORMAT = "kms-permissions-explain/1"
CANNOT_DECIDE = "cannot-decide"


@dataclass(frozen=True)
class Reason:
    """One rule of KMS's evaluation that took part in the decision, and where it applied."""

    code: str
    rule: str
    kind: SourceKind
    file: str | None = None
    statement: int | None = None
    sid: str | None = None
    path: str | None = None
    basis: str = ""
    stage: Stage = "request"

    @property
    def where(self) -> str:
        """`FILE statement N (Sid)`; `FILE grant ID` for a grant (its GrantId, else its place in
        the file: grants have no statements); the source kind when no file applies."""
        if self.file is None:
            return self.kind
        if self.kind == "grant":
            return f"{self.file} grant {self.sid or self.statement}"
        if self.statement is None:
            return self.file
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.file} statement {self.statement}{sid}"

    def to_json(self) -> dict[str, Any]:
        """The reason as a JSON object."""
        return {
            "code": self.code,
            "rule": self.rule,
            "kind": self.kind,
            "file": self.file,
            "statement": self.statement,
            "sid": self.sid,
            "path": self.path,
            "basis": self.basis,
            "stage": self.stage,
        }


@dataclass(frozen=True)
class Assumption:
    """A policy type (or a fact of the request) that was not given and was assumed.

    `subject` is a policy type (`scp`, `permissions-boundary`...) assumed absent, a request
    field (`management_account`, `key_manager`), `other_key` (a two-key operation's other
    key, not decided), or `context` (condition keys the policies read that the request neither
    gives nor states absent as `[]`, taken as absent); `matters` says whether it could change this
    decision (an absent restricting policy could turn an allow into a deny, an absent granting one
    a deny into an allow); `--strict` makes each that matters a "cannot decide".
    """

    subject: str
    text: str
    matters: bool
    basis: str

    def to_json(self) -> dict[str, Any]:
        """The assumption as a JSON object."""
        return {
            "subject": self.subject,
            "text": self.text,
            "matters": self.matters,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Explanation:
    """The decision on one request, its reasons (deciding ones first), and the request seen.

    `decided` is False when some part that could change the decision cannot be decided here
    (or, with `strict`, rests on an assumption); the reasons then start with those parts (code
    `cannot-decide`), and `decision` is what the decided parts alone give. `assumptions` are the
    policy types that could take part but were not given; `derived` the context keys taken from
    the request; `absent` the keys a condition reads that the request does not have;
    `other_key_arn` the second key of a two-key operation, when the request names it.
    """

    decision: Decision
    decided: bool
    reasons: tuple[Reason, ...]
    principal: str
    action: str
    key_arn: str | None
    context: dict[str, str | list[str]]
    dataset_version: str
    assumptions: tuple[Assumption, ...] = ()
    derived: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    strict: bool = False
    other_key_arn: str | None = None

    @property
    def undecided(self) -> tuple[Reason, ...]:
        """The parts this analysis cannot decide (empty when the decision is certain)."""
        return tuple(r for r in self.reasons if r.code == CANNOT_DECIDE)

    def to_json(self) -> dict[str, Any]:
        """The `kms-permissions-explain/1` document."""
        return {
            "format": EXPLAIN_FORMAT,
            "dataset_version": self.dataset_version,
            "decision": self.decision,
            "decided": self.decided,
            "request": {
                "principal": self.principal,
                "action": self.action,
                "key_arn": self.key_arn,
                "context": self.context,
                "derived": list(self.derived),
                "absent": list(self.absent),
                **({"other_key_arn": self.other_key_arn} if self.other_key_arn else {}),
            },
            "assumptions": [a.to_json() for a in self.assumptions],
            "strict": self.strict,
            "reasons": [r.to_json() for r in self.reasons],
        }
