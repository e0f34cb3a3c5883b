"""Principal "*" in an Allow: public, any account's principals, or everyone in an account."""

from __future__ import annotations

from collections.abc import Iterator

from kms_permissions.policy.conditions import NEGATED, Condition, limiting
from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.knowledge import GUIDE
from kms_permissions.policy.principals import is_public
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import ACCOUNT, allow, key_policy
from kms_permissions.policy.statements import note_basis, note_link

EXTERNAL = f"{GUIDE}/key-policy-modifying-external-accounts.html"
CALLER_ACCOUNT = f"{GUIDE}/conditions-kms.html#conditions-kms-caller-account"
VIA_SERVICE = f"{GUIDE}/conditions-kms.html#conditions-kms-via-service"
# Keys that confine a request to an account or organization.
ACCOUNT_KEYS = {
    "kms:calleraccount",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
}
# Keys that name the caller's own account.
OWN_ACCOUNT_KEYS = {"kms:calleraccount", "aws:principalaccount"}
# Keys that confine a request to some principals, sources or networks.
IDENTITY_KEYS = ACCOUNT_KEYS | {
    "aws:principalarn",
    "aws:userid",
    "aws:username",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:sourceidentity",
}


def confines(condition: Condition) -> bool:
    """Whether a condition lets only the requests whose key has one of its values through: a
    positive operator, no IfExists, and not a bare `*` pattern. (`StringNotEquals` on
    kms:CallerAccount in an Allow lets every other account in.)"""
    if condition.if_exists or condition.base in NEGATED or condition.base == "Null":
        return False
    if condition.set_operator == "ForAllValues":
        return False
    return not all(isinstance(v, str) and set(v) <= {"*"} for v in condition.values)


def _keys(statement: Statement) -> tuple[dict[str, str], set[str]]:
    """(every key the statement's conditions compare, lowercased -> as the policy writes it
    first; the keys among them that confine, lowercased). Key names ignore case."""
    found = limiting(statement)
    written: dict[str, str] = {}
    for condition in found:
        written.setdefault(condition.key.lower(), condition.key)
    return written, {c.key.lower() for c in found if confines(c)}


def _written(keys: dict[str, str]) -> str:
    """The keys as the policy writes them, in a stable order."""
    return ", ".join(sorted(keys.values(), key=str.lower))


def _confined_by(keys: set[str], wanted: set[str]) -> bool:
    return any(k in wanted or k.startswith("aws:principaltag/") for k in keys)


def _leaves_out(ctx: Context, statement: Statement) -> bool:
    """Whether a statement leaves the key's own account out (a StringNotEquals, without
    IfExists, of kms:CallerAccount or aws:PrincipalAccount with the key's account among its
    values): the principals it then allows are other accounts', which need IAM permission of
    their own. False when the key's account is not known."""
    if ctx.account is None:
        return False
    return any(
        c.base == "StringNotEquals"
        and not c.if_exists
        and c.set_operator is None
        and c.key.lower() in OWN_ACCOUNT_KEYS
        and ctx.account in c.values
        for c in limiting(statement)
    )


def _public_allows(ctx: Context) -> Iterator[Statement]:
    for statement in ctx.document.statements:
        computed = isinstance(statement.body.get("Condition"), Unresolved)
        if statement.effect == "Allow" and is_public(statement) and not computed:
            yield statement


@rule(
    "KMS040",
    "error",
    'Principal "*" without a condition',
    name="public-principal",
    link=EXTERNAL,
    bad=key_policy(allow("kms:Decrypt", "*")),
    good=key_policy(
        allow(
            "kms:Decrypt",
            "*",
            Condition={
                "StringEquals": {
                    "kms:CallerAccount": ACCOUNT,
                    "kms:ViaService": "s3.us-east-1.amazonaws.com",
                }
            },
        )
    ),
)
def public_principal(ctx: Context) -> Iterator[Hit]:
    """An Allow whose principals include `"*"` (alone or in a list) with no condition that
    compares anything: every principal of every AWS account gets the statement's permissions
    wherever its own IAM policies allow them, and in the key's own account without any. A
    Condition that is empty, holds no values or is not an object limits nothing. VPC
    endpoint policies are exempt: `"*"` is their documented default."""
    if ctx.kind == "vpc-endpoint-policy":
        return
    note = ctx.knowledge.note("key-policy-modifying-external-accounts", "asterisk")
    for statement in _public_allows(ctx):
        if not limiting(statement):
            yield Hit(
                statement,
                f"{statement.path}.Principal",
                'Principal "*" with no condition: every identity in every AWS account may use '
                "this statement's permissions on the key; name the principals, or limit it "
                "with kms:CallerAccount or aws:PrincipalOrgID",
                note_basis(note),
                note_link(note, EXTERNAL),
            )


@rule(
    "KMS041",
    "warning",
    'Principal "*" limited, but not to an account',
    name="public-any-account",
    link=CALLER_ACCOUNT,
    bad=key_policy(
        allow(
            "kms:Decrypt",
            "*",
            Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        )
    ),
    good=key_policy(
        allow(
            "kms:Decrypt",
            "*",
            Condition={
                "StringEquals": {
                    "kms:ViaService": "s3.us-east-1.amazonaws.com",
                    "kms:CallerAccount": ACCOUNT,
                }
            },
        )
    ),
)
def public_any_account(ctx: Context) -> Iterator[Hit]:
    """An Allow to `"*"` whose conditions limit how the key is used (kms:ViaService, an
    encryption context...) but not who uses it: no kms:CallerAccount, aws:PrincipalAccount,
    aws:PrincipalOrgID, principal ARN, source or network condition that admits only some
    callers. Any principal of any account whose own IAM policies allow the action gets
    it. AWS's own pattern pairs kms:ViaService with kms:CallerAccount."""
    if ctx.kind == "vpc-endpoint-policy":
        return
    for statement in _public_allows(ctx):
        keys, confining = _keys(statement)
        if keys and not _confined_by(confining, IDENTITY_KEYS):
            yield Hit(
                statement,
                f"{statement.path}.Principal",
                f'Principal "*" is limited only by {_written(keys)}: principals of any '
                "AWS account may use these permissions; add kms:CallerAccount (or "
                "aws:PrincipalOrgID) to say whose",
                "developer guide: kms:CallerAccount with kms:ViaService",
                CALLER_ACCOUNT,
            )


@rule(
    "KMS042",
    "warning",
    'Principal "*" limited only to an account',
    name="account-wide-principal",
    link=VIA_SERVICE,
    bad=key_policy(
        allow("kms:Decrypt", "*", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})
    ),
    good=key_policy(
        allow(
            "kms:Decrypt",
            "*",
            Condition={
                "StringEquals": {
                    "kms:CallerAccount": ACCOUNT,
                    "kms:ViaService": "ec2.us-east-1.amazonaws.com",
                }
            },
        )
    ),
)
def account_wide_principal(ctx: Context) -> Iterator[Hit]:
    """An Allow to `"*"` limited only to an account or organization (kms:CallerAccount,
    aws:PrincipalAccount, aws:PrincipalOrgID) and by nothing else. In the key's own account a
    key policy grant needs no IAM permission, so every user and role there, whatever their
    IAM policies say, gets these permissions directly. AWS managed keys add kms:ViaService
    so that the access works only through one service. A statement that leaves the key's own
    account out (StringNotEquals kms:CallerAccount on it) allows only other accounts, whose
    principals need IAM permission too: not flagged."""
    if ctx.kind == "vpc-endpoint-policy":
        return
    for statement in _public_allows(ctx):
        keys, confining = _keys(statement)
        if keys and set(keys) <= ACCOUNT_KEYS and confining and not _leaves_out(ctx, statement):
            yield Hit(
                statement,
                f"{statement.path}.Principal",
                f'Principal "*" limited only by {_written(keys)}: every principal of '
                "that account (or organization) may use these permissions directly, whatever "
                "its IAM policies say; add kms:ViaService or name the principals",
                "developer guide: kms:ViaService with kms:CallerAccount (AWS managed keys)",
                VIA_SERVICE,
            )
