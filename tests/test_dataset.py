"""The bundled dataset: schemas, integrity, queries from DuckDB and JSON, verify, diff, shrink."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pyarrow.parquet as pq
import pytest

from kms_permissions._version import DATASET_VERSION, __version__
from kms_permissions.cli import main
from kms_permissions.dataset.columns import ALL_TABLES, arrow_schema, check_row
from kms_permissions.dataset.integrity import IntegrityError, verify
from kms_permissions.dataset.io import read_dataset
from kms_permissions.model import SCHEMA_VERSION

from .conftest import ROOT

DATA = ROOT / "kms_permissions" / "data"


def rows(table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((DATA / f"{table}.json").read_text())
    return found


def test_bundle_verifies_and_names_its_version() -> None:
    manifest = verify(DATA)
    # The version names the newest dated source revision (`.N` for a rebuild of the same
    # sources); an update moves it, so it is derived here, not written down.
    sources = rows("sources")
    newest = max(str(s["revision_date"]) for s in sources if s["revision_date"])
    version = str(manifest["dataset_version"])
    assert version == DATASET_VERSION
    assert re.fullmatch(rf"{re.escape(version)}(\.post[1-9][0-9]*)?", __version__)
    assert version.split(".")[:3] == newest.split("-")
    assert manifest["schema_version"] == SCHEMA_VERSION
    tables = {f["table"] for f in manifest["files"] if f["table"]}
    assert tables == set(ALL_TABLES)


def test_json_matches_json_schema_and_parquet_matches_arrow_schema() -> None:
    manifest = verify(DATA)
    for entry in manifest["files"]:
        if entry["format"] == "json" and entry["table"]:
            schema = json.loads((DATA / "schema" / f"{entry['table']}.schema.json").read_text())
            data = rows(entry["table"])
            jsonschema.validate(data, schema)
            assert len(data) == entry["rows"]
        if entry["format"] == "parquet":
            table = pq.read_table(DATA / entry["path"])
            expected = arrow_schema(ALL_TABLES[entry["table"]])
            assert table.schema.equals(expected, check_metadata=True)
            assert table.num_rows == entry["rows"]


def test_schemas_describe_every_column() -> None:
    for table in ALL_TABLES.values():
        schema = json.loads((DATA / "schema" / f"{table.name}.schema.json").read_text())
        for column, spec in schema["items"]["properties"].items():
            assert spec["description"], f"{table.name}.{column}"


def test_duckdb_and_json_give_the_same_answers() -> None:
    con = duckdb.connect()
    cross = [
        r[0]
        for r in con.execute(
            f"select action from '{DATA}/actions.parquet' where cross_account = 'yes' order by 1"
        ).fetchall()
    ]
    assert cross == sorted(r["action"] for r in rows("actions") if r["cross_account"] == "yes")
    assert "kms:Decrypt" in cross and "kms:ScheduleKeyDeletion" not in cross
    decrypt = con.execute(
        f"""select condition_key, "group" from '{DATA}/action_condition_keys.parquet'
            where action = 'kms:Decrypt' and permissions_source is not null order by 1"""
    ).fetchall()
    from_json = sorted(
        (r["condition_key"], r["group"])
        for r in rows("action_condition_keys")
        if r["action"] == "kms:Decrypt" and r["permissions_source"]
    )
    assert decrypt == from_json
    assert ("kms:EncryptionContextKeys", "Encryption context conditions") in decrypt
    assert ("kms:EncryptionAlgorithm", "Conditions for cryptographic operations") in decrypt


def test_merged_facts() -> None:
    actions = {r["action"]: r for r in rows("actions")}
    assert len(actions) == 58  # 56 of the guide and SAR, and the API's Encapsulate/Decapsulate
    assert actions["kms:RetireGrant"]["key_policy_effective"] is False
    assert actions["kms:CreateKey"]["policy_types"] == ["iam-policy"]
    assert actions["kms:CreateAlias"]["policy_types"] == ["iam-policy", "key-policy"]
    assert actions["kms:ConnectCustomKeyStore"]["resources"] == ["*"]
    assert actions["kms:PutKeyPolicy"]["access_level"] == "Permissions management"
    assert actions["kms:CreateKey"]["dependent_actions"] == [
        "iam:CreateServiceLinkedRole",
        "kms:PutKeyPolicy",
        "kms:TagResource",
    ]
    index = json.loads((DATA / "index.json").read_text())
    assert index["actions"]["kms:ReplicateKey"]["listed_since"]["sar"] == "2021-07-01"
    sync = actions["kms:SynchronizeMultiRegionKey"]
    assert (sync["in_guide"], sync["in_sar"], sync["permission_only"]) == (False, True, True)
    keys = {r["condition_key"]: r for r in rows("condition_keys")}
    assert keys["kms:CallerAccount"]["condition_type"] == "String"
    key_actions = {k: e["actions"] for k, e in index["condition_keys"].items()}
    assert "kms:ConnectCustomKeyStore" in key_actions["kms:CallerAccount"]
    assert "kms:ListKeys" not in key_actions["kms:CallerAccount"]
    alias = key_actions["kms:RequestAlias"]
    assert {"kms:Sign", "kms:DescribeKey", "kms:DeriveSharedSecret"} <= set(alias)
    assert "kms:GenerateRandom" not in alias
    assert keys["kms:CustomerMasterKeyUsage"]["replacement"] == "kms:KeyUsage"
    assert "aws:ResourceTag/${TagKey}" not in keys  # one key, in the guide's spelling
    assert keys["aws:ResourceTag/${tag-key}"]["in_sar"] is True


def test_discrepancies_cite_both_sources() -> None:
    found = {(r["kind"], r["subject"]): r for r in rows("discrepancies")}
    sync = found[("action-only-in-sar", "kms:SynchronizeMultiRegionKey")]
    assert sync["guide_source"].startswith("permissions/kms-api-permissions-reference@")
    assert sync["sar_source"] == "sar/list_awskeymanagementservice@2026-06-14"
    assert ("condition-type-differs", "kms:GrantOperations") in found
    sources = {r["source_id"] for r in rows("sources")}
    for row in rows("discrepancies"):
        cited = [row[c] for c in ("guide_source", "sar_source", "api_source") if row[c]]
        assert len(cited) >= 2 or row["kind"] == "permission-not-named-by-api", row
        assert all(c in sources for c in cited)


def _history(entity: str, field: str = "present", source: str = "sar") -> list[dict[str, object]]:
    return [
        r
        for r in rows("history")
        if r["entity"] == entity and r["field"] == field and r["source"] == source
    ]


@pytest.mark.parametrize(
    ("action", "first"),
    [
        ("kms:ReplicateKey", "2021-07-01"),
        ("kms:DeriveSharedSecret", "2024-07-06"),
        ("kms:GetKeyLastUsage", "2026-06-14"),
    ],
)
def test_history_first_sar_copy(action: str, first: str) -> None:
    (interval,) = _history(action)
    assert interval["valid_from"] == first and interval["valid_to"] is None
    assert interval["first_revision"] == first


def test_history_of_the_guides_condition_keys() -> None:
    for key in ("kms:CustomerMasterKeySpec", "kms:CustomerMasterKeyUsage"):
        (deprecated,) = [
            r for r in _history(key, "deprecated", "conditions") if r["value"] == "true"
        ]
        assert deprecated["valid_from"] == "2021-09-04"
        assert deprecated["first_revision"] == "1d0d663633f88ed0fb428b200eaae1bd273e910a"
    (mac,) = _history("kms:MacAlgorithm", source="conditions")
    assert mac["valid_from"] == "2022-04-21"
    (caller,) = _history("kms:CallerAccount", source="conditions")
    assert caller["valid_from"] == "2017-11-15"
    types = _history("kms:CallerAccount", "operations_text", "conditions")
    assert len(types) > 1  # the operations cell was reworded over the years
    gained = sorted(
        r["valid_from"]
        for r in rows("history")
        if str(r["entity"]).startswith("kms:CancelKeyDeletion|") and r["source"] == "sar"
    )
    assert gained[0] == "2019-10-10" and "2022-04-01" in gained


def test_verify_catches_flipped_byte_missing_and_extra_files(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    verify(copy)
    target = copy / "actions.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match=r"actions\.parquet: sha256 does not match"):
        verify(copy)
    shutil.copy(DATA / "actions.parquet", target)
    (copy / "sources.json").unlink()
    with pytest.raises(IntegrityError, match=r"sources\.json: listed in the manifest but missing"):
        read_dataset(copy)
    shutil.copy(DATA / "sources.json", copy / "sources.json")
    (copy / "notes.txt").write_text("x")
    with pytest.raises(IntegrityError, match=r"notes\.txt: not listed"):
        verify(copy)
    assert main(["verify", str(copy)]) == 1


@pytest.mark.slow
def test_bundle_is_regenerated_byte_for_byte(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    env_cmd = [
        sys.executable,
        "-m",
        "kms_permissions",
        "history",
        "--corpus",
        str(corpus),
        "--out",
        str(out),
        "--previous",
        str(DATA),
        "--no-cache",
    ]
    env = {"PYTHONHASHSEED": "4242", "LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    subprocess.run(env_cmd, check=True, env=env, capture_output=True)
    produced = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(DATA): p.read_bytes()
        for p in DATA.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sorted(produced) == sorted(committed)
    changed = [str(name) for name in produced if produced[name] != committed[name]]
    assert changed == [], (
        "regenerate: kms-permissions history --corpus ../shared/corpus --out kms_permissions/data"
    )


def test_shrink_guard_refuses_a_truncated_page_set(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    oldest = corpus / "sar-html/list_awskeymanagementservice/2019-10-10.html"
    status = main(["build", "--source", str(oldest), "--out", str(out), "--no-cache"])
    assert status == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not list(tmp_path.glob(".data.*"))  # no temporary folder left behind
    # Allowed to shrink, the 2019 copy would still be an older version than the one --out holds.
    shrink = ["--no-cache", "--allow-shrink"]
    assert main(["build", "--source", str(oldest), "--out", str(out), *shrink]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    older = tmp_path / "older"
    assert main(["build", "--source", str(oldest), "--out", str(older), *shrink]) == 0
    assert read_dataset(older).version == "2019.10.10"


def test_diff_between_two_sar_copies(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sar = corpus / "sar-html/list_awskeymanagementservice"
    for name in ("2021-06-01", "2021-07-01"):
        assert (
            main(
                [
                    "build",
                    "--source",
                    str(sar / f"{name}.html"),
                    "--out",
                    str(tmp_path / name),
                    "--no-cache",
                    "--allow-shrink",  # older than the bundled dataset, which they lack facts of
                ]
            )
            == 0
        )
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "2021-06-01"), str(tmp_path / "2021-07-01"), "--json"]) == 0
    change = json.loads(capsys.readouterr().out)
    assert (change["old"], change["new"]) == ("2021.06.01", "2021.07.01")
    assert "kms:ReplicateKey" in change["added"]["action"]
    assert "kms:ReplicaRegion" in change["added"]["condition_key"]
    assert change["removed"]["action"] == []


def test_rebuild_of_the_same_sources_keeps_the_version(corpus: Path, tmp_path: Path) -> None:
    sar = corpus / "sar-html/list_awskeymanagementservice/2021-07-01.html"
    out = tmp_path / "data"
    for _ in range(2):
        # --allow-shrink: the 2021 copy lacks what the bundled dataset has of later copies.
        build = ["build", "--source", str(sar), "--out", str(out), "--no-cache", "--allow-shrink"]
        assert main(build) == 0
        assert read_dataset(out).version == "2021.07.01"


def test_load_refuses_a_changed_file(tmp_path: Path) -> None:
    import kms_permissions

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert kms_permissions.load(copy).version == kms_permissions.DATASET_VERSION
    target = copy / "condition_keys.json"
    target.write_text(target.read_text().replace("single-valued", "multi-valued", 1))
    with pytest.raises(IntegrityError, match=r"condition_keys\.json: sha256 does not match"):
        kms_permissions.load(copy)


def test_literal_columns_hold_only_their_values() -> None:
    """A column typed by one of the model's Literal aliases: every bundled row holds one of its
    values, and a row with another is refused by name."""
    closed = {
        (table.name, column.name): column.values
        for table in ALL_TABLES.values()
        for column in table.columns
        if column.values is not None
    }
    assert closed[("actions", "cross_account")] == (
        "yes",
        "no",
        "n/a",
        "other",
        "mixed",
        "contradictory",
    )
    assert ("condition_keys", "sar_type") in closed and ("notes", "kind") in closed
    for (table, name), values in closed.items():
        for row in rows(table):
            value = row[name]
            held = value if isinstance(value, list) else [] if value is None else [value]
            assert set(held) <= set(values), (table, name, value)
    row = rows("action_grants")[0]
    grants = ALL_TABLES["action_grants"]
    assert check_row(grants, row) is None
    assert check_row(grants, {**row, "cross_account": "maybe"}) == (
        "cross_account='maybe' is not one of yes, no, n/a, other"
    )
    assert check_row(grants, {**row, "resources": ["key", "keys"]}) == (
        "resources='keys' is not one of key, alias, *"
    )


def test_the_read_path_refuses_a_value_outside_a_literal_column() -> None:
    """The standard-library reader (`load()`, lookups) checks the same values as the build."""
    from kms_permissions import model
    from kms_permissions.dataset.shapes import row_problem

    row = rows("action_grants")[0]
    assert row_problem(model.PermissionRow, row) is None
    assert row_problem(model.PermissionRow, {**row, "cross_account": "maybe"}) == (
        "cross_account holds 'maybe', not one of yes, no, n/a, other"
    )
    assert row_problem(model.PermissionRow, {**row, "resources": ["key", 3]}) == (
        "resources is not of type tuple[ResourceName, ...]"
    )


def test_dates_times_and_json_are_typed_in_parquet_and_the_schemas() -> None:
    """DuckDB reads the dates as DATE, fetch times as TIMESTAMP WITH TIME ZONE and the JSON
    values as JSON; the JSON files keep ISO 8601 text and JSON text, as their schemas say."""
    types = {
        (table, name): kind
        for table in ("history", "sources", "condition_keys")
        for name, kind in duckdb.execute(
            f"select column_name, column_type from (describe from '{DATA / table}.parquet')"
        ).fetchall()
    }
    assert types[("history", "valid_from")] == types[("history", "valid_to")] == "DATE"
    assert types[("sources", "revision_date")] == "DATE"
    assert types[("sources", "fetched_at")] == "TIMESTAMP WITH TIME ZONE"
    assert (
        types[("history", "value")]
        == types[("condition_keys", "operations_expression")]
        == ("JSON")
    )
    assert types[("history", "entity")] == "VARCHAR"
    # A date compares as a date, a JSON value is queried as JSON.
    ((newest,),) = duckdb.execute(
        f"select max(valid_from) from '{DATA / 'history'}.parquet'"
    ).fetchall()
    assert newest.isoformat() == max(r["valid_from"] for r in rows("history") if r["valid_from"])
    ((kinds,),) = duckdb.execute(
        f"select count(*) from '{DATA / 'history'}.parquet' "
        "where field = 'policy_types' and json_type(value) = 'ARRAY'"
    ).fetchall()
    assert kinds > 0
    schema = json.loads((DATA / "schema" / "history.schema.json").read_text())
    properties = schema["items"]["properties"]
    assert properties["valid_from"]["format"] == "date"
    assert properties["value"]["contentMediaType"] == "application/json"
    for row in rows("history"):
        jsonschema.validate([row], schema)
        break


def test_the_typed_objects_hold_dates_and_print_them_as_iso_text() -> None:
    import datetime

    import kms_permissions
    from kms_permissions.model import to_json

    reference = kms_permissions.load()
    decrypt = reference.actions["kms:Decrypt"]
    assert isinstance(decrypt.as_of["sar"], datetime.date)
    assert all(isinstance(d, datetime.date) for d in decrypt.listed_since.values() if d)
    dated = [s for s in reference.sources.values() if s.revision_date]
    assert dated and all(isinstance(s.revision_date, datetime.date) for s in dated)
    assert isinstance(reference.coverage["sar"].first, datetime.date)
    index = json.loads((DATA / "index.json").read_text())
    assert to_json(decrypt) == {
        k: v for k, v in index["actions"]["kms:Decrypt"].items() if k not in ("kind", "name")
    }


def test_csv_export_says_true_false_and_lists_as_json_arrays(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import csv
    import io

    assert main(["export", "--format", "csv", "--table", "actions"]) == 0
    text = capsys.readouterr().out
    exported = list(csv.DictReader(io.StringIO(text)))
    decrypt = next(r for r in exported if r["action"] == "kms:Decrypt")
    assert decrypt["in_guide"] == "true" and decrypt["permission_only"] == "false"
    assert json.loads(decrypt["policy_types"]) == ["key-policy"]
    assert {r["key_policy_effective"] for r in exported} <= {"true", "false", ""}
    assert not {v for r in exported for v in r.values()} & {"True", "False", "None"}
    # DuckDB reads the booleans as BOOLEAN and the lists back as JSON.
    path = tmp_path / "actions.csv"
    path.write_text(text)
    found = duckdb.execute(
        f"select in_guide, json_array_length(policy_types::JSON) from read_csv('{path}') "
        "where action = 'kms:Decrypt'"
    ).fetchall()
    assert found == [(True, 1)]
