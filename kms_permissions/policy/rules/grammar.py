"""The policy grammar: what AWS refuses before it evaluates anything."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from kms_permissions.policy.document import Statement, Unresolved
from kms_permissions.policy.jsontext import Duplicates
from kms_permissions.policy.knowledge import IAM_GUIDE
from kms_permissions.policy.principals import PRINCIPAL_TYPES, aws_principals
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import Context, Hit, rule
from kms_permissions.policy.rules._examples import (
    allow,
    iam_allow,
    iam_policy,
    key_policy,
)
from kms_permissions.policy.rules.placeholders import marked_placeholder

# Stand-ins for typing's names at run time (see kms_permissions._slotted).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    from kms_permissions._slotted import Any

GRAMMAR = f"{IAM_GUIDE}/reference_policies_grammar.html"
_ACTION = re.compile(r"\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
_POLICY_VARIABLE = r"\$\{[A-Za-z0-9-]+:[^}:]+\}"


@rule(
    "KMS100",
    "error",
    "Effect is not Allow or Deny",
    name="invalid-effect",
    link=f"{IAM_GUIDE}/reference_policies_elements_effect.html",
    bad=key_policy(allow("kms:Decrypt") | {"Effect": "allow"}),
    good=key_policy(allow("kms:Decrypt")),
)
def invalid_effect(ctx: Context) -> Iterator[Hit]:
    """A statement's Effect must be exactly `Allow` or `Deny` (the values are case-sensitive);
    AWS refuses a policy with any other value or none."""
    for statement in ctx.document.statements:
        effect = statement.body.get("Effect")
        if isinstance(effect, Unresolved) or effect in ("Allow", "Deny"):
            continue
        what = "no Effect" if effect is None else f"Effect {shown(effect)}"
        yield Hit(
            statement,
            f"{statement.path}.Effect",
            f"{what}: a statement's Effect is Allow or Deny; AWS refuses the policy; write "
            '"Allow" or "Deny" (with capitals)',
            "IAM policy grammar: Effect",
        )


def _duplicates(data: Any, path: str) -> Iterator[tuple[str, str]]:
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, Duplicates):
            for key in value.repeated:
                yield where, key
        if isinstance(value, dict):
            stack.extend((v, f"{where}[{_quoted(k)}]") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))


def _bracketed(path: str) -> str:
    """A checker path (`$.Statement[0]`) in the bracket form `_duplicates` writes."""
    return re.sub(r"\.([A-Za-z_][\w-]*)", lambda m: f"[{_quoted(m.group(1))}]", path)


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@rule(
    "KMS101",
    "warning",
    "The same key twice in one object",
    name="duplicate-key",
    link=GRAMMAR,
    # As text: a dict cannot hold a key twice.
    bad=json.dumps(
        key_policy(allow("kms:Decrypt", {"Service": "logs.amazonaws.com"})), indent=2
    ).replace('"Service"', '"Service": "cloudtrail.amazonaws.com",\n        "Service"'),
    good=key_policy(
        allow("kms:Decrypt", {"Service": ["logs.amazonaws.com", "cloudtrail.amazonaws.com"]})
    ),
)
def duplicate_keys(ctx: Context) -> Iterator[Hit]:
    """An object that names the same key twice (`"Service"` twice in one Principal): JSON
    parsers keep one of the values and drop the other without a word, so a principal, action
    or condition the author wrote has no effect. Write the values as one list."""
    for where, key in _duplicates(ctx.data, "$"):
        statement = next(
            (
                s
                for s in ctx.document.statements
                if f"{where}[".startswith(f"{_bracketed(s.path)}[")
            ),
            None,
        )
        yield Hit(
            statement,
            f"{where}[{_quoted(key)}]",
            f"{shown(key)} appears more than once in this object: only one of its values "
            "takes effect; put them in one list",
            "JSON objects have unique names (RFC 8259); parsers keep one value",
        )


@rule(
    "KMS102",
    "error",
    "A required statement element is missing or doubled",
    name="statement-elements",
    link=GRAMMAR,
    bad=key_policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
            "Action": "kms:Decrypt",
        }
    ),
    good=key_policy(allow("kms:Decrypt")),
)
def statement_elements(ctx: Context) -> Iterator[Hit]:
    """Every statement needs exactly one of Action/NotAction and one of Resource/NotResource;
    a key policy or VPC endpoint policy statement needs a Principal (or NotPrincipal), and an
    IAM policy statement must not have one. AWS refuses the policy otherwise (for key
    policies, a statement without Resource has been refused since August 2025)."""
    for statement in ctx.document.statements:
        body = statement.body
        problems = []
        for one, other in (("Action", "NotAction"), ("Resource", "NotResource")):
            if one in body and other in body:
                problems.append(f"has both {one} and {other}")
            elif one not in body and other not in body:
                problems.append(f"has no {one} (or {other})")
        principal = "Principal" in body or "NotPrincipal" in body
        if "Principal" in body and "NotPrincipal" in body:
            problems.append("has both Principal and NotPrincipal")
        if ctx.kind in ("key-policy", "vpc-endpoint-policy") and not principal:
            problems.append(f"has no Principal, which a {ctx.kind.replace('-', ' ')} requires")
        if ctx.kind == "iam-policy" and principal:
            problems.append(
                "has a Principal: an IAM policy applies to the identity it is attached to and "
                "names none (is this a key policy?)"
            )
        for problem in problems:
            yield Hit(
                statement,
                statement.path,
                f"the statement {problem}; AWS refuses the policy; add the missing element or "
                "remove the extra one",
                "IAM policy grammar: statement elements",
            )


@rule(
    "KMS103",
    "error",
    "NotPrincipal with Allow",
    name="not-principal-with-allow",
    link=f"{IAM_GUIDE}/reference_policies_elements_notprincipal.html",
    bad=key_policy(
        {
            "Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/App"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    ),
    good=key_policy(
        {
            "Effect": "Deny",
            "NotPrincipal": {
                "AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/App"]
            },
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    ),
)
def not_principal_with_allow(ctx: Context) -> Iterator[Hit]:
    """NotPrincipal names the principals a Deny spares. IAM's reference says it must be used
    with `"Effect": "Deny"` and that using it with Allow is not supported (earlier versions of
    the page warned that it allowed everyone but the principals listed, anonymous callers
    included). What such a statement allows is not defined, and `explain` and `access` do not
    guess it; name the principals to allow in Principal instead. In an IAM policy any
    NotPrincipal is wrong already, which KMS102 reports."""
    if ctx.kind == "iam-policy":
        return
    for statement in ctx.document.statements:
        if "NotPrincipal" in statement.body and statement.body.get("Effect") == "Allow":
            yield Hit(
                statement,
                f"{statement.path}.NotPrincipal",
                "NotPrincipal with Allow: AWS supports NotPrincipal only in Deny statements; "
                "name the principals this statement allows in Principal",
                "IAM: NotPrincipal must be used with Effect Deny; Allow is not supported",
            )


@rule(
    "KMS104",
    "error",
    "Sid that IAM refuses",
    name="iam-sid",
    kind="iam-policy",
    link=f"{IAM_GUIDE}/reference_policies_elements_sid.html",
    bad=iam_policy(iam_allow("kms:Decrypt", Sid="Allow use of the key")),
    good=iam_policy(iam_allow("kms:Decrypt", Sid="AllowUseOfTheKey")),
)
def iam_sid(ctx: Context) -> Iterator[Hit]:
    """In an IAM policy a Sid may hold only ASCII letters and digits, and must be unique in
    the policy; IAM refuses the policy otherwise (MalformedPolicyDocument). Key policies take
    free text (the console's own key policies have Sids with spaces), so this is checked for
    IAM policies only."""
    if ctx.kind != "iam-policy":
        return
    seen: set[str] = set()
    for statement in ctx.document.statements:
        sid = statement.body.get("Sid")
        if sid is None or isinstance(sid, Unresolved):
            continue
        text = str(sid)
        if not re.fullmatch(r"[A-Za-z0-9]*", text):
            yield Hit(
                statement,
                f"{statement.path}.Sid",
                f"Sid {shown(text)} has characters other than ASCII letters and digits; "
                "IAM refuses the policy; write it with letters and digits only "
                "(AllowUseOfTheKey)",
                "IAM: the Sid element supports ASCII letters and digits",
            )
        elif text in seen:
            yield Hit(
                statement,
                f"{statement.path}.Sid",
                f"Sid {shown(text)} is used by an earlier statement; Sids are unique in an "
                "IAM policy and IAM refuses the policy; give each statement its own Sid",
                "IAM: the Sid value must be unique within a JSON policy",
            )
        seen.add(text)


@rule(
    "KMS105",
    "error",
    "Principal that AWS refuses",
    name="invalid-principal",
    link=f"{IAM_GUIDE}/reference_policies_elements_principal.html",
    bad=key_policy(allow("kms:Decrypt", {"AWS": "arn:aws:iam::REGION:root"})),
    good=key_policy(allow("kms:Decrypt", {"AWS": "arn:aws:iam::444455556666:root"})),
)
def invalid_principal(ctx: Context) -> Iterator[Hit]:
    """A Principal is `"*"` or an object whose keys are AWS, Service, Federated or
    CanonicalUser; an AWS principal is `"*"`, a 12-digit account ID, or an IAM or STS ARN
    with a 12-digit account. KMS refuses a key policy with anything else ("contains a
    statement with one or more invalid principals"): a bare string, a list, an account field
    holding `REGION` or 8 digits. Parts a template fills in (`${...}`, CloudFormation
    functions) are not judged."""
    for statement in ctx.document.statements:
        for element in ("Principal", "NotPrincipal"):
            value = statement.body.get(element)
            where = f"{statement.path}.{element}"
            if value is None or value == "*" or isinstance(value, Unresolved):
                continue
            if isinstance(value, str):
                if "${" not in value:
                    yield Hit(
                        statement,
                        where,
                        f'{element} {shown(value)}: a string principal can only be "*"; '
                        'name others as {"AWS": ...} or {"Service": ...}. AWS refuses the '
                        "policy",
                        "IAM policy grammar: Principal",
                    )
                continue
            if not isinstance(value, dict):
                yield Hit(
                    statement,
                    where,
                    f'{element} is a {type(value).__name__}: it is "*" or an object of '
                    f"{', '.join(PRINCIPAL_TYPES)}; AWS refuses the policy",
                    "IAM policy grammar: Principal",
                )
                continue
            for key in value:
                if key not in PRINCIPAL_TYPES:
                    yield Hit(
                        statement,
                        f"{where}[{_quoted(key)}]",
                        f"{shown(key)} is not a principal type ({', '.join(PRINCIPAL_TYPES)}); "
                        "AWS refuses the policy",
                        "IAM policy grammar: Principal",
                    )
        for principal in aws_principals(statement):
            if principal.problem:
                yield Hit(
                    statement,
                    principal.path,
                    f"principal {shown(principal.text)} {principal.problem}; KMS refuses a "
                    "policy with an invalid principal; write the principal's full ARN "
                    "(arn:aws:iam::111122223333:role/Name) or its account's root",
                    "IAM: AWS account principals and IAM principals",
                )


def _entries(ctx: Context) -> Iterator[tuple[Any, str, str, Any]]:
    for statement in ctx.document.statements:
        for element in ("Action", "NotAction", "Resource", "NotResource"):
            value = statement.body.get(element)
            if value is None or isinstance(value, Unresolved):
                continue
            if isinstance(value, list) and not value:
                yield statement, element, f"{statement.path}.{element}", "an empty list"
                continue
            for path, item in statement.values(element):
                if isinstance(item, Unresolved):
                    continue
                if not isinstance(item, str):
                    yield statement, element, path, f"{shown(item)}, not a string"
                elif not item:
                    yield statement, element, path, "an empty string"
                elif item != item.strip():
                    yield statement, element, path, f"{shown(item)}, with space around it"
                elif (
                    element.endswith("Action") and not _ACTION.fullmatch(item) and "${" not in item
                ):
                    yield statement, element, path, f"{shown(item)}, not service:action"
                elif element.endswith("Resource") and _not_an_arn(ctx, item):
                    yield statement, element, path, f'{shown(item)}, neither an ARN nor "*"'


def _not_an_arn(ctx: Context, resource: str) -> bool:
    """A Resource entry IAM refuses: not `*`, not an ARN (a key ID or an alias name are not
    ARNs), not a template's substitution. A key policy's Resource is KMS090's to judge, and an
    example's marked placeholder (`<resource-arn>`) KMS109's."""
    return (
        ctx.kind != "key-policy"
        and resource != "*"
        and not resource.startswith("arn:")
        and "${" not in resource
        and not marked_placeholder(resource)
    )


@rule(
    "KMS106",
    "error",
    "Malformed Action, Resource or Condition",
    name="malformed-element",
    link=GRAMMAR,
    bad=key_policy(allow("kms:Decrypt ")),
    good=key_policy(allow("kms:Decrypt")),
)
def malformed_elements(ctx: Context) -> Iterator[Hit]:
    """Action and Resource entries are non-empty strings (`service:action` for actions, an ARN
    or `*` for resources, no surrounding space); a Condition is an object of operators, each
    an object of keys, each with a string, number or boolean or a non-empty list of them. AWS
    refuses anything else; a checker that skipped such entries would pass `"Action": 123` or
    `"kms:Decrypt "` silently."""
    for statement, element, path, problem in _entries(ctx):
        yield Hit(
            statement,
            path,
            f"{element} entry is {problem}; AWS refuses the policy; correct the entry or remove it",
            "IAM policy grammar: action_string, resource_string",
        )
    for statement in ctx.document.statements:
        block = statement.body.get("Condition")
        where = f"{statement.path}.Condition"
        if block is None or isinstance(block, Unresolved):
            continue
        if not isinstance(block, dict):
            yield Hit(
                statement,
                where,
                f"Condition is {shown(block)}: an object of operator: {{key: values}}; AWS "
                "refuses the policy",
                "IAM policy grammar: condition_block",
            )
            continue
        for operator, keys in block.items():
            if isinstance(keys, Unresolved):
                continue
            if not isinstance(keys, dict):
                yield Hit(
                    statement,
                    f"{where}[{_quoted(operator)}]",
                    f"{shown(operator)} holds {shown(keys)}, not an object of key: values; "
                    "AWS refuses the policy",
                    "IAM policy grammar: condition_block",
                )
                continue
            for key, value in keys.items():
                values = value if isinstance(value, list) else [value]
                bad = not values or any(
                    v is None or (isinstance(v, dict | list) and not isinstance(v, Unresolved))
                    for v in values
                )
                if bad:
                    yield Hit(
                        statement,
                        f"{where}[{_quoted(operator)}][{_quoted(key)}]",
                        f"{shown(key)} compares {shown(value)}: condition values are strings, "
                        "numbers or booleans (or a non-empty list of them); AWS refuses the "
                        "policy",
                        "IAM policy grammar: condition_value",
                    )


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(k for k in item if isinstance(k, str))
        elif isinstance(item, list):
            stack.extend(item)


@rule(
    "KMS107",
    "warning",
    "Policy variables without Version 2012-10-17",
    name="variables-need-version",
    kind="iam-policy",
    link=f"{IAM_GUIDE}/reference_policies_elements_version.html",
    bad={"Statement": [iam_allow("kms:Decrypt", "arn:aws:kms:*:${aws:PrincipalAccount}:key/*")]},
    good=iam_policy(iam_allow("kms:Decrypt", "arn:aws:kms:*:${aws:PrincipalAccount}:key/*")),
)
def variables_need_version(ctx: Context) -> Iterator[Hit]:
    """Policy variables (`${aws:username}`) work only under `"Version": "2012-10-17"`; without a
    Version (which means 2008-10-17) or with the old one, AWS reads `${aws:username}` as
    literal text, so the Resource or condition value can never match. Placeholders of
    templates (`${account_id}`, without a colon) are not policy variables and are left
    alone. A missing Version without variables is KMS108's advice."""
    if not ctx.document.whole or ctx.document.version == "2012-10-17":
        return
    version = ctx.document.version
    has = "no Version" if version is None else f"Version {shown(version)}"
    for statement in ctx.document.statements:
        found = [
            (element, match.group())
            for element in ("Resource", "NotResource", "Condition")
            for text in _strings(statement.body.get(element))
            if (match := re.search(_POLICY_VARIABLE, text))
        ]
        if found:
            element, variable = found[0]
            yield Hit(
                statement,
                f"{statement.path}.{element}",
                f"{variable} is a policy variable, but the policy has {has}: AWS reads it as "
                'literal text, so it never matches. Add "Version": "2012-10-17"',
                "IAM: policy variables require Version 2012-10-17",
            )


@rule(
    "KMS108",
    "info",
    "No Version element",
    name="no-version",
    kind="iam-policy",
    link=f"{IAM_GUIDE}/reference_policies_elements_version.html",
    bad={"Statement": [iam_allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*")]},
    good=iam_policy(iam_allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*")),
)
def no_version(ctx: Context) -> Iterator[Hit]:
    """A whole policy without a Version element: AWS reads it as the old language version
    2008-10-17, in which later features (policy variables among them) do not work, and IAM's
    guide says to always give `"Version": "2012-10-17"`. Nothing the policy says today changes
    (KMS107 reports variables that it breaks); a lone statement or statement list is a
    snippet meant for a policy that has its own Version, and is left alone, as is a policy
    that names no KMS action (not this checker's to advise on)."""
    if not ctx.document.whole or ctx.document.version is not None:
        return
    if ctx.kind == "key-policy" or any(_names_kms(s) for s in ctx.document.statements):
        yield Hit(
            None,
            "$.Statement",
            "the policy has no Version, so AWS reads it as language version 2008-10-17, in "
            'which policy variables do not work; add "Version": "2012-10-17"',
            "IAM: Version element",
        )


@rule(
    "KMS113",
    "error",
    "Version that is no policy language version",
    name="unknown-version",
    kind="iam-policy",
    link=f"{IAM_GUIDE}/reference_policies_elements_version.html",
    bad={
        "Version": "2012-10-17 ",
        "Statement": [iam_allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*")],
    },
    good=iam_policy(iam_allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*")),
)
def unknown_version(ctx: Context) -> Iterator[Hit]:
    """A Version other than the two language versions, `2012-10-17` and `2008-10-17`, written
    exactly (a date in another form, a number, spaces or tabs around it): AWS refuses the
    policy as malformed. A value CloudFormation computes is left alone, as is a policy that
    names no KMS action (not this checker's to judge)."""
    version = ctx.document.version
    if not ctx.document.whole or version is None or isinstance(version, Unresolved):
        return
    if isinstance(version, dict | list) or version in ("2012-10-17", "2008-10-17"):
        return
    if ctx.kind == "key-policy" or any(_names_kms(s) for s in ctx.document.statements):
        yield Hit(
            None,
            "$.Version",
            f"Version {shown(version)} is not a policy language version: AWS refuses the "
            'policy; write "Version": "2012-10-17" exactly',
            "IAM: Version element (2012-10-17 or 2008-10-17)",
        )


def _names_kms(statement: Statement) -> bool:
    """Whether the statement's Action or NotAction names a KMS action (not only `*`)."""
    return any(
        isinstance(value, str) and value.lower().startswith("kms:")
        for element in ("Action", "NotAction")
        for _, value in statement.values(element)
    )
