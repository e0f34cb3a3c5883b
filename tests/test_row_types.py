"""The build pipeline's typed rows (`dataset/row_types.py`): derived from the model's columns,
and what mypy --strict makes of a row that misspells a column or holds a wrong value."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset import row_types
from kms_permissions.dataset.columns import ALL_TABLES, HISTORY, TABLES, Column
from kms_permissions.dataset.integrity import IntegrityError
from kms_permissions.dataset.io import read_dataset
from kms_permissions.generator import row_types as generator
from kms_permissions.generator.row_types import class_name, render
from kms_permissions.reference import DATA_DIR as DATA

from .conftest import ROOT


def test_each_row_type_holds_its_tables_columns_in_order() -> None:
    for table in ALL_TABLES.values():
        typed = getattr(row_types, class_name(table))
        assert list(typed.__annotations__) == table.column_names(), table.name
        assert typed.__required_keys__ == set(table.column_names()), table.name
    assert row_types.Tables.__required_keys__ == {t.name for t in TABLES}
    assert row_types.Tables.__optional_keys__ == {HISTORY.name}


def test_the_row_types_follow_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column added to a table is in the rendered module, typed as its JSON value."""
    notes = next(t for t in TABLES if t.name == "notes")
    grown = replace(
        notes,
        columns=(
            *notes.columns,
            Column("seen_on", "date", "When.", nullable=True),
            Column("weights", "ints", "How much."),
        ),
    )
    monkeypatch.setattr(generator, "TABLES", tuple(grown if t is notes else t for t in TABLES))
    body = render().split("class NotesRow(TypedDict):", 1)[1].split("\nclass ", 1)[0]
    assert body.endswith("    source_id: str\n    seen_on: str | None\n    weights: list[int]\n\n")


def test_the_committed_module_is_the_rendered_one() -> None:
    committed = (ROOT / "kms_permissions" / "dataset" / "row_types.py").read_text()
    assert committed == render()


_CHECKED = """\
from kms_permissions.dataset.memory import Dataset
from kms_permissions.dataset.row_types import ResourceTypesRow

good: ResourceTypesRow = {
    "resource_type": "key",
    "arn_pattern": "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
    "condition_keys": ["aws:ResourceTag/${TagKey}"],
    "source_id": "sar/list_awskeymanagementservice@2026-11-20",
}
misspelt: ResourceTypesRow = {
    "resource_type": "key",
    "arn_patern": "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
    "condition_keys": [],
    "source_id": "sar/list_awskeymanagementservice@2026-11-20",
}
wrong_value: ResourceTypesRow = {
    "resource_type": "key",
    "arn_pattern": "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
    "condition_keys": "aws:ResourceTag/${TagKey}",
    "source_id": "sar/list_awskeymanagementservice@2026-11-20",
}


def tables(dataset: Dataset) -> None:
    for row in dataset.tables["resource_type"]:
        print(row)
    for key in dataset.tables["condition_keys"]:
        position: int = key["condition_key"]
        print(position, key["sar_type"].lower())
"""


@pytest.mark.slow
def test_mypy_refuses_a_misspelt_column_a_wrong_value_and_an_unknown_table(
    tmp_path: Path,
) -> None:
    source = tmp_path / "pipeline_rows.py"
    source.write_text(_CHECKED)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache")),
            *("--no-error-summary", "--hide-error-context", str(source)),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    errors = sorted(
        (int(line.split(":")[1]), line.rsplit("[", 1)[1].rstrip("]"))
        for line in done.stdout.splitlines()
        if ": error: " in line
    )
    lines = _CHECKED.splitlines()
    at = {text: number for number, text in enumerate(lines, 1)}
    misspelt = at["misspelt: ResourceTypesRow = {"]
    assert errors == [
        (misspelt, "typeddict-item"),  # no arn_pattern
        (misspelt, "typeddict-unknown-key"),  # arn_patern
        (at['    "condition_keys": "aws:ResourceTag/${TagKey}",'], "typeddict-item"),
        (at['    for row in dataset.tables["resource_type"]:'], "typeddict-item"),
        (at['        position: int = key["condition_key"]'], "assignment"),
        (at['        print(position, key["sar_type"].lower())'], "union-attr"),  # it may be null
    ], done.stdout
    assert done.returncode == 1


def test_reading_a_folder_without_one_of_the_tables_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder whose manifest (hashes and all) lists every table but one: the typed tables
    are refused, with the table named, rather than read with a table missing (`verify` used to
    fail with an internal error, and `diff` to compare it as if whole)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = [f for f in manifest["files"] if f["table"] != "via_services"]
    for path in folder.rglob("via_services*"):
        path.unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    with pytest.raises(IntegrityError, match=r"data: no via_services table$"):
        read_dataset(folder)
    assert main(["verify", str(folder)]) == 1
    assert main(["diff", str(folder), str(DATA)]) == 2
    said = capsys.readouterr().err.splitlines()
    assert said == [
        f"kms-permissions verify: {folder}: no via_services table",
        f"kms-permissions diff: {folder}: no via_services table",
    ]


# The column a maintainer adds in the test below (as tests/test_migrations.py does), and where
# its value goes.
_MODEL_LINE = (
    '    arn_pattern: str = column("sar")\n    """ARN format with ${...} placeholders."""\n'
)
_ADDED = '    arn_service: str | None = column("sar")\n    """The ARN\'s service part."""\n'
_MERGE_LINE = '            "arn_pattern": r.arn_pattern,\n'


@pytest.mark.slow
def test_mypy_names_the_row_that_lacks_a_column_added_to_the_model(tmp_path: Path) -> None:
    """In a copy: the model gains a column, the row types are generated again, and mypy
    --strict names the one row literal of merge that lacks it; given the value, it passes."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "kms_permissions",
        copy / "kms_permissions",
        ignore=shutil.ignore_patterns("__pycache__", "data"),
    )
    model = copy / "kms_permissions" / "model.py"
    assert _MODEL_LINE in model.read_text()
    model.write_text(model.read_text().replace(_MODEL_LINE, _MODEL_LINE + _ADDED))
    env = {"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"}
    render_it = "from kms_permissions.generator.row_types import render; print(render(), end='')"
    rendered = subprocess.run(
        [sys.executable, "-c", render_it], env=env, cwd=copy, capture_output=True, text=True
    )
    assert rendered.returncode == 0, rendered.stderr
    body = rendered.stdout.split("class ResourceTypesRow(TypedDict):", 1)[1].split("\nclass ")[0]
    assert "    arn_pattern: str\n    arn_service: str | None\n" in body
    (copy / "kms_permissions" / "dataset" / "row_types.py").write_text(rendered.stdout)

    def mypy() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent"),
                *("--cache-dir", str(tmp_path / "cache"), "--no-error-summary"),
                "kms_permissions/dataset/merge.py",
            ],
            cwd=copy,
            capture_output=True,
            text=True,
        )

    merge = copy / "kms_permissions" / "dataset" / "merge.py"
    text = merge.read_text()
    lacking = mypy()
    errors = [line for line in lacking.stdout.splitlines() if ": error: " in line]
    literal = text[: text.index(_MERGE_LINE)].count("\n") - 1  # the row literal's opening brace
    assert errors == [
        f'kms_permissions/dataset/merge.py:{literal}: error: Missing key "arn_service" for '
        'TypedDict "ResourceTypesRow"  [typeddict-item]'
    ], lacking.stdout
    given = '            "arn_service": r.arn_pattern.split(":")[2],\n'
    merge.write_text(text.replace(_MERGE_LINE, _MERGE_LINE + given))
    passing = mypy()
    assert passing.returncode == 0, passing.stdout
