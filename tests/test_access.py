"""access: effective access per principal from a key policy alone, Access Analyzer-style findings,
the CLI, and every key policy example of the guide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kms_permissions import access as exported_access
from kms_permissions.cli import main
from kms_permissions.policy.access import InputError, access, facts
from kms_permissions.policy.access.analysis import ACCESS_FORMAT
from kms_permissions.policy.access.cases import (
    ACCOUNT,
    ADMIN_ROLE,
    APP_ROLE,
    AWS_MANAGED,
    EXTERNAL_ROLE,
    KEY_ARN,
    OTHER_ACCOUNT,
    ROOT,
    USER,
    enable_iam,
    policy,
    statement,
)
from kms_permissions.reference import load
from kms_permissions.scraper.examples_md import examples

OTHER_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"


def kinds(report: Any) -> list[str]:
    return [f.kind for f in report.findings]


def test_package_exports_access() -> None:
    assert exported_access is access


def test_default_key_policy() -> None:
    report = access(policy(enable_iam()), account=ACCOUNT)
    (root,) = report.principals
    assert (root.principal, root.kind, root.account, root.external) == (
        ROOT,
        "account",
        ACCOUNT,
        False,
    )
    assert root.iam_policies_enabled and report.iam_policies_enabled_for == (ACCOUNT,)
    # What a key policy cannot grant, straight from the dataset's read model.
    reference = load()
    cannot = {
        name
        for name, info in reference.actions.items()
        if not info.policy_types or info.key_policy_effective is False
    }
    (part,) = root.allows
    assert {i.action for i in part.ineffective} == cannot
    assert set(root.actions) == set(reference.actions) - cannot
    assert root.unconditional == root.actions
    assert "kms:CreateKey" in cannot and "kms:RetireGrant" in cannot
    assert report.findings == ()


def test_ineffective_reasons() -> None:
    report = access(
        policy(enable_iam(), statement("Allow", {"AWS": OTHER_ROOT}, "kms:*")), account=ACCOUNT
    )
    external = next(p for p in report.principals if p.principal == OTHER_ROOT)
    reasons = {i.action: i.reason for i in external.allows[0].ineffective}
    assert reasons["kms:ScheduleKeyDeletion"] == "cannot be used across accounts"
    assert reasons["kms:CreateKey"] == "IAM-policy-only permission: a key policy cannot grant it"
    assert reasons["kms:RetireGrant"] == "not effective in a key policy"
    usable = {
        a
        for a in facts.all_actions()
        if (f := facts.action_facts(a)) and f.cross_account == "yes" and f.key_policy_effective
    }
    assert set(external.actions) == usable
    assert kinds(report) == ["external-account"]


def test_deny_statements() -> None:
    kp = policy(
        statement("Allow", {"AWS": APP_ROLE}, ["kms:Encrypt", "kms:Decrypt"]),
        statement("Deny", {"AWS": APP_ROLE}, "kms:Decrypt"),
        statement(
            "Deny",
            {"AWS": APP_ROLE},
            "kms:Encrypt",
            condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
        ),
    )
    (role,) = access(kp, account=ACCOUNT).principals
    assert role.actions == ("kms:Decrypt", "kms:Encrypt")
    assert role.unconditional == ("kms:Encrypt",)
    assert [d.actions for d in role.denies] == [("kms:Decrypt",), ("kms:Encrypt",)]


def test_not_action_expands_from_the_dataset() -> None:
    kp = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": APP_ROLE},
            "NotAction": ["kms:*Key*", "kms:*Grant*"],
            "Resource": "*",
        }
    )
    (role,) = access(kp, account=ACCOUNT).principals
    assert "kms:Decrypt" in role.actions and "kms:CreateGrant" not in role.actions
    assert not any("Key" in a for a in role.actions)


# Principal "*": findings in the manner of IAM Access Analyzer (limited or not, and by what).
STAR = [
    ("unconditional", None, ACCOUNT, ["public-access"], ()),
    ("own account", {"StringEquals": {"kms:CallerAccount": ACCOUNT}}, ACCOUNT, [], ()),
    ("managed-key pattern", AWS_MANAGED["Condition"], ACCOUNT, [], ()),
    (
        "another account",
        {"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}},
        ACCOUNT,
        ["external-account"],
        ("aws:PrincipalAccount",),
    ),
    (
        "account unknown",
        {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
        None,
        ["external-account"],
        ("kms:CallerAccount",),
    ),
    ("principal ARN", {"ArnEquals": {"aws:PrincipalArn": APP_ROLE}}, ACCOUNT, [], ()),
    (
        "organization",
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        ACCOUNT,
        ["external-account"],
        ("aws:PrincipalOrgID",),
    ),
    (
        "endpoint",
        {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        ACCOUNT,
        ["public-access"],
        ("aws:SourceVpce",),
    ),
    (
        "service only",
        {"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
        ACCOUNT,
        ["public-access"],
        ("kms:ViaService",),
    ),
    (
        "negated",
        {"StringNotEquals": {"kms:CallerAccount": OTHER_ACCOUNT}},
        ACCOUNT,
        ["public-access"],
        ("kms:CallerAccount",),
    ),
    (
        "if exists",
        {"StringEqualsIfExists": {"kms:CallerAccount": ACCOUNT}},
        ACCOUNT,
        ["public-access"],
        ("kms:CallerAccount",),
    ),
    (
        "wildcard",
        {"StringLike": {"kms:CallerAccount": "*"}},
        ACCOUNT,
        ["public-access"],
        ("kms:CallerAccount",),
    ),
]


@pytest.mark.parametrize(
    ("name", "condition", "account", "expected", "limited_by"), STAR, ids=[s[0] for s in STAR]
)
def test_everyone(
    name: str, condition: Any, account: str | None, expected: list[str], limited_by: tuple[str, ...]
) -> None:
    report = access(
        policy(statement("Allow", "*", ["kms:Decrypt"], condition=condition)), account=account
    )
    assert kinds(report) == expected
    if expected:
        assert report.findings[0].limited_by == limited_by
        assert report.findings[0].actions == ("kms:Decrypt",)


def test_public_messages() -> None:
    assert (
        "without a condition"
        in access(policy(statement("Allow", {"AWS": "*"}, "kms:*")), ACCOUNT).findings[0].message
    )
    network = access(
        policy(
            statement(
                "Allow",
                "*",
                "kms:Decrypt",
                condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            )
        ),
        ACCOUNT,
    )
    assert "limited only by the network (aws:SourceIp)" in network.findings[0].message


def test_star_with_only_ineffective_actions_is_no_finding() -> None:
    assert access(policy(statement("Allow", "*", "kms:CreateKey")), account=ACCOUNT).findings == ()


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, ["service-without-source"]),
        ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, []),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:us-west-2:{ACCOUNT}:trail/main"}}, []),
        (
            {"StringEquals": {"kms:ViaService": "logs.us-west-2.amazonaws.com"}},
            ["service-without-source"],
        ),
    ],
)
def test_service_principals(condition: Any, expected: list[str]) -> None:
    kp = policy(
        statement(
            "Allow",
            {"Service": "cloudtrail.amazonaws.com"},
            "kms:GenerateDataKey*",
            condition=condition,
        )
    )
    report = access(kp, account=ACCOUNT)
    assert report.principals[0].kind == "service"
    assert kinds(report) == expected


def test_service_without_source_says_what_limits_it() -> None:
    """No condition at all is said so; "unless that condition pins the account" only where a
    condition exists (the CloudTrail trail policy's DescribeKey statement has none)."""
    bare = statement("Allow", {"Service": "cloudtrail.amazonaws.com"}, "kms:DescribeKey")
    (finding,) = access(policy(bare), account=ACCOUNT).findings
    assert "has no condition" in finding.message and "condition pins" not in finding.message
    assert finding.limited_by == ()
    context = {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*"}}
    limited = statement(
        "Allow", {"Service": "cloudtrail.amazonaws.com"}, "kms:GenerateDataKey*", condition=context
    )
    (finding,) = access(policy(limited), account=ACCOUNT).findings
    assert "limited only by kms:EncryptionContext:aws:cloudtrail:arn" in finding.message
    assert "unless that condition pins the account" in finding.message
    two = {**context, "StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}
    (finding,) = access(policy({**limited, "Condition": two}), account=ACCOUNT).findings
    assert "unless those conditions pin the account" in finding.message
    trail = (
        Path(__file__).parent / "realworld" / "04-cloudtrail-guide-default-trail-key-policy.json"
    )
    second = access(trail).findings[1]
    assert (second.kind, second.statement) == ("service-without-source", 2)
    assert "has no condition" in second.message and "unless" not in second.message


def test_external_principals() -> None:
    kp = policy(
        enable_iam(), statement("Allow", {"AWS": [EXTERNAL_ROLE, APP_ROLE]}, "kms:Decrypt", "Use")
    )
    report = access(kp, account=ACCOUNT)
    assert [(p.principal, p.kind, p.external) for p in report.principals] == [
        (ROOT, "account", False),
        (EXTERNAL_ROLE, "role", True),
        (APP_ROLE, "role", False),
    ]
    assert [(f.kind, f.principal, f.statement, f.sid) for f in report.findings] == [
        ("external-account", EXTERNAL_ROLE, 1, "Use")
    ]


def test_not_principal() -> None:
    allow = policy(
        {"Effect": "Allow", "NotPrincipal": {"AWS": USER}, "Action": "kms:*", "Resource": "*"}
    )
    (finding,) = access(allow, account=ACCOUNT).findings
    assert finding.kind == "cannot-decide" and "not support it" in finding.message
    deny = policy(
        enable_iam(),
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": [USER, ROOT]},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    )
    report = access(deny, account=ACCOUNT)
    assert report.findings == ()
    everyone_else = report.principals[1]
    assert (everyone_else.principal, everyone_else.kind) == (f"* except {USER}, {ROOT}", "everyone")
    assert everyone_else.denies[0].actions == ("kms:Decrypt",)


S3_BUCKET = "arn:aws:s3:::bucket"
ALIAS_ARN = f"arn:aws:kms:us-west-2:{ACCOUNT}:alias/app"
OTHER_KEY = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/0000aaaa-12ab-34cd-56ef-1234567890ab"


def _resource(element: str, value: Any) -> dict[str, Any]:
    root = {k: v for k, v in enable_iam().items() if k != "Resource"}
    admin = statement("Allow", {"AWS": ADMIN_ROLE}, "kms:*", "Admin")
    return policy(root | {element: value}, admin)


@pytest.mark.parametrize(
    ("element", "value", "applies"),
    [
        ("Resource", "*", True),
        ("Resource", KEY_ARN, True),  # the request's key: explain knows, access says maybe
        ("Resource", S3_BUCKET, False),
        ("Resource", ALIAS_ARN, False),
        ("Resource", [S3_BUCKET, "arn:aws:iam::111122223333:role/App"], False),
        ("NotResource", "*", False),
        ("NotResource", S3_BUCKET, True),
    ],
)
def test_explain_access_and_check_agree_on_a_resource_that_is_not_the_key(
    element: str, value: Any, applies: bool
) -> None:
    """A key policy statement applies only where its Resource can be the key: `*` or a key ARN.
    One that never applies grants nothing and enables no IAM policies, in all three verbs."""
    from kms_permissions.policy import check
    from kms_permissions.policy.access import explain
    from kms_permissions.policy.access.cases import iam_policy, request

    kp = _resource(element, value)
    report = access(kp, account=ACCOUNT)
    root = next(p for p in report.principals if p.principal == ROOT)
    decided = explain(kp, request(APP_ROLE, "kms:Decrypt"), [iam_policy("Allow", "kms:Decrypt")])
    codes = [r.code for r in decided.reasons]
    findings = check(kp, kind="key-policy", account=ACCOUNT)
    kms090 = [f for f in findings if f.rule_id == "KMS090" and f.statement == 0]
    if applies:
        assert report.iam_policies_enabled_for == (ACCOUNT,)
        assert root.allows[0].never_applies is None and "kms:Decrypt" in root.actions
        assert decided.decision == "allow" and "iam-policies-enabled" in codes
        assert all(f.severity == "warning" for f in kms090)
        assert "KMS050" not in [f.rule_id for f in findings]  # IAM policies enabled
    else:
        assert report.iam_policies_enabled_for == ()
        (part,) = root.allows
        assert part.actions == () and root.actions == () and not root.iam_policies_enabled
        assert part.never_applies and "never applies" in " ".join(
            [part.never_applies, *(i.reason for i in part.ineffective)]
        )
        assert "kms:Decrypt" in [i.action for i in part.ineffective]
        assert report.findings == ()
        assert decided.decision == "implicit-deny" and "iam-not-enabled" in codes
        assert "KMS050" in [f.rule_id for f in findings]  # IAM policies not enabled
        if element == "Resource":
            assert kms090 and {f.severity for f in kms090} == {"error"}
            assert all("never applies" in f.message for f in kms090)


def test_a_root_statement_on_an_s3_bucket_grants_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The issue's policy and the CloudTrail guide's trail key policy: access no longer says
    IAM policies are enabled, nor that root is allowed anything "on arn:aws:s3:::bucket"."""
    kp = policy(
        {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": S3_BUCKET}
    )
    report = access(kp)
    assert report.iam_policies_enabled_for == () and report.findings == ()
    document = report.to_json()
    (part,) = document["principals"][0]["allows"]
    assert part["actions"] == [] and "is not this key" in part["never_applies"]
    trail = (
        Path(__file__).parent / "realworld" / "04-cloudtrail-guide-default-trail-key-policy.json"
    )
    assert main(["access", str(trail)]) == 1
    out = capsys.readouterr().out
    assert "IAM policies enabled for: none" in out
    assert "statement 0 (Enable IAM User Permissions) allows nothing: its Resource" in out
    assert "on arn:aws:s3:::myBucketName" not in out
    assert "ineffective (the statement never applies): kms:CancelKeyDeletion" in out


@pytest.mark.parametrize(
    ("kp", "expected"),
    [
        (policy(enable_iam()), (ACCOUNT, "inferred")),
        # The owner is the account allowed permissions only it can use.
        (
            policy(enable_iam(), statement("Allow", {"AWS": OTHER_ROOT}, "kms:Decrypt")),
            (ACCOUNT, "inferred"),
        ),
        (
            policy({**statement("Allow", {"AWS": APP_ROLE}, "kms:Decrypt"), "Resource": KEY_ARN}),
            (ACCOUNT, "inferred"),
        ),
        (policy(statement("Allow", "*", "kms:Decrypt")), (None, None)),
        (policy(enable_iam(), enable_iam(OTHER_ACCOUNT)), (None, None)),
    ],
)
def test_account_inference(kp: Any, expected: tuple[str | None, str | None]) -> None:
    report = access(kp)
    assert (report.account, report.account_source) == expected
    assert (
        access(kp, account=OTHER_ACCOUNT).account,
        access(kp, account=OTHER_ACCOUNT).account_source,
    ) == (OTHER_ACCOUNT, "given")


def test_bad_input() -> None:
    with pytest.raises(InputError, match="needs a Principal"):
        access(policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))
    with pytest.raises(InputError, match="line 1 column 1"):
        access("nope")


def test_json_document() -> None:
    document = access(policy(enable_iam(), AWS_MANAGED), account=ACCOUNT).to_json()
    assert document["format"] == ACCESS_FORMAT
    assert set(document) == {
        "format",
        "dataset_version",
        "file",
        "account",
        "account_source",
        "iam_policies_enabled_for",
        "principals",
        "findings",
    }
    star = document["principals"][1]
    assert set(star) == {
        "principal",
        "kind",
        "account",
        "external",
        "iam_policies_enabled",
        "actions",
        "unconditional_actions",
        "allows",
        "denies",
    }
    assert star["allows"][0]["conditions"][0] == {
        "operator": "StringEquals",
        "key": "kms:CallerAccount",
        "values": [ACCOUNT],
    }
    assert json.loads(json.dumps(document)) == document


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quiet = tmp_path / "quiet.json"
    quiet.write_text(json.dumps(policy(enable_iam(), AWS_MANAGED)))
    assert main(["access", str(quiet), "--account", ACCOUNT]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        f"key policy: {quiet}",
        f"account:    {ACCOUNT}",
        f"IAM policies enabled for: {ACCOUNT}",
        "principals:",
    ]
    assert lines[-1] == "findings: 0"
    exposed = tmp_path / "exposed.json"
    exposed.write_text(json.dumps(policy(statement("Allow", "*", "kms:Decrypt", "Everyone"))))
    assert main(["access", str(exposed), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in document["findings"]] == ["public-access"]
    assert main(["access", str(exposed), "--account", "12"]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "kms-permissions access: --account '12': not a 12-digit account ID"
    )
    assert main(["access", str(tmp_path / "none.json")]) == 2
    assert "none.json: No such file or directory" in capsys.readouterr().err


# --- every key policy example of the guide --------------------------------------------------


def _guide_examples(corpus: Path) -> list[Any]:
    revisions = json.loads((corpus / "kms-devguide-github" / "revisions.json").read_text())
    newest: dict[str, Path] = {}
    for revision in revisions["revisions"]:
        for page in revision["files"]:
            newest.setdefault(
                page, corpus / "kms-devguide-github" / revision["dir"] / "doc_source" / page
            )
    found = []
    for page, path in sorted(newest.items()):
        found += examples(path.read_text(), page.removesuffix(".md"))
    return found


def test_every_key_policy_example_of_the_guide(corpus: Path) -> None:
    reports, not_key_policies = {}, 0
    for example in _guide_examples(corpus):
        if example.error or "VPC endpoint policy" in example.section:
            continue
        try:
            reports[(example.page, example.line)] = access(example.text, account="111122223333")
        except InputError:
            not_key_policies += 1  # identity policies, and a CloudTrail log entry
    assert (len(reports), not_key_policies) == (49, 16)
    findings = {key: kinds(r) for key, r in reports.items() if r.findings}
    # The examples that give another account access, and no public access anywhere.
    assert findings == {
        ("conditions-kms", 334): ["external-account"],
        ("conditions-kms", 436): ["external-account"],
        ("key-policy-modifying-external-accounts", 64): ["external-account"],
        ("key-policy-modifying-external-accounts", 92): ["external-account", "external-account"],
        ("key-policy-modifying-external-accounts", 169): ["external-account"],
        ("key-policy-modifying-external-accounts", 191): ["external-account"],
    }
    default = reports[("key-policy-default", 32)]
    assert default.principals[0].iam_policies_enabled and default.principals[0].unconditional
    managed = reports[("conditions-kms", 132)]
    assert managed.principals[0].kind == "everyone" and not managed.findings
    # kms:CreateKey in a key policy example is set apart as IAM-policy-only.
    origin = reports[("conditions-kms", 911)]
    assert [i.action for s in origin.principals[0].allows for i in s.ineffective] == [
        "kms:CreateKey"
    ]


def test_every_example_of_every_revision_goes_through(corpus: Path) -> None:
    """Every distinct key policy example of the archive: access, and explain for a few callers."""
    from kms_permissions.policy.access import explain

    seen: set[str] = set()
    analysed = 0
    for path in sorted((corpus / "kms-devguide-github").glob("*/doc_source/*.md")):
        for example in examples(path.read_text(), path.stem):
            if example.error or example.text in seen:
                continue
            seen.add(example.text)
            try:
                access(example.text)
            except InputError:
                continue
            analysed += 1
            for caller in (APP_ROLE, USER, EXTERNAL_ROLE, ROOT, "cloudtrail.amazonaws.com"):
                for action in ("kms:Decrypt", "kms:CreateGrant", "kms:ScheduleKeyDeletion"):
                    request = {"principal": caller, "action": action, "key_arn": KEY_ARN}
                    result = explain(example.text, request)
                    assert result.decided or result.undecided
    assert analysed == 101


# --- Deny statements and ARN patterns bound who "*" is --------------------------------------

ORG_DENY: dict[str, Any] = {
    "Sid": "Only the organization",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "kms:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
}


@pytest.mark.parametrize(
    ("deny", "expected"),
    [
        (ORG_DENY, "organization"),
        ({**ORG_DENY, "Action": "kms:Encrypt"}, "public"),  # does not cover Decrypt
        (  # an extra condition narrows the Deny: it no longer bounds everyone
            {
                **ORG_DENY,
                "Condition": {**ORG_DENY["Condition"], "Bool": {"aws:SecureTransport": "false"}},
            },
            "public",
        ),
        (
            {**ORG_DENY, "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}},
            "none",
        ),
    ],
)
def test_a_deny_outside_the_organization_bounds_a_star_allow(deny: Any, expected: str) -> None:
    kp = policy(statement("Allow", "*", "kms:Decrypt", "Everyone"), deny)
    findings = access(kp, account=ACCOUNT).findings
    if expected == "none":
        assert findings == ()
        return
    (finding,) = findings
    if expected == "organization":
        assert finding.kind == "external-account"
        assert "limited to the organization ['o-a1b2c3d4e5']" in finding.message
        assert "bounded by the Deny of statement 1" in finding.message
    else:
        assert finding.kind == "public-access"


def test_an_arn_pattern_with_its_account_written_out_pins_the_account() -> None:
    own = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}}
    anywhere = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}
    assert (
        access(policy(statement("Allow", "*", "kms:Decrypt", "Own", own)), ACCOUNT).findings == ()
    )
    (finding,) = access(
        policy(statement("Allow", "*", "kms:Decrypt", "Any", anywhere)), ACCOUNT
    ).findings
    assert finding.kind == "public-access"


def test_a_statement_that_can_never_match_is_reported() -> None:
    never = statement(
        "Allow",
        {"AWS": OTHER_ROOT},
        "kms:Decrypt",
        "Never",
        {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
    )
    kinds = [f.kind for f in access(policy(enable_iam(), never), ACCOUNT).findings]
    assert kinds == ["external-account", "never-matches"]
