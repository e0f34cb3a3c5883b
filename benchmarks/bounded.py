"""Work that grows with the input grows linearly: each case is timed at n, 2n and 4n in one run
and the ratios printed (about 2 and 4 for linear work; a backtracking or quadratic cost shows
as 4 and 16, or worse).

Cases: IAM wildcard matching of a pattern that makes a regex backtrack and of `?`-heavy
patterns (the value growing, then the pattern), YAML alias expansion
(keys included), CloudFormation Fn::If statements, JSON positions in a deep file, reading
the corpus archive, and checking whole inputs: a template of n keys and roles with intrinsics
(Fn::If, Fn::ImportValue, Fn::Select/Split, Fn::FindInMap, Fn::Sub) in Principal, Resource and
Condition, YAML of n statements built by merge keys, and a Terraform plan of n keys.

Run: python benchmarks/bounded.py
"""

from __future__ import annotations

import json
import lzma
import statistics
import time
from collections.abc import Callable

from kms_permissions.policy import check
from kms_permissions.policy.inputs import read_inputs
from kms_permissions.policy.jsontext import JsonPositions, loads
from kms_permissions.scraper.corpus import _decompress
from kms_permissions.wildcards import glob


def _median_s(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _wildcards(n: int) -> Callable[[], object]:
    value = "a" * n
    return lambda: glob("*a*a*a*a*a*a*a*a*b*", value)


def _question_marks(n: int) -> Callable[[], object]:
    value = "a" * n  # `?`s between literal runs: shift-and, one pass over the value
    return lambda: glob("*" + "a?" * 500 + "b*", value)


def _question_mark_pattern(n: int) -> Callable[[], object]:
    value = "a" * 200_000  # the pattern grows: each character read costs its length / a word
    return lambda: glob("*" + "a?" * n + "b*", value)


def _yaml_aliases(n: int) -> Callable[[], object]:
    # n mappings, each ten scalar keys whose values alias one list of ten.
    lines = ["base: &b [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"m{i}: {{" + ", ".join(f"k{j}: *b" for j in range(10)) + "}" for i in range(n)]
    text = "\n".join(lines) + "\n"
    return lambda: read_inputs(text, "t.yaml")


def _fn_if(n: int) -> Callable[[], object]:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    entry = {"Fn::If": ["c", statement, {"Fn::If": ["d", statement, {"Ref": "AWS::NoValue"}]}]}
    template = {
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": [entry] * n}},
            }
        }
    }
    text = json.dumps(template)
    return lambda: read_inputs(text, "t.json")


def _template(n: int) -> Callable[[], object]:
    root = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    chosen = {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Roles"}]}]}
    use = {
        "Effect": "Allow",
        "Principal": {"AWS": {"Fn::If": ["C", {"Fn::ImportValue": "RoleArn"}, chosen]}},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": {"Fn::FindInMap": ["M", "a", "b"]},
        "Condition": {"StringEquals": {"kms:CallerAccount": {"Ref": "AWS::AccountId"}}},
    }
    resources: dict[str, object] = {}
    for i in range(n):
        statements = [{"Effect": "Allow", "Principal": root, "Action": "kms:*", "Resource": "*"}]
        resources[f"Key{i}"] = {
            "Type": "AWS::KMS::Key",
            "Properties": {"KeyPolicy": {"Statement": [*statements, use]}},
        }
        arn = {"Fn::GetAtt": [f"Key{i}", "Arn"]}
        document = {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": arn}]}
        resources[f"Role{i}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": document}]},
        }
    text = json.dumps({"Resources": resources})
    return lambda: check(text)


def _merge_keys(n: int) -> Callable[[], object]:
    lines = [
        "Use: &use {Effect: Allow, Action: kms:Decrypt, Resource: '*'}",
        "Resources:",
        "  Key:",
        "    Type: AWS::KMS::Key",
        "    Properties:",
        "      KeyPolicy:",
        "        Statement:",
    ]
    lines += [
        f"          - {{<<: *use, Principal: {{AWS: arn:aws:iam::111122223333:role/R{i}}}}}"
        for i in range(n)
    ]
    text = "\n".join(lines) + "\n"
    return lambda: check(text)


def _plan(n: int) -> Callable[[], object]:
    policy = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*"},
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"},
            ]
        }
    )
    keys = [
        {"address": f"aws_kms_key.k{i}", "type": "aws_kms_key", "values": {"policy": policy}}
        for i in range(n)
    ]
    text = json.dumps(
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": keys}}}
    )
    return lambda: check(text)


def _json_positions(n: int) -> Callable[[], object]:
    inner: object = ["x"] * n
    for _ in range(90):
        inner = [inner]
    text = json.dumps({"Statement": [{"Condition": {"k": inner}}, {"Effect": "Allow"}]})
    deep = ("Statement", 0, "Condition", "k", *[0] * 90, n - 1)

    def run() -> object:
        loads(text)
        positions = JsonPositions(text)
        return positions(("Statement", 1, "Effect")), positions(deep)

    return run


def _archive(n: int) -> Callable[[], object]:
    raw = b"".join(i.to_bytes(4, "big") for i in range(n // 4))
    data = lzma.compress(raw, format=lzma.FORMAT_XZ, preset=1)
    return lambda: _decompress(data, len(raw))


CASES: dict[str, tuple[Callable[[int], Callable[[], object]], int]] = {
    "wildcards: *a*a*a*a*a*a*a*a*b*, n a's": (_wildcards, 1_000_000),
    "wildcards: *a?a?...a?b* (500 runs), n a's": (_question_marks, 200_000),
    "wildcards: n runs of a? against 200,000 a's": (_question_mark_pattern, 2_000),
    "YAML: n mappings of aliased lists": (_yaml_aliases, 500),
    "CloudFormation: n nested Fn::If entries": (_fn_if, 500),
    "JSON positions: n values 90 deep": (_json_positions, 200_000),
    "corpus archive: n bytes": (_archive, 2_000_000),
    "check: template of n keys and n roles, intrinsics everywhere": (_template, 250),
    "check: YAML of n statements made with merge keys": (_merge_keys, 500),
    "check: Terraform plan of n keys": (_plan, 500),
}


def main() -> None:
    width = max(len(label) for label in CASES)
    print(f"{'':{width}}   t(n) ms   t(2n)/t(n)   t(4n)/t(n)")
    for label, (make, n) in CASES.items():
        base, double, quadruple = (_median_s(make(n * k)) for k in (1, 2, 4))
        ratios = f"{double / base:10.2f}   {quadruple / base:10.2f}"
        print(f"{label:{width}}   {base * 1000:7.1f}   {ratios}")
    print("(medians of 5; linear work reads about 2 and 4)")


if __name__ == "__main__":
    main()
