"""explain on operations authorized on two keys (ReEncrypt, UpdateAlias, UpdatePrimaryRegion):
both keys' parts decided when the request names the other key and its policy is given, an
assumption (and --strict's "cannot decide") when not."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.cli import main
from kms_permissions.policy.access import InputError, explain
from kms_permissions.policy.access.cases import (
    ADMIN_ROLE,
    KEY_ARN,
    OTHER_ACCOUNT,
    ROOT,
    USER,
    enable_iam,
    iam_policy,
    policy,
    request,
    statement,
)

OTHER_KEY = KEY_ARN.replace(
    "1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"
)
REENCRYPT_BOTH = policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:ReEncrypt*"))
FROM_ONLY = policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:ReEncryptFrom"))
TO_ONLY = policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:ReEncryptTo"))
REENCRYPT = {**request(USER, "kms:ReEncryptFrom"), "other_key_arn": OTHER_KEY}
IAM_REENCRYPT = iam_policy("Allow", "kms:ReEncrypt*", resource="*")


def outcome(result: Any) -> tuple[str, bool]:
    return result.decision, result.decided


@pytest.mark.parametrize(
    ("source", "destination", "expected"),
    [
        (FROM_ONLY, TO_ONLY, "allow"),
        (FROM_ONLY, FROM_ONLY, "implicit-deny"),  # the destination needs ReEncryptTo
        (TO_ONLY, TO_ONLY, "implicit-deny"),  # the source needs ReEncryptFrom
        (REENCRYPT_BOTH, policy(enable_iam()), "implicit-deny"),
    ],
)
def test_reencrypt_needs_from_on_the_source_and_to_on_the_destination(
    source: Any, destination: Any, expected: str
) -> None:
    result = explain(source, REENCRYPT, other_key_policy=destination)
    assert outcome(result) == (expected, True)
    # Asked from the destination's side (kms:ReEncryptTo on it), the same operation.
    reverse = {**request(USER, "kms:ReEncryptTo"), "other_key_arn": KEY_ARN}
    reverse["key_arn"] = OTHER_KEY
    assert outcome(explain(destination, reverse, other_key_policy=source)) == (expected, True)


def test_the_other_keys_reasons_say_which_key_and_permission() -> None:
    result = explain(FROM_ONLY, REENCRYPT, other_key_policy=FROM_ONLY)
    assert result.other_key_arn == OTHER_KEY
    assert result.reasons[0].rule.startswith(
        f"on the other key {OTHER_KEY} (kms:ReEncryptTo on the destination KMS key): "
    )
    assert result.reasons[0].file == "other-key-policy"
    # The derived kms:ReEncryptOnSameKey tells the two keys apart.
    assert result.context["kms:ReEncryptOnSameKey"] == "false"


def test_a_deny_on_either_key_denies_the_operation() -> None:
    deny_to = policy(
        *TO_ONLY["Statement"], statement("Deny", {"AWS": USER}, "kms:ReEncryptTo", "No")
    )
    result = explain(FROM_ONLY, REENCRYPT, other_key_policy=deny_to)
    assert outcome(result) == ("explicit-deny", True)
    assert [(r.code, r.file, r.sid) for r in result.reasons] == [
        ("explicit-deny", "other-key-policy", "No")
    ]
    # Denied on the source, whatever the destination's policy.
    deny_from = policy(
        *FROM_ONLY["Statement"], statement("Deny", {"AWS": USER}, "kms:ReEncrypt*", "No")
    )
    assert outcome(explain(deny_from, REENCRYPT, other_key_policy=TO_ONLY)) == (
        "explicit-deny",
        True,
    )


def test_same_key_reencryption_reads_the_key_policy_for_both_parts() -> None:
    same = {**REENCRYPT, "other_key_arn": KEY_ARN}
    assert outcome(explain(REENCRYPT_BOTH, same)) == ("allow", True)
    assert outcome(explain(FROM_ONLY, same)) == ("implicit-deny", True)
    assert explain(REENCRYPT_BOTH, same).context["kms:ReEncryptOnSameKey"] == "true"
    on_same = policy(
        statement(
            "Allow",
            {"AWS": USER},
            "kms:ReEncrypt*",
            condition={"Bool": {"kms:ReEncryptOnSameKey": "true"}},
        )
    )
    assert explain(on_same, same).decision == "allow"
    assert explain(on_same, REENCRYPT, other_key_policy=on_same).decision == "implicit-deny"
    with pytest.raises(InputError, match="other_key_arn is its key_arn"):
        explain(REENCRYPT_BOTH, same, other_key_policy=TO_ONLY)


def test_without_the_other_key_it_is_an_assumption_and_strict_refuses() -> None:
    for req in (request(USER, "kms:ReEncryptFrom"), REENCRYPT):
        result = explain(REENCRYPT_BOTH, req)
        assert outcome(result) == ("allow", True)
        other = [a for a in result.assumptions if a.subject == "other_key"]
        assert len(other) == 1 and other[0].matters
        assert "kms:ReEncryptTo on the destination KMS key" in other[0].text
        strict = explain(
            REENCRYPT_BOTH,
            req,
            strict=True,
            absent=["scp", "rcp", "permissions-boundary", "iam-policy"],
        )
        assert outcome(strict) == ("allow", False)
        assert [r.stage for r in strict.undecided] == ["assumption"]
        assert "kms:ReEncryptTo on the destination KMS key" in strict.undecided[0].rule
    decided = explain(
        REENCRYPT_BOTH,
        REENCRYPT,
        other_key_policy=TO_ONLY,
        strict=True,
        absent=["scp", "rcp", "permissions-boundary", "iam-policy"],
    )
    assert outcome(decided) == ("allow", True)
    assert not decided.assumptions


def test_the_other_keys_own_facts_are_assumed_for_it() -> None:
    # The source key is in the organization's management account, which RCPs do not bind; the
    # destination, in another account, is bound by its owner's RCPs: that is still assumed.
    foreign = OTHER_KEY.replace("111122223333", OTHER_ACCOUNT)
    req = {**REENCRYPT, "other_key_arn": foreign, "management_account": "111122223333"}
    everyone = policy(statement("Allow", "*", "kms:ReEncrypt*"))
    alone = explain(everyone, {k: v for k, v in req.items() if k != "other_key_arn"})
    assert "rcp" not in {a.subject for a in alone.assumptions}
    both = explain(everyone, req, [IAM_REENCRYPT], other_key_policy=everyone)
    assert both.decision == "allow"
    assert "rcp" in {a.subject for a in both.assumptions}


def test_what_the_request_says_of_key_arn_is_not_taken_for_the_other_key() -> None:
    tagged = policy(
        statement(
            "Allow",
            {"AWS": USER},
            "kms:ReEncrypt*",
            condition={"StringEquals": {"aws:ResourceTag/team": "blue"}},
        )
    )
    req = {**REENCRYPT, "context": {"aws:ResourceTag/team": "blue"}, "aliases": ["alias/app"]}
    result = explain(tagged, req, other_key_policy=tagged)
    assert result.decided is False
    assert "aws:ResourceTag/team in the request describes key_arn" in result.undecided[0].rule
    # Its own part reads them; a condition the other key's policy does not have is no matter.
    assert outcome(explain(tagged, req, other_key_policy=TO_ONLY)) == ("allow", True)


def test_update_alias_on_the_current_key_the_new_key_and_the_alias() -> None:
    update = {**request(USER, "kms:UpdateAlias"), "alias": "alias/app", "other_key_arn": OTHER_KEY}
    anywhere = [iam_policy("Allow", "kms:UpdateAlias", resource="*")]
    admins_only = policy(statement("Allow", {"AWS": ADMIN_ROLE}, "kms:*", "Admins"))
    assert outcome(
        explain(policy(enable_iam()), update, anywhere, other_key_policy=policy(enable_iam()))
    ) == ("allow", True)
    denied = explain(policy(enable_iam()), update, anywhere, other_key_policy=admins_only)
    assert outcome(denied) == ("implicit-deny", True)
    assert all(r.rule.startswith(f"on the other key {OTHER_KEY}") for r in denied.reasons)
    # The new key's permission in an IAM policy that names only the current key is not enough.
    current_only = [
        iam_policy("Allow", "kms:UpdateAlias", resource=KEY_ARN),
        iam_policy("Allow", "kms:UpdateAlias", resource=KEY_ARN.rsplit(":", 1)[0] + ":alias/app"),
    ]
    result = explain(
        policy(enable_iam()), update, current_only, other_key_policy=policy(enable_iam())
    )
    assert outcome(result) == ("implicit-deny", True)
    assert {r.code for r in result.reasons} >= {"no-iam-allow"}


def test_update_alias_to_a_key_in_another_account_is_not_allowed() -> None:
    foreign = OTHER_KEY.replace("111122223333", OTHER_ACCOUNT)
    update = {**request(USER, "kms:UpdateAlias"), "alias": "alias/app", "other_key_arn": foreign}
    everyone = policy(statement("Allow", "*", "kms:*"))
    result = explain(
        policy(enable_iam()),
        update,
        [iam_policy("Allow", "kms:UpdateAlias", resource="*")],
        other_key_policy=everyone,
    )
    assert outcome(result) == ("implicit-deny", True)
    assert [r.code for r in result.reasons] == ["not-cross-account"]


def test_update_primary_region_on_the_primary_and_the_replica() -> None:
    primary = KEY_ARN.replace("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef")
    replica = primary.replace("us-west-2", "eu-west-1")
    req = {**request(USER, "kms:UpdatePrimaryRegion"), "key_arn": primary}
    req["other_key_arn"] = replica
    allow = policy(statement("Allow", {"AWS": USER}, "kms:UpdatePrimaryRegion"))
    assert outcome(explain(allow, req, other_key_policy=allow)) == ("allow", True)
    in_region = policy(
        statement(
            "Allow",
            {"AWS": USER},
            "kms:UpdatePrimaryRegion",
            condition={"StringEquals": {"aws:RequestedRegion": "us-west-2"}},
        )
    )
    # aws:RequestedRegion is each key's own Region: the replica's part does not meet it.
    assert outcome(explain(in_region, req, other_key_policy=in_region)) == ("implicit-deny", True)


@pytest.mark.parametrize(
    ("req", "others", "message"),
    [
        (
            {**request(USER, "kms:Decrypt"), "other_key_arn": OTHER_KEY},
            {},
            "other_key_arn: kms:Decrypt is authorized on one key",
        ),
        (
            {**REENCRYPT, "other_key_arn": "arn:aws:kms:us-west-2:111122223333:alias/x"},
            {},
            "other_key_arn: 'arn:aws:kms:us-west-2:111122223333:alias/x' is not a KMS key ARN",
        ),
        (request(USER, "kms:ReEncryptFrom"), {"other_key_policy": TO_ONLY}, "names no other_key"),
        (
            REENCRYPT,
            {"other_key_policy": policy({"Effect": "Allow", "Action": "*", "Resource": "*"})},
            r"other-key-policy: \$\.Statement\[0\]: a key policy statement needs a Principal",
        ),
    ],
)
def test_bad_two_key_requests(req: Any, others: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        explain(REENCRYPT_BOTH, req, **others)


def test_cli_other_key_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"kp": FROM_ONLY, "other": TO_ONLY, "req": REENCRYPT, "bad": FROM_ONLY}
    for name, data in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    argv = ["explain", "--key-policy", str(tmp_path / "kp.json")]
    argv += ["--request", str(tmp_path / "req.json")]
    assert main([*argv, "--other-key-policy", str(tmp_path / "other.json"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["request"]["other_key_arn"] == OTHER_KEY and out["decision"] == "allow"
    assert main([*argv, "--other-key-policy", str(tmp_path / "bad.json")]) == 1
    text = capsys.readouterr().out
    assert f"on {KEY_ARN} and {OTHER_KEY}" in text
    assert main([*argv, "--other-key-policy", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path) in err


# --- invariants over both keys (hypothesis) --------------------------------------------------

PATTERNS = ["kms:*", "kms:ReEncrypt*", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Decrypt"]
PRINCIPALS: list[Any] = [{"AWS": USER}, {"AWS": ROOT}, "*", {"AWS": ADMIN_ROLE}]
CONDITIONS: list[Any] = [
    None,
    {"Bool": {"kms:ReEncryptOnSameKey": "true"}},
    {"StringEquals": {"aws:RequestedRegion": "us-west-2"}},
]


@st.composite
def key_statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Principal": draw(st.sampled_from(PRINCIPALS)),
        "Action": draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2)),
        "Resource": "*",
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    return body


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    def key_policy() -> dict[str, Any]:
        return policy(*draw(st.lists(key_statements(), min_size=0, max_size=3)))

    iam = [iam_policy("Allow", draw(st.sampled_from(PATTERNS)), resource="*")]
    return {
        "key_policy": key_policy(),
        "request": {
            **request(USER, draw(st.sampled_from(["kms:ReEncryptFrom", "kms:ReEncryptTo"]))),
            "other_key_arn": OTHER_KEY,
        },
        "iam_policies": iam if draw(st.booleans()) else [],
        "other_key_policy": key_policy(),
    }


PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(scenario: dict[str, Any]) -> Any:
    return explain(**copy.deepcopy(scenario))


@PROPERTY
@given(scenarios(), st.sampled_from(["key_policy", "other_key_policy"]))
def test_a_deny_on_either_key_wins(scenario: dict[str, Any], where: str) -> None:
    deny = {"Sid": "ZDeny", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    scenario[where]["Statement"].append(deny)
    result = _run(scenario)
    assert (result.decision, result.decided) == ("explicit-deny", True)
    assert "ZDeny" in {r.sid for r in result.reasons if r.code == "explicit-deny"}


@PROPERTY
@given(scenarios(), st.sampled_from(["key_policy", "other_key_policy"]), key_statements("Allow"))
def test_adding_an_allow_on_either_key_never_denies(
    scenario: dict[str, Any], where: str, body: dict[str, Any]
) -> None:
    before = _run(scenario)
    scenario[where]["Statement"].append(body)
    after = _run(scenario)
    if before.decided and before.decision == "allow":
        assert after.decision == "allow"


@PROPERTY
@given(scenarios(), st.sampled_from(["key_policy", "other_key_policy"]), key_statements("Deny"))
def test_adding_a_deny_on_either_key_never_allows(
    scenario: dict[str, Any], where: str, body: dict[str, Any]
) -> None:
    before = _run(scenario)
    scenario[where]["Statement"].append(body)
    after = _run(scenario)
    if before.decided and before.decision != "allow":
        assert after.decision != "allow"


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_order_and_the_side_asked_from_never_matter(scenario: dict[str, Any], random: Any) -> None:
    before = _run(scenario)
    for where in ("key_policy", "other_key_policy"):
        random.shuffle(scenario[where]["Statement"])
    assert (_run(scenario).decision, _run(scenario).decided) == (before.decision, before.decided)
    # The same operation asked from the other key: the other permission, the keys swapped.
    req = scenario["request"]
    swapped = {
        **scenario,
        "key_policy": scenario["other_key_policy"],
        "other_key_policy": scenario["key_policy"],
        "request": {
            **req,
            "action": "kms:ReEncryptTo"
            if req["action"] == "kms:ReEncryptFrom"
            else ("kms:ReEncryptFrom"),
            "key_arn": req["other_key_arn"],
            "other_key_arn": req["key_arn"],
        },
    }
    other_side = _run(swapped)
    assert (other_side.decision, other_side.decided) == (before.decision, before.decided)
