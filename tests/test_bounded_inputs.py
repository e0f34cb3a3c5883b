"""Inputs written to make `check` run away are refused or read in bounded work, at the sizes
that once took minutes and gigabytes (each run in a child under CPU and memory limits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .bounded import run_bounded


def _check(path: Path, cpu_seconds: int = 60, memory_mb: int = 1024) -> tuple[int, str]:
    code = (
        "import sys\n"
        "from kms_permissions.cli import main\n"
        f"status = main(['check', {str(path)!r}, '--json'])\n"
        "print('exit', status)\n"
    )
    done = run_bounded(code, cpu_seconds, memory_mb)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    last = done.stdout.rsplit("exit ", 1)
    return int(last[1]), done.stderr


def test_yaml_aliases_used_as_keys_are_refused(tmp_path: Path) -> None:
    # 465 bytes: each alias list holds nine of the one before; as a key it was printed whole
    # (3.4 GB in 156 s for 390 bytes). A key must be a scalar; keys count as values.
    lines = ["k:", "  ? &a0 [x, x, x, x, x, x, x, x, x]", "  : 0"]
    for i in range(1, 8):
        lines += [f"  ? &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]", f"  : {i}"]
    path = tmp_path / "keys.yaml"
    path.write_text("\n".join(lines) + "\n")
    status, err = _check(path, memory_mb=512)
    assert status == 2
    assert "line 2 column 5: a mapping key that is a list or mapping" in err


def test_yaml_scalar_alias_keys_count_toward_the_cap(tmp_path: Path) -> None:
    # Keys made by aliases of one scalar in mappings made by aliases: every key is counted.
    lines = ["k0: &m0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1, j: 1}"]
    for i in range(1, 8):
        members = ", ".join(f"{chr(97 + j)}: *m{i - 1}" for j in range(10))
        lines.append(f"k{i}: &m{i} {{{members}}}")
    path = tmp_path / "wide.yaml"
    path.write_text("\n".join(lines) + "\n")
    status, err = _check(path, memory_mb=768)
    assert status == 2
    assert "more than 1000000 values (aliases expanded); not read" in err


@pytest.mark.parametrize(
    ("levels", "refusal"),
    [
        (12, "Resources.Key.Properties.KeyPolicy.Statement.9: Fn::If chooses among more than 256"),
        # The size: twenty levels (3.9 GB once) stop at the cap on values built.
        (20, "more than 1000000 values (aliases expanded); not read"),
    ],
)
def test_nested_fn_if_through_aliases_is_bounded(tmp_path: Path, levels: int, refusal: str) -> None:
    # Twelve levels of Fn::If over one statement: 4,096 policies' worth from 900 bytes. One
    # Fn::If tree chooses among 256 values at most.
    lines = [
        "Resources:",
        "  Key:",
        "    Type: AWS::KMS::Key",
        "    Properties:",
        "      KeyPolicy:",
        "        Version: '2012-10-17'",
        "        Statement:",
        "          - &s0 {Effect: Allow, Principal: '*', Action: 'kms:*', Resource: '*'}",
    ]
    for i in range(1, levels + 1):
        lines.append(f"          - &s{i} {{'Fn::If': [c{i}, *s{i - 1}, *s{i - 1}]}}")
    path = tmp_path / "ifs.yaml"
    path.write_text("\n".join(lines) + "\n")
    status, err = _check(path, memory_mb=768)
    assert status == 2
    assert refusal in err


@pytest.mark.slow
def test_a_14_mb_json_policy_nested_90_deep_is_located_in_linear_work(tmp_path: Path) -> None:
    # 3.4 million values 90 levels down, and 200 statements with findings after them: a scan of
    # every value's pointer took 130 s and 2.4 GB; only the cited paths are walked now.
    inner: object = ["x"] * 3_400_000
    for _ in range(90):
        inner = [inner]
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    deep = {**statement, "Condition": {"StringEquals": {"aws:PrincipalOrgID": inner}}}
    text = json.dumps({"Version": "2012-10-17", "Statement": [deep] + [statement] * 200})
    assert len(text) > 14_000_000
    path = tmp_path / "big.json"
    path.write_text(text)
    code = (
        "from kms_permissions.policy.jsontext import JsonPositions, loads\n"
        f"text = open({str(path)!r}).read()\n"
        "loads(text)\n"
        "positions = JsonPositions(text)\n"
        "print(positions(('Statement', 200, 'Principal')), positions(('Statement', 0, 'Effect')))\n"
        "deep = ('Statement', 0, 'Condition', 'StringEquals', 'aws:PrincipalOrgID', *[0] * 90)\n"
        "print(positions((*deep, 3_399_999)), positions((*deep, 3_400_000)))\n"
        "print(len(positions._members))\n"
    )
    done = run_bounded(code, cpu_seconds=60, memory_mb=1024)
    assert done.returncode == 0, done.stderr[-2000:]
    first, last, read = done.stdout.splitlines()
    principal, effect, last_x = (
        text.rindex('"Principal"'),
        text.index('"Effect"'),
        text.index('"x"]]'),
    )
    assert first == f"(1, {principal + 1}) (1, {effect + 1})"
    assert last == f"(1, {last_x + 1}) None"
    # Only the containers on the asked paths were read: the top, the list, two statements,
    # the condition's two objects and the 91 lists below them.
    assert int(read) == 1 + 1 + 2 + 2 + 91


def test_wildcard_patterns_in_a_policy_are_matched_without_backtracking(tmp_path: Path) -> None:
    # Stars and letters that make a regex try every split: in the service part (read for the
    # policy's kind), in an ARN field, and in the action (the evaluator's).
    stars = "*k" * 400 + "*x"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": [f"{stars}:Decrypt", f"kms:{'*a' * 400}*b"],
        "Resource": f"arn:{'*a' * 400}*q:kms:*:*:key/*",
    }
    path = tmp_path / "stars.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    status, err = _check(path, memory_mb=512)
    assert status in (0, 1), err
    code = (
        "from kms_permissions.query import load_index\n"
        "print(load_index().expand('kms:' + '*a' * 400 + '*b'))\n"
    )
    assert run_bounded(code, cpu_seconds=60).stdout.strip() == "[]"
