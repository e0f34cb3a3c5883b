"""explain: every evaluation rule as a small real scenario, the CLI, and the rules' invariants."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kms_permissions import explain as exported_explain
from kms_permissions.cli import main
from kms_permissions.policy.access import InputError, explain, facts
from kms_permissions.policy.access.cases import (
    ACCOUNT,
    ADMIN_ROLE,
    APP_ROLE,
    APP_SESSION,
    CASES,
    DECRYPT_GRANT,
    EXTERNAL_ROLE,
    KEY_ARN,
    OTHER_ACCOUNT,
    ROOT,
    USER,
    VPCE,
    Case,
    enable_iam,
    iam_policy,
    policy,
    request,
    statement,
)
from kms_permissions.policy.access.results import EXPLAIN_FORMAT


def run_case(case: Case) -> Any:
    return explain(**case.inputs())


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_case(case: Case) -> None:
    result = run_case(case)
    assert result.decided == case.decided
    assert result.decision == case.decision
    assert tuple((r.code, r.kind, r.statement) for r in result.reasons) == case.reasons
    assert all(r.basis.startswith("https://docs.aws.amazon.com/") for r in result.reasons)


# The issue's "Done when" scenarios, each a case above.
REQUIRED = {
    "same-account-iam-policy": "allow",
    "same-account-no-iam-policy": "implicit-deny",
    "iam-policies-not-enabled": "implicit-deny",
    "cross-account-with-iam-policy": "allow",
    "cross-account-without-iam-policy": "implicit-deny",
    "cross-account-not-usable": "implicit-deny",
    "deny-via-service": "explicit-deny",
    "encryption-context-match": "allow",
    "encryption-context-mismatch": "implicit-deny",
    "aws-managed-key-pattern": "allow",
    "aws-managed-key-other-account": "implicit-deny",
    "grant-operations-within": "allow",
    "grant-operations-beyond": "implicit-deny",
    "retire-grant-in-key-policy": "implicit-deny",
    "grant-allows-decrypt": "allow",
    "vpc-endpoint-policy-denies": "explicit-deny",
}


def test_cases_cover_the_issue() -> None:
    by_slug = {c.slug: c for c in CASES}
    assert len(by_slug) == len(CASES)
    assert {slug: by_slug[slug].decision for slug in REQUIRED} == REQUIRED


def test_cases_are_plain_data() -> None:
    for case in CASES:
        for document in (
            case.key_policy,
            case.request,
            *case.iam_policies,
            *case.grants,
            *case.scps,
            *case.rcps,
        ):
            assert json.loads(json.dumps(document)) == document
        assert case.title and case.rule and case.basis.startswith("https://")


def test_package_exports_explain() -> None:
    assert exported_explain is explain


def test_rule_texts_name_what_decided() -> None:
    cross = next(c for c in CASES if c.slug == "cross-account-not-usable")
    assert [r.rule for r in run_case(cross).reasons] == [
        f"kms:ScheduleKeyDeletion cannot be used across accounts (the key is in account {ACCOUNT}, "
        f"the caller in {OTHER_ACCOUNT})"
    ]
    retire = next(c for c in CASES if c.slug == "retire-grant-in-key-policy")
    assert "kms:RetireGrant is not effective in a key policy" in [
        r.rule for r in run_case(retire).reasons
    ]
    iam = next(c for c in CASES if c.slug == "same-account-iam-policy")
    assert (
        f"the key policy enables IAM policies for account {ACCOUNT} and the IAM policy allows"
        in [r.rule for r in run_case(iam).reasons]
    )


# --- more rules, each a scenario -----------------------------------------------------------


def decide(key_policy: Any, req: Any, **others: Any) -> tuple[str, bool, list[str]]:
    result = explain(key_policy, req, **others)
    return result.decision, result.decided, [r.code for r in result.reasons]


KEY_USERS = statement("Allow", {"AWS": APP_ROLE}, ["kms:Decrypt", "kms:Encrypt"], "Key users")


@pytest.mark.parametrize(
    ("principal", "caller", "decision"),
    [
        ({"AWS": ACCOUNT}, ROOT, "allow"),  # an account ID is the account (the root user itself)
        ({"AWS": "*"}, APP_SESSION, "allow"),
        ("*", USER, "allow"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/team/App"}, APP_SESSION, "allow"),  # path
        ({"AWS": APP_SESSION}, APP_SESSION, "allow"),
        ({"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/App/other"}, APP_SESSION, "implicit-deny"),
        ({"AWS": APP_ROLE}, USER, "implicit-deny"),
        ({"AWS": USER}, USER, "allow"),
        ({"Service": "ec2.amazonaws.com"}, APP_SESSION, "implicit-deny"),
        ({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:role/App"}, APP_SESSION, "implicit-deny"),
    ],
)
def test_principal_forms(principal: Any, caller: str, decision: str) -> None:
    kp = policy(statement("Allow", principal, "kms:Decrypt"))
    assert decide(kp, request(caller, "kms:Decrypt"))[0] == decision


def test_session_named_in_policy_but_request_names_role() -> None:
    kp = policy(statement("Allow", {"AWS": APP_SESSION}, "kms:Decrypt", "One session"))
    result, decided, codes = decide(kp, request(APP_ROLE, "kms:Decrypt"))
    assert (result, decided, codes[0]) == ("implicit-deny", False, "cannot-decide")


def test_not_action_and_not_resource() -> None:
    kp = policy(
        enable_iam(),
        {
            "Effect": "Allow",
            "Principal": {"AWS": APP_ROLE},
            "NotAction": "kms:Decrypt",
            "Resource": "*",
        },
    )
    assert decide(kp, request(APP_ROLE, "kms:Encrypt"))[0] == "allow"
    assert decide(kp, request(APP_ROLE, "kms:Decrypt"))[0] == "implicit-deny"
    elsewhere = iam_policy("Allow", "kms:Decrypt", resource="*")
    elsewhere["Statement"][0] = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "NotResource": "arn:aws:kms:*:*:key/other",
    }
    assert (
        decide(policy(enable_iam()), request(APP_ROLE, "kms:Decrypt"), iam_policies=[elsewhere])[0]
        == "allow"
    )
    elsewhere["Statement"][0]["NotResource"] = "arn:aws:kms:*:*:key/*"
    assert (
        decide(policy(enable_iam()), request(APP_ROLE, "kms:Decrypt"), iam_policies=[elsewhere])[0]
        == "implicit-deny"
    )


def test_action_wildcards_ignore_case() -> None:
    kp = policy(statement("Allow", {"AWS": APP_ROLE}, ["KMS:generatedatakey*"]))
    assert decide(kp, request(APP_ROLE, "kms:GenerateDataKeyPair"))[0] == "allow"
    assert decide(kp, request(APP_ROLE, "kms:Decrypt"))[0] == "implicit-deny"


def test_iam_policy_resource_must_cover_the_key() -> None:
    other_key = iam_policy("Allow", "kms:Decrypt", resource="arn:aws:kms:us-east-1:*:key/*")
    result, _, codes = decide(
        policy(enable_iam()), request(APP_ROLE, "kms:Decrypt"), iam_policies=[other_key]
    )
    assert result == "implicit-deny" and "no-iam-allow" in codes


def test_cross_account_principal_named_directly_still_needs_its_iam_policy() -> None:
    kp = policy(enable_iam(), statement("Allow", {"AWS": EXTERNAL_ROLE}, "kms:Decrypt"))
    req = request(EXTERNAL_ROLE, "kms:Decrypt")
    assert decide(kp, req)[0] == "implicit-deny"
    assert decide(kp, req, iam_policies=[iam_policy("Allow", "kms:Decrypt")])[0] == "allow"


def test_cross_account_key_policy_missing() -> None:
    result, _, codes = decide(
        policy(enable_iam()),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        iam_policies=[iam_policy("Allow", "kms:*")],
    )
    assert result == "implicit-deny" and codes[0] == "no-key-policy-allow"


def test_not_principal_deny() -> None:
    spared = {"AWS": [APP_ROLE, ROOT]}
    kp = policy(
        statement("Allow", "*", "kms:Decrypt"),
        {"Effect": "Deny", "NotPrincipal": spared, "Action": "kms:*", "Resource": "*"},
    )
    # A session is named by its own ARN: listing its role does not spare it (the NotPrincipal
    # page's role example lists the session, the role and the account).
    assert decide(kp, request(APP_SESSION, "kms:Decrypt"))[:2] == ("explicit-deny", True)
    assert decide(kp, request(APP_ROLE, "kms:Decrypt"))[:2] == ("allow", True)
    assert decide(kp, request(USER, "kms:Decrypt"))[0] == "explicit-deny"
    kp["Statement"][1]["NotPrincipal"] = {"AWS": [APP_SESSION, APP_ROLE, ROOT]}
    assert decide(kp, request(APP_SESSION, "kms:Decrypt"))[:2] == ("allow", True)
    other_session = APP_SESSION.replace("i-0123456789", "i-other")
    assert decide(kp, request(other_session, "kms:Decrypt"))[:2] == ("explicit-deny", True)
    # Listing the caller without its role or account: AWS may check them first; not guessed.
    kp["Statement"][1]["NotPrincipal"] = {"AWS": [APP_SESSION, ROOT]}
    assert decide(kp, request(APP_SESSION, "kms:Decrypt"))[:2] == ("allow", False)
    kp["Statement"][1]["NotPrincipal"] = {"AWS": APP_ROLE}
    assert decide(kp, request(APP_ROLE, "kms:Decrypt"))[:2] == ("allow", False)


def test_not_principal_allow_is_not_guessed() -> None:
    kp = policy(
        {"Effect": "Allow", "NotPrincipal": {"AWS": USER}, "Action": "kms:*", "Resource": "*"}
    )
    _, decided, codes = decide(kp, request(APP_ROLE, "kms:Decrypt"))
    assert (decided, codes[0]) == (False, "cannot-decide")


def test_explicit_deny_in_iam_policy_of_external_principal() -> None:
    kp = policy(enable_iam(), statement("Allow", "*", "kms:Decrypt"))
    deny = policy({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    assert (
        decide(kp, request(EXTERNAL_ROLE, "kms:Decrypt"), iam_policies=[deny])[0] == "explicit-deny"
    )


def test_derived_context_keys() -> None:
    result = explain(
        policy(enable_iam()),
        request(
            APP_SESSION,
            "kms:Decrypt",
            {"kms:EncryptionContext:b": "2", "kms:EncryptionContext:A": "1"},
        ),
    )
    # A session ARN carries no role path: aws:PrincipalArn is never derived from it.
    assert "aws:PrincipalArn" not in result.context
    assert "aws:PrincipalArn" not in result.derived
    assert result.context["aws:PrincipalAccount"] == ACCOUNT
    assert result.context["aws:PrincipalType"] == "AssumedRole"
    assert result.context["aws:PrincipalIsAWSService"] == "false"
    assert result.context["aws:RequestedRegion"] == "us-west-2"
    assert result.context["aws:SecureTransport"] == "true"
    assert result.context["aws:ViaAWSService"] == "false"
    assert (
        "aws:RequestedRegion" in result.derived and "kms:EncryptionContext:b" not in result.derived
    )
    assert result.context["kms:CallerAccount"] == ACCOUNT
    assert result.context["kms:EncryptionContextKeys"] == ["A", "b"]
    assert "aws:username" not in result.context
    user = explain(policy(enable_iam()), request(USER, "kms:Decrypt"))
    assert user.context["aws:username"] == "ExampleUser"
    service = explain(policy(enable_iam()), request("cloudtrail.amazonaws.com", "kms:Decrypt"))
    assert service.context["aws:PrincipalServiceName"] == "cloudtrail.amazonaws.com"
    assert service.context["aws:PrincipalIsAWSService"] == "true"
    assert "aws:PrincipalAccount" not in service.context
    sso = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
        "AWSReservedSSO_Admin_0123"
    )
    with_path = explain(
        policy(enable_iam()),
        {
            **request(
                f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/jane", "kms:Decrypt"
            ),
            "principal_arn": sso,
        },
    )
    assert with_path.context["aws:PrincipalArn"] == sso
    given_arn = f"arn:aws:iam::{ACCOUNT}:role/team/App"
    override = explain(
        policy(enable_iam()), request(APP_SESSION, "kms:Decrypt", {"AWS:PrincipalArn": given_arn})
    )
    assert (
        override.context["AWS:PrincipalArn"] == given_arn
        and "aws:PrincipalArn" not in override.context
    )


def test_principal_arn_condition_with_a_session() -> None:
    kp = policy(
        statement(
            "Allow", "*", "kms:Decrypt", condition={"ArnEquals": {"aws:PrincipalArn": APP_ROLE}}
        )
    )
    # Without the role's ARN (and so its path) the condition cannot be decided, never guessed.
    assert decide(kp, request(APP_SESSION, "kms:Decrypt"))[:2] == ("implicit-deny", False)
    given = {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE}
    assert decide(kp, given)[0] == "allow"
    pathed = {
        **request(APP_SESSION, "kms:Decrypt"),
        "principal_arn": f"arn:aws:iam::{ACCOUNT}:role/team/App",
    }
    assert decide(kp, pathed)[:2] == ("implicit-deny", True)


def test_vpc_endpoint() -> None:
    kp = policy(statement("Allow", {"AWS": APP_ROLE}, "kms:Decrypt"))
    endpoint = policy(
        statement(
            "Allow",
            "*",
            "kms:Decrypt",
            condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        )
    )
    assert decide(kp, request(APP_ROLE, "kms:Decrypt", vpce=VPCE), vpce_policy=endpoint)[2] == [
        "key-policy-allows",
        "vpce-policy-allows",
    ]
    # Not through the endpoint: its policy takes no part.
    result, _, codes = decide(
        kp, request(APP_ROLE, "kms:Decrypt"), vpce_policy=policy(statement("Deny", "*", "kms:*"))
    )
    assert (result, codes) == ("allow", ["key-policy-allows", "vpce-policy-not-used"])
    # Through an endpoint whose policy was not given: said so.
    assert decide(kp, request(APP_ROLE, "kms:Decrypt", {"aws:SourceVpce": VPCE}))[2] == [
        "key-policy-allows",
        "vpce-policy-not-given",
    ]
    # A key policy condition on the endpoint.
    only = policy(
        statement(
            "Allow",
            {"AWS": APP_ROLE},
            "kms:Decrypt",
            condition={"StringEquals": {"aws:SourceVpce": VPCE}},
        )
    )
    assert decide(only, request(APP_ROLE, "kms:Decrypt", vpce=VPCE))[0] == "allow"
    assert decide(only, request(APP_ROLE, "kms:Decrypt", vpce="vpce-0other"))[0] == "implicit-deny"


def test_grants() -> None:
    kp = policy(enable_iam())
    ctx = {"kms:EncryptionContext:department": "IT"}
    assert (
        decide(kp, request(APP_SESSION, "kms:Decrypt", ctx), grants=[DECRYPT_GRANT])[0] == "allow"
    )  # key case ignored
    wrong_case = {"kms:EncryptionContext:Department": "it"}
    assert (
        decide(kp, request(APP_ROLE, "kms:Decrypt", wrong_case), grants=[DECRYPT_GRANT])[0]
        == "implicit-deny"
    )
    assert (
        decide(kp, request(APP_ROLE, "kms:Encrypt", ctx), grants=[DECRYPT_GRANT])[0]
        == "implicit-deny"
    )
    subset = {**DECRYPT_GRANT, "Constraints": {"EncryptionContextSubset": {"Department": "IT"}}}
    more = {**ctx, "kms:EncryptionContext:Project": "x"}
    assert decide(kp, request(APP_ROLE, "kms:Decrypt", more), grants=[subset])[0] == "allow"
    other_key = {**DECRYPT_GRANT, "KeyId": KEY_ARN.replace("1234abcd", "9999abcd")}
    assert (
        decide(kp, request(APP_ROLE, "kms:Decrypt", ctx), grants=[other_key])[0] == "implicit-deny"
    )
    listed = {"Grants": [other_key, DECRYPT_GRANT]}
    assert decide(kp, request(APP_ROLE, "kms:Decrypt", ctx), grants=[listed])[0] == "allow"
    # An external grantee: grants work across accounts.
    external = {**DECRYPT_GRANT, "GranteePrincipal": EXTERNAL_ROLE, "Constraints": {}}
    assert decide(kp, request(EXTERNAL_ROLE, "kms:Decrypt"), grants=[external])[0] == "allow"
    # Constraints on a grant that allows CreateGrant: a new grant without one at least as strict
    # is refused (tests/test_grant_chain.py); one without its operations given is not guessed.
    creator = {**DECRYPT_GRANT, "Operations": ["CreateGrant"]}
    assert decide(kp, request(APP_ROLE, "kms:CreateGrant"), grants=[creator])[:2] == (
        "implicit-deny",
        True,
    )
    same = {"kms:GrantConstraintType": "EncryptionContextEquals", **ctx}
    assert decide(kp, request(APP_ROLE, "kms:CreateGrant", same), grants=[creator])[:2] == (
        "implicit-deny",
        False,
    )
    # An explicit Deny wins over a grant.
    deny = policy(enable_iam(), statement("Deny", {"AWS": APP_ROLE}, "kms:Decrypt"))
    assert (
        decide(deny, request(APP_ROLE, "kms:Decrypt", ctx), grants=[DECRYPT_GRANT])[0]
        == "explicit-deny"
    )


def test_retire_grant_ways() -> None:
    kp = policy(enable_iam())
    grantee_retires = {**DECRYPT_GRANT, "Operations": ["Decrypt", "RetireGrant"]}
    assert decide(kp, request(APP_ROLE, "kms:RetireGrant"), grants=[grantee_retires])[0] == "allow"
    assert (
        decide(kp, request(APP_ROLE, "kms:RetireGrant"), grants=[DECRYPT_GRANT])[0]
        == "implicit-deny"
    )
    assert decide(kp, request(ROOT, "kms:RetireGrant"), grants=[DECRYPT_GRANT])[0] == "allow"
    delegated = [iam_policy("Allow", "kms:RetireGrant")]
    assert (
        decide(
            kp, request(USER, "kms:RetireGrant"), grants=[DECRYPT_GRANT], iam_policies=delegated
        )[0]
        == "allow"
    )
    assert (
        decide(kp, request(USER, "kms:RetireGrant"), grants=[DECRYPT_GRANT])[0] == "implicit-deny"
    )


def test_iam_only_permission_ignores_the_key_policy() -> None:
    kp = policy(statement("Deny", "*", "kms:*"))
    create = {"principal": USER, "action": "kms:CreateKey"}
    allow = iam_policy("Allow", "kms:CreateKey", resource="*")
    assert decide(kp, create, iam_policies=[allow])[0] == "allow"
    # A key ARN as the IAM policy's resource does not cover an operation on no key.
    assert (
        decide(kp, create, iam_policies=[iam_policy("Allow", "kms:CreateKey")])[0]
        == "implicit-deny"
    )


def test_service_principal_ignores_iam_policies() -> None:
    kp = policy(statement("Allow", {"Service": "cloudtrail.amazonaws.com"}, "kms:GenerateDataKey"))
    result, _, codes = decide(
        kp,
        request("cloudtrail.amazonaws.com", "kms:GenerateDataKey"),
        iam_policies=[policy({"Effect": "Deny", "Action": "*", "Resource": "*"})],
    )
    assert (result, codes) == ("allow", ["key-policy-allows", "iam-policy-not-used"])


UNDECIDABLE: list[tuple[str, Any, Any, Any]] = [
    (
        "unknown operator in a Deny",
        policy(
            statement("Allow", "*", "kms:*"),
            statement("Deny", "*", "kms:*", condition={"StringSortOf": {"kms:ViaService": "x"}}),
        ),
        request(APP_ROLE, "kms:Decrypt", {"kms:ViaService": "x"}),
        {},
    ),
    (
        "wildcard in a principal ARN",
        policy(statement("Allow", {"AWS": "arn:aws:iam::*:role/App"}, "kms:*")),
        request(APP_ROLE, "kms:Decrypt"),
        {},
    ),
]


@pytest.mark.parametrize(
    ("name", "kp", "req", "others"), UNDECIDABLE, ids=[u[0] for u in UNDECIDABLE]
)
def test_undecidable_is_said_not_guessed(name: str, kp: Any, req: Any, others: Any) -> None:
    result = explain(kp, req, **others)
    assert not result.decided
    assert result.reasons[0].code == "cannot-decide"
    assert result.reasons[0].rule.startswith("cannot decide: ")


def test_permission_without_policy_type_is_not_guessed() -> None:
    unknown = [a for a in facts.all_actions() if not facts.action_facts(a).policy_types]  # type: ignore[union-attr]
    if not unknown:
        pytest.skip("every permission of the dataset has a policy type")
    result = explain(policy(statement("Allow", "*", "kms:*")), request(APP_ROLE, unknown[0]))
    assert not result.decided and result.undecided


# --- bad input -----------------------------------------------------------------------------

BAD_REQUESTS = [
    (
        {"principal": APP_ROLE, "action": "kms:Decrpyt", "key_arn": KEY_ARN},
        "action: 'kms:Decrpyt' is not a KMS permission",
    ),
    ({"principal": APP_ROLE, "action": "kms:Decrypt"}, "key_arn: missing"),
    (
        {"principal": APP_ROLE, "action": "kms:Decrypt", "key_arn": "alias/x"},
        "key_arn: 'alias/x' is not a KMS key ARN",
    ),
    ({"principal": "bob", "action": "kms:Decrypt", "key_arn": KEY_ARN}, "principal: 'bob' is not"),
    (
        {
            "principal": f"arn:aws:iam::{ACCOUNT}:group/Admins",
            "action": "kms:Decrypt",
            "key_arn": KEY_ARN,
        },
        "is not a root, user, role",
    ),
    (
        {"principal": APP_ROLE, "action": "kms:Decrypt", "key_arn": KEY_ARN, "contxt": {}},
        "contxt: unknown field",
    ),
    (
        {
            "principal": APP_ROLE,
            "action": "kms:Decrypt",
            "key_arn": KEY_ARN,
            "context": {"kms:ViaService": {"a": 1}},
        },
        "a context value is a string",
    ),
    (
        {
            "principal": APP_ROLE,
            "action": "kms:Decrypt",
            "key_arn": KEY_ARN,
            "context": {"a:b": "1", "A:B": "2"},
        },
        "given twice",
    ),
    (
        {"principal": APP_ROLE, "action": "kms:Decrypt", "key_arn": KEY_ARN, "vpce": "endpoint"},
        "vpce: 'endpoint' is not a VPC endpoint ID",
    ),
    (["not", "an", "object"], "a request is a JSON object"),
    (
        {
            "principal": APP_ROLE,
            "action": "kms:Decrypt",
            "key_arn": KEY_ARN,
            "context": {"kms:ViaService": ["a", "b"]},
        },
        "kms:ViaService is single-valued in the dataset; the request gives 2 values",
    ),
]


@pytest.mark.parametrize(("req", "message"), BAD_REQUESTS)
def test_bad_request(req: Any, message: str) -> None:
    with pytest.raises(
        InputError, match="^request: .*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        explain(policy(enable_iam()), req)


BAD_POLICIES = [
    (
        "key_policy",
        {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]},
        r"key-policy: \$\.Statement\[0\]: a key policy statement needs a Principal",
    ),
    (
        "key_policy",
        {"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "kms:*", "Resource": "*"}]},
        r"key-policy: \$\.Statement\[0\]\.Effect: must be Allow or Deny",
    ),
    (
        "key_policy",
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}]},
        "no Resource or NotResource",
    ),
    (
        "key_policy",
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": 7, "Resource": "*"}]},
        r"Action: must be a string",
    ),
    (
        "key_policy",
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "kms:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": "x"},
                }
            ]
        },
        "must be an object of key: values",
    ),
    (
        "iam_policies",
        [policy(statement("Allow", "*", "kms:*"))],
        r"iam-policy\[0\]: .*names no Principal",
    ),
    (
        "grants",
        [{**DECRYPT_GRANT, "Operations": ["Frobnicate"]}],
        r"grant\[0\]: grant 0\.Operations: 'Frobnicate' is not a grant operation",
    ),
    (
        "grants",
        [{**DECRYPT_GRANT, "Constraints": {"EncryptionContextLike": {}}}],
        "only EncryptionContextEquals",
    ),
    (
        "vpce_policy",
        policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
        "vpce-policy: .*needs a Principal",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_POLICIES)
def test_bad_policy(field: str, value: Any, message: str) -> None:
    arguments: dict[str, Any] = {
        "key_policy": policy(enable_iam()),
        "request": request(APP_ROLE, "kms:Decrypt"),
    }
    arguments[field] = value
    with pytest.raises(InputError, match=message):
        explain(**arguments)


# --- the command line ----------------------------------------------------------------------


def write(folder: Path, name: str, data: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def cli(folder: Path, case: Case, *extra: str) -> list[str]:
    argv = [
        "explain",
        "--key-policy",
        write(folder, "key-policy.json", case.key_policy),
        "--request",
        write(folder, "request.json", case.request),
    ]
    for i, document in enumerate(case.iam_policies):
        argv += ["--iam-policy", write(folder, f"iam-{i}.json", document)]
    for i, grant in enumerate(case.grants):
        argv += ["--grant", write(folder, f"grant-{i}.json", grant)]
    if case.vpce_policy:
        argv += ["--vpce-policy", write(folder, "vpce.json", case.vpce_policy)]
    for i, document in enumerate(case.scps):
        argv += ["--scp", write(folder, f"scp-{i}.json", document)]
    for i, document in enumerate(case.rcps):
        argv += ["--rcp", write(folder, f"rcp-{i}.json", document)]
    if case.permissions_boundary:
        argv += ["--permissions-boundary", write(folder, "pb.json", case.permissions_boundary)]
    if case.session_policy:
        argv += ["--session-policy", write(folder, "session.json", case.session_policy)]
    if case.other_key_policy:
        argv += ["--other-key-policy", write(folder, "other-key.json", case.other_key_policy)]
    return argv + list(extra)


EXIT = {"allow": 0, "explicit-deny": 1, "implicit-deny": 1}


@pytest.mark.parametrize("case", CASES, ids=[c.slug for c in CASES])
def test_cli_json(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(cli(tmp_path, case, "--json"))
    out = json.loads(capsys.readouterr().out)
    assert status == (EXIT[case.decision] if case.decided else 2)
    assert out["format"] == EXPLAIN_FORMAT
    assert out["decision"] == case.decision and out["decided"] is case.decided
    assert set(out["request"]) - {"other_key_arn"} == {
        "principal",
        "action",
        "key_arn",
        "context",
        "derived",
        "absent",
    }
    assert out["request"].get("other_key_arn") == case.request.get("other_key_arn")
    assert {a["subject"] for a in out["assumptions"]} <= {
        "iam-policy",
        "scp",
        "rcp",
        "permissions-boundary",
        "session-policy",
        "vpce-policy",
        "management_account",
        "key_manager",
        "other_key",
        "context",
    }
    assert out["strict"] is False
    assert [(r["code"], r["kind"], r["statement"]) for r in out["reasons"]] == list(case.reasons)
    for reason in out["reasons"]:
        assert set(reason) == {
            "code",
            "rule",
            "kind",
            "file",
            "statement",
            "sid",
            "path",
            "basis",
            "stage",
        }
        if (
            reason["kind"] in ("key-policy", "iam-policy", "vpce-policy", "grant", "scp", "rcp")
            and reason["statement"] is not None
        ):
            assert reason["file"].startswith(str(tmp_path))


def test_cli_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c.slug == "deny-via-service")
    assert main(cli(tmp_path, case)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "decision: explicit-deny"
    assert lines[1].startswith(f"request:  {USER} kms:Encrypt on {KEY_ARN}")
    first = lines.index("reasons:") + 1
    assert lines[first] == (
        f"  1. {tmp_path / 'key-policy.json'} statement 2 (Deny encryption through Lambda): an "
        "explicit Deny in the key policy applies to this request; an explicit Deny in any "
        "policy wins over every Allow"
    )
    assert lines[first + 1].startswith("     [deny: explicit-deny] https://docs.aws.amazon.com/")
    # What was not given is said: the caller's organization and boundary were assumed absent.
    assumed = lines[lines.index("assumed:") + 1 : first - 1]
    assert (
        "  - no service control policy was given: assumed none restricts the caller's account"
        in assumed
    )


def test_cli_cannot_decide_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kp = write(
        tmp_path,
        "kp.json",
        policy(statement("Allow", {"AWS": APP_SESSION}, "kms:Decrypt", "One session")),
    )
    req = write(tmp_path, "req.json", request(APP_ROLE, "kms:Decrypt"))
    assert main(["explain", "--key-policy", kp, "--request", req]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("decision: implicit-deny (not certain)")
    assert captured.err.startswith(
        f"kms-permissions explain: {kp} statement 0 (One session): cannot decide: "
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"kp": "{not json"}, "kp.json: line 1 column 2: Expecting property name"),
        ({"req": "[1]"}, "req.json: $: a request is a JSON object"),
        ({"kp": json.dumps({"Statement": 3})}, "kp.json: $.Statement: must be an object or a list"),
        ({"missing": ""}, "nothing.json: No such file or directory"),
    ],
)
def test_cli_bad_input(
    files: dict[str, str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kp = write(tmp_path, "kp.json", files.get("kp", json.dumps(policy(enable_iam()))))
    req = write(
        tmp_path, "req.json", files.get("req", json.dumps(request(APP_ROLE, "kms:Decrypt")))
    )
    if "missing" in files:
        kp = str(tmp_path / "nothing.json")
    assert main(["explain", "--key-policy", kp, "--request", req]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kms-permissions explain: ") and message in err[0]
    assert "Traceback" not in captured.err


def test_grant_reasons_name_the_grant_and_the_context_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Grants have no statements: a reason says `FILE grant ID`; the encryption contexts it
    compares are shown with their keys as the grant and the request write them."""
    kp = write(tmp_path, "kp.json", policy(enable_iam()))
    grant = write(tmp_path, "grant.json", {**DECRYPT_GRANT, "GrantId": "abc"})
    ctx = {"kms:EncryptionContext:Dept": "it"}
    req = write(tmp_path, "req.json", request(APP_ROLE, "kms:Decrypt", ctx))
    assert main(["explain", "--key-policy", kp, "--request", req, "--grant", grant]) == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "grant abc" in line]
    assert line.endswith(
        f"{grant} grant abc: grant abc requires the encryption context to equal "
        '{"Department": "IT"}; the request has {"Dept": "it"}'
    )
    assert "statement 0" not in out and "{'" not in out
    subset = {**DECRYPT_GRANT, "Constraints": {"EncryptionContextSubset": {"Department": "IT"}}}
    unnamed = {k: v for k, v in subset.items() if k != "GrantId"}
    result = explain(policy(enable_iam()), request(APP_ROLE, "kms:Decrypt"), grants=[unnamed])
    (reason,) = [r for r in result.reasons if r.kind == "grant"]
    assert reason.where == "grant[0] grant 0"
    assert reason.rule == (
        'grant 0 requires the encryption context to include {"Department": "IT"}; the request '
        "has none"
    )


def test_special_files_are_named_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO or a folder given as a file: the same words in explain, access and check."""
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    req = write(tmp_path, "req.json", request(APP_ROLE, "kms:Decrypt"))
    for path, what in ((fifo, "a FIFO"), (tmp_path, "a folder")):
        for argv in (
            ["explain", "--key-policy", str(path), "--request", req],
            ["access", str(path)],
        ):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert err == f"kms-permissions {argv[0]}: {path}: is {what}, not a regular file\n"
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"kms-permissions check: {tmp_path}: is a folder\n"


def test_cli_request_from_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    kp = write(tmp_path, "kp.json", policy(enable_iam()))
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(request(ROOT, "kms:Decrypt"))))
    assert main(["explain", "--key-policy", kp, "--request", "-"]) == 0


# --- invariants (hypothesis) -----------------------------------------------------------------

CALLERS = [APP_SESSION, APP_ROLE, USER, ROOT, EXTERNAL_ROLE, ADMIN_ROLE, "cloudtrail.amazonaws.com"]
ACTIONS = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ScheduleKeyDeletion",
    "kms:CreateGrant",
    "kms:CreateKey",
    "kms:RetireGrant",
    "kms:GenerateDataKey",
]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": ROOT},
    {"AWS": ACCOUNT},
    {"AWS": APP_ROLE},
    {"AWS": [USER, ADMIN_ROLE]},
    {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
    {"AWS": EXTERNAL_ROLE},
    {"Service": "cloudtrail.amazonaws.com"},
]
PATTERNS = [
    "kms:*",
    "*",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:Create*",
    "kms:ScheduleKeyDeletion",
    "kms:RetireGrant",
    "kms:Generate*",
]
CONDITIONS: list[Any] = [
    None,
    {"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
    {"StringNotEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
    {"StringEquals": {"kms:EncryptionContext:Department": "IT"}},
    {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
    {"StringEqualsIfExists": {"aws:SourceVpce": VPCE}},
    {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "Decrypt"]}},
    {"Bool": {"kms:GrantIsForAWSResource": "true"}},
    {"Null": {"kms:EncryptionContextKeys": "false"}},
]
RESOURCES = ["*", KEY_ARN, "arn:aws:kms:*:*:key/*", "arn:aws:kms:us-east-1:*:key/*"]
CONTEXTS: list[dict[str, Any]] = [
    {},
    {"kms:ViaService": "ec2.us-west-2.amazonaws.com"},
    {"kms:EncryptionContext:Department": "IT"},
    {"kms:EncryptionContext:Department": "HR", "kms:ViaService": "s3.us-west-2.amazonaws.com"},
    {"kms:GrantOperations": ["Encrypt"], "kms:GrantIsForAWSResource": True},
    {"kms:GrantOperations": ["Encrypt", "Sign"]},
]


@st.composite
def key_statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Principal": draw(st.sampled_from(PRINCIPALS)),
        draw(st.sampled_from(["Action", "Action", "NotAction"])): draw(
            st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2)
        ),
        "Resource": "*",
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    return body


@st.composite
def iam_statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2)),
        "Resource": draw(st.sampled_from(RESOURCES)),
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    return body


def numbered(statements: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return policy(*({"Sid": f"{prefix}{i}", **s} for i, s in enumerate(statements)))


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    action = draw(st.sampled_from(ACTIONS))
    req: dict[str, Any] = {"principal": draw(st.sampled_from(CALLERS)), "action": action}
    if action != "kms:CreateKey":
        req["key_arn"] = KEY_ARN
    context = draw(st.sampled_from(CONTEXTS))
    if context:
        req["context"] = context
    if draw(st.booleans()):
        req["vpce"] = VPCE
    scenario: dict[str, Any] = {
        "key_policy": numbered(draw(st.lists(key_statements(), min_size=1, max_size=4)), "K"),
        "request": req,
        "iam_policies": [numbered(draw(st.lists(iam_statements(), min_size=1, max_size=3)), "I")]
        if draw(st.booleans())
        else [],
        "grants": [
            {
                **DECRYPT_GRANT,
                "GranteePrincipal": draw(st.sampled_from([APP_ROLE, USER, EXTERNAL_ROLE])),
                "Operations": draw(
                    st.lists(
                        st.sampled_from(["Decrypt", "Encrypt", "RetireGrant", "GenerateDataKey"]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                ),
                "Constraints": draw(
                    st.sampled_from(
                        [
                            {},
                            DECRYPT_GRANT["Constraints"],
                            {"EncryptionContextSubset": {"Department": "IT"}},
                        ]
                    )
                ),
            }
        ]
        if draw(st.booleans())
        else [],
        "vpce_policy": numbered(draw(st.lists(key_statements(), min_size=1, max_size=2)), "V")
        if draw(st.booleans())
        else None,
    }
    return scenario


def outcome(scenario: dict[str, Any]) -> Any:
    return explain(**copy.deepcopy(scenario))


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DENY_EVERYTHING_KEY = {
    "Sid": "ZDeny",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "*",
    "Resource": "*",
}
DENY_EVERYTHING_IAM = {"Sid": "ZDeny", "Effect": "Deny", "Action": "*", "Resource": "*"}


@PROPERTY
@given(scenarios(), st.sampled_from(["key", "iam", "vpce"]))
def test_explicit_deny_always_wins(scenario: dict[str, Any], where: str) -> None:
    # The policies that take part: the key policy for a permission on a key, the caller's IAM
    # policies unless it is a service, the endpoint's policy when the request goes through one.
    taking_part = [
        name
        for name, takes in (
            ("key", "key_arn" in scenario["request"]),
            ("iam", not scenario["request"]["principal"].endswith(".amazonaws.com")),
            ("vpce", "vpce" in scenario["request"]),
        )
        if takes
    ]
    assume(taking_part)
    if where not in taking_part:
        where = taking_part[0]
    if where == "key":
        scenario["key_policy"]["Statement"].append(DENY_EVERYTHING_KEY)
    elif where == "iam":
        scenario["iam_policies"].append(policy(DENY_EVERYTHING_IAM))
    else:
        vpce = scenario["vpce_policy"] or policy()
        vpce["Statement"].append(DENY_EVERYTHING_KEY)
        scenario["vpce_policy"] = vpce
    result = outcome(scenario)
    assert (result.decision, result.decided) == ("explicit-deny", True)
    assert "ZDeny" in {r.sid for r in result.reasons if r.code == "explicit-deny"}


def _add(
    scenario: dict[str, Any],
    where: str,
    key_statement: dict[str, Any],
    iam_statement: dict[str, Any],
) -> None:
    if where == "iam" and scenario["iam_policies"]:
        scenario["iam_policies"][0]["Statement"].append({"Sid": "ZAdded", **iam_statement})
    elif where == "vpce" and scenario["vpce_policy"]:
        scenario["vpce_policy"]["Statement"].append({"Sid": "ZAdded", **key_statement})
    else:
        scenario["key_policy"]["Statement"].append({"Sid": "ZAdded", **key_statement})


@PROPERTY
@given(
    scenarios(),
    st.sampled_from(["key", "iam", "vpce"]),
    key_statements("Allow"),
    iam_statements("Allow"),
)
def test_adding_an_allow_never_turns_allow_into_deny(
    scenario: dict[str, Any], where: str, kst: dict[str, Any], ist: dict[str, Any]
) -> None:
    before = outcome(scenario)
    _add(scenario, where, kst, ist)
    after = outcome(scenario)
    if before.decision == "allow" and before.decided:
        assert after.decision == "allow"


@PROPERTY
@given(
    scenarios(),
    st.sampled_from(["key", "iam", "vpce"]),
    key_statements("Deny"),
    iam_statements("Deny"),
)
def test_adding_a_deny_never_turns_deny_into_allow(
    scenario: dict[str, Any], where: str, kst: dict[str, Any], ist: dict[str, Any]
) -> None:
    before = outcome(scenario)
    _add(scenario, where, kst, ist)
    after = outcome(scenario)
    if before.decision != "allow" and before.decided:
        assert after.decision != "allow"


def _signature(result: Any) -> tuple[Any, ...]:
    reasons = sorted((r.code, r.kind, r.file or "", r.sid or "", r.rule) for r in result.reasons)
    return result.decision, result.decided, reasons


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_statement_order_never_matters(scenario: dict[str, Any], random: Any) -> None:
    before = _signature(outcome(scenario))
    for document in [scenario["key_policy"], *scenario["iam_policies"], scenario["vpce_policy"]]:
        if document:
            random.shuffle(document["Statement"])
    assert _signature(outcome(scenario)) == before


def test_policy_variables_in_resources() -> None:
    key_id = KEY_ARN.rsplit("/", 1)[1]
    mine = iam_policy(
        "Allow", "kms:Decrypt", resource="arn:aws:kms:*:*:key/${aws:PrincipalTag/key}"
    )
    tagged = request(APP_ROLE, "kms:Decrypt", {"aws:PrincipalTag/key": key_id})
    assert decide(policy(enable_iam()), tagged, iam_policies=[mine])[0] == "allow"
    untagged = request(APP_ROLE, "kms:Decrypt")
    assert decide(policy(enable_iam()), untagged, iam_policies=[mine])[:2] == (
        "implicit-deny",
        True,
    )
    # AWS replaces variables only in the resource part of an ARN, after the fifth colon.
    early = iam_policy(
        "Allow", "kms:Decrypt", resource="arn:aws:kms:*:${aws:PrincipalAccount}:key/*"
    )
    assert decide(policy(enable_iam()), untagged, iam_policies=[early])[:2] == (
        "implicit-deny",
        False,
    )


def test_cli_names_the_request_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kp = write(tmp_path, "kp.json", policy(enable_iam()))
    req = write(tmp_path, "req.json", {"principal": APP_ROLE, "action": "kms:Decrypt"})
    assert main(["explain", "--key-policy", kp, "--request", req]) == 2
    assert capsys.readouterr().err == (
        f"kms-permissions explain: {req}: key_arn: missing; kms:Decrypt is authorized on a "
        "KMS key\n"
    )


def test_the_vpc_keys_are_unknown_through_an_endpoint_and_absent_elsewhere() -> None:
    # aws:SourceVpc and aws:VpcSourceIp are set only through a VPC endpoint, aws:SourceIp only
    # elsewhere (IAM User Guide, AWS global condition context keys).
    key_policy = policy(
        enable_iam(),
        KEY_USERS,
        statement(
            "Deny", "*", "kms:*", "Only the VPC", {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}
        ),
    )
    session = {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE}
    endpoint = policy(statement("Allow", "*", "kms:*"))
    assert decide(key_policy, session)[:2] == ("explicit-deny", True)
    through = {**session, "vpce": VPCE}
    decision, decided, codes = decide(key_policy, through, vpce_policy=endpoint)
    assert (decision, decided, codes[0]) == ("allow", False, "cannot-decide")
    given = {**through, "context": {"aws:SourceVpc": "vpc-1"}}
    assert decide(key_policy, given, vpce_policy=endpoint)[:2] == ("allow", True)
    elsewhere = {**given, "context": {"aws:SourceVpc": "vpc-2"}}
    assert decide(key_policy, elsewhere, vpce_policy=endpoint)[:2] == ("explicit-deny", True)


def test_replicate_key_decides_create_key_in_the_replica_region_it_names() -> None:
    # ReplicateKey needs kms:CreateKey in an IAM policy in the replica Region (API Reference):
    # that part's aws:RequestedRegion is kms:ReplicaRegion, unknown when the request lacks it.
    primary = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    key_policy = policy(enable_iam(), statement("Allow", {"AWS": ADMIN_ROLE}, "kms:ReplicateKey"))
    only_eu = iam_policy(
        "Allow",
        "kms:CreateKey",
        resource="*",
        Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    )
    replicate = {**request(ADMIN_ROLE, "kms:ReplicateKey"), "key_arn": primary}
    decision, decided, codes = decide(key_policy, replicate, iam_policies=[only_eu])
    assert (decision, decided, codes[0]) == ("implicit-deny", False, "cannot-decide")
    for region, expected in (("eu-west-1", "allow"), ("ap-south-1", "implicit-deny")):
        into = {**replicate, "context": {"kms:ReplicaRegion": region}}
        assert decide(key_policy, into, iam_policies=[only_eu])[:2] == (expected, True)
    # The IAM part is the caller's: a Deny in its IAM policy for CreateKey denies replication.
    denied = policy({"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*"})
    into = {**replicate, "context": {"kms:ReplicaRegion": "eu-west-1"}}
    assert decide(key_policy, into, iam_policies=[only_eu, denied])[:2] == ("explicit-deny", True)
