"""The lookup verbs and the Python API, on the bundled dataset."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import kms_permissions as kp
from kms_permissions.cli import main
from kms_permissions.errors import KmsPermissionsError
from kms_permissions.query import QueryError, UsageError

from .conftest import ROOT

CLI = [sys.executable, "-m", "kms_permissions"]
ALL = sorted(json.loads((ROOT / "kms_permissions/data/index.json").read_text())["actions"])


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True)


def lookup_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    status = main(["lookup", "--json", *args])
    return status, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", ["kms:Decrypt", "Decrypt", "KMS:DECRYPT", "decrypt"])
def test_lookup_names_in_any_form(capsys: pytest.CaptureFixture[str], name: str) -> None:
    status, out = lookup_json(capsys, name)
    assert status == 0
    (entry,) = out["results"]
    assert entry["name"] == "kms:Decrypt" and entry["kind"] == "action"
    assert out["format"] == "kms-permissions-lookup/2"
    assert out["dataset_version"] == kp.DATASET_VERSION


def test_lookup_json_facts(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lookup_json(capsys, "kms:CreateAlias", "kms:ViaService", "kms:EncryptionContext:Dept")
    alias, via, context = out["results"]
    assert [g["resources"] for g in alias["grants"]] == [["alias"], ["key"]]
    assert alias["grants"][0]["condition_keys_note"] == "when controlling access to the alias"
    assert alias["resource_arns"]["alias"].endswith(":alias/${Alias}")
    assert via["kind"] == "condition_key" and via["condition_type"] == "String"
    assert "kms:Decrypt" in via["actions"]
    assert context["name"] == "kms:EncryptionContext:${context-key}"


def test_lookup_agrees_with_the_typed_api(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = lookup_json(capsys, *ALL)
    reference = kp.load()
    for entry in out["results"]:
        info = reference.actions[entry["name"]]
        assert entry["policy_types"] == list(info.policy_types)
        assert entry["cross_account"] == info.cross_account
        assert entry["condition_keys"] == list(info.condition_keys)
        assert entry["access_level"] == info.access_level


def test_unknown_names_exit_1_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = lookup_json(capsys, "kms:Decrpyt", "kms:Encrypt")
    assert status == 1
    assert [r["name"] for r in out["results"]] == ["kms:Encrypt"]
    (missing,) = out["not_found"]
    assert missing["name"] == "kms:Decrpyt" and missing["suggestions"][0] == "kms:Decrypt"


def test_real_process_fast_path_stdin_and_exit_codes() -> None:
    done = run("lookup", "--json", "-", stdin="kms:Decrypt\n# a comment\n\nkms:CallerAccount\n")
    assert done.returncode == 0, done.stderr
    assert [r["name"] for r in json.loads(done.stdout)["results"]] == [
        "kms:Decrypt",
        "kms:CallerAccount",
    ]
    missing = run("lookup", "kms:Nope")
    assert missing.returncode == 1 and "did you mean" in missing.stderr and not missing.stdout
    assert run("lookup").returncode == 2
    assert run("lookup", "--bogus", "kms:Decrypt").returncode == 2
    human = run("lookup", "kms:RetireGrant")
    assert "This permission is not effective in a key policy." in human.stdout


# Expected matches written out by hand from the action list, not computed by the code under test.
PATTERNS = {
    "kms:*": ALL,
    "*": ALL,
    "kms:Get*": [
        "kms:GetKeyLastUsage",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:GetParametersForImport",
        "kms:GetPublicKey",
    ],
    "KMS:get*": [
        "kms:GetKeyLastUsage",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:GetParametersForImport",
        "kms:GetPublicKey",
    ],
    "kms:?ecrypt": ["kms:Decrypt"],
    "kms:ReEncrypt*": ["kms:ReEncryptFrom", "kms:ReEncryptTo"],
    "kms:ReEncrypt": [],
    "kms:*Alias": ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
    "kms:GenerateDataKey*": [
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
    ],
    "kms:*Key?ol*": ["kms:GetKeyPolicy", "kms:ListKeyPolicies", "kms:PutKeyPolicy"],
    "kms:List*": [
        "kms:ListAliases",
        "kms:ListGrants",
        "kms:ListKeyPolicies",
        "kms:ListKeyRotations",
        "kms:ListKeys",
        "kms:ListResourceTags",
        "kms:ListRetirableGrants",
    ],
    "s3:*": [],
    "kms:Decrypt.": [],
    "kms:[DE]ncrypt": [],
}


@pytest.mark.parametrize(("pattern", "expected"), list(PATTERNS.items()))
def test_expand_wildcard_semantics(pattern: str, expected: list[str]) -> None:
    assert kp.expand(pattern) == expected


def test_key_star_patterns() -> None:
    matched = kp.expand("kms:*Key*")
    assert "kms:CreateKey" in matched and "kms:GetKeyPolicy" in matched
    assert all("key" in a.lower().split(":", 1)[1] for a in matched)
    assert "kms:Decrypt" not in matched


def test_expand_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["expand", "--json", "kms:Get*", "s3:*"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["patterns"]["s3:*"] == [] and len(out["patterns"]["kms:Get*"]) == 5


def test_actions_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["actions", "--json", "--filter", "cross_account=yes", "--filter", "access_level=Read"]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in out["actions"]] == [
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:GetPublicKey",
    ]
    iam_only = [a.action for a in kp.actions(iam_only=True)]
    assert "kms:CreateKey" in iam_only and "kms:RetireGrant" in iam_only
    assert "kms:Decrypt" not in iam_only
    with_key = [a.action for a in kp.actions(key="kms:ReplicaRegion")]
    assert with_key == ["kms:ReplicateKey"]
    aliases = [a.action for a in kp.actions(resource_type="alias")]
    assert aliases == ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    assert main(["actions", "--filter", "colour=blue"]) == 2
    assert main(["actions", "--filter", "nonsense"]) == 2
    with pytest.raises(UsageError):
        kp.actions(colour="blue")  # type: ignore[call-arg]


def test_actions_by_key_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("kms:GrantOperations\n"))
    assert main(["actions", "--json", "--key", "-"]) == 0
    assert [a["name"] for a in json.loads(capsys.readouterr().out)["actions"]] == [
        "kms:CreateGrant"
    ]


def test_keys_for_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--json", "--action", "CreateGrant", "--action", "kms:Nope"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert "kms:GrantOperations" in out["keys"]["kms:CreateGrant"]
    assert out["not_found"][0]["name"] == "kms:Nope"
    names = [k.condition_key for k in kp.condition_keys("kms:CreateGrant")]
    assert names == out["keys"]["kms:CreateGrant"]


def test_python_lookup_types() -> None:
    decrypt = kp.lookup("Decrypt")
    assert isinstance(decrypt, kp.load().actions["kms:Decrypt"].__class__)
    assert decrypt.usable_cross_account
    key = kp.lookup("kms:EncryptionContextKeys")
    assert key.multi_valued
    with pytest.raises(kp.NotFoundError) as info:
        kp.lookup("kms:Decrpyt")
    assert info.value.suggestions[0] == "kms:Decrypt"


def test_info_and_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["dataset_version"] == kp.DATASET_VERSION
    assert {f["path"] for f in info["files"]} >= {"index.json", "actions.parquet"}
    assert main(["export", "--format", "ndjson", "--table", "condition_keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(kp.load().condition_keys)
    assert main(["export", "--format", "csv"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0].startswith("action,operation,") and len(csv_lines) == len(ALL) + 1
    out = tmp_path / "actions.parquet"
    assert main(["export", "--format", "parquet", "--out", str(out)]) == 0
    assert pq.read_table(out).num_rows == len(ALL)
    assert main(["export", "--format", "parquet"]) == 2
    assert main(["export", "--table", "nope"]) == 2


def test_lookup_refuses_a_tampered_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "kms_permissions/data", copy)
    index = copy / "index.json"
    index.write_text(index.read_text().replace('"cross_account":"no"', '"cross_account":"yes"', 1))
    assert main(["lookup", "--dataset", str(copy), "kms:CancelKeyDeletion"]) != 0
    assert "index.json: sha256 does not match the manifest" in capsys.readouterr().err
    # expand needs the names only (from the checked TOC); a filter reads every entry.
    assert kp.expand("kms:Get*", dataset=str(copy)) == PATTERNS["kms:Get*"]
    with pytest.raises((QueryError, KmsPermissionsError), match=r"index\.json"):
        kp.actions(dataset=str(copy), cross_account="yes")
