"""Who makes a request, and whether a policy's Principal or NotPrincipal element names them.

Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
(a role ARN names every session of the role; an account ID or root ARN names the account, whose
identities then need their own IAM permission; "*" and {"AWS": "*"} name everyone) and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
(AWS may check the account, the role and the session in turn, so NotPrincipal spares a caller
only when all of them are listed; a session is named by its own ARN, not by its role's).
"""

from __future__ import annotations

import re

from kms_permissions.errors import shown
from kms_permissions.policy.access import docs
from kms_permissions.policy.access.outcome import TRUE, Outcome, any_of, false, unknown
from kms_permissions.policy.principals import parse_principal, principal_entries

# Records, and typing's names, without importing dataclasses or typing (see
# kms_permissions._slotted); type checkers read the real ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, replace
    from typing import Any, Literal
else:
    from kms_permissions._slotted import Any, Literal, dataclass, replace

__all__ = ["Caller", "PrincipalError", "parse_caller", "principal_entries", "with_role_arn"]

# The characters of IAM user, role and role session names (IAM User Guide, "IAM object quotas"
# and the CreateRole and AssumeRole API references: [\w+=,.@-]+).
IAM_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
CallerKind = Literal["root", "user", "role", "assumed-role", "federated-user", "service"]


class PrincipalError(ValueError):
    """A principal that is not a caller KMS can see."""


@dataclass(frozen=True)
class Caller:
    """The identity that makes a request."""

    kind: CallerKind
    arn: str | None
    account: str | None
    partition: str
    name: str | None = None
    session: str | None = None
    service: str | None = None
    role_arn: str | None = None

    @property
    def principal_arn(self) -> str | None:
        """The value of aws:PrincipalArn: for a role session its role's ARN with the role's path,
        which the session ARN does not carry (None unless the request gives it)."""
        if self.kind == "assumed-role":
            return self.role_arn
        return self.arn

    @property
    def role_path(self) -> str | None:
        """The path of the caller's role (`/` for none), when known."""
        arn = self.arn if self.kind == "role" else self.role_arn
        if arn is None:
            return None
        folders = arn.split(":", 5)[5][len("role/") :].rpartition("/")[0]
        return f"/{folders}/" if folders else "/"

    @property
    def service_linked(self) -> bool | None:
        """Whether the caller is a service-linked role (or its session); None when unknown.

        A service-linked role lives under the path `/aws-service-role/` (IAM User Guide, "Using
        service-linked roles"); a session ARN carries no path, so a session of a role named
        like one (`AWSServiceRoleFor...`) is unknown unless the request gives the role's ARN.
        """
        if self.kind not in ("role", "assumed-role"):
            return False
        path = self.role_path
        if path is not None:
            return path.startswith("/aws-service-role/")
        return None if (self.name or "").startswith("AWSServiceRoleFor") else False

    @property
    def label(self) -> str:
        """How the caller is named in reports."""
        return self.arn or self.service or "?"


def with_role_arn(caller: Caller, text: str) -> Caller:
    """A role session with its role's ARN (path included), checked against the session."""
    named = parse_principal(text)
    if caller.kind != "assumed-role":
        raise PrincipalError(
            "only a role session (sts::ACCOUNT:assumed-role/...) takes its role's ARN"
        )
    if named.kind != "role" or named.pattern:
        raise PrincipalError(
            f"{shown(text)} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)"
        )
    if named.account != caller.account or named.name != caller.name:
        raise PrincipalError(f"{shown(text)} is not the role of the session {caller.arn}")
    return replace(caller, role_arn=text.strip())


def parse_caller(text: str, partition: str = "aws") -> Caller:
    """A caller from an ARN, an account ID (its root user, in `partition`: the key's) or a
    service principal name."""
    if text != text.strip():
        raise PrincipalError(f"{shown(text)}: spaces or line breaks around it")
    named = parse_principal(text)
    value = named.text
    if named.kind == "service":
        return Caller("service", None, None, partition, service=value)
    if named.kind == "account" and named.partition is None:
        return Caller("root", f"arn:{partition}:iam::{value}:root", named.account, partition)
    if named.partition is None:
        raise PrincipalError(
            f"{shown(value)} is not an IAM or STS ARN, an account ID or a service principal"
        )
    if named.pattern:
        raise PrincipalError(f"{shown(value)}: a caller is one identity, not a pattern")
    if named.kind == "other":
        raise PrincipalError(
            f"{shown(value)} is not a root, user, role, role session or federated user"
        )
    partition = named.partition
    if named.kind == "account":
        return Caller("root", value, named.account, partition)
    for what, part, limit in (("name", named.name, 64), ("session name", named.session, 64)):
        if part is not None and (len(part) > limit or not IAM_NAME.fullmatch(part)):
            raise PrincipalError(
                f"{shown(value)}: the {what} {shown(part)} is not an IAM {what} (at most "
                f"{limit} letters, digits and +=,.@_-)"
            )
    kind: CallerKind = named.kind  # type: ignore[assignment]
    return Caller(kind, value, named.account, partition, name=named.name, session=named.session)


@dataclass(frozen=True)
class PrincipalMatch:
    """Whether a Principal element names the caller itself, or only the caller's account."""

    direct: Outcome
    any: Outcome


def _entry_match(kind: str, value: str, caller: Caller) -> tuple[Outcome, Outcome]:
    """(names the caller itself, names the caller or its account) for one principal."""
    if value == "*" and kind in ("*", "AWS"):
        return TRUE, TRUE
    if kind == "Service":
        hit = caller.kind == "service" and caller.service == value
        return (TRUE, TRUE) if hit else (false(""), false(""))
    if kind != "AWS":
        # Federated and CanonicalUser principals never call KMS.
        return false(""), false("")
    if any(c in value for c in "*?"):
        why = f"{value!r}: AWS takes no wildcard inside a principal ARN"
        return unknown(why), unknown(why)
    if caller.kind == "service":
        return false(""), false("")
    named = parse_principal(value)
    if named.kind in ("everyone", "service", "other") or named.account is None:
        why = f"{value!r} is not a principal AWS accepts"
        return unknown(why), unknown(why)
    if named.account != caller.account or named.partition not in (None, caller.partition):
        # An account ID is unique within its partition only: another partition's is another.
        return false(""), false("")
    if named.kind == "account":
        return (TRUE if caller.kind == "root" else false("")), TRUE
    if named.kind == "role":
        # A session ARN carries no role path; role names are unique in an account.
        hit = caller.kind in ("role", "assumed-role") and caller.name == named.name
        return (TRUE, TRUE) if hit else (false(""), false(""))
    if named.kind == "assumed-role" and caller.kind == "role":
        if named.name == caller.name:
            why = f"{value} names one session of the role; the request names the role"
            return unknown(why), unknown(why)
        return false(""), false("")
    hit = value == caller.arn
    return (TRUE, TRUE) if hit else (false(""), false(""))


def match_principal(element: Any, caller: Caller) -> PrincipalMatch:
    """How a statement's Principal element covers the caller."""
    direct: list[Outcome] = []
    via_account: list[Outcome] = []
    for kind, value in principal_entries(element):
        one, two = _entry_match(kind, value, caller)
        direct.append(one)
        via_account.append(two)
    return PrincipalMatch(
        any_of(direct, f"Principal does not name {caller.label}"),
        any_of(via_account, f"Principal names neither {caller.label} nor its account"),
    )


def _listed(entries: list[tuple[str, str]], caller: Caller, identity: str) -> Outcome:
    """Whether NotPrincipal lists one identity of the caller: its account, its role, or itself
    (a role session is its own assumed-role ARN: the page lets no entry stand for all sessions)."""
    for kind, value in entries:
        if value == "*" and kind in ("*", "AWS"):
            return TRUE
        if caller.kind == "service":
            if kind == "Service" and value == caller.service:
                return TRUE
            continue
        if kind != "AWS":
            continue
        named = parse_principal(value)
        if named.account is None or named.account != caller.account:
            continue
        if named.partition not in (None, caller.partition):
            continue
        if identity == "account" and named.kind == "account":
            return TRUE
        if identity == "role" and named.kind == "role" and named.name == caller.name:
            return TRUE
        if identity == "self" and value == caller.arn:
            return TRUE
        one_session = named.kind == "assumed-role" and named.name == caller.name
        if identity == "role" and caller.kind == "role" and one_session:
            return unknown(f"{value} names one session of the role; the request names the role")
    return false("")


def match_not_principal(element: Any, caller: Caller) -> Outcome:
    """Whether a NotPrincipal element leaves the caller in (the statement applies).

    The caller escapes only when every identity AWS may check it as is listed: its account, its
    role (for a role session) and itself. Not listing the caller itself leaves it in, as the
    NotPrincipal page's examples deny everyone but the user or the one role session they list
    (a session is named by its own ARN, never by its role's); listing it without its account or
    role "might" deny it, the page says, so that is not decided here.
    """
    entries = principal_entries(element)
    if caller.kind == "service":
        identities = ["self"]
    elif caller.kind == "root":
        identities = ["account"]
    elif caller.kind == "role":
        identities = ["account", "role"]
    elif caller.kind == "assumed-role":
        identities = ["account", "role", "self"]
    else:
        identities = ["account", "self"]
    listed = [_listed(entries, caller, identity) for identity in identities]
    own = listed[-1]
    if own.value is False:
        return TRUE
    if own.unknown:
        return own
    if all(o.value is True for o in listed):
        return false(f"NotPrincipal lists {caller.label}")
    return unknown(
        f"NotPrincipal lists {caller.label} but not its account or role, which AWS may check "
        f"first (see {docs.NOT_PRINCIPAL})"
    )
