"""Every verb that reads a file, given what is not one: /dev/zero, a FIFO no one writes to, a
symbolic link loop, a folder, a missing path, a 40 MiB line. Each answer is one line on
stderr and a non-zero exit, in bounded time (a FIFO is never waited on), and nothing is
written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .safety import snapshot

COMMANDS = [
    "check INPUT",
    "explain --key-policy INPUT --request INPUT",
    "access INPUT",
    "key-policy new INPUT",
    "scrape --source INPUT --out out.json",
    "build --source INPUT --out built --no-cache",
    "history --corpus INPUT --out history --no-cache",
    "corpus create --from INPUT --vendored vendored",
    "corpus verify --vendored INPUT",
    "corpus extract --vendored INPUT --out extracted",
    "diff INPUT INPUT",
    "verify INPUT",
    "export --dataset INPUT --out exported.json",
]
INPUTS = ["/dev/zero", "fifo", "loop", "folder", "missing", "huge.json"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    os.mkfifo(base / "fifo")
    (base / "loop").symlink_to(base / "loop2")
    (base / "loop2").symlink_to(base / "loop")
    (base / "folder").mkdir()
    (base / "huge.json").write_text('{"a": "' + "x" * (40 * 1024 * 1024) + '"}')
    return base


@pytest.mark.slow
@pytest.mark.parametrize("given", INPUTS)
@pytest.mark.parametrize("command", COMMANDS, ids=[c.split(" INPUT")[0] for c in COMMANDS])
def test_a_file_that_is_not_one_is_one_line(hostile: Path, command: str, given: str) -> None:
    before = snapshot(hostile)
    argv = command.replace("INPUT", given).split()
    done = subprocess.run(
        [sys.executable, "-m", "kms_permissions", *argv],
        cwd=hostile,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,  # a FIFO waited on would hang: this only ends the test
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode in (1, 2), (done.returncode, done.stderr[-2000:])
    assert done.stderr.count("\n") == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert snapshot(hostile) == before


# Numbers Python's parser takes and JSON (and AWS) does not: each is one line naming where.
NOT_JSON = [
    (b'{"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": NaN}]}', "NaN is"),
    (b'{"Statement": [{"Sid": "NaN", "Effect": "Allow",\n "Resource": -Infinity}]}', "line 2"),
    (b'{"Version": 1e999999, "Statement": []}', "1e999999 is beyond the range of a float"),
    (b'{"Version": 0.' + b"1" * 100 + b', "Statement": []}', "numbers are capped"),
]


@pytest.mark.parametrize(("text", "said"), NOT_JSON, ids=[s for _, s in NOT_JSON])
@pytest.mark.parametrize("verb", ["check", "key-policy new"])
def test_nan_infinity_and_overflowing_numbers_are_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str, text: bytes, said: str
) -> None:
    from kms_permissions.cli import main

    given = tmp_path / "policy.json"
    given.write_bytes(text)
    assert main([*verb.split(), str(given)]) == 2
    err = capsys.readouterr().err
    assert f"{given}: " in err and said in err and err.count("\n") == 1, err


EMPTY_PATHS = [
    "lookup --dataset '' kms:Decrypt",
    "lookup --json --dataset '' kms:Decrypt",
    "keys --action kms:Decrypt --dataset ''",
    f"check --dataset '' {ROOT}/tests/realworld/02-kms-guide-console-readonly-iam-policy.json",
    "explain --dataset '' --key-policy {tmp}/kp.json --request {tmp}/req.json",
    "generate --check --dataset ''",
    "verify ''",
    "diff '' ''",
    "corpus list --vendored ''",
    "corpus extract --out ''",
]


@pytest.mark.parametrize("command", EMPTY_PATHS)
def test_an_empty_path_is_refused_never_read_as_a_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # `--dataset ''` used to answer from the bundled dataset (lookup), or read the current
    # folder (Path('') is '.').
    import json
    import shlex

    from kms_permissions.cli import main
    from kms_permissions.policy.access.cases import APP_ROLE, enable_iam, policy, request

    (tmp_path / "kp.json").write_text(json.dumps(policy(enable_iam())))
    (tmp_path / "req.json").write_text(json.dumps(request(APP_ROLE, "kms:Decrypt")))
    assert main(shlex.split(command.replace("{tmp}", str(tmp_path)))) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "an empty path" in out.err, out.err


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf"])
@pytest.mark.parametrize("action", ["refetch", "fill-botocore --layout x"])
def test_corpus_timeouts_are_seconds_over_zero(
    capsys: pytest.CaptureFixture[str], action: str, value: str
) -> None:
    # `--timeout nan` used to be taken, and a refetch then waited without end.
    from kms_permissions.cli import main

    assert main(["corpus", *action.split(), "--timeout", value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give a number of seconds over 0" in err


def test_corpus_outputs_never_inside_their_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `corpus extract --out corpus/inner` used to write the extracted pages into the vendored
    # corpus folder itself (and `create` its archive into the folder it reads).
    import shutil

    from kms_permissions.cli import main

    vendored = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", vendored)
    layout = tmp_path / "layout"
    assert main(["corpus", "extract", "--vendored", str(vendored), "--out", str(layout)]) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    refused = [
        ["extract", "--vendored", str(vendored), "--out", str(vendored / "inner")],
        ["extract", "--vendored", str(vendored), "--out", str(vendored)],
        ["extract", "--vendored", str(vendored), "--out", str(tmp_path)],
        ["create", "--from", str(layout), "--vendored", str(layout / "vendored")],
        ["create", "--from", str(layout), "--vendored", str(tmp_path)],
    ]
    for argv in refused:
        assert main(["corpus", *argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "write the output somewhere else" in err, err
    assert snapshot(tmp_path) == before


STDIN_READERS = [
    "check -",
    "lookup -",
    "actions --key -",
    "explain --key-policy {tmp}/kp.json --request -",
    "key-policy new -",
    "access -",
]


@pytest.mark.parametrize("how", ["closed", "a terminal"])
@pytest.mark.parametrize("command", STDIN_READERS, ids=[c.split(" -")[0] for c in STDIN_READERS])
def test_standard_input_closed_or_a_terminal_is_one_line(
    tmp_path: Path, command: str, how: str
) -> None:
    # Closed (`<&-`) it was an internal error (sys.stdin is None); a terminal waited for
    # typing nobody knew was expected.
    import json
    import pty

    from kms_permissions.policy.access.cases import enable_iam, policy

    (tmp_path / "kp.json").write_text(json.dumps(policy(enable_iam())))
    argv = command.replace("{tmp}", str(tmp_path)).split()
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kms_permissions", *argv],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,  # a read waiting on the terminal would hang: this only ends the test
            **({"stdin": follower} if how == "a terminal" else {"preexec_fn": lambda: os.close(0)}),
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2 and done.stdout.count("\n") <= 1, (done.stdout, done.stderr)
    said = f"standard input is {'closed' if how == 'closed' else 'a terminal'}"
    assert done.stderr.count("\n") == 1 and said in done.stderr, done.stderr


def test_explain_called_with_arguments_of_the_wrong_type_says_which() -> None:
    # A str where a list belongs was read one character at a time ("iam-policy[0]: line 1
    # column 1: Expecting value", absent='scp' as 's', 'c', 'p'); an int was a TypeError from
    # deep inside.
    from kms_permissions import explain
    from kms_permissions.errors import ArgumentTypeError, InputError
    from kms_permissions.policy.access.cases import APP_ROLE, enable_iam, policy, request

    key_policy, asked = policy(enable_iam()), request(APP_ROLE, "kms:Decrypt")
    wrong: list[tuple[dict[str, object], str]] = [
        ({"request": 5}, "request must be a pathlib.Path, JSON text, a dict or a list, not int"),
        ({"iam_policies": "policy.json"}, "iam_policies must be a list, not str"),
        ({"iam_policies": [5]}, "iam_policies[0] must be a pathlib.Path"),
        ({"grants": 5}, "grants must be a list, not int"),
        ({"absent": "scp"}, "absent must be a list, not str"),
        ({"absent": [None]}, "absent[0] must be a str, not NoneType"),
        ({"dataset": 5}, "dataset must be a path or None, not int"),
        ({"strict": "yes"}, "strict must be a bool, not str"),
        ({"vpce_policy": 5}, "vpce_policy must be a pathlib.Path"),
    ]
    for given, said in wrong:
        arguments: dict[str, object] = {"key_policy": key_policy, "request": asked, **given}
        with pytest.raises(ArgumentTypeError) as raised:
            explain(**arguments)  # type: ignore[arg-type]
        assert str(raised.value).startswith(f"explain(): {said}"), (given, str(raised.value))
        assert isinstance(raised.value, TypeError)
    with pytest.raises(InputError, match=r"pass a pathlib\.Path to read a file"):
        explain("key-policy.json", asked)


CFN_ODD = """AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  Open: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Chosen:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement: !If
          - Open
          - [{Effect: Allow, Principal: "*", Action: "kms:*", Resource: "*"}]
          - !Ref AWS::NoValue
  Substituted:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: !Sub |
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
         "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}}]}
  Imported:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: !ImportValue shared-key-policy
  Encoded:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {"Fn::Base64": "e30="}
  Plain:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: "*", Action: "kms:*", Resource: "*"}]
"""


def test_cloudformation_intrinsics_where_a_policy_or_its_statements_go() -> None:
    # A Statement chosen by Fn::If, or a key policy computed at deploy time (Fn::ImportValue,
    # Fn::Base64), made the whole template "not a policy document" and its other key policies
    # went unchecked; a policy written as JSON text in Fn::Sub was not read.
    from kms_permissions.policy import check

    found = {(f.rule_id, f.policy) for f in check(CFN_ODD) if f.severity == "error"}
    labels = {label for _, label in found}
    assert ("KMS040", "Resources.Chosen (Fn::If branch 1)") in found
    assert ("KMS040", "Resources.Plain") in found
    assert "Resources.Substituted" in labels  # read through its Fn::Sub, ${...} left in place
    assert not labels & {"Resources.Imported", "Resources.Encoded"}  # computed: not read


def test_a_list_of_policy_documents_is_refused_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read as a statement list, each document was a "statement" without Effect or Action: no
    # rule ran and a public key policy got "0 findings", exit 0.
    import json

    from kms_permissions.cli import main
    from kms_permissions.policy.access.cases import APP_ROLE, policy, request, statement

    public = policy(statement("Allow", "*", "kms:*"))
    listed = tmp_path / "policies.json"
    listed.write_text(json.dumps([public]))
    (tmp_path / "req.json").write_text(json.dumps(request(APP_ROLE, "kms:Decrypt")))
    explain = ["explain", "--key-policy", str(listed), "--request", str(tmp_path / "req.json")]
    for argv in (["check", str(listed)], explain):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "$[0]: a policy document inside a list" in err, err


YAML_NOT_DATA = [
    ("Version: !!python/object/apply:os.system [echo hi]\nStatement: []\n", "!!python/object"),
    ("!!python/object/new:os.system [echo hi]\n", "the YAML tag !!python/object/new:os.system"),
    ("Version: 1.0e+999\nStatement: []\n", "line 1: the number 1.0e+999 is beyond the range"),
]


@pytest.mark.parametrize(("text", "said"), YAML_NOT_DATA, ids=[s for _, s in YAML_NOT_DATA])
@pytest.mark.parametrize("verb", ["check", "key-policy new"])
def test_yaml_language_tags_and_infinite_numbers_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str, text: str, said: str
) -> None:
    # Never executed, but read as plain data (a Version that was a list): now one line.
    from kms_permissions.cli import main

    given = tmp_path / "policy.yaml"
    given.write_text(text)
    assert main([*verb.split(), str(given)]) == 2
    err = capsys.readouterr().err
    assert f"{given}: " in err and said in err and err.count("\n") == 1, err


def test_terminal_controls_in_policies_requests_and_names_are_shown_not_obeyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # access and explain printed a Sid, a principal or a context key as written: an escape
    # sequence cleared the screen, a carriage return and line break forged a line of output;
    # check and the one error path printed a file's name so.
    import json

    from kms_permissions.cli import main
    from kms_permissions.policy.access.cases import APP_ROLE, enable_iam, policy, request

    forged = "\x1b[2J\r\nkp.json:1:1: KMS000 [error] forged\u202e"
    bad = {**enable_iam(), "Sid": f"A{forged}", "Principal": {"AWS": f"{APP_ROLE}\x1b[31m"}}
    (tmp_path / "kp.json").write_text(json.dumps(policy(enable_iam(), bad)))
    asked = request(APP_ROLE, "kms:Decrypt", {f"kms:EncryptionContext:a{forged}": "x\x1b[2J"})
    (tmp_path / "req.json").write_text(json.dumps(asked))
    named = tmp_path / f"policy{forged}.json"
    named.write_text(json.dumps(policy(bad)))
    runs = [
        ["access", str(tmp_path / "kp.json")],
        [
            "explain",
            "--key-policy",
            str(tmp_path / "kp.json"),
            "--request",
            str(tmp_path / "req.json"),
        ],
        ["check", str(named)],
        ["check", str(tmp_path / f"missing{forged}.json")],
        ["explain", "--key-policy", str(named), "--request", str(tmp_path / "missing\x1b[2J.json")],
    ]
    for argv in runs:
        main(argv)
        out = capsys.readouterr()
        for stream in (out.out, out.err):
            assert not any(c in stream for c in "\x1b\r\u202e"), (argv, stream)
            assert "\nkp.json:1:1: KMS000" not in stream, (argv, stream)
        assert "\\x1b" in out.out + out.err, argv  # shown, escaped


def test_what_a_file_is_called_and_what_reads_standard_input_are_said_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A markdown file with a Terraform example in it was called "Terraform HCL"; `--key-policy
    # -` looked for a file named "-" ("No such file or directory").
    from kms_permissions.cli import main

    notes = tmp_path / "NOTES.md"
    notes.write_text('# Notes\n\nresource "aws_kms_key" "k" {\n  policy = "..."\n}\n')
    assert main(["check", str(notes)]) == 2
    assert "Terraform" not in capsys.readouterr().err
    (tmp_path / "main.tf").write_text(notes.read_text())
    assert main(["check", str(tmp_path / "main.tf")]) == 2
    assert "Terraform HCL is not read" in capsys.readouterr().err
    for option in ("--key-policy", "--grant", "--iam-policy", "--other-key-policy"):
        argv = ["explain", "--key-policy", "kp.json", "--request", "req.json", option, "-"]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{option} -: only --request reads standard input" in err
