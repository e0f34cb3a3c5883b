"""explain with organizations' and sessions' policies: assumptions, --strict, wrong inputs, and
the invariants (Deny wins, monotone) over SCPs, RCPs, boundaries and session policies."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kms_permissions.cli import main
from kms_permissions.policy.access import InputError, explain
from kms_permissions.policy.access.cases import (
    ACCOUNT,
    APP_ROLE,
    APP_SESSION,
    DECRYPT_GRANT,
    FULL_ACCESS_SCP,
    LOGS_ARN,
    USER,
    enable_iam,
    iam_policy,
    policy,
    request,
    statement,
)

ALLOW_ALL = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
DECRYPT = {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE}
IAM_DECRYPT = iam_policy("Allow", "kms:Decrypt")


def test_unstated_policy_types_are_assumptions_and_strict_refuses_them() -> None:
    result = explain(policy(enable_iam()), DECRYPT, [IAM_DECRYPT])
    assert (result.decision, result.decided) == ("allow", True)
    assumed = {a.subject: a.matters for a in result.assumptions}
    assert assumed == {
        "scp": True,
        "rcp": True,
        "permissions-boundary": True,
        "session-policy": True,
    }
    strict = explain(policy(enable_iam()), DECRYPT, [IAM_DECRYPT], strict=True)
    assert (strict.decision, strict.decided) == ("allow", False)
    assert [r.stage for r in strict.undecided] == ["assumption"] * 4
    stated = explain(
        policy(enable_iam()),
        DECRYPT,
        [IAM_DECRYPT],
        scps=[FULL_ACCESS_SCP],
        rcps=[policy()],
        absent=["permissions-boundary", "session-policy"],
        strict=True,
    )
    # Given both, the organization's facts are still assumed: they could only turn it to deny.
    assert {a.subject for a in stated.assumptions} == {"management_account", "key_manager"}
    assert (stated.decision, stated.decided) == ("allow", True)


def test_a_request_from_a_role_may_carry_a_session_policy() -> None:
    # A role calls KMS only through a session (IAM User Guide, "Session policies"): a request
    # naming the role's ARN is a session's, and its session policy is an assumption too.
    from_role = explain(policy(enable_iam()), request(APP_ROLE, "kms:Decrypt"), [IAM_DECRYPT])
    assert (from_role.decision, from_role.decided) == ("allow", True)
    assert {a.subject: a.matters for a in from_role.assumptions}["session-policy"] is True
    strict = explain(
        policy(enable_iam()),
        request(APP_ROLE, "kms:Decrypt"),
        [IAM_DECRYPT],
        absent=["scp", "rcp", "permissions-boundary"],
        strict=True,
    )
    assert (strict.decision, strict.decided) == ("allow", False)
    assert [r.stage for r in strict.undecided] == ["assumption"]
    # A user has no session: nothing to assume.
    from_user = explain(policy(enable_iam()), request(USER, "kms:Decrypt"), [IAM_DECRYPT])
    assert "session-policy" not in {a.subject for a in from_user.assumptions}


def test_an_absent_granting_policy_matters_only_to_a_deny() -> None:
    denied = explain(policy(enable_iam()), request(USER, "kms:Decrypt"), strict=True)
    assert (denied.decision, denied.decided) == ("implicit-deny", False)
    assert [a.subject for a in denied.assumptions if a.matters] == ["iam-policy"]
    with pytest.raises(InputError, match="absent: 'grants' is not a policy type"):
        explain(policy(enable_iam()), DECRYPT, absent=["grants"])
    # An explicit Deny is final: no identity policy could lift it, so --strict still decides.
    deny = {"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "kms:Decrypt", "Resource": "*"}
    denying = {"Version": "2012-10-17", "Statement": [*policy(enable_iam())["Statement"], deny]}
    final = explain(denying, request(USER, "kms:Decrypt"), strict=True)
    assert (final.decision, final.decided) == ("explicit-deny", True)
    assert not [a.subject for a in final.assumptions if a.matters]


def test_keys_aws_always_sets_are_never_taken_as_absent() -> None:
    kp = policy(
        statement("Allow", "*", "kms:Decrypt"),
        statement(
            "Deny",
            "*",
            "kms:Decrypt",
            condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        ),
    )
    unknown = explain(kp, request(USER, "kms:Decrypt"))
    assert unknown.decided is False
    assert "aws:SourceIp" in unknown.undecided[0].rule
    inside = explain(kp, request(USER, "kms:Decrypt", {"aws:SourceIp": "203.0.113.9"}))
    assert (inside.decision, inside.decided) == ("allow", True)
    # A key the request leaves out is listed when a condition reads it.
    context = policy(
        statement(
            "Allow",
            "*",
            "kms:Decrypt",
            condition={"StringEquals": {"kms:EncryptionContext:team": "blue"}},
        )
    )
    assert explain(context, request(USER, "kms:Decrypt")).absent == ("kms:EncryptionContext:team",)


def test_a_key_the_request_leaves_out_is_an_assumption_strict_refuses_when_it_matters() -> None:
    # A Deny on a principal tag: the request file says nothing of the caller's tags. Taking
    # them as absent allows; AWS would deny a caller tagged team=blocked, so that is an
    # assumption that could change the decision, and --strict does not answer "allow" on it.
    kp = policy(
        statement("Allow", {"AWS": USER}, "kms:Decrypt"),
        statement(
            "Deny",
            "*",
            "kms:Decrypt",
            condition={"StringEquals": {"aws:PrincipalTag/team": "blocked"}},
        ),
    )
    none = ["iam-policy", "scp", "rcp", "permissions-boundary", "session-policy"]
    assumed = explain(kp, request(USER, "kms:Decrypt"), absent=none)
    assert (assumed.decision, assumed.decided) == ("allow", True)
    assert [(a.subject, a.matters) for a in assumed.assumptions] == [("context", True)]
    assert "aws:PrincipalTag/team" in assumed.assumptions[0].text
    strict = explain(kp, request(USER, "kms:Decrypt"), absent=none, strict=True)
    assert (strict.decision, strict.decided) == ("allow", False)
    assert "as [] to say it is absent" in strict.undecided[0].rule
    stated = explain(kp, request(USER, "kms:Decrypt", {"aws:PrincipalTag/team": []}), absent=none)
    assert (stated.decision, stated.decided, stated.assumptions) == ("allow", True, ())
    tagged = request(USER, "kms:Decrypt", {"aws:PrincipalTag/team": "blocked"})
    denied = explain(kp, tagged, absent=none, strict=True)
    assert (denied.decision, denied.decided) == ("explicit-deny", True)
    # A key whose value could not change the decision is still stated, as not mattering.
    either = policy(
        statement("Allow", {"AWS": USER}, "kms:Decrypt"),
        statement(
            "Allow", "*", "kms:Decrypt", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
    )
    calm = explain(either, request(USER, "kms:Decrypt"), absent=none, strict=True)
    assert (calm.decision, calm.decided) == ("allow", True)
    assert [(a.subject, a.matters) for a in calm.assumptions] == [("context", False)]


def test_arn_operators_on_a_string_key_are_decided() -> None:
    kp = policy(
        statement(
            "Allow",
            {"Service": "logs.us-west-2.amazonaws.com"},
            "kms:Decrypt",
            condition={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": LOGS_ARN}},
        )
    )
    service = "logs.us-west-2.amazonaws.com"
    other = LOGS_ARN.replace(":app", ":other")
    ok = explain(
        kp, request(service, "kms:Decrypt", {"kms:EncryptionContext:aws:logs:arn": LOGS_ARN})
    )
    no = explain(kp, request(service, "kms:Decrypt", {"kms:EncryptionContext:aws:logs:arn": other}))
    assert (ok.decision, ok.decided, no.decision, no.decided) == (
        "allow",
        True,
        "implicit-deny",
        True,
    )
    # A Numeric operator on a String key is what AWS leaves undefined: said, with the page.
    numeric = policy(
        statement("Allow", "*", "kms:Decrypt", condition={"NumericEquals": {"kms:ViaService": "1"}})
    )
    result = explain(numeric, request(USER, "kms:Decrypt", {"kms:ViaService": "x"}))
    assert result.decided is False
    assert "reference_policies_elements_condition_operators.html" in result.undecided[0].rule


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        (
            "scps",
            [policy(statement("Deny", "*", "kms:*"))],
            r"scp\[0\]: \$\.Statement\[0\]: a service control policy names no Principal",
        ),
        (
            "permissions_boundary",
            policy(statement("Allow", {"AWS": USER}, "kms:*")),
            r"permissions-boundary: \$\.Statement\[0\]: a permissions boundary names no Principal",
        ),
        (
            "session_policy",
            policy(statement("Allow", {"AWS": USER}, "kms:*")),
            r"session-policy: \$\.Statement\[0\]: a session policy names no Principal",
        ),
        (
            "rcps",
            [policy(statement("Deny", {"AWS": USER}, "kms:*"))],
            r"rcp\[0\]: \$\.Statement\[0\]: a resource control policy's Principal is always",
        ),
        ("scps", [{"Grants": []}], r"scp\[0\]: \$: not a policy document"),
        (
            "grants",
            [{**DECRYPT_GRANT, "GranteePrincipal": "*"}],
            r"GranteePrincipal: '\*': a grantee is one principal; AWS refuses a wildcard",
        ),
        (
            "grants",
            [{**DECRYPT_GRANT, "GranteePrincipal": f"arn:aws:iam::{ACCOUNT}:role/*"}],
            r"AWS refuses a wildcard",
        ),
        (
            "grants",
            [{**DECRYPT_GRANT, "GranteeServicePrincipal": "logs.amazonaws.com"}],
            r"one of GranteePrincipal and GranteeServicePrincipal",
        ),
    ],
)
def test_wrong_input_for_its_argument(argument: str, value: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        explain(policy(enable_iam()), DECRYPT, **{argument: value})


def test_cli_wrong_policy_type_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kp = tmp_path / "kp.json"
    kp.write_text(json.dumps(policy(enable_iam())))
    req = tmp_path / "req.json"
    req.write_text(json.dumps(DECRYPT))
    scp = tmp_path / "scp.json"
    scp.write_text(json.dumps(policy(statement("Deny", "*", "kms:*"))))
    argv = ["explain", "--key-policy", str(kp), "--request", str(req), "--scp", str(scp)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(scp) in err and "names no Principal" in err
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(FULL_ACCESS_SCP))
    argv = ["explain", "--key-policy", str(kp), "--request", str(req), "--scp", str(ok)]
    assert main([*argv, "--strict", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["strict"] is True and out["decided"] is False
    assert "permissions-boundary" in {a["subject"] for a in out["assumptions"]}
    none = ["--none", "rcp", "--none", "permissions-boundary", "--none", "session-policy"]
    assert main([*argv, "--strict", "--iam-policy", str(kp), *none]) == 2  # a key policy as IAM
    capsys.readouterr()


def test_grant_for_a_service_with_a_source_constraint() -> None:
    grant = {
        "KeyId": DECRYPT_GRANT["KeyId"],
        "GrantId": "g-1",
        "GranteeServicePrincipal": "logs.us-west-2.amazonaws.com",
        "Operations": ["Decrypt"],
        "Constraints": {"SourceArn": LOGS_ARN},
    }
    service = "logs.us-west-2.amazonaws.com"
    ok = explain(
        policy(), request(service, "kms:Decrypt", {"aws:SourceArn": LOGS_ARN}), grants=[grant]
    )
    other = explain(policy(), request(service, "kms:Decrypt"), grants=[grant])
    assert (ok.decision, other.decision, other.decided) == ("allow", "implicit-deny", True)


# --- invariants over the new policy types ---------------------------------------------------

CALLERS = [
    {"principal": USER},
    {"principal": APP_SESSION, "principal_arn": APP_ROLE},
    {"principal": f"arn:aws:iam::{ACCOUNT}:root"},
    {"principal": "arn:aws:iam::444455556666:role/Partner"},
]
PATTERNS = ["kms:*", "*", "kms:Decrypt", "kms:Encrypt", "kms:Create*"]
CONDITIONS: list[Any] = [
    None,
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"Bool": {"aws:PrincipalIsAWSService": "false"}},
]


@st.composite
def identity_statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2)),
        "Resource": "*",
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    return body


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    def maybe_policy() -> dict[str, Any] | None:
        if not draw(st.booleans()):
            return None
        return policy(*draw(st.lists(identity_statements(), min_size=1, max_size=2)))

    caller = draw(st.sampled_from(CALLERS))
    req: dict[str, Any] = {
        **caller,
        "action": draw(st.sampled_from(["kms:Decrypt", "kms:Encrypt"])),
    }
    req["key_arn"] = DECRYPT["key_arn"]
    if draw(st.booleans()):
        req["context"] = {"aws:PrincipalOrgID": draw(st.sampled_from(["o-a1b2c3d4e5", "o-zz"]))}
    rcp = maybe_policy()
    if rcp:
        for s in rcp["Statement"]:
            s["Principal"] = "*"
    return {
        "key_policy": policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:*")),
        "request": req,
        "iam_policies": [ALLOW_ALL] if draw(st.booleans()) else [],
        "scps": [p for p in [maybe_policy(), maybe_policy()] if p],
        "rcps": [rcp] if rcp else [],
        "permissions_boundary": maybe_policy(),
        "session_policy": maybe_policy(),
    }


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHERE = ["scps", "permissions_boundary", "session_policy", "rcps"]


def _run(scenario: dict[str, Any]) -> Any:
    return explain(**copy.deepcopy(scenario))


def _add(scenario: dict[str, Any], where: str, body: dict[str, Any]) -> None:
    if where == "rcps":
        body = {**body, "Principal": "*"}
    if where in ("scps", "rcps"):
        if scenario[where]:
            scenario[where][0]["Statement"].append(body)
        else:
            scenario[where] = [policy(body)]
    elif scenario[where]:
        scenario[where]["Statement"].append(body)
    else:
        scenario[where] = policy(body)


@PROPERTY
@given(scenarios(), st.sampled_from(WHERE))
def test_a_deny_everything_in_any_new_policy_type_wins(
    scenario: dict[str, Any], where: str
) -> None:
    caller = scenario["request"]["principal"]
    if where == "session_policy" and "assumed-role" not in caller:
        where = "scps"
    if where == "permissions_boundary" and caller.endswith(":root"):
        where = "scps"
    _add(scenario, where, {"Sid": "ZDeny", "Effect": "Deny", "Action": "*", "Resource": "*"})
    result = _run(scenario)
    assert (result.decision, result.decided) == ("explicit-deny", True)
    assert "ZDeny" in {r.sid for r in result.reasons if r.code == "explicit-deny"}


@PROPERTY
@given(scenarios(), st.sampled_from(WHERE), identity_statements("Deny"))
def test_adding_a_deny_never_allows(
    scenario: dict[str, Any], where: str, body: dict[str, Any]
) -> None:
    before = _run(scenario)
    _add(scenario, where, body)
    after = _run(scenario)
    if before.decision != "allow" and before.decided:
        assert after.decision != "allow"


@PROPERTY
@given(scenarios(), st.sampled_from(["scps", "permissions_boundary", "session_policy"]))
def test_adding_an_allow_to_a_limit_never_denies(scenario: dict[str, Any], where: str) -> None:
    assume(scenario[where])  # a limit given: adding one where there was none may restrict
    before = _run(scenario)
    _add(scenario, where, {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"})
    after = _run(scenario)
    if before.decision == "allow" and before.decided:
        assert after.decision == "allow"


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_order_of_statements_and_levels_never_matters(
    scenario: dict[str, Any], random: Any
) -> None:
    def signature(result: Any) -> Any:
        return result.decision, result.decided

    before = signature(_run(scenario))
    for document in [*scenario["scps"], *scenario["rcps"], scenario["permissions_boundary"]]:
        if document:
            random.shuffle(document["Statement"])
    random.shuffle(scenario["scps"])
    assert signature(_run(scenario)) == before


@pytest.mark.parametrize(
    ("text", "kind", "account", "name"),
    [
        ("*", "everyone", None, None),
        (ACCOUNT, "account", ACCOUNT, None),
        (f"arn:aws:iam::{ACCOUNT}:root", "account", ACCOUNT, None),
        (f"arn:aws:iam::{ACCOUNT}:user/team/Alice", "user", ACCOUNT, "Alice"),
        (
            f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_1",
            "role",
            ACCOUNT,
            "AWSReservedSSO_A_1",
        ),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/App/s-1", "assumed-role", ACCOUNT, "App"),
        (f"arn:aws-cn:sts::{ACCOUNT}:federated-user/Bob", "federated-user", ACCOUNT, "Bob"),
        ("logs.us-west-2.amazonaws.com", "service", None, None),
        (f"arn:aws:iam::{ACCOUNT}:group/Admins", "other", ACCOUNT, None),
        ("AIDAEXAMPLEEXAMPLE1", "other", None, None),
    ],
)
def test_one_principal_parser(text: str, kind: str, account: str | None, name: str | None) -> None:
    from kms_permissions.policy.principals import parse_principal

    named = parse_principal(text)
    assert (named.kind, named.account, named.name) == (kind, account, name)


def test_aliases_in_the_request_and_alias_operations_on_both_resources() -> None:
    by_alias = policy(
        enable_iam(),
        statement(
            "Allow",
            {"AWS": USER},
            "kms:Decrypt",
            "By alias",
            {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/app"}},
        ),
    )
    named = {**request(USER, "kms:Decrypt"), "aliases": ["alias/app", "alias/other"]}
    assert explain(by_alias, named).decision == "allow"
    assert explain(by_alias, {**named, "aliases": ["alias/other"]}).decision == "implicit-deny"
    requested = policy(
        statement(
            "Allow",
            {"AWS": USER},
            "kms:Decrypt",
            condition={"StringEquals": {"kms:RequestAlias": "alias/app"}},
        )
    )
    assert explain(requested, {**request(USER, "kms:Decrypt"), "alias": "alias/app"}).decision == (
        "allow"
    )
    assert explain(requested, request(USER, "kms:Decrypt")).decision == "implicit-deny"
    # CreateAlias: the key side (IAM policies the key policy enables) and the alias side.
    create = {**request(USER, "kms:CreateAlias"), "alias": "alias/app"}
    alias_arn = DECRYPT["key_arn"].replace(DECRYPT["key_arn"].split(":", 5)[5], "alias/app")
    both = iam_policy("Allow", "kms:CreateAlias", resource="*")
    assert explain(policy(enable_iam()), create, [both]).decision == "allow"
    key_only = iam_policy("Allow", "kms:CreateAlias")
    alias_only = iam_policy("Allow", "kms:CreateAlias", resource=alias_arn)
    assert explain(policy(enable_iam()), create, [key_only]).decision == "implicit-deny"
    only_alias = explain(policy(enable_iam()), create, [alias_only])
    assert only_alias.decision == "implicit-deny"
    assert "iam-not-enabled" not in [r.code for r in only_alias.reasons]
    assert explain(policy(enable_iam()), create, [key_only, alias_only]).decision == "allow"
    denied = policy({"Effect": "Deny", "Action": "kms:CreateAlias", "Resource": alias_arn})
    result = explain(policy(enable_iam()), create, [both, denied])
    assert (result.decision, [r.code for r in result.reasons][:1]) == (
        "explicit-deny",
        ["explicit-deny"],
    )
    with pytest.raises(InputError, match="alias: missing; kms:CreateAlias is authorized on"):
        explain(policy(enable_iam()), request(USER, "kms:CreateAlias"))


def test_update_alias_states_the_key_it_does_not_decide() -> None:
    update = {**request(USER, "kms:UpdateAlias"), "alias": "alias/app"}
    allowed = explain(policy(enable_iam()), update, [iam_policy("Allow", "kms:*", resource="*")])
    assert allowed.decision == "allow"
    assert [a.subject for a in allowed.assumptions if a.matters] == [
        "scp",
        "rcp",
        "permissions-boundary",
        "other_key",
    ]
