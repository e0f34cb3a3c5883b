"""access/: how KMS decides a request, each rule shown by worked cases.

access/index.md opens with the why-denied checklist and lists the rules; each rule has its own
page, access/<rule>.md, with its worked cases (all of them on one page made the site's heaviest
page: every case carries its policies).

The cases are `policy.access.cases` (tests/test_explain.py runs each). The page runs `explain` on
every case at generation time, against the dataset it renders: the reasons' words exist only
there (a case holds their codes), and the page says what the tool says. Where the outcome is
not the case's expected one (a dataset that lacks the facts a case rests on), the page shows
the outcome with a warning instead of the expected words.
"""

from __future__ import annotations

import json
from typing import Any

from kms_permissions.generator.markdown import code, external, fragment, text
from kms_permissions.generator.site import checklist, prose
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import folded, front_matter
from kms_permissions.policy.access import InputError, explain
from kms_permissions.policy.access import docs as aws
from kms_permissions.policy.access.cases import CASES, Case
from kms_permissions.policy.access.results import Explanation

FOLDER = "access"
HERE = f"{FOLDER}/index.md"
DECISIONS = {
    "allow": "Allowed",
    "explicit-deny": "Denied by an explicit Deny",
    "implicit-deny": "Denied: nothing allows it",
}
# The rules, in the order KMS applies them: (anchor, title, AWS page, what the rule says).
RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "key-policy-first",
        "The key policy comes first",
        aws.KEY_POLICIES,
        "Every KMS key has exactly one key policy, and no principal, not even the account's "
        "root user, can use the key unless the key policy allows it, directly or by enabling "
        "IAM policies. A key policy statement can name roles, users, accounts and AWS service "
        "principals; naming a role allows all of its sessions.",
    ),
    (
        "iam-policies",
        "IAM policies count only where the key policy enables them",
        aws.ENABLE_IAM,
        "A key policy statement that allows the account (its root ARN) enables IAM policies "
        "for that account, as the default key policy does. Without it, an IAM policy's Allow "
        "has no effect on the key, though its Deny still counts.",
    ),
    (
        "cross-account",
        "Another account needs both sides",
        aws.CROSS_ACCOUNT,
        "A principal in another account needs the key policy to allow it (or its account) and "
        "an IAM policy of its own account to allow it. Some permissions cannot be used across "
        "accounts whatever the policies say; the [cross-account page](../cross-account.md) lists "
        "which.",
    ),
    (
        "key-policy-cannot-grant",
        "Permissions a key policy cannot grant",
        aws.PERMISSIONS,
        "Permissions that are not on a key (CreateKey, ListKeys, ...) are decided by IAM "
        "policies alone, and some permissions on a key are not effective in a key policy; the "
        "[policy types page](../policy-types.md) lists both.",
    ),
    (
        "explicit-deny",
        "An explicit Deny wins",
        aws.EVALUATION_LOGIC,
        "A Deny that applies, in the key policy, an IAM policy or a VPC endpoint policy, "
        "overrides every Allow. A Deny applies only where its conditions hold.",
    ),
    (
        "conditions",
        "Conditions",
        aws.MULTI_VALUED,
        "Condition keys and operators evaluate as IAM does: several values of one key are "
        "alternatives, several keys and operators must all hold, key names ignore case and "
        "values do not unless the operator says so, ForAllValues and ForAnyValue apply to "
        "multi-valued keys, and policy variables are replaced before comparing.",
    ),
    (
        "grants",
        "Grants",
        aws.GRANTS,
        "A grant gives its grantee the operations it lists, under its constraints, without "
        "any policy; the grant also decides who may retire it.",
    ),
    (
        "vpc-endpoints",
        "VPC endpoint policies",
        aws.VPC_ENDPOINT_POLICY,
        "A request through a VPC endpoint must also be allowed by the endpoint's policy, and "
        "the endpoint policy's Deny wins like any other.",
    ),
    (
        "organization-policies",
        "SCPs and RCPs",
        aws.SCP_EVALUATION,
        "In an organization, a service control policy (SCP) bounds what principals of member "
        "accounts may be allowed and a resource control policy (RCP) bounds what resources of "
        "member accounts may allow; neither grants anything. Every SCP from the root down to "
        "the account must allow the request, and no RCP may deny it. SCPs do not bind the "
        "management account, service principals or service-linked roles; RCPs do not apply "
        "to AWS managed keys.",
    ),
    (
        "boundaries-and-sessions",
        "Permissions boundaries and session policies",
        aws.BOUNDARIES,
        "A permissions boundary or a session policy bounds what the role's or user's "
        "identity-based policies allow: the request needs an Allow from both. They bound a key "
        "policy statement that names the role too, but not one that names the role session "
        "itself.",
    ),
    (
        "more-than-one-resource",
        "Operations on more than one resource",
        aws.ALIAS_ACCESS,
        "Some operations are authorized on more than one resource, and each part must be "
        "allowed: CreateAlias, UpdateAlias and DeleteAlias on the alias and on the key, "
        "ReEncrypt on its source and destination keys, and ReplicateKey on the primary key "
        "and, as kms:CreateKey, in the replica's Region.",
    ),
)
# The rule each case illustrates, by the AWS page it rests on; `iam-deny-without-enabling`
# rests on the key policies page but shows a Deny.
RULE_OF_PAGE = {
    aws.KEY_POLICIES: "key-policy-first",
    aws.PRINCIPAL: "key-policy-first",
    aws.ENABLE_IAM: "iam-policies",
    aws.CROSS_ACCOUNT: "cross-account",
    aws.PERMISSIONS: "key-policy-cannot-grant",
    aws.EVALUATION_LOGIC: "explicit-deny",
    aws.ENCRYPTION_CONTEXT_CASE: "conditions",
    aws.MULTI_VALUED: "conditions",
    aws.POLICY_VARIABLES: "conditions",
    aws.GRANTS: "grants",
    aws.GRANT_CONSTRAINTS: "grants",
    aws.RETIRE_GRANT: "grants",
    aws.VPC_ENDPOINT_POLICY: "vpc-endpoints",
    aws.VPC_ENDPOINT_CONDITION: "vpc-endpoints",
    aws.CROSS_ACCOUNT_EVALUATION: "cross-account",
    aws.GRANT_CHAIN: "grants",
    aws.VIA_SERVICE: "conditions",
    aws.CONFUSED_DEPUTY: "conditions",
    aws.AWS_MANAGED_KEYS: "iam-policies",
    aws.CONTROL_ACCESS: "key-policy-first",
    aws.NOT_ACTION: "explicit-deny",
    aws.NOT_RESOURCE: "explicit-deny",
    aws.GRANT_AUTHORIZATION: "grants",
    aws.NOT_PRINCIPAL: "explicit-deny",
    **dict.fromkeys(
        (
            aws.SCP,
            aws.SCP_EVALUATION,
            aws.SCP_EXAMPLES,
            aws.RCP,
            aws.RCP_EXEMPT,
            aws.KMS_RCP,
            aws.RCP_EXAMPLES,
        ),
        "organization-policies",
    ),
    aws.BOUNDARIES: "boundaries-and-sessions",
    aws.SESSION_POLICIES: "boundaries-and-sessions",
    aws.MULTI_REGION: "more-than-one-resource",
    aws.ALIAS_ACCESS: "more-than-one-resource",
    **dict.fromkeys(
        (
            aws.CONDITION_ELEMENT,
            aws.STRING_OPERATORS,
            aws.IF_EXISTS,
            aws.NULL_OPERATOR,
            aws.CONDITION_LOGIC,
            aws.ENCRYPTION_CONTEXT_KEYS,
            aws.CALLER_ACCOUNT,
            aws.GRANT_IS_FOR_AWS_RESOURCE,
            aws.REQUEST_ALIAS,
            aws.RESOURCE_ALIASES,
            aws.KEY_SPEC,
            aws.REENCRYPT_ON_SAME_KEY,
            aws.ABAC,
            aws.PRINCIPAL_ORG_ID,
            aws.PRINCIPAL_ORG_PATHS,
            aws.PRINCIPAL_ARN,
            aws.VARIABLE_DEFAULTS,
            aws.CURRENT_TIME,
            aws.SOURCE_IP,
        ),
        "conditions",
    ),
}
OTHER = ("other-cases", "Other cases", aws.EVALUATION_LOGIC, "Cases of more than one rule.")


def cases_for(action: str) -> list[Case]:
    """The worked cases whose request is for `action`."""
    return [case for case in CASES if case.request.get("action") == action]


def rule_of(case: Case) -> str:
    """The anchor of the rule a case shows."""
    if any(code == "explicit-deny" for code, _, _ in case.reasons):
        return "explicit-deny"
    return RULE_OF_PAGE.get(case.basis, OTHER[0])


def rule_page(anchor: str) -> str:
    """The page of a rule and its cases."""
    return f"{FOLDER}/{anchor}.md"


def case_page(case: Case) -> str:
    """The page that shows a case (its anchor there is the case's slug)."""
    return rule_page(rule_of(case))


def _explained(case: Case, dataset: str) -> Explanation | str:
    try:
        return explain(**case.inputs(), dataset=dataset)
    except InputError as exc:
        return str(exc)


def pages(site: Site) -> dict[str, str]:
    """access/index.md and a page per rule."""
    by_rule: dict[str, list[Case]] = {}
    for case in CASES:
        by_rule.setdefault(rule_of(case), []).append(case)
    parts = [
        front_matter(),
        "# How KMS decides a request",
        "",
        *why_denied(site),
        "## The rules { #rules }",
        "",
        "KMS decides each request from the key policy, the caller's IAM policies, the key's "
        "grants and, for a request through a VPC endpoint, the endpoint's policy, with rules of "
        "its own on top of IAM's policy evaluation. Each rule's page shows it with worked "
        "cases: the policies and the request, and the decision with its reasons as "
        "`kms-permissions explain` gives them "
        f"(run on the dataset {text(site.ref.version)}; the project's tests hold each case "
        "to its expected decision and reasons), and links the AWS page it rests on.",
        "",
        "The same analysis from a shell: `kms-permissions explain --key-policy FILE --request "
        "FILE [--iam-policy FILE]... [--grant FILE]... [--vpce-policy FILE]`.",
        "",
    ]
    out = {}
    for anchor, title, page, said in (*RULES, OTHER):
        cases = by_rule.get(anchor, [])
        if not cases and anchor == OTHER[0]:
            continue
        here = rule_page(anchor)
        count = f"{len(cases)} worked case{'s' if len(cases) != 1 else ''}"
        parts += [f"- {site.link(text(title), here, HERE)} ({count}): {said}"]
        # Unboosted: the cases' words (Regions, service names) would outrank the pages that
        # are about them (the kms:ViaService values for "s3.eu-west-1.amazonaws.com").
        # "How KMS decides:" tells this page from the topic and the guide's notes on grants.
        body = [f"# How KMS decides: {title}", "", said, ""]
        body += [f"AWS: {external(fragment(_page_title(page)), page)}", ""]
        back = site.link("How KMS decides", HERE, here)
        body += [f"The other rules and the why-denied checklist: {back}.", ""]
        for case in cases:
            body += case_section(site, case, here)
        out[here] = "\n".join(body).rstrip("\n") + "\n"
    return {HERE: "\n".join(parts).rstrip("\n") + "\n", **out}


def why_denied(site: Site) -> list[str]:
    """The checklist, in AWS's order of evaluation, each step with the cases that show it."""
    lines = [
        "## Why was my request denied? { #why-denied }",
        "",
        "Check these in the order AWS evaluates them; the first that fails is the reason.",
        "",
    ]
    for number, step in enumerate(checklist.STEPS, 1):
        cases = checklist.cases_of(step, CASES)
        shown = (
            "Cases: "
            + ", ".join(site.link(fragment(c.title), case_page(c), HERE, c.slug) for c in cases)
            if cases
            else "No worked case shows it yet"
        )
        aws_page = external(fragment(_page_title(step.page)), step.page)
        lines.append(
            f"{number}. **{fragment(step.title)}.** {fragment(step.check)} {shown}. "
            f"AWS: {aws_page}."
        )
    return [*lines, ""]


# What the links to AWS's pages say: the subject of each page, in a reader's words (a URL's
# file name, "orgs_manage_policies_scps_evaluation", read as a label is noise).
AWS_PAGES = {
    aws.EVALUATION_LOGIC: "policy evaluation logic",
    aws.MULTI_VALUED: "single-valued and multivalued context keys",
    aws.POLICY_VARIABLES: "policy variables",
    aws.PRINCIPAL: "the Principal element",
    aws.NOT_PRINCIPAL: "the NotPrincipal element",
    aws.KEY_POLICIES: "key policies",
    aws.ENABLE_IAM: "the default key policy enables IAM policies",
    aws.CROSS_ACCOUNT: "using a KMS key from another account",
    aws.PERMISSIONS: "the KMS permissions reference",
    aws.GRANTS: "grants",
    aws.GRANT_CONSTRAINTS: "grant constraints",
    aws.RETIRE_GRANT: "retiring and revoking grants",
    aws.VPC_ENDPOINT_POLICY: "VPC endpoint policies",
    aws.ENCRYPTION_CONTEXT_CASE: "encryption context conditions",
    aws.ACCESS_ANALYZER: "IAM Access Analyzer and KMS keys",
    aws.SCP: "service control policies",
    aws.SCP_EVALUATION: "how SCPs are evaluated",
    aws.RCP: "resource control policies",
    aws.KMS_RCP: "resource control policies in KMS",
    aws.BOUNDARIES: "permissions boundaries",
    aws.SESSION_POLICIES: "session policies",
    aws.CROSS_ACCOUNT_EVALUATION: "cross-account policy evaluation",
    aws.SERVICE_LINKED_ROLES: "service-linked roles",
    aws.CONDITION_KEYS: "global condition keys",
    aws.ALIAS_ACCESS: "controlling access to aliases",
    aws.GRANT_CONCEPTS: "grant concepts",
    aws.CREATE_GRANT: "CreateGrant",
}


def _page_title(url: str) -> str:
    """A link's words for an AWS page: its subject, else its file name as words."""
    if url in AWS_PAGES:
        return AWS_PAGES[url]
    name = url.rsplit("/", 1)[1].split(".html", 1)[0]
    return name.replace("_", " ").replace("-", " ")


def case_section(site: Site, case: Case, here: str) -> list[str]:
    """One worked case: its inputs folded, its decision and reasons shown."""
    result = _explained(case, site.ref.folder)
    rule = prose.inline(site, case.rule, here)
    basis = external(fragment(_page_title(case.basis)), case.basis)
    lines = [f"## {fragment(case.title)} {{ #{case.slug} }}", "", f"{rule} (AWS: {basis})", ""]
    lines += [folded("The policies and the request", _inputs(case), kind="example"), ""]
    if isinstance(result, str):
        lines += [f'!!! warning "Not decided with this dataset"\n    {text(result)}', ""]
        return lines
    expected = (result.decision, result.decided) == (case.decision, case.decided) and (
        tuple((r.code, r.kind, r.statement) for r in result.reasons) == case.reasons
    )
    if not expected:
        lines += [
            '!!! warning "This dataset decides it otherwise"',
            f"    The case expects {text(case.decision)}; with dataset {text(site.ref.version)} "
            "explain gives what follows.",
            "",
        ]
    decision = f"**{text(DECISIONS[result.decision])}** ({code(result.decision)})"
    if not result.decided:
        decision = f"**Cannot decide**; what can be decided alone gives {decision}"
    lines += [f"{decision}. Reasons:", ""]
    for number, reason in enumerate(result.reasons, 1):
        rule = prose.inline(site, reason.rule, here)
        where = text(reason.where)
        lines.append(f"{number}. {rule} ({where}; {external(text('AWS'), reason.basis)})")
    return [*lines, ""]


def _inputs(case: Case) -> str:
    blocks = [("Key policy", case.key_policy)]
    blocks += [(f"IAM policy {i} of the caller", p) for i, p in enumerate(case.iam_policies)]
    blocks += [(f"Grant {i}", g) for i, g in enumerate(case.grants)]
    if case.vpce_policy is not None:
        blocks.append(("VPC endpoint policy", case.vpce_policy))
    blocks += [(f"Service control policy, level {i}", p) for i, p in enumerate(case.scps)]
    blocks += [(f"Resource control policy, level {i}", p) for i, p in enumerate(case.rcps)]
    if case.permissions_boundary is not None:
        blocks.append(("Permissions boundary of the caller", case.permissions_boundary))
    if case.session_policy is not None:
        blocks.append(("Session policy", case.session_policy))
    if case.other_key_policy is not None:
        blocks.append(("Key policy of the request's other key", case.other_key_policy))
    blocks.append(("Request", case.request))
    return "\n\n".join(f"**{text(title)}**\n\n{_json_block(data)}" for title, data in blocks)


def _json_block(data: Any) -> str:
    """A case's input as plain text: highlighted, the page's 127 blocks weighed 160 KB more."""
    body = json.dumps(data, indent=2, sort_keys=False)
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}text\n{body}\n{fence}"
