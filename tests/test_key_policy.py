"""`key-policy new`: policies written from a spec, proved by check (no error, no warning) and by
explain (every intended request allowed, every adversarial one refused), compared with the
guide's own key policy examples in the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kms_permissions as kp
from kms_permissions.cli import main
from kms_permissions.policy.authoring import examples, statements
from kms_permissions.policy.authoring.api import read_spec
from kms_permissions.policy.authoring.render import render
from kms_permissions.policy.authoring.services import INTEGRATIONS
from kms_permissions.policy.authoring.spec import SpecError
from kms_permissions.policy.authoring.verify import verify
from kms_permissions.policy.authoring.via import via_names
from kms_permissions.policy.checker import check, knowledge
from kms_permissions.policy.key_specs import KEY_SPECS, KEY_USAGES, operations

ACCOUNT = examples.ACCOUNT
REGION = examples.REGION
ADMIN = examples.ADMIN
USER = examples.USER
SERVICES = examples.SERVICES
ISSUE_SPEC = examples.SPEC


def problems(policy: dict[str, Any]) -> list[str]:
    """check's errors and warnings on a key policy."""
    return [
        f"{f.rule_id} {f.sid}: {f.message}"
        for f in check(policy, kind="key-policy", account=ACCOUNT)
        if f.severity in ("error", "warning")
    ]


def differing(spec: dict[str, Any]) -> list[str]:
    """The requests on which explain's decision is not what the spec means."""
    checked = read_spec(spec)
    outcomes = verify(checked, kp.key_policy(checked), knowledge())
    assert outcomes
    return [f"{o.case.what}: {o.case.principal} {o.case.action}" for o in outcomes if not o.agrees]


def test_the_issue_spec_is_clean_and_verified() -> None:
    policy = kp.key_policy(ISSUE_SPEC)
    assert problems(policy) == []
    assert differing(ISSUE_SPEC) == []
    sids = [s["Sid"] for s in policy["Statement"]]
    assert len(sids) == len(set(sids))
    assert all(re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids)


@pytest.mark.parametrize("name", sorted(INTEGRATIONS))
def test_every_service_pattern_is_clean_and_verified(name: str) -> None:
    spec = examples.service_spec(name)
    policy = kp.key_policy(spec)
    assert problems(policy) == []
    assert differing(spec) == []
    base = {"AllowKeyAdministration", "EnableIamPoliciesOfTheAccount"}
    service = [s for s in policy["Statement"] if s["Sid"] not in base]
    assert service and all("Condition" in s for s in service)
    # Each statement pins the call to the spec's own resource or account.
    pinned = {key for s in service for keys in s["Condition"].values() for key in keys}
    assert pinned & {"aws:SourceArn", "aws:SourceAccount", "kms:ViaService"} or any(
        k.startswith("kms:EncryptionContext:") for k in pinned
    )


def test_the_conditions_example_is_clean_and_verified() -> None:
    policy = kp.key_policy(examples.CONDITIONS_SPEC)
    assert problems(policy) == []
    assert differing(examples.CONDITIONS_SPEC) == []
    conditions = {
        k for s in policy["Statement"] for v in s.get("Condition", {}).values() for k in v
    }
    assert {
        "kms:EncryptionContext:aws:s3:arn",
        "aws:PrincipalOrgID",
        "kms:CallerAccount",
        "kms:ReplicaRegion",
        "kms:GranteePrincipal",
        "kms:GrantOperations",
        "kms:ViaService",
    } <= conditions


def test_a_service_call_for_another_account_is_refused() -> None:
    spec: dict[str, Any] = {"account": ACCOUNT, "region": REGION, "admins": [ADMIN]}
    spec["services"] = [{"name": "cloudtrail", **SERVICES["cloudtrail"]}]
    checked = read_spec(spec)
    outcomes = verify(checked, kp.key_policy(checked), knowledge())
    foreign = [o for o in outcomes if "another account's" in o.case.what]
    assert foreign and all(o.decision != "allow" for o in foreign)
    assert any("123456789013" in str(o.case.context) for o in foreign)


KEY_CHOICES = [(spec.name, usage) for spec in KEY_SPECS.values() for usage in spec.usages]


@pytest.mark.parametrize(("key_spec", "usage"), KEY_CHOICES)
def test_every_key_spec_and_usage(key_spec: str, usage: str) -> None:
    spec = {
        "account": ACCOUNT,
        "region": REGION,
        "key_spec": key_spec,
        "key_usage": usage,
        "admins": [ADMIN],
        "users": [USER],
    }
    policy = kp.key_policy(spec)
    assert problems(policy) == []
    assert differing(spec) == []
    (use,) = [s for s in policy["Statement"] if s["Sid"] == "AllowKeyUsersToUseTheKey"]
    facts = knowledge()
    wanted = {*operations(KEY_SPECS[key_spec], usage, facts), "kms:DescribeKey"}
    assert set(use["Action"]) == wanted


def test_operations_come_from_the_dataset_algorithm_keys() -> None:
    facts = knowledge()
    signing = facts.key_actions("kms:SigningAlgorithm")
    assert set(operations(KEY_SPECS["ECC_NIST_P256"], "SIGN_VERIFY", facts)) == {
        *signing,
        "kms:GetPublicKey",
    }
    symmetric = set(operations(KEY_SPECS["SYMMETRIC_DEFAULT"], "ENCRYPT_DECRYPT", facts))
    assert symmetric == facts.key_actions("kms:EncryptionAlgorithm")
    rsa = set(operations(KEY_SPECS["RSA_2048"], "ENCRYPT_DECRYPT", facts))
    assert not any(a.startswith("kms:GenerateDataKey") for a in rsa)
    assert "kms:GetPublicKey" in rsa


def test_key_specs_are_kms_own(corpus: Path) -> None:
    newest = sorted((corpus / "botocore-kms").glob("*.json"))
    model = json.loads(next(p for p in reversed(newest) if p.name != "revisions.json").read_text())
    assert set(KEY_SPECS) == set(model["shapes"]["KeySpec"]["enum"])
    assert set(KEY_USAGES) == set(model["shapes"]["KeyUsageType"]["enum"])


def test_admins_never_use_the_key_nor_grant() -> None:
    facts = knowledge()
    admin = statements.admin_actions(facts)
    crypto = {
        a for spec in KEY_SPECS.values() for u in spec.usages for a in operations(spec, u, facts)
    }
    assert "kms:PutKeyPolicy" in admin
    assert "kms:CreateGrant" not in admin
    assert not crypto & set(admin)
    assert not any("*" in a for a in admin)


# The guide's examples: key-policy-default and key-policy-modifying-external-accounts, as held
# in the corpus (the newest copy of each page).
def _guide_page(corpus: Path, page: str) -> str:
    copies = sorted((corpus / "kms-devguide-github").glob(f"*/doc_source/{page}.md"))
    return copies[-1].read_text()


def _examples(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Each JSON statement in a code block, with the bold heading before it."""
    found = []
    heading = ""
    for block in re.split(r"```", text):
        titles = re.findall(r"\*\*([^*]+)\*\*", block)
        if titles:
            heading = titles[0]
        body = block.strip()
        if body.startswith("{"):
            try:
                data = json.loads(f"[{body}]")
            except json.JSONDecodeError:
                continue
            found += [(heading, s) for s in data if isinstance(s, dict) and "Sid" in s]
    return found


def _expanded(actions: str | list[str]) -> set[str]:
    facts = knowledge()
    names = [actions] if isinstance(actions, str) else actions
    return set(statements.on_key(facts, names))


@pytest.mark.parametrize(
    ("heading", "key_spec", "usage"),
    [
        ("Symmetric encryption KMS keys", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
        ("HMAC KMS keys", "HMAC_256", "GENERATE_VERIFY_MAC"),
        ("Asymmetric KMS keys for public key encryption", "RSA_2048", "ENCRYPT_DECRYPT"),
        ("Asymmetric KMS keys for signing and verification", "RSA_2048", "SIGN_VERIFY"),
    ],
)
def test_users_match_the_guides_default_key_policy(
    corpus: Path, heading: str, key_spec: str, usage: str
) -> None:
    examples = _examples(_guide_page(corpus, "key-policy-default"))
    (console,) = [s for h, s in examples if h == heading and s["Sid"] == "Allow use of the key"]
    spec = {
        "account": ACCOUNT,
        "region": REGION,
        "key_spec": key_spec,
        "key_usage": usage,
        "users": [USER],
    }
    (use,) = [s for s in kp.key_policy(spec)["Statement"] if s["Sid"] == "AllowKeyUsersToUseTheKey"]
    assert set(use["Action"]) == _expanded(console["Action"])


def test_grants_and_admins_match_the_guide_less_what_lets_admins_use_the_key(corpus: Path) -> None:
    examples = _examples(_guide_page(corpus, "key-policy-default"))
    grants = [s for _, s in examples if s["Sid"] == "Allow attachment of persistent resources"]
    policy = kp.key_policy({**ISSUE_SPEC, "external_accounts": []})
    (ours,) = [s for s in policy["Statement"] if s["Sid"] == "AllowKeyUsersGrantsForAwsResources"]
    assert grants and all(set(g["Action"]) == set(ours["Action"]) for g in grants)
    assert all(g["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": True}} for g in grants)
    assert ours["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    (console,) = [s for _, s in examples if s["Sid"] == "Allow access for Key Administrators"]
    (admin,) = [s for s in policy["Statement"] if s["Sid"] == "AllowKeyAdministration"]
    # The console's wildcards give administrators CreateGrant (and GetPublicKey): not ours.
    assert _expanded(console["Action"]) - set(admin["Action"]) == {
        "kms:CreateGrant",
        "kms:GetPublicKey",
    }
    assert set(admin["Action"]) - _expanded(console["Action"]) == {"kms:RotateKeyOnDemand"}


def test_external_accounts_match_the_guide(corpus: Path) -> None:
    examples = _examples(_guide_page(corpus, "key-policy-modifying-external-accounts"))
    uses = [
        s
        for _, s in examples
        if "Encrypt" in str(s["Action"]) and "root" in str(s.get("Principal"))
    ]
    assert uses
    every = [
        "decrypt",
        "describe-key",
        "encrypt",
        "generate-data-key",
        "generate-data-key-pair",
        "generate-data-key-pair-without-plaintext",
        "generate-data-key-without-plaintext",
        "re-encrypt",
    ]
    spec = {**ISSUE_SPEC, "external_accounts": [{"account": "444455556666", "use": every}]}
    (ours,) = [
        s
        for s in kp.key_policy(spec)["Statement"]
        if s["Sid"] == "AllowAccount444455556666ToUseTheKey"
    ]
    assert any(set(ours["Action"]) == _expanded(s["Action"]) for s in uses)
    assert differing(spec) == []


def test_via_services_value_format_matches_the_guide(corpus: Path) -> None:
    text = _guide_page(corpus, "conditions-kms")
    assert '"kms:ViaService": "ec2.us-west-2.amazonaws.com"' in text


BAD_SPECS = [
    ({**ISSUE_SPEC, "colour": "blue"}, "colour: unknown field"),
    ({**ISSUE_SPEC, "users": ["OrdersService"]}, "users[0]: 'OrdersService' is not an IAM role"),
    ({**ISSUE_SPEC, "admins": []}, "admins: empty while iam_policies is false"),
    (
        {**ISSUE_SPEC, "users": [], "services": [], "external_accounts": []},
        "users: empty while iam_policies is false, and no service or other account uses the key",
    ),
    (
        {**ISSUE_SPEC, "services": [{"name": "carrier-pigeon"}]},
        "services[0].name: 'carrier-pigeon' is not a service",
    ),
    (
        {**ISSUE_SPEC, "services": [{"name": "cloudtrail", "trail_arn": "trail"}]},
        "services[0].trail_arn: 'trail' is not a cloudtrail ARN",
    ),
    (
        {**ISSUE_SPEC, "via_services": ["carrier-pigeon"]},
        "via_services[0]: 'carrier-pigeon' is not a service of the dataset's kms:ViaService",
    ),
    (
        {**ISSUE_SPEC, "external_accounts": [{"account": "210987654321", "use": ["sign"]}]},
        "external_accounts[0].use[0]: 'sign' is not a use a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT",
    ),
    (
        {**ISSUE_SPEC, "key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "external_accounts": []},
        "services[0].name: AWS CloudTrail (trail log files) encrypts with a symmetric",
    ),
    ({**ISSUE_SPEC, "key_spec": "HMAC_256", "key_usage": "SIGN_VERIFY"}, "key_usage: a HMAC_256"),
    ({**ISSUE_SPEC, "key_spec": "RSA_2048"}, "key_usage: missing"),
    ({**ISSUE_SPEC, "account": "12345"}, "account: '12345' is not an AWS account ID"),
    (
        {**ISSUE_SPEC, "users": ["arn:aws:iam::210987654321:role/Other"]},
        "users[0]: 'arn:aws:iam::210987654321:role/Other' is in account 210987654321",
    ),
    (
        {
            **ISSUE_SPEC,
            "services": [
                {
                    "name": "logs",
                    "log_group_arn": SERVICES["logs"]["log_group_arn"].replace(REGION, "us-east-1"),
                }
            ],
        },
        "services[0].log_group_arn:",
    ),
    ([], "$: must be an object"),
    (
        {**ISSUE_SPEC, "encryption_context": {"aws:s3:arn": "*"}},
        "encryption_context.aws:s3:arn: '*' matches any value",
    ),
    (
        {**ISSUE_SPEC, "encryption_context": {"App*": "orders"}},
        "encryption_context.App*: not an encryption context key",
    ),
    (
        {**ISSUE_SPEC, "encryption_context": {"App": "a", "app": "b"}},
        "encryption_context: 'app' is given twice (keys ignore case)",
    ),
    (
        {**ISSUE_SPEC, "encryption_context": ["App"]},
        "encryption_context: must be an object, not an array",
    ),
    (
        {**ISSUE_SPEC, "users": [], "encryption_context": {"App": "orders"}},
        "encryption_context: given, but there are no users",
    ),
    (
        {
            **ISSUE_SPEC,
            "key_spec": "HMAC_256",
            "services": [],
            "external_accounts": [],
            "encryption_context": {"App": "orders"},
        },
        "encryption_context: a HMAC_256 key takes no encryption context",
    ),
    (
        {**ISSUE_SPEC, "organization": {"id": "123456789012", "use": ["decrypt"]}},
        "organization.id: '123456789012' is not an AWS Organizations ID",
    ),
    (
        {**ISSUE_SPEC, "organization": {"id": "o-a1b2c3d4e5", "use": []}},
        "organization.use: empty",
    ),
    (
        {**ISSUE_SPEC, "organization": {"id": "o-a1b2c3d4e5", "use": ["sign"]}},
        "organization.use[0]: 'sign' is not a use",
    ),
    (
        {**ISSUE_SPEC, "organization": {"id": "o-a1b2c3d4e5", "use": ["decrypt"], "x": 1}},
        "organization.x: unknown field",
    ),
    (
        {
            **ISSUE_SPEC,
            "external_accounts": [
                {"account": "210987654321", "use": ["decrypt"], "grantees": [USER]}
            ],
        },
        "external_accounts[0].grantees[0]: 'arn:aws:iam::123456789012:role/OrdersService' is in "
        "account 123456789012, not that account",
    ),
    (
        {
            **ISSUE_SPEC,
            "external_accounts": [
                {
                    "account": "210987654321",
                    "grants_for_aws_resources": True,
                    "grantees": ["arn:aws:iam::210987654321:role/R"],
                }
            ],
        },
        "external_accounts[0].grantees: given, but the account has no use to grant",
    ),
    (
        {**ISSUE_SPEC, "account_via_services": ["carrier-pigeon"]},
        "account_via_services[0]: 'carrier-pigeon' is not a service of the dataset's",
    ),
    (
        {
            **ISSUE_SPEC,
            "key_spec": "ML_KEM_768",
            "key_usage": "KEY_AGREEMENT",
            "services": [],
            "external_accounts": [],
        },
        "key_usage: a ML_KEM_768 key cannot be KEY_AGREEMENT",
    ),
    (
        {**ISSUE_SPEC, "users_use": ["decrypt"], "account_via_services": ["ec2"]},
        "users_use: users are principals of the account, and account_via_services gives",
    ),
    (
        {**ISSUE_SPEC, "encryption_context": {"App": "x"}, "account_via_services": ["ec2"]},
        "encryption_context: users are principals of the account, and account_via_services",
    ),
    ({**ISSUE_SPEC, "users_use": []}, "users_use: empty"),
    ({**ISSUE_SPEC, "users": [], "users_use": ["decrypt"]}, "users_use: given, but there are no"),
    ({**ISSUE_SPEC, "users_use": ["sign"]}, "users_use[0]: 'sign' is not a use"),
    (
        {**ISSUE_SPEC, "users_use": ["describe-key"], "services": [], "external_accounts": []},
        "users_use: describing the key is not using it",
    ),
    (
        {**ISSUE_SPEC, "users_use": ["describe-key"], "encryption_context": {"App": "orders"}},
        "encryption_context: none of the users' operations takes",
    ),
    ({**ISSUE_SPEC, "replica_regions": [REGION]}, f"replica_regions[0]: {REGION} is the key's own"),
    ({**ISSUE_SPEC, "replica_regions": ["mars-1"]}, "replica_regions[0]: 'mars-1' is not an AWS"),
    (
        {**ISSUE_SPEC, "admins": [], "iam_policies": True, "replica_regions": ["us-west-2"]},
        "replica_regions: given, but there are no admins",
    ),
]


@pytest.mark.parametrize(("spec", "message"), BAD_SPECS)
def test_a_bad_spec_is_one_line_naming_the_field(
    spec: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    assert main(["key-policy", "new", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"kms-permissions key-policy: {message}"), err
    with pytest.raises(SpecError):
        kp.key_policy(spec)


def test_a_repeated_field_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spec.json"
    path.write_text('{"account": "123456789012", "account": "210987654321", "region": "us-east-1"}')
    assert main(["key-policy", "new", str(path)]) == 2
    assert "account: given twice" in capsys.readouterr().err


def test_output_is_deterministic_and_each_format_holds_the_same_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(ISSUE_SPEC))
    policy = kp.key_policy(ISSUE_SPEC)
    assert kp.key_policy(spec) == policy
    outputs = {}
    for form in ("json", "yaml", "cloudformation", "terraform"):
        assert main(["key-policy", "new", str(spec), "--format", form]) == 0
        outputs[form] = capsys.readouterr().out
        assert main(["key-policy", "new", str(spec), "--format", form]) == 0
        assert capsys.readouterr().out == outputs[form]
    assert json.loads(outputs["json"]) == policy
    assert yaml.safe_load(outputs["yaml"]) == policy
    template = yaml.safe_load(outputs["cloudformation"])
    assert template["Resources"]["Key"]["Properties"]["KeyPolicy"] == policy
    assert not [f for f in check(outputs["cloudformation"]) if f.severity != "info"]
    match = re.fullmatch(
        r'(?s)resource "aws_kms_key" "key" \{\n.*  policy = jsonencode\((.*)\)\n\}\n',
        outputs["terraform"],
    )
    assert match is not None
    assert json.loads(match[1].replace("$${", "${").replace("%%{", "%{")) == policy


def test_terraform_escapes_template_sequences() -> None:
    checked = read_spec(ISSUE_SPEC)
    text = render(
        checked, {"Version": "2012-10-17", "Statement": [{"Sid": "a${b}%{c}"}]}, "terraform"
    )
    assert '"a$${b}%%{c}"' in text


def test_stdin_and_verify_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(ISSUE_SPEC)))
    assert main(["key-policy", "new", "-", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "DIFFERS" not in out
    assert out.rstrip().endswith("all as the spec means")
    assert (
        "adversarial expect deny  got implicit-deny "
        "arn:aws:iam::123456789012:role/KeyAdministrators kms:Decrypt" in out
    )


def test_verify_catches_the_consoles_admin_wildcards() -> None:
    # An administrator statement written the console's way (kms:Create*) lets the admin grant
    # itself the use of the key: verify names the request that differs.
    checked = read_spec(ISSUE_SPEC)
    policy = kp.key_policy(checked)
    for statement in policy["Statement"]:
        if statement["Sid"] == "AllowKeyAdministration":
            statement["Action"] = [*statement["Action"], "kms:Create*"]
    wrong = [o for o in verify(checked, policy, knowledge()) if not o.agrees]
    assert [o.case.action for o in wrong] == ["kms:CreateGrant"]
    assert wrong[0].decision == "allow"


def test_iam_policies_true_enables_the_account() -> None:
    spec = {"account": ACCOUNT, "region": REGION, "users": [USER]}
    policy = kp.key_policy(spec)
    assert policy["Statement"][0] == {
        "Sid": "EnableIamPoliciesOfTheAccount",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    assert problems(policy) == []
    assert differing(spec) == []


VIA = sorted(via_names(knowledge()))
ARNS = st.from_regex(r"[A-Za-z][A-Za-z0-9+=,.@_-]{0,20}", fullmatch=True)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """Random valid specs: any key spec and usage, parties, services, external accounts."""
    key_spec, usage = draw(st.sampled_from(KEY_CHOICES))
    names = draw(st.lists(ARNS, unique=True, max_size=5))
    split = draw(st.integers(0, len(names)))
    admins = [f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in names[:split]]
    users = [f"arn:aws:iam::{ACCOUNT}:user/{n}" for n in names[split:]]
    iam_policies = draw(st.booleans()) if admins else True
    spec: dict[str, Any] = {
        "account": ACCOUNT,
        "region": REGION,
        "key_spec": key_spec,
        "key_usage": usage,
        "admins": admins,
        "users": users,
        "iam_policies": iam_policies,
    }
    symmetric = key_spec == "SYMMETRIC_DEFAULT"
    if users and usage != "ENCAPSULATE_DECAPSULATE":  # kms:ViaService: not for ML-KEM's (below)
        spec["via_services"] = draw(st.lists(st.sampled_from(VIA), unique=True, max_size=3))
    if symmetric:
        chosen = draw(st.lists(st.sampled_from(sorted(SERVICES)), unique=True, max_size=5))
        spec["services"] = [{"name": n, **SERVICES[n]} for n in chosen]
    facts = knowledge()
    allowed = sorted(statements.uses(KEY_SPECS[key_spec], usage, facts))
    accounts = draw(st.lists(st.sampled_from(["210987654321", "444455556666"]), unique=True))
    externals: list[dict[str, Any]] = []
    for account in accounts:
        wanted = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=4))
        grants = symmetric and draw(st.booleans())
        if wanted or grants:
            externals.append(
                {"account": account, "use": wanted, "grants_for_aws_resources": grants}
            )
    spec["external_accounts"] = externals
    if bool(users) and draw(st.booleans()):
        spec["users_use"] = draw(st.lists(st.sampled_from(allowed), unique=True, min_size=1))
    takes_context = bool(users) and bool(set(spec.get("users_use", allowed)) - {"describe-key"})
    if symmetric and takes_context and draw(st.booleans()):
        values = st.sampled_from(["orders", "arn:aws:s3:::orders-data", "prod/*", "v?"])
        keys = st.sampled_from(["aws:s3:arn", "SecretARN", "App", "aws:lambda:FunctionArn"])
        spec["encryption_context"] = draw(st.dictionaries(keys, values, min_size=1, max_size=2))
    if draw(st.booleans()):
        org_uses = draw(st.lists(st.sampled_from(allowed), unique=True, min_size=1, max_size=3))
        spec["organization"] = {"id": "o-a1b2c3d4e5", "use": org_uses}
    limited = "users_use" in spec or "encryption_context" in spec  # refused with it (tested)
    if usage != "ENCAPSULATE_DECAPSULATE" and not limited:  # kms:ViaService: not for ML-KEM's
        spec["account_via_services"] = draw(st.lists(st.sampled_from(VIA), unique=True, max_size=2))
    if admins:
        regions = st.sampled_from(["us-east-1", "eu-west-3", "us-west-2"])
        spec["replica_regions"] = draw(st.lists(regions, unique=True, max_size=2))
    describe = {"describe-key"}  # describing the key is not using it
    outside = [*(e["use"] for e in externals), spec.get("organization", {}).get("use", [])]
    if users:
        outside.append(spec.get("users_use", allowed))
    used = spec.get("services") or spec.get("account_via_services")
    if not (used or any(set(u) - describe for u in outside)):
        spec["iam_policies"] = True  # else nobody could use the key: refused (tested above)
    return spec


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_property_every_valid_spec_gives_a_clean_verified_policy(spec: dict[str, Any]) -> None:
    policy = kp.key_policy(spec)
    assert problems(policy) == []
    assert differing(spec) == []
    assert kp.key_policy(spec) == policy


def test_the_readme_spec_is_the_example_and_verified() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Writing key policies", 1)[1]
    block = section.split("```json", 1)[1].split("```", 1)[0]
    spec = json.loads(block)
    assert {k: v for k, v in spec.items() if k != "key_spec"} == ISSUE_SPEC
    assert kp.key_policy(spec) == kp.key_policy(ISSUE_SPEC)
    assert differing(spec) == []


def test_via_services_limit_users_to_those_services_in_the_region() -> None:
    spec = {**ISSUE_SPEC, "via_services": ["s3", "dynamodb"]}
    policy = kp.key_policy(spec)
    names = via_names(knowledge())
    wanted = [names[n].replace("AWS_region", REGION) for n in ("s3", "dynamodb")]
    assert wanted == ["s3.ap-southeast-2.amazonaws.com", "dynamodb.ap-southeast-2.amazonaws.com"]
    users = [s for s in policy["Statement"] if s["Principal"] == {"AWS": USER}]
    assert len(users) == 2
    assert all(s["Condition"]["StringEquals"]["kms:ViaService"] == wanted for s in users)
    assert problems(policy) == []
    assert differing(spec) == []
    checked = read_spec(spec)
    outcomes = verify(checked, policy, knowledge())
    direct = [o for o in outcomes if "not through a via-service" in o.case.what]
    assert direct and all(o.decision == "implicit-deny" for o in direct)


def test_verify_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(ISSUE_SPEC))
    assert main(["key-policy", "new", str(path), "--verify", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "kms-permissions-key-policy-verify/1"
    assert document["agrees"] is True
    assert document["not_decided"] == ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    kinds = {r["kind"] for r in document["requests"]}
    assert kinds == {"intended", "adversarial"}
    admin_decrypt = [
        r for r in document["requests"] if r["principal"] == ADMIN and r["action"] == "kms:Decrypt"
    ]
    assert admin_decrypt == [
        {
            "kind": "adversarial",
            "what": "administrator uses the key",
            "principal": ADMIN,
            "action": "kms:Decrypt",
            "context": {},
            "iam_policy_allows": [],
            "expected": "deny",
            "decision": "implicit-deny",
            "agrees": True,
        }
    ]


def test_out_writes_the_policy_and_replaces_only_its_own_unchanged_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(ISSUE_SPEC))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**ISSUE_SPEC, "external_accounts": []}))
    for form in ("json", "yaml", "cloudformation", "terraform"):
        out = tmp_path / f"policy.{form}"
        assert main(["key-policy", "new", str(spec), "--format", form, "--out", str(out)]) == 0
        first = out.read_text()
        assert main(["key-policy", "new", str(spec), "--format", form]) == 0
        assert capsys.readouterr().out == first
        # Its own earlier output, in any of the formats, is replaced.
        assert main(["key-policy", "new", str(other), "--format", form, "--out", str(out)]) == 0
        assert out.read_text() != first
    out = tmp_path / "policy.json"
    assert json.loads(out.read_text()) == kp.key_policy({**ISSUE_SPEC, "external_accounts": []})
    # Edited since (a statement changed, its formatting kept): no longer its own.
    out.write_text(out.read_text().replace("KeyAdministrators", "KeyAdministratorz"))
    edited = out.read_text()
    assert main(["key-policy", "new", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to replace it" in err
    assert out.read_text() == edited
    # A file of the user's, a policy written by hand in the same layout, the spec itself.
    hand = tmp_path / "hand.json"
    hand.write_text(json.dumps({"Version": "2012-10-17", "Statement": []}, indent=2) + "\n")
    for target in (hand, spec):
        before = target.read_bytes()
        assert main(["key-policy", "new", str(spec), "--out", str(target)]) == 2
        assert target.read_bytes() == before
    capsys.readouterr()
    assert main(["key-policy", "new", str(spec), "--out", str(hand), "--force"]) == 0
    assert json.loads(hand.read_text()) == kp.key_policy(ISSUE_SPEC)
    assert main(["key-policy", "new", str(spec), "--out", str(out), "--verify"]) == 2
    assert main(["key-policy", "new", str(spec), "--force"]) == 2
    link = tmp_path / "link.json"
    link.symlink_to(hand)
    assert main(["key-policy", "new", str(spec), "--out", str(link), "--force"]) == 2
    assert link.is_symlink()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


HOSTILE_SPECS: list[tuple[bytes, str]] = [
    (b'{"account": "123456789012", "region": "us-east-1\xff"}', "not UTF-8 text"),
    (b"\xef\xbb\xbf" + json.dumps(ISSUE_SPEC).encode()[:-1], "spec.json"),
    (b"[" * 100_000, "nested deeper than"),
    (b"a: &a [1, 2]\nb: *a\n", "a: unknown field"),
    (
        json.dumps({**ISSUE_SPEC, "users": [USER] * 100_000}).encode(),
        "users: 100000 items; at most 100",
    ),
    (
        json.dumps({**ISSUE_SPEC, "users": [f"{USER}{'/a' * 5000}"]}).encode(),
        f"users[0]: {len(USER) + 10000} characters; an ARN has at most 2048",
    ),
    (
        json.dumps({**ISSUE_SPEC, "users": [ADMIN]}).encode(),
        "users: 'arn:aws:iam::123456789012:role/KeyAdministrators' is also an admin",
    ),
    (
        json.dumps({**ISSUE_SPEC, "admins": ["arn:aws:iam::210987654321:role/Admin"]}).encode(),
        "admins[0]: 'arn:aws:iam::210987654321:role/Admin' is in account 210987654321",
    ),
    (
        json.dumps({**ISSUE_SPEC, "admins": ["arn:aws:iam::210987654321:root"]}).encode(),
        "admins[0]: 'arn:aws:iam::210987654321:root' is not an IAM role or user ARN",
    ),
    (
        json.dumps({**ISSUE_SPEC, "services": [{"name": "cloudtrail", "trail_arn": 7}]}).encode(),
        "services[0].trail_arn: must be a string, not a number",
    ),
    (json.dumps({**ISSUE_SPEC, "iam_policies": "no"}).encode(), "iam_policies: must be true"),
]


@pytest.mark.parametrize(("body", "message"), HOSTILE_SPECS)
def test_a_hostile_spec_is_one_line_exit_2_and_nothing_written(
    body: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_bytes(body)
    out = tmp_path / "policy.json"
    assert main(["key-policy", "new", str(spec), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert message in captured.err, captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.json"]
