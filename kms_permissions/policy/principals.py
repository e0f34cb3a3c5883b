"""Principals of a statement: what each one names, and whether AWS would accept it.

Values a template fills in (`${account_id}`, an `Unresolved` CloudFormation value) are read
only in the parts that are written out: `arn:${AWS::Partition}:iam::12345678:root` still has
an 8-digit account, `arn:aws:iam::${account_id}:root` has an account nobody can know here.
"""

from __future__ import annotations

import re

from kms_permissions.policy.document import Statement, Unresolved

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any, Literal
else:
    from kms_permissions._slotted import Any, Literal, dataclass

PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
OWN_ACCOUNT = "${AWS::AccountId}"  # CloudFormation's pseudo parameter: the deploying account
_ACCOUNT = re.compile(r"\d{12}")
# IAM's unique IDs (AIDA..., AROA...): a key policy shows them for deleted principals.
_UNIQUE_ID = r"A[A-Z0-9]{15,127}"
_IAM_RESOURCES = ("root", "user/", "role/", "assumed-role/", "federated-user/", "oidc-provider/")


@dataclass(frozen=True)
class AwsPrincipal:
    """One value of a statement's Principal.AWS (or the bare `"*"`).

    `account` is the 12-digit account when written out, OWN_ACCOUNT for the deploying
    account, None when a placeholder stands for it; `problem` says why AWS would refuse it.
    """

    path: str
    text: str
    anyone: bool
    account: str | None
    root: bool
    problem: str | None


_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_HOLE = "\x00"  # stands for a placeholder while an ARN is split at its colons


def has_placeholder(text: str) -> bool:
    """Whether a template fills in part of the text (`${...}`)."""
    return "${" in text or _HOLE in text


def parse_aws(path: str, value: Any) -> AwsPrincipal:
    """What one Principal.AWS value names (read by `parse_principal`), and why AWS would refuse
    it. A template's placeholders are masked first, so that only the parts written out are
    judged."""
    text = str(value)
    if text == "*":
        return AwsPrincipal(path, text, True, None, False, None)
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:012d}" if 0 <= value < 10**12 else text
    if text == OWN_ACCOUNT:  # `!Ref AWS::AccountId`: the account ID, that is, its root
        return AwsPrincipal(path, text, False, OWN_ACCOUNT, True, None)
    # `${AWS::Partition}` holds colons: the ARN is split with its placeholders masked.
    named = parse_principal(_PLACEHOLDER.sub(_HOLE, text), as_written=True)
    if named.kind == "account":
        return AwsPrincipal(path, text, False, named.account, True, None)
    if named.kind in ("user", "role", "assumed-role", "federated-user"):
        return AwsPrincipal(path, text, False, named.account, False, None)
    if named.arn is None:
        if text.startswith("arn:"):
            problem = None if has_placeholder(text) else "is not a complete ARN"
            return AwsPrincipal(path, text, False, None, False, problem)
        if isinstance(value, Unresolved) or has_placeholder(text) or re.fullmatch(_UNIQUE_ID, text):
            return AwsPrincipal(path, text, False, None, False, None)
        return AwsPrincipal(
            path, text, False, None, False, "is not an account ID, an IAM ARN or '*'"
        )
    account, resource = named.arn[4], named.arn[5]
    root = resource == "root"
    own = _own(text)
    if has_placeholder(account) and not own:
        return AwsPrincipal(path, text, False, None, root, None)
    return AwsPrincipal(
        path, text, False, OWN_ACCOUNT if own else account, root, _arn_problem(named.arn, own)
    )


def _arn_problem(arn: tuple[str, ...], own: bool) -> str | None:
    """Why AWS would refuse an ARN as a principal (its placeholders masked), or None."""
    _, _, service, region, account, resource = arn
    if service not in ("iam", "sts") and not has_placeholder(service):
        return f"names the service {service!r}; a principal is an IAM or STS ARN"
    if region and not has_placeholder(region):
        return "has a Region; IAM and STS ARNs have none"
    if not own and not _ACCOUNT.fullmatch(account):
        return f"has the account {account!r}; an account ID is 12 digits"
    if (
        service == "iam"
        and not has_placeholder(resource)
        and not resource.startswith(_IAM_RESOURCES)
        and resource != "root"
    ):
        return f"names {resource.split('/')[0]!r}; IAM principals are the root, users and roles"
    return None


def _own(text: str) -> bool:
    """Whether the ARN's account field is exactly the deploying account's pseudo parameter."""
    fields = _PLACEHOLDER.sub(lambda m: _HOLE if m.group() != OWN_ACCOUNT else "@", text)
    parts = fields.split(":", 5)
    return len(parts) == 6 and parts[4] == "@"


def is_own(principal: AwsPrincipal, account: str | None) -> bool:
    """Whether a principal is of the owning account: `account` (`--account`), or the account
    a template is deployed in (`${AWS::AccountId}`), which is the owning account too."""
    return principal.account is not None and principal.account in (account, OWN_ACCOUNT)


def aws_principals(statement: Statement) -> list[AwsPrincipal]:
    """Every AWS principal of a statement's Principal element (`"*"` included)."""
    principal = statement.body.get("Principal")
    base = f"{statement.path}.Principal"
    if principal == "*":
        return [parse_aws(base, "*")]
    if not isinstance(principal, dict) or "AWS" not in principal:
        return []
    aws = principal["AWS"]
    if isinstance(aws, list):
        return [parse_aws(f"{base}.AWS[{i}]", v) for i, v in enumerate(aws)]
    return [parse_aws(f"{base}.AWS", aws)]


def service_principals(statement: Statement) -> list[tuple[str, str]]:
    """(path, name) of each service principal of a statement."""
    principal = statement.body.get("Principal")
    if not isinstance(principal, dict) or "Service" not in principal:
        return []
    service = principal["Service"]
    base = f"{statement.path}.Principal.Service"
    if isinstance(service, list):
        return [(f"{base}[{i}]", str(v)) for i, v in enumerate(service)]
    return [(base, str(service))]


def is_public(statement: Statement) -> bool:
    """Whether the statement's principals include everyone (`"*"` or AWS `"*"`)."""
    return any(p.anyone for p in aws_principals(statement))


# --- one parser of principals, for the checker and the evaluator ---------------------------

ACCOUNT_ID = re.compile(r"\d{12}\Z")
SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?\Z")
IAM_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)\Z"
)
PrincipalKind = Literal[
    "everyone", "account", "user", "role", "assumed-role", "federated-user", "service", "other"
]


@dataclass(frozen=True)
class Named:
    """What one principal value names: its kind, and for an IAM or STS ARN its parts.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html:
    `*`, an account ID or its root ARN (the account), a user, a role (with its path), a role
    session (`sts::ACCOUNT:assumed-role/ROLE/SESSION`, no path), a federated user, a service.
    """

    text: str
    kind: PrincipalKind
    partition: str | None = None
    account: str | None = None
    resource: str | None = None  # what follows the account: `root`, `role/PATH/NAME`...
    # The six fields of any ARN (`arn`, partition, service, Region, account, resource), so that
    # what is wrong with one that names no principal can be said; None when it is no ARN.
    arn: tuple[str, ...] | None = None

    @property
    def name(self) -> str | None:
        """A user's or role's name (its path left out); a session's role name."""
        if self.kind in ("user", "role") and self.resource:
            return self.resource.rsplit("/", 1)[1]
        if self.kind == "assumed-role" and self.resource:
            return self.resource.split("/")[1]
        if self.kind == "federated-user" and self.resource:
            return self.resource.split("/", 1)[1]
        return None

    @property
    def session(self) -> str | None:
        """A role session's name."""
        return (
            self.resource.split("/")[2] if self.kind == "assumed-role" and self.resource else None
        )

    @property
    def pattern(self) -> bool:
        """It holds a wildcard character (AWS takes none inside a principal ARN)."""
        return any(c in self.text for c in "*?")


def parse_principal(text: str, *, as_written: bool = False) -> Named:
    """What a principal value (an ARN, an account ID, a service principal, `*`) names.

    Spaces around the value are ignored unless `as_written` (the checker judges the policy as
    it is written).
    """
    value = text if as_written else text.strip()
    if value == "*":
        return Named(value, "everyone")
    if ACCOUNT_ID.match(value):
        return Named(value, "account", account=value, resource="root")
    if SERVICE_PRINCIPAL.match(value):
        return Named(value, "service")
    fields = value.split(":", 5)
    arn = tuple(fields) if value.startswith("arn:") and len(fields) == 6 else None
    match = IAM_ARN.match(value)
    if not match:
        return Named(value, "other", arn=arn)
    service, resource = match["service"], match["resource"]
    kind: PrincipalKind = "other"
    # Each name an ARN carries is at least one character: `role/` names no role.
    parts = resource.split("/")
    named = all(parts[1:]) if resource.startswith("assumed-role/") else bool(parts[-1])
    if service == "iam" and resource == "root":
        kind = "account"
    elif service == "iam" and resource.startswith("user/") and named:
        kind = "user"
    elif service == "iam" and resource.startswith("role/") and named:
        kind = "role"
    elif service == "sts" and resource.startswith("assumed-role/") and len(parts) == 3 and named:
        kind = "assumed-role"
    elif service == "sts" and resource.startswith("federated-user/") and named:
        kind = "federated-user"
    return Named(value, kind, match["partition"], match["account"], resource, arn)


def principal_entries(element: Any) -> list[tuple[str, str]]:
    """(type, value) of each principal a Principal or NotPrincipal element names; ("*", "*")
    for the bare `"*"`."""
    if element == "*":
        return [("*", "*")]
    if not isinstance(element, dict):
        return [("?", repr(element))]
    found = []
    for kind, values in element.items():
        for value in values if isinstance(values, list) else [values]:
            found.append((str(kind), str(value)))
    return found
