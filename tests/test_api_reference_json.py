"""The KMS API Reference as botocore's service model: all 64 revisions (2015-2026) and a fixture.

Expectations come from the raw JSON and regular expressions over its HTML, never from the parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.errors import ParseError
from kms_permissions.scraper import api_reference_json
from kms_permissions.scraper.records import ApiOperation, ApiReferencePage

from .conftest import FIXTURES, provenance

# Every revision parsed is a module fixture: one xdist worker parses them, once.
pytestmark = pytest.mark.xdist_group("api-reference")

NEWEST = "2026-11-20_pypi-1.44.8.json"
FIRST_WITH_SECTIONS = "2020-12-17_31885bf.json"
_CROSS_LABEL = re.compile(r"<b>\s*Cross-account use")
_REQUIRED_LABEL = re.compile(r"<b>\s*Required permissions")
_CROSS_VALUE = re.compile(r"<b>\s*Cross-account use\s*</b>\s*:\s*(Yes|No|Not applicable)\b")
# The paragraph that holds the label, and the list right after it.
_REQUIRED_STATEMENTS = re.compile(
    r"<b>\s*Required permissions(?P<head>.*?)(?:</p>|$)(?P<list>\s*<ul>.*?(?:</ul>|$))?", re.S
)


def _parse(text: str, location: str = "model.json") -> ApiReferencePage:
    return api_reference_json.parse(text, provenance(location))


def _permission_mentions(documentation: str) -> int:
    # Attribute values may hold markup-like text (a mutation can put "</p>" into an href).
    match = _REQUIRED_STATEMENTS.search(re.sub(r'="[^"]*"', '=""', documentation))
    assert match is not None
    statements = match.group("head") + (match.group("list") or "")
    statements = re.sub(r"<[^>]*>", "", re.sub(r"<script>.*?</script>", "", statements, flags=re.S))
    return len(re.findall(r"kms:[A-Za-z]+", statements))


def _by_name(page: ApiReferencePage) -> dict[str, ApiOperation]:
    return {op.name: op for op in page.operations}


@pytest.fixture(scope="module")
def models(corpus: Path) -> list[Path]:
    """Every revision of the service model, oldest first."""
    return sorted(p for p in (corpus / "botocore-kms").glob("*.json") if p.name != "revisions.json")


@pytest.fixture(scope="module")
def pages(models: list[Path]) -> dict[str, ApiReferencePage]:
    return {path.name: _parse(path.read_text(encoding="utf-8"), str(path)) for path in models}


@pytest.fixture(scope="module")
def newest(pages: dict[str, ApiReferencePage]) -> dict[str, ApiOperation]:
    return _by_name(pages[NEWEST])


@pytest.fixture(scope="module")
def newest_raw(models: list[Path]) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(next(p for p in models if p.name == NEWEST).read_text())
    return raw


def test_every_revision_parses_with_its_operations(
    models: list[Path], pages: dict[str, ApiReferencePage]
) -> None:
    assert len(models) == 68  # 64 from git, 4 from the package index
    counts = {}
    for path in models:
        raw = json.loads(path.read_text(encoding="utf-8"))
        page = pages[path.name]
        assert [op.name for op in page.operations] == list(raw["operations"]), path.name
        assert page.api_version == "2014-11-01"
        counts[path.name[:10]] = len(page.operations)
    assert counts["2014-11-12"] == counts["2015-04-27"] == 25
    assert counts["2021-06-16"] == 48
    assert counts["2026-11-20"] == 56


def test_sections_match_an_independent_count(
    models: list[Path], pages: dict[str, ApiReferencePage]
) -> None:
    for path in models:
        raw = json.loads(path.read_text(encoding="utf-8"))["operations"]
        for op in pages[path.name].operations:
            doc = raw[op.name].get("documentation", "")  # 0.72.0 has an undocumented one
            where = f"{path.name} {op.name}"
            assert (op.cross_account is not None) == bool(_CROSS_LABEL.search(doc)), where
            assert (op.permissions_text is not None) == bool(_REQUIRED_LABEL.search(doc)), where
            if op.permissions_text is not None:
                assert len(op.required_permissions) == _permission_mentions(doc), where
            for permission in op.required_permissions:
                assert permission.permission in doc, where
                assert permission.sentence.split(" ")[0] in (op.permissions_text or ""), where


def test_sections_start_in_december_2020(
    models: list[Path], pages: dict[str, ApiReferencePage]
) -> None:
    with_sections = [
        path.name
        for path in models
        if any(op.permissions_text for op in pages[path.name].operations)
    ]
    assert with_sections[0] == FIRST_WITH_SECTIONS
    assert len(with_sections) == 35
    oldest = _by_name(pages[models[0].name])
    assert oldest["Encrypt"].required_permissions == ()
    assert oldest["Encrypt"].cross_account is None
    assert oldest["Encrypt"].related_operations == ()
    assert oldest["DisableKeyRotation"].summary == "Disables rotation of the specified key."


def test_encapsulate_and_decapsulate(newest: dict[str, ApiOperation]) -> None:
    for name in ("Encapsulate", "Decapsulate"):
        op = newest[name]
        assert op.cross_account == "yes"
        [permission] = op.required_permissions
        assert permission.permission == f"kms:{name}"
        assert permission.policy_types == ("key-policy",)
        assert (permission.resource, permission.parameter, permission.where) == (None, None, None)
        assert "KeyId" in op.input_parameters
    assert "Decapsulate" in newest["Encapsulate"].related_operations


def test_operations_new_in_the_newest_copy(pages: dict[str, ApiReferencePage]) -> None:
    # 1.43.119 (read from the package index) added them; the copies after it have them too.
    shipped = "2026-10-26_pypi-1.43.119.json"
    before = {op.name for op in pages["2026-05-20_3830c65.json"].operations}
    for name in (shipped, "2026-11-16_pypi-1.44.4.json", NEWEST):
        assert {op.name for op in pages[name].operations} - before == {"Encapsulate", "Decapsulate"}
    # 0.72.0, the first model, leaves one operation undocumented: kept, with no summary.
    first = _by_name(pages["2014-11-12_pypi-0.72.0.json"])
    assert first["UpdateKeyDescription"].summary == "" and len(first) == 25


def test_create_key_needs_tag_resource_for_tags(newest: dict[str, ApiOperation]) -> None:
    create, tag = newest["CreateKey"].required_permissions
    assert (create.permission, create.policy_types, create.parameter) == (
        "kms:CreateKey",
        ("iam-policy",),
        None,
    )
    assert (tag.permission, tag.policy_types, tag.parameter) == (
        "kms:TagResource",
        ("iam-policy",),
        "Tags",
    )
    assert tag.sentence.startswith("To use the Tags parameter")
    assert "Tags" in newest["CreateKey"].input_parameters


def test_replicate_key_permissions_by_region(newest: dict[str, ApiOperation]) -> None:
    rows = [
        (p.permission, p.policy_types, p.resource, p.parameter, p.where)
        for p in newest["ReplicateKey"].required_permissions
    ]
    assert rows == [
        (
            "kms:ReplicateKey",
            ("key-policy",),
            "the primary key",
            None,
            "in the primary key's Region",
        ),
        ("kms:CreateKey", ("iam-policy",), None, None, "in the replica Region"),
        ("kms:TagResource", ("iam-policy",), None, "Tags", "in the replica Region"),
    ]
    assert newest["ReplicateKey"].cross_account == "no"


def test_create_alias_on_alias_and_key(newest: dict[str, ApiOperation]) -> None:
    rows = [
        (p.permission, p.resource, p.policy_types)
        for p in newest["CreateAlias"].required_permissions
    ]
    assert rows == [
        ("kms:CreateAlias", "the alias", ("iam-policy",)),
        ("kms:CreateAlias", "the KMS key", ("key-policy",)),
    ]
    update = [p.resource for p in newest["UpdateAlias"].required_permissions]
    assert update == ["the alias", "the current KMS key", "the new KMS key"]


def test_reencrypt_names_from_and_to_not_the_wildcard(newest: dict[str, ApiOperation]) -> None:
    op = newest["ReEncrypt"]
    assert [p.permission for p in op.required_permissions] == [
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
    ]
    assert any('"kms:ReEncrypt*"' in note for note in op.permissions_notes)


def test_retire_grant_is_determined_by_the_grant(pages: dict[str, ApiReferencePage]) -> None:
    wordings = set()
    for name, page in pages.items():
        if name < FIRST_WITH_SECTIONS:
            continue
        op = _by_name(page)["RetireGrant"]
        assert op.required_permissions == (), name
        assert op.permission_determined_by == "the grant", name
        assert op.cross_account == "yes", name
        assert op.permissions_text is not None
        wordings.add(op.permissions_text.split(" the grant")[0])
    assert wordings == {
        "Permission to retire a grant is specified in",
        "Permission to retire a grant is determined primarily by",
    }


def test_derive_shared_secret_is_cross_account(newest: dict[str, ApiOperation]) -> None:
    op = newest["DeriveSharedSecret"]
    assert op.cross_account == "yes"
    assert op.cross_account_text is not None
    assert op.cross_account_text.startswith("Yes. To perform this operation with a KMS key")


NEWEST_CROSS_ACCOUNT = {
    "CancelKeyDeletion": "no",
    "ConnectCustomKeyStore": "no",
    "CreateAlias": "no",
    "CreateCustomKeyStore": "no",
    "CreateGrant": "yes",
    "CreateKey": "no",
    "Decapsulate": "yes",
    "Decrypt": "yes",
    "DeleteAlias": "no",
    "DeleteCustomKeyStore": "no",
    "DeleteImportedKeyMaterial": "no",
    "DeriveSharedSecret": "yes",
    "DescribeCustomKeyStores": "no",
    "DescribeKey": "yes",
    "DisableKey": "no",
    "DisableKeyRotation": "no",
    "DisconnectCustomKeyStore": "no",
    "EnableKey": "no",
    "EnableKeyRotation": "no",
    "Encapsulate": "yes",
    "Encrypt": "yes",
    "GenerateDataKey": "yes",
    "GenerateDataKeyPair": "yes",
    "GenerateDataKeyPairWithoutPlaintext": "yes",
    "GenerateDataKeyWithoutPlaintext": "yes",
    "GenerateMac": "yes",
    "GenerateRandom": "n/a",
    "GetKeyLastUsage": "no",
    "GetKeyPolicy": "no",
    "GetKeyRotationStatus": "yes",
    "GetParametersForImport": "no",
    "GetPublicKey": "yes",
    "ImportKeyMaterial": "no",
    "ListAliases": "no",
    "ListGrants": "yes",
    "ListKeyPolicies": "no",
    "ListKeyRotations": "no",
    "ListKeys": "no",
    "ListResourceTags": "no",
    "ListRetirableGrants": "other",
    "PutKeyPolicy": "no",
    "ReEncrypt": "yes",
    "ReplicateKey": "no",
    "RetireGrant": "yes",
    "RevokeGrant": "yes",
    "RotateKeyOnDemand": "no",
    "ScheduleKeyDeletion": "no",
    "Sign": "yes",
    "TagResource": "no",
    "UntagResource": "no",
    "UpdateAlias": "no",
    "UpdateCustomKeyStore": "no",
    "UpdateKeyDescription": "no",
    "UpdatePrimaryRegion": "no",
    "Verify": "yes",
    "VerifyMac": "yes",
}


def test_newest_cross_account_table(
    newest: dict[str, ApiOperation], newest_raw: dict[str, Any]
) -> None:
    assert {name: op.cross_account for name, op in newest.items()} == NEWEST_CROSS_ACCOUNT
    docs = [op["documentation"] for op in newest_raw["operations"].values()]
    assert sum(1 for doc in docs if _CROSS_LABEL.search(doc)) == len(NEWEST_CROSS_ACCOUNT)
    found = [m.group(1) for doc in docs for m in _CROSS_VALUE.finditer(doc)]
    expected = list(NEWEST_CROSS_ACCOUNT.values())
    assert found.count("Yes") == expected.count("yes") == 21
    assert found.count("No") == expected.count("no") == 33
    assert found.count("Not applicable") == expected.count("n/a") == 1


def test_newest_dependent_permissions(newest: dict[str, ApiOperation]) -> None:
    dependent = [
        (op.name, p.permission, p.parameter, p.where)
        for op in newest.values()
        for p in op.required_permissions
        if p.parameter or p.where
    ]
    assert dependent == [
        ("CreateKey", "kms:TagResource", "Tags", None),
        (
            "ListRetirableGrants",
            "kms:ListRetirableGrants",
            None,
            "in your Amazon Web Services account",
        ),
        ("ReplicateKey", "kms:ReplicateKey", None, "in the primary key's Region"),
        ("ReplicateKey", "kms:CreateKey", None, "in the replica Region"),
        ("ReplicateKey", "kms:TagResource", "Tags", "in the replica Region"),
        ("UpdatePrimaryRegion", "kms:UpdatePrimaryRegion", None, "in the primary key's Region"),
        ("UpdatePrimaryRegion", "kms:UpdatePrimaryRegion", None, "in the replica key's Region"),
    ]


def test_permissions_other_than_the_operation_name(pages: dict[str, ApiReferencePage]) -> None:
    others = {
        (op.name, p.permission)
        for page in pages.values()
        for op in page.operations
        for p in op.required_permissions
        if p.permission != f"kms:{op.name}"
    }
    assert others == {
        ("CreateKey", "kms:TagResource"),
        ("ReplicateKey", "kms:CreateKey"),
        ("ReplicateKey", "kms:TagResource"),
        ("ReEncrypt", "kms:ReEncryptFrom"),
        ("ReEncrypt", "kms:ReEncryptTo"),
    }


def test_inputs_and_related_operations(
    newest: dict[str, ApiOperation], newest_raw: dict[str, Any], pages: dict[str, ApiReferencePage]
) -> None:
    shapes = newest_raw["shapes"]
    for name, raw in newest_raw["operations"].items():
        members = shapes[raw["input"]["shape"]].get("members", {})
        assert newest[name].input_parameters == tuple(members)
    assert newest["CreateKey"].related_operations == (
        "DescribeKey",
        "ListKeys",
        "ScheduleKeyDeletion",
    )
    assert newest["GetKeyPolicy"].related_operations == ("PutKeyPolicy",)
    first = _by_name(pages[FIRST_WITH_SECTIONS])
    assert first["CancelKeyDeletion"].related_operations == ("ScheduleKeyDeletion",)
    assert newest["Encrypt"].summary.startswith("Encrypts plaintext of up to 4,096 bytes")
    assert not any(op.deprecated for op in newest.values())


def test_recognise_by_content(models: list[Path], corpus: Path, tmp_path: Path) -> None:
    assert all(api_reference_json.recognise(p.read_text(encoding="utf-8")) for p in models)
    fixture = json.loads((FIXTURES / "api-reference-mini.json").read_text())
    assert api_reference_json.recognise(json.dumps(fixture))
    fixture["metadata"]["endpointPrefix"] = "sqs"
    assert not api_reference_json.recognise(json.dumps(fixture))
    sar = sorted((corpus / "sar-html" / "list_awskeymanagementservice").glob("*.html"))[-1]
    assert not api_reference_json.recognise(sar.read_text(encoding="utf-8"))
    assert not api_reference_json.recognise(
        (corpus / "botocore-kms" / "revisions.json").read_text()
    )


def test_fixture() -> None:
    page = _parse((FIXTURES / "api-reference-mini.json").read_text())
    ops = _by_name(page)
    assert list(ops) == ["SealBox", "OpenBox", "ShredBox", "ListBoxes"]
    seal = ops["SealBox"]
    assert seal.summary == "Seals a box with a KMS key."
    assert [(p.permission, p.parameter) for p in seal.required_permissions] == [
        ("kms:SealBox", None),
        ("kms:TagResource", "Labels"),
    ]
    assert seal.permissions_notes == (
        "For details, see Sealing.",
        "Sealing twice needs no further permission.",
    )
    assert seal.related_operations == ("OpenBox", "ShredBox")
    opened = ops["OpenBox"]
    assert (opened.deprecated, opened.deprecated_message) == (True, "Use SealBox in reverse.")
    assert opened.cross_account == "n/a"
    assert [(p.resource, p.where, p.policy_types) for p in opened.required_permissions] == [
        ("the sealed box", "in the box's Region", ("key-policy",)),
        (None, "in the other Region", ("iam-policy",)),
    ]
    shred = ops["ShredBox"]
    assert (shred.permission_determined_by, shred.required_permissions) == ("the box", ())
    assert shred.input_parameters == ()
    listed = ops["ListBoxes"]
    assert (listed.summary, listed.permissions_text, listed.cross_account) == (
        "Lists the boxes of the account.",
        None,
        None,
    )


def _fixture_with(change: str, old: str, new: str) -> str:
    model = json.loads((FIXTURES / "api-reference-mini.json").read_text())
    op = model["operations"][change]
    assert old in op["documentation"]
    op["documentation"] = op["documentation"].replace(old, new)
    return json.dumps(model)


@pytest.mark.parametrize(
    ("change", "old", "new", "problem"),
    [
        ("SealBox", "(key policy)", "(bucket policy)", "unknown policy type 'bucket policy'"),
        ("SealBox", "<code>kms:TagResource</code>", "TagResource", "is not understood"),
        ("OpenBox", "kms:Peek</code> in an IAM", "kms:Peek</code> maybe in an IAM", "not underst"),
        ("ShredBox", "determined primarily by the box", "up to you", "is not understood"),
        (
            "ShredBox",
            "Permission to shred a box is determined primarily by the box",
            "For details, see Boxes",
            "names no",
        ),
        ("SealBox", "Yes. Name", "Perhaps. Name", "neither Yes, No nor Not applicable"),
        ("SealBox", "<p> <b>Cross-account use</b>", "<p>See <b>Cross-account use</b>", "appears 1"),
        (
            "SealBox",
            "<p>Sealing twice",
            "<p>To use the <code>X</code> parameter, kms:Y. <p>",
            "outs",
        ),
        ("SealBox", "<li> <p> <a>ShredBox</a> </p> </li>", "ShredBox", "outside its items"),
        ("SealBox", "<a>ShredBox</a>", "ShredBox", "is not a link"),
        ("SealBox", "(IAM policy).", "</p> (IAM policy).", "text outside any paragraph"),
        ("OpenBox", "<b>Related operations</b>", "<b>Cross-account use</b>", "two"),
        (
            "OpenBox",
            "<li> <p> <code>kms:OpenBox",
            "<li> <p> Include this permission in the box's key policy. <code>kms:OpenBox",
            "follows no permission",
        ),
    ],
)
def test_fixture_shapes_it_does_not_know(change: str, old: str, new: str, problem: str) -> None:
    text = _fixture_with(change, old, new)
    with pytest.raises(ParseError) as caught:
        _parse(text, "mini.json")
    assert caught.value.page == "mini.json"
    assert f"operation {change}: " in caught.value.problem
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda m: m["metadata"].update(endpointPrefix="sqs"), "endpointPrefix is 'sqs'"),
        (lambda m: m["metadata"].update(serviceId="SQS"), "serviceId is 'SQS'"),
        (lambda m: m["metadata"].update(protocol="rest-json"), "protocol is 'rest-json'"),
        (lambda m: m.update(version="3.0"), "version is '3.0'"),
        (lambda m: m.pop("metadata"), "no metadata"),
        (lambda m: m.update(operations=["SealBox"]), "'operations' is missing, empty or not"),
        (lambda m: m.update(operations={}), "'operations' is missing, empty or not"),
        (lambda m: m.pop("operations"), "no operations"),
        (lambda m: m.update(shapes=[]), "'shapes' is missing"),
        (lambda m: m["operations"]["OpenBox"].update(documentation=7), "not a string"),
        (lambda m: m["operations"]["OpenBox"].update(deprecated="yes"), "wrong type"),
        (lambda m: m["operations"]["OpenBox"].update(name="Other"), "named 'Other'"),
        (lambda m: m["operations"]["OpenBox"].update(input={"shape": "Nope"}), "'Nope' is missing"),
        (lambda m: m["metadata"].pop("apiVersion"), "no apiVersion"),
    ],
)
def test_fixture_models_it_does_not_know(mutate: Any, problem: str) -> None:
    model = json.loads((FIXTURES / "api-reference-mini.json").read_text())
    mutate(model)
    with pytest.raises(ParseError) as caught:
        _parse(json.dumps(model), "mini.json")
    assert problem in str(caught.value)


def test_an_operation_without_documentation_has_no_summary() -> None:
    """botocore 0.72.0 leaves UpdateKeyDescription undocumented: the operation is kept, with
    nothing said about it, rather than the whole model refused."""
    model = json.loads((FIXTURES / "api-reference-mini.json").read_text())
    del model["operations"]["SealBox"]["documentation"]
    page = _parse(json.dumps(model), "mini.json")
    (sealbox,) = [op for op in page.operations if op.name == "SealBox"]
    assert sealbox.summary == "" and sealbox.cross_account is None
    assert sealbox.required_permissions == () and sealbox.related_operations == ()


def test_not_json() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        _parse("<html><body>KMS</body></html>")
    with pytest.raises(ParseError, match="the JSON is not an object"):
        _parse("[1, 2]")


# Mutated real input: a ParseError, or a result that agrees with independent counts.
MARKUP = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<ul>",
    "</ul>",
    "<li>",
    "</li>",
    "kms:",
    "kms:Fake",
    " (key policy)",
    " (IAM policy)",
    ". ",
    "<b>Required permissions</b>: ",
    "<p><b>Cross-account use</b>: Yes.</p>",
    "<p> <b>Related operations</b>: <a>Fake</a> </p>",
    "To use the <code>Tags</code> parameter, ",
    " in the replica Region",
    "\x00",
    "<script>alert(1)</script>",
    "&amp;",
    "<!--",
    "\n\n",
]

# Markup injection is the most varied mutation, so it is drawn three times as often.
MUTATIONS: tuple[str, ...] = (
    "inject",
    "inject",
    "inject",
    "cut-doc",
    "drop-span",
    "drop-doc",
    "doc-type",
)
MUTATIONS += ("endpoint", "operations-type", "drop-op", "cut-json")


@st.composite
def mutated_model(draw: st.DrawFn, original: str) -> str:
    model = json.loads(original)
    operations = model["operations"]
    name = draw(st.sampled_from(sorted(operations)))
    doc: str = operations[name]["documentation"]
    sections_start = max(0, doc.find("<b>Cross-account use"))
    kind = draw(st.sampled_from(MUTATIONS))
    if kind == "inject":
        at = draw(st.integers(draw(st.sampled_from([0, sections_start])), len(doc)))
        operations[name]["documentation"] = doc[:at] + draw(st.sampled_from(MARKUP)) + doc[at:]
    elif kind == "cut-doc":
        operations[name]["documentation"] = doc[: draw(st.integers(0, len(doc)))]
    elif kind == "drop-span":
        start = draw(st.integers(sections_start, len(doc)))
        end = draw(st.integers(start, min(len(doc), start + 200)))
        operations[name]["documentation"] = doc[:start] + doc[end:]
    elif kind == "drop-doc":
        del operations[name]["documentation"]
    elif kind == "doc-type":
        operations[name]["documentation"] = draw(st.sampled_from([None, 1, [], {}]))
    elif kind == "endpoint":
        model["metadata"]["endpointPrefix"] = draw(st.sampled_from(["sqs", "", None, "KMS"]))
    elif kind == "operations-type":
        model["operations"] = draw(st.sampled_from([[], "x", None, 1, list(operations)]))
    elif kind == "drop-op":
        del operations[name]
    text = json.dumps(model)
    if kind == "cut-json":
        text = text[: draw(st.integers(0, len(text) - 1))]
    return text


def _agrees_with_independent_counts(text: str) -> None:
    try:
        page = _parse(text)
    except ParseError:
        return
    raw = json.loads(text)["operations"]
    assert [op.name for op in page.operations] == list(raw)
    for op in page.operations:
        doc = raw[op.name].get("documentation", "")  # absent: an undocumented operation
        assert (op.summary == "") == (doc == ""), op.name
        assert (op.cross_account is not None) == bool(_CROSS_LABEL.search(doc)), op.name
        value = _CROSS_VALUE.search(doc)
        if value:
            expected = {"Yes": "yes", "No": "no", "Not applicable": "n/a"}[value.group(1)]
            assert op.cross_account == expected, op.name
        assert (op.permissions_text is not None) == bool(_REQUIRED_LABEL.search(doc)), op.name
        if op.permissions_text is not None:
            assert len(op.required_permissions) == _permission_mentions(doc), op.name


@pytest.mark.slow
def test_mutated_newest_model(corpus: Path) -> None:
    original = (corpus / "botocore-kms" / NEWEST).read_text(encoding="utf-8")

    @settings(
        max_examples=80,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_model(original))
    def run(text: str) -> None:
        _agrees_with_independent_counts(text)

    run()


def test_unmutated_newest_passes_the_oracle(corpus: Path) -> None:
    text = (corpus / "botocore-kms" / NEWEST).read_text(encoding="utf-8")
    _agrees_with_independent_counts(text)
    assert len(_parse(text).operations) == 56
