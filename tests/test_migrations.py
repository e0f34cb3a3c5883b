"""Earlier releases read through the declared migrations; diff across schema versions; a column
added from the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.columns import ALL_TABLES, SCHEMA_VERSION
from kms_permissions.dataset.diff import diff
from kms_permissions.dataset.integrity import IntegrityError
from kms_permissions.dataset.io import read_dataset
from kms_permissions.dataset.migrations import MIGRATIONS, chain

ROOT = Path(__file__).resolve().parent.parent
RELEASES = Path(__file__).parent / "releases"
DATA = ROOT / "kms_permissions" / "data"
# Each archived release with the schema version its manifest names.
SCHEMAS = {"2026.06.14": "1.0.0", "2026.06.14.2": "2.0.0", "2026.11.20": "2.1.0"}


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every archived release, extracted."""
    root = tmp_path_factory.mktemp("releases")
    for version in SCHEMAS:
        with tarfile.open(RELEASES / f"{version}.tar.xz") as archive:
            archive.extractall(root, filter="data")
    return {version: root / version for version in SCHEMAS}


def test_every_schema_version_released_has_a_way_to_the_current_one() -> None:
    for schema in SCHEMAS.values():
        assert chain(schema)[-1].target == SCHEMA_VERSION if schema != SCHEMA_VERSION else True
    sources = [m.source for m in MIGRATIONS]
    assert len(sources) == len(set(sources)), "one migration per schema step"


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_an_earlier_release_reads_as_the_current_schema(
    releases: dict[str, Path], version: str
) -> None:
    manifest = json.loads((releases[version] / "manifest.json").read_text())
    assert manifest["schema_version"] == SCHEMAS[version]
    dataset = read_dataset(releases[version])
    assert dataset.version == version
    assert sorted(dataset.tables) == sorted(ALL_TABLES)
    for name, rows in dataset.by_name().items():
        columns = ALL_TABLES[name].column_names()
        assert all(list(row) == columns for row in rows), name
    actions = {row["action"] for row in dataset.tables["actions"]}
    assert {"kms:Decrypt", "kms:CreateGrant", "kms:ReplicateKey"} <= actions


def test_verify_says_an_earlier_release_is_sound_and_which_schema_it_has(
    releases: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--json", str(releases["2026.06.14"])]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["schema_version"] == "1.0.0"


def test_the_sar_instances_of_a_template_fold_into_it_as_the_next_schema_does(
    releases: dict[str, Path],
) -> None:
    migrated = {
        r["condition_key"]: r for r in read_dataset(releases["2026.06.14"]).tables["condition_keys"]
    }
    published = {
        r["condition_key"]: r
        for r in read_dataset(releases["2026.06.14.2"]).tables["condition_keys"]
    }
    assert sorted(migrated) == sorted(published)
    template = "kms:RecipientAttestation:PCR${PCR_ID}"
    assert migrated[template]["sar_names"] == published[template]["sar_names"]
    assert migrated[template]["in_sar"] is True


def test_diff_across_a_schema_change_names_the_source_that_began_listing(
    releases: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    change = diff(read_dataset(releases["2026.06.14.2"]), read_dataset(releases["2026.11.20"]))
    assert change.added["action"] == ["kms:Decapsulate", "kms:Encapsulate"]
    assert "kms:Decrypt" in change.listed_by["api"]["action"]
    # The 2.0.0 release's own facts survive the migration: nothing the guide or the SAR said
    # of an action that both releases list changed between them.
    moved = [
        c
        for c in change.changed
        if c["entity_kind"] == "action" and c["source"] in ("permissions", "sar")
    ]
    assert moved == []
    assert main(["diff", str(releases["2026.06.14.2"]), str(releases["2026.11.20"])]) == 0
    text = capsys.readouterr().out
    assert "Now listed by api: 55 actions" in text


def test_diff_reports_description_changes(
    releases: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old = {
        r["condition_key"]: r["description"]
        for r in read_dataset(releases["2026.11.20"]).tables["condition_keys"]
    }
    assert main(["diff", "--json", str(releases["2026.11.20"]), str(DATA)]) == 0
    report = json.loads(capsys.readouterr().out)
    # The guide's description is guide_description since 3.2.0 (description is the headline).
    descriptions = {c["entity"]: c for c in report["changed"] if c["field"] == "guide_description"}
    # 2026.11.20.2 rewrote aws:SourceIp's description (it began mid-sentence before).
    assert descriptions["aws:SourceIp"]["old"] == old["aws:SourceIp"]
    assert descriptions["aws:SourceIp"]["new"] != old["aws:SourceIp"]


def _rewrite(folder: Path, name: str, data: bytes) -> None:
    """Replace one file and its manifest entry, as a tool writing a wrong folder would."""
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["bytes"] = len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_a_release_missing_what_its_migration_reads_is_one_line(
    releases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "old"
    shutil.copytree(releases["2026.06.14"], folder)
    rows = json.loads((folder / "actions.json").read_text())
    for row in rows:
        del row["note"]
    _rewrite(folder, "actions.json", json.dumps(rows).encode())
    with pytest.raises(
        IntegrityError, match=r"row 0 after migrating from schema version 1\.0\.0: no column note"
    ):
        read_dataset(folder)
    assert main(["diff", str(folder), str(DATA)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no column note" in err


@pytest.mark.parametrize(
    ("version", "sar_only", "value"),
    [
        ("2026.06.14", False, ["kms:EncryptionContext:${EncryptionContextKey}"]),
        ("2026.11.20", True, 5),
    ],
)
def test_a_release_whose_value_its_migration_cannot_read_is_one_line(
    releases: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    version: str,
    sar_only: bool,
    value: object,
) -> None:
    """An older version's rows are loose until migrated: a key's name that is not text fails
    inside the migration (1.0.0's template matching, 3.1.0's folding of the SAR's numbered
    families), and is refused naming the folder, not blamed on the schema version."""
    folder = tmp_path / "old"
    shutil.copytree(releases[version], folder)
    rows = json.loads((folder / "condition_keys.json").read_text())
    row = next(r for r in rows if not sar_only or (r["in_sar"] and not r["in_guide"]))
    row["condition_key"] = value
    _rewrite(folder, "condition_keys.json", json.dumps(rows).encode())
    schema = SCHEMAS[version].replace(".", r"\.")
    with pytest.raises(
        IntegrityError,
        match=rf"old: schema version {schema} with a value its migration cannot read \(TypeError",
    ):
        read_dataset(folder)
    assert main(["diff", str(folder), str(DATA)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "with a value its migration cannot read" in err


def test_an_unknown_schema_version_names_the_ones_readable(
    releases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "future"
    shutil.copytree(releases["2026.11.20"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = "9.0.0"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert main(["diff", str(folder), str(DATA)]) == 2
    err = capsys.readouterr().err
    assert "'9.0.0'" in err and "1.0.0" in err and err.count("\n") == 1


# The column a maintainer adds in the test below, and where its value comes from.
_MODEL_LINE = (
    '    arn_pattern: str = column("sar")\n    """ARN format with ${...} placeholders."""\n'
)
_MERGE_LINE = '            "arn_pattern": r.arn_pattern,\n'


@pytest.mark.slow
def test_a_column_added_to_the_model_rebuilds_from_the_command_line(
    corpus: Path, tmp_path: Path
) -> None:
    """As the maintainer's guide says: the model's field, its source in merge, the schema
    version and a migration; then `history` works from the command line."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "kms_permissions",
        copy / "kms_permissions",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    model = copy / "kms_permissions" / "model.py"
    text = model.read_text()
    assert _MODEL_LINE in text and f'SCHEMA_VERSION = "{SCHEMA_VERSION}"' in text
    major, minor, _ = SCHEMA_VERSION.split(".")
    bumped = f"{major}.{int(minor) + 1}.0"
    text = text.replace(
        _MODEL_LINE,
        _MODEL_LINE
        + '    arn_service: str | None = column("sar")\n    """The ARN\'s service part."""\n',
    ).replace(f'SCHEMA_VERSION = "{SCHEMA_VERSION}"', f'SCHEMA_VERSION = "{bumped}"')
    model.write_text(text)
    merge = copy / "kms_permissions" / "dataset" / "merge.py"
    assert _MERGE_LINE in merge.read_text()
    merge.write_text(
        merge.read_text().replace(
            _MERGE_LINE, _MERGE_LINE + '            "arn_service": r.arn_pattern.split(":")[2],\n'
        )
    )
    migrations = copy / "kms_permissions" / "dataset" / "migrations.py"
    migrations.write_text(
        migrations.read_text()
        + f'\nMIGRATIONS = (*MIGRATIONS, Migration("{SCHEMA_VERSION}", "{bumped}", '
        '"resource types gain arn_service (null before)", '
        'added("resource_types", arn_service=None)))\n'
    )
    out = tmp_path / "data"
    env = {
        "PYTHONPATH": str(copy),
        "PYTHONHASHSEED": "4242",
        "LC_ALL": "C",
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, "-m", "kms_permissions", "history", "--corpus", str(corpus)]
    done = subprocess.run(
        [*command, "--out", str(out), "--no-cache"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout, whose kms_permissions `-m` would find first
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["schema_version"] == bumped
    rows = json.loads((out / "resource_types.json").read_text())
    assert {row["arn_service"] for row in rows} == {"kms"}
    # The bundled dataset (the older schema) and the new folder compare through the migration.
    compared = subprocess.run(
        [
            sys.executable,
            "-m",
            "kms_permissions",
            "diff",
            "--json",
            str(copy / "kms_permissions" / "data"),
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert compared.returncode == 0, compared.stderr
