"""Fuzzing the YAML and CloudFormation readers: drawn documents full of anchors, aliases (as
values and as keys), short-form tags and nested Fn::If, and mutated real templates, are read
or refused with a PolicyError, never another exception, and every policy found can be located
in its file."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.policy.cloudformation import MAX_BRANCHES
from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.inputs import read_inputs

from .conftest import ROOT

TEMPLATE = ROOT / "tests" / "realworld" / "09-cfn-templates-s3-replication-destination.yaml"
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
SCALARS = st.sampled_from(
    ["x", "'*'", "kms:*", "Allow", "2012-10-17", "'1'", "null", "true", "0x1F", "1_000", ""]
)
TAGS = st.sampled_from(["", "!If ", "!Ref ", "!Sub ", "!GetAtt ", "!Join ", "!Condition "])
KEYS = st.sampled_from(
    ["Effect", "Principal", "Action", "Resource", "Statement", "Fn::If", "Condition", "AWS", "k"]
)


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    """A flow-style YAML document: anchors on some values, aliases to earlier anchors (as
    values or keys), tags, nested lists and mappings."""
    anchors: list[str] = []

    def value(depth: int) -> str:
        kind = draw(
            st.sampled_from(["scalar", "alias", "list", "map"] if depth < 4 else ["scalar"])
        )
        if kind == "alias" and anchors:
            return f"*{draw(st.sampled_from(anchors))}"
        if kind == "list":
            text = "[" + ", ".join(value(depth + 1) for _ in range(draw(st.integers(0, 4)))) + "]"
        elif kind == "map":
            members = []
            for _ in range(draw(st.integers(0, 4))):
                if anchors and draw(st.integers(0, 5)) == 0:
                    key = f"? *{draw(st.sampled_from(anchors))}"  # an alias as a key
                else:
                    key = draw(KEYS)
                members.append(f"{key}: {value(depth + 1)}")
            text = "{" + ", ".join(members) + "}"
        else:
            text = draw(SCALARS)
        text = draw(TAGS) + text
        if draw(st.booleans()):
            anchors.append(f"a{len(anchors)}")
            text = f"&{anchors[-1]} {text}"
        return text

    statements = ", ".join(value(1) for _ in range(draw(st.integers(1, 4))))
    document = draw(st.sampled_from(["template", "policy", "free"]))
    if document == "template":
        return (
            "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n"
            f"        Version: '2012-10-17'\n        Statement: [{statements}]\n"
        )
    if document == "policy":
        return f"Version: '2012-10-17'\nStatement: [{statements}]\n"
    return value(0) + "\n"


def _read(text: str, name: str) -> None:
    try:
        found = read_inputs(text, name)
    except PolicyError:
        return
    for policy in found.policies:
        policy.locator.locate("$")
        policy.locator.locate("$.Statement[0].Principal")


@SETTINGS
@given(yaml_text())
def test_drawn_yaml_documents_are_read_or_refused(text: str) -> None:
    _read(text, "t.yaml")


@SETTINGS
@given(st.data())
def test_mutated_real_template_is_read_or_refused(data: st.DataObject) -> None:
    text = TEMPLATE.read_text()
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(text)))
        token = data.draw(
            st.sampled_from(
                ["&a ", "*a", "? ", "!If ", "<<: *a\n", "{", "[", "\t", ": ", "- ", "'", "\x00"]
            )
            | st.text(max_size=4)
        )
        text = text[:at] + token + text[at:]
    _read(text, "t.yaml")


@st.composite
def fn_if_tree(draw: st.DrawFn, depth: int = 0) -> object:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    if depth >= 10 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from([statement, {"Ref": "AWS::NoValue"}, "text", 1]))
    return {"Fn::If": ["c", draw(fn_if_tree(depth + 1)), draw(fn_if_tree(depth + 1))]}


def _leaves(tree: object) -> int:
    if isinstance(tree, dict) and "Fn::If" in tree:
        return sum(_leaves(branch) for branch in tree["Fn::If"][1:])
    return 0 if tree == {"Ref": "AWS::NoValue"} else 1


@pytest.mark.slow
@SETTINGS
@given(st.lists(fn_if_tree(), min_size=1, max_size=3))
def test_fn_if_trees_become_that_many_statements_or_are_refused(entries: list[object]) -> None:
    key = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": entries}}}
    template = {"Resources": {"Key": key}}
    expected = sum(_leaves(entry) for entry in entries)
    try:
        found = read_inputs(json.dumps(template), "t.json")
    except PolicyError as exc:
        assert "Fn::If chooses among more than" in str(exc)
        assert max(_leaves(entry) for entry in entries) > MAX_BRANCHES
        return
    (policy,) = found.policies
    assert len(policy.data["Statement"]) == expected
