"""explain's command line as a hostile user drives it: every input of the wrong kind, shape or
encoding is one line on stderr naming the file and what is wrong, exit 2, and nothing on
stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kms_permissions.cli import main
from kms_permissions.policy.access.cases import (
    ACCOUNT,
    ADMIN_ROLE,
    APP_ROLE,
    APP_SESSION,
    DECRYPT_GRANT,
    KEY_ARN,
    enable_iam,
    policy,
    request,
    statement,
)

if TYPE_CHECKING:
    from _pytest.capture import CaptureResult  # what capsys.readouterr() gives

KEY_POLICY = json.dumps(policy(enable_iam()))
REQUEST = json.dumps({**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE})
IDENTITY = json.dumps(policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))
WITH_PRINCIPAL = json.dumps(policy(statement("Allow", "*", "kms:*")))
REENCRYPT = json.dumps(
    {**request(APP_SESSION, "kms:ReEncryptFrom"), "other_key_arn": KEY_ARN.replace("1234", "9999")}
)


def _req(**fields: object) -> bytes:
    """The request with these fields replaced."""
    return json.dumps({**json.loads(REQUEST), **fields}).encode()


def _request(**fields: object) -> bytes:
    """The request with these fields replaced (None drops one)."""
    body = {**json.loads(REQUEST), **fields}
    if "principal" in fields:
        body.pop("principal_arn")
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


# (flag, the file's bytes, what the line must say)
BAD: list[tuple[str, bytes, str]] = [
    ("--key-policy", IDENTITY.encode(), "a key policy statement needs a Principal"),
    ("--scp", WITH_PRINCIPAL.encode(), "a service control policy names no Principal"),
    ("--permissions-boundary", WITH_PRINCIPAL.encode(), "a permissions boundary names no"),
    ("--session-policy", WITH_PRINCIPAL.encode(), "a session policy names no Principal"),
    ("--iam-policy", WITH_PRINCIPAL.encode(), "an IAM (identity) policy names no Principal"),
    ("--rcp", IDENTITY.encode(), "a resource control policy statement needs a Principal"),
    ("--vpce-policy", IDENTITY.encode(), "a VPC endpoint policy statement needs a Principal"),
    ("--key-policy", b"", "empty; a JSON document was expected"),
    ("--key-policy", b"{", "line 1 column 2: Expecting property name"),
    ("--scp", b"\xff\xfe{}", "not UTF-8 text"),
    ("--key-policy", b"[" * 100_000 + b"]" * 100_000, "nested deeper than 100"),
    ("--key-policy", b'{"Version": ' + b"9" * 5000 + b"}", "a number of 5000 digits"),
    ("--request", REQUEST[:-1].encode() + b', "context": {"aws:EpochTime": 1e400}}', "beyond"),
    ("--request", REQUEST[:-1].encode() + b', "context": {"aws:EpochTime": NaN}}', "NaN is not"),
    ("--key-policy", KEY_POLICY[:-1].encode() + b', "Version": "2008-10-17"}', "$: 'Version' is"),
    ("--request", b'{"principal": "111122223333", ' + REQUEST[1:].encode(), "'principal' is given"),
    (
        "--scp",
        b'{"Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*", '
        b'"Condition": {"NumericLessThan": {"kms:GrantOperations": -Infinity}}}]}',
        "-Infinity is",
    ),
    ("--key-policy", b"null", "not a policy document"),
    # A principal that no request carries: another partition than the key's, a role without a
    # name, a session without a role name, spaces around it, a name IAM would refuse.
    ("--request", _req(principal=APP_ROLE.replace(":aws:", ":aws-cn:")), "partition aws-cn"),
    ("--request", _req(principal=f"arn:aws:iam::{ACCOUNT}:role/"), "is not a root, user"),
    ("--request", _req(principal=f"arn:aws:sts::{ACCOUNT}:assumed-role//s"), "is not a root"),
    ("--request", _req(principal=f" {ACCOUNT}"), "spaces or line breaks around it"),
    ("--request", _req(principal=APP_ROLE + "\n"), "spaces or line breaks around it"),
    ("--request", _req(principal=APP_ROLE + "x" * 65), "is not an IAM name"),
    ("--request", _req(principal=APP_ROLE + "é"), "is not an IAM name"),
    ("--request", _req(principal=APP_ROLE + "x" * 100_000), " characters]..."),  # cut short
    ("--request", _req(other_key_arn=KEY_ARN.replace(":aws:", ":aws-cn:")), "two partitions"),
    ("--request", _req(action=5), "action: must be a string, not a number"),
    ("--request", _req(action=["kms:Decrypt"]), "action: must be a string, not an array"),
    ("--request", _req(principal=""), "principal: empty"),
    ("--scp", REQUEST.encode(), "not a policy document"),
    ("--request", KEY_POLICY.encode(), "unknown field"),
    ("--request", b'"a string"', "a request is a JSON object"),
    ("--grant", json.dumps({**DECRYPT_GRANT, "Weird": 1}).encode(), "unknown field 'Weird'"),
    ("--grant", b'{"Grants": "none"}', "Grants: a list of grants"),
    ("--grant", KEY_POLICY.encode(), "a policy document, not a grant"),
    ("--grant", REQUEST.encode(), "not a grant: no Operations or grantee"),
    ("--grant", json.dumps({**DECRYPT_GRANT, "Operations": ["Fly"]}).encode(), "'Fly' is not"),
    ("--other-key-policy", KEY_POLICY.encode(), "names no other_key_arn"),
    # A context key that says otherwise than the request's own fields.
    (
        "--request",
        _request(context={"kms:CallerAccount": "444455556666"}),
        "context['kms:CallerAccount']: contradicts the request, whose other fields make "
        "kms:CallerAccount '111122223333'",
    ),
    ("--request", _request(context={"aws:SecureTransport": False}), "make aws:SecureTransport"),
    # [] says a key is absent: not one that the request's own fields set.
    (
        "--request",
        _request(context={"aws:principalaccount": []}),
        "context['aws:PrincipalAccount']: [] says it is absent, but the request's other fields "
        "make it '111122223333'",
    ),
    (
        "--request",
        _request(principal_arn=None, context={"aws:PrincipalArn": ADMIN_ROLE}),
        "context['aws:PrincipalArn']: 'arn:aws:iam::111122223333:role/KeyAdmin' is not the role "
        "of the session",
    ),
    ("--request", _request(vpce="vpce-1111", context={"aws:SourceVpce": "vpce-2222"}), "make aws"),
    ("--request", _request(alias="alias/a", context={"kms:RequestAlias": "alias/b"}), "contradict"),
    (
        "--request",
        _request(vpce="vpce-1111", context={"aws:SourceIp": "192.0.2.1"}),
        "AWS does not set it on a request through a VPC endpoint",
    ),
    ("--request", _request(context={"aws:SourceVpc": "vpc-1"}), "only on a request through a VPC"),
    ("--request", _request(context={"kms:EncryptionContext:": "x"}), "no encryption context key"),
    ("--request", _request(vpce="vpce-"), "not a VPC endpoint ID"),
    (
        "--key-policy",
        json.dumps(policy(statement("Allow", {"AWS": 111122223333}, "kms:*"))).encode(),
        "Principal['AWS']: a name or a non-empty list of names",
    ),
    (
        "--key-policy",
        json.dumps(policy(statement("Allow", {"AWS": []}, "kms:*"))).encode(),
        "a non-empty list of names",
    ),
    ("--key-policy", json.dumps(policy(statement("Allow", "*", []))).encode(), "empty list"),
]


def _run(
    tmp_path: Path, flag: str, data: bytes | None, capsys: pytest.CaptureFixture[str]
) -> tuple[int, CaptureResult[str], str]:
    (tmp_path / "kp.json").write_text(KEY_POLICY)
    (tmp_path / "req.json").write_text(REQUEST)
    bad = tmp_path / "bad.json"
    if data is None:
        bad.mkdir()
    else:
        bad.write_bytes(data)
    argv = {"--key-policy": str(tmp_path / "kp.json"), "--request": str(tmp_path / "req.json")}
    argv[flag] = str(bad)
    status = main(["explain", *(x for pair in argv.items() for x in pair)])
    return status, capsys.readouterr(), str(bad)


@pytest.mark.parametrize(("flag", "data", "said"), BAD, ids=[f"{f}-{s}" for f, _, s in BAD])
def test_bad_input_is_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, data: bytes, said: str
) -> None:
    status, out, name = _run(tmp_path, flag, data, capsys)
    assert status == 2
    assert out.out == ""
    assert out.err.count("\n") == 1 and name in out.err and said in out.err
    assert "Traceback" not in out.err


@pytest.mark.parametrize("flag", ["--key-policy", "--request", "--grant", "--scp", "--rcp"])
def test_a_folder_instead_of_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    status, out, name = _run(tmp_path, flag, None, capsys)
    assert (status, out.out, out.err.count("\n")) == (2, "", 1)
    assert f"{name}: is a folder, not a regular file" in out.err


def test_an_other_key_policy_of_the_wrong_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "req.json").write_text(REENCRYPT)
    (tmp_path / "kp.json").write_text(KEY_POLICY)
    (tmp_path / "other.json").write_text(IDENTITY)
    argv = ["explain", "--key-policy", str(tmp_path / "kp.json")]
    argv += ["--request", str(tmp_path / "req.json")]
    assert main([*argv, "--other-key-policy", str(tmp_path / "other.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a key policy statement needs a Principal" in err


def test_a_policy_type_both_given_and_said_absent_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kp.json").write_text(KEY_POLICY)
    (tmp_path / "req.json").write_text(REQUEST)
    (tmp_path / "iam.json").write_text(IDENTITY)
    files = ["--key-policy", str(tmp_path / "kp.json"), "--request", str(tmp_path / "req.json")]
    given = ["--iam-policy", str(tmp_path / "iam.json")]
    assert main(["explain", *files, *given]) == 0  # allowed: the IAM policy is given
    capsys.readouterr()
    assert main(["explain", *files, *given, "--none", "iam-policy"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1
    assert "'iam-policy' is said to be absent and is given too" in out.err


def test_a_byte_order_mark_is_read_as_the_checker_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Windows editors write one; the checker reads such files, so explain does too.
    (tmp_path / "kp.json").write_bytes(b"\xef\xbb\xbf" + KEY_POLICY.encode())
    (tmp_path / "req.json").write_bytes(b"\xef\xbb\xbf" + REQUEST.encode())
    (tmp_path / "iam.json").write_text(IDENTITY)
    argv = ["explain", "--key-policy", str(tmp_path / "kp.json"), "--json"]
    argv += ["--request", str(tmp_path / "req.json"), "--iam-policy", str(tmp_path / "iam.json")]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "allow"


def test_an_account_id_is_one_account_only_within_its_partition() -> None:
    # The same twelve digits in aws-cn are another account: a key policy of a China key that
    # names the aws partition's account does not let the China account's root in, and a bare
    # account ID in a request is the root of the key's partition.
    from kms_permissions.policy.access.explanation import explain

    china_key = KEY_ARN.replace("arn:aws:kms:us-west-2", "arn:aws-cn:kms:cn-north-1")
    asked = {"principal": ACCOUNT, "action": "kms:Decrypt", "key_arn": china_key}
    own = policy(statement("Allow", {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}, "kms:*"))
    other = policy(statement("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "kms:*"))
    allowed = explain(own, asked, absent=["scp", "rcp"])
    assert allowed.decision == "allow", allowed.to_json()
    assert allowed.to_json()["request"]["principal"] == f"arn:aws-cn:iam::{ACCOUNT}:root"
    assert explain(other, asked, absent=["scp", "rcp"]).decision == "implicit-deny"
