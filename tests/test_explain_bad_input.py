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

# (flag, the file's bytes, what the line must say)
BAD: list[tuple[str, bytes, str]] = [
    ("--key-policy", IDENTITY.encode(), "a key policy statement needs a Principal"),
    ("--scp", WITH_PRINCIPAL.encode(), "a service control policy names no Principal"),
    ("--permissions-boundary", WITH_PRINCIPAL.encode(), "a permissions boundary names no"),
    ("--session-policy", WITH_PRINCIPAL.encode(), "a session policy names no Principal"),
    ("--iam-policy", WITH_PRINCIPAL.encode(), "an IAM (identity) policy names no Principal"),
    ("--rcp", IDENTITY.encode(), "a resource control policy statement needs a Principal"),
    ("--vpce-policy", IDENTITY.encode(), "a VPC endpoint policy statement needs a Principal"),
    ("--key-policy", b"", "line 1 column 1: Expecting value"),
    ("--scp", b"\xff\xfe{}", "not UTF-8 text"),
    ("--key-policy", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("--key-policy", b'{"Version": ' + b"9" * 5000 + b"}", "a number of more than 4300 digits"),
    ("--request", REQUEST[:-1].encode() + b', "context": {"aws:EpochTime": 1e400}}', "beyond"),
    ("--request", REQUEST[:-1].encode() + b', "context": {"aws:EpochTime": NaN}}', "NaN is not"),
    ("--key-policy", b"null", "not a policy document"),
    ("--scp", REQUEST.encode(), "not a policy document"),
    ("--request", KEY_POLICY.encode(), "unknown field"),
    ("--request", b'"a string"', "a request is a JSON object"),
    ("--grant", json.dumps({**DECRYPT_GRANT, "Weird": 1}).encode(), "unknown field 'Weird'"),
    ("--grant", b'{"Grants": "none"}', "Grants: a list of grants"),
    ("--grant", KEY_POLICY.encode(), "a policy document, not a grant"),
    ("--grant", REQUEST.encode(), "not a grant: no Operations or grantee"),
    ("--grant", json.dumps({**DECRYPT_GRANT, "Operations": ["Fly"]}).encode(), "'Fly' is not"),
    ("--other-key-policy", KEY_POLICY.encode(), "names no other_key_arn"),
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
