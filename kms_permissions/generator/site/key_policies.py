"""key-policies.md: writing key policies with `key-policy new`, the patterns and their sources.

Every policy on the page is written at generation time from the dataset it renders
(`policy.authoring`), and every example is verified there with explain: the page shows how
many intended and adversarial requests came out as the spec means.
"""

from __future__ import annotations

import json
from typing import Any

from kms_permissions.errors import KmsPermissionsError
from kms_permissions.generator.markdown import code, external, fragment, table, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import front_matter
from kms_permissions.policy.authoring import examples, statements
from kms_permissions.policy.authoring.api import read_spec
from kms_permissions.policy.authoring.services import INTEGRATIONS
from kms_permissions.policy.authoring.spec import FIELD_MEANINGS
from kms_permissions.policy.authoring.verify import verify
from kms_permissions.policy.checker import knowledge
from kms_permissions.policy.key_specs import (
    CREATE_KEY_PAGE,
    KEY_SPECS,
    KeySpecError,
    operations,
)

HERE = "key-policies.md"
DEFAULT_POLICY = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html"


def _json(data: Any) -> list[str]:
    return ["```json", json.dumps(data, indent=2, ensure_ascii=False), "```", ""]


def _verified(site: Site, spec: dict[str, Any]) -> tuple[dict[str, Any], str]:
    facts = knowledge(site.ref.folder)
    checked = read_spec(spec, site.ref.folder)
    policy = statements.policy(checked, facts)
    outcomes = verify(checked, policy, facts, site.ref.folder)
    intended = sum(o.case.kind == "intended" for o in outcomes)
    differ = sum(not o.agrees for o in outcomes)
    said = (
        f"`--verify`: {intended} intended and {len(outcomes) - intended} adversarial requests, "
        + (f"**{differ} differ from what the spec means**" if differ else "all as the spec means")
        + f" (explain, dataset {text(site.ref.version)})."
    )
    return policy, said


def _actions(site: Site, names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(
        site.link(code(n), site.action_pages[n], HERE) if n in site.action_pages else code(n)
        for n in names
    )


def _usage_rows(site: Site) -> list[list[str]]:
    facts = knowledge(site.ref.folder)
    rows = []
    for spec in KEY_SPECS.values():
        for usage in spec.usages:
            names = operations(spec, usage, facts)
            rows.append([code(spec.name), code(usage), _actions(site, names)])
    return rows


def pages(site: Site) -> dict[str, str]:
    """key-policies.md; where the dataset lacks the facts the writer needs (the algorithm
    condition keys, the actions), the page says so instead of the patterns."""
    try:
        body = _body(site)
    except (KmsPermissionsError, KeySpecError) as exc:
        body = [
            "# Writing key policies",
            "",
            '!!! warning "Not written with this dataset"',
            f"    {text(str(exc))}",
        ]
    return {HERE: "\n".join([front_matter(), *body]).rstrip("\n") + "\n"}


def _body(site: Site) -> list[str]:
    facts = knowledge(site.ref.folder)
    policy, said = _verified(site, examples.SPEC)
    admin = statements.admin_actions(facts)
    parts = [
        "# Writing key policies",
        "",
        "`kms-permissions key-policy new SPEC` writes a key policy from a spec (JSON or YAML; "
        "`-` reads standard input), as JSON, YAML, a CloudFormation `AWS::KMS::Key` or a "
        "Terraform `aws_kms_key` (`--format`); `kms_permissions.key_policy(spec)` does the same "
        "from Python. Every policy it writes passes `check` with no error and no warning, and "
        "`--verify` proves it with `explain`: each administrator's, user's, service's and "
        "other account's intended requests are allowed, and the adversarial ones (an "
        "administrator decrypting, a user changing the policy, another account, a service call "
        "for another account's resource, a grant not for an AWS resource, a call not through "
        "the via-services) are refused. It exits 1 when any differs from what the spec means.",
        "",
        "## The spec { #spec }",
        "",
        table(["Field", "What it says"], [[code(f), text(w)] for f, w in FIELD_MEANINGS.items()]),
        "",
        "A bad spec (an unknown field, an ARN that is not one, no administrator while "
        "`iam_policies` is false, an unknown service, a key usage that allows none of the "
        "requested operations) is one line naming the field, exit 2.",
        "",
        *_json(examples.SPEC),
        "The policy it writes:",
        "",
        *_json(policy),
        said,
        "",
        "## Administrators { #admins }",
        "",
        f"The console's {external('default key policy', DEFAULT_POLICY)} gives administrators "
        "`kms:Create*`, `kms:Get*` and other wildcards. `kms:Create*` covers `kms:CreateGrant`: "
        "an administrator can grant itself the use of the key. Here administrators get the "
        "same wildcards expanded through the dataset, as a fixed list, without CreateGrant and "
        "without any cryptographic operation:",
        "",
        _actions(site, admin),
        "",
        "## Users and key specs { #users }",
        "",
        "Users get the cryptographic operations the key's spec and usage allow, and "
        "`kms:DescribeKey`. The key specs and the usages each allows are KMS's "
        f"({external('CreateKey', CREATE_KEY_PAGE)}); the operations of each usage are the "
        "actions the dataset's algorithm condition key for it applies to "
        "(`kms:EncryptionAlgorithm`, `kms:SigningAlgorithm`, `kms:MacAlgorithm`, "
        "`kms:KeyAgreementAlgorithm`). Asymmetric keys add `kms:GetPublicKey` and do not "
        "generate data keys. For a symmetric encryption key, users also get the console's "
        "grant permissions, only for grants an AWS service creates "
        "(`kms:GrantIsForAWSResource`).",
        "",
        table(["Key spec", "Key usage", "Users' operations"], _usage_rows(site)),
        "",
        *_conditions(site),
        "## Service integrations { #services }",
        "",
        "Each integration follows the AWS page that documents it, with the conditions that stop "
        "a confused deputy: the service acts only for the spec's own trail, log group, topic, "
        "bucket or event bus (`aws:SourceArn`, `aws:SourceAccount`, the encryption context).",
        "",
    ]
    for name, integration in INTEGRATIONS.items():
        _, service_said = _verified(site, examples.service_spec(name))
        fields = ", ".join(code(f.name) for f in integration.fields)
        spec = read_spec(examples.service_spec(name), site.ref.folder)
        service = statements.service_statements(spec, facts)
        parts += [
            f"### {fragment(integration.title)} {{ #{name} }}",
            "",
            f'`"name": "{name}"` with {fields}. Follows '
            f"{external(fragment(integration.title), integration.page)}.",
            "",
            *_json({"name": name, **examples.SERVICES[name]}),
            *_json(service),
            service_said,
            "",
        ]
    return parts


def _conditions(site: Site) -> list[str]:
    policy, said = _verified(site, examples.CONDITIONS_SPEC)
    return [
        "## Conditions on use { #conditions }",
        "",
        "`users_use` gives users only some uses (and then no grants: a service's grant could "
        "pass on more). `encryption_context` requires that context in users' requests "
        "(`kms:EncryptionContext:KEY`, StringLike for a value with `*` or `?`) and in the "
        "grants they let AWS services create; describing the key is a statement of its own, "
        "since no DescribeKey request carries a context. `organization` gives the other "
        "accounts of an AWS organization uses (`aws:PrincipalOrgID`), the key's own account "
        "left out (`kms:CallerAccount`): there a key policy grant needs no IAM permission, so "
        "every role of it would get the use. `replica_regions` lets administrators replicate "
        "the key into those Regions only (`kms:ReplicaRegion`). An external account's "
        "`grantees` may receive its uses through grants it creates with the CLI "
        "(`kms:GranteePrincipal`, `ForAllValues:StringEquals` on `kms:GrantOperations`): "
        "AWS's cross-account Auto Scaling pattern.",
        "",
        *_json(examples.CONDITIONS_SPEC),
        "The policy it writes:",
        "",
        *_json(policy),
        said,
        "",
    ]
