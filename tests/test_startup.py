"""The lookup fast path: the same output as the read model, and only checked bytes read.

`lookup` reads the manifest, `index.toc.json` (checked against the manifest) and the parts of
`index.json` it prints (each checked against the TOC). These tests hold it to the read model
for every name and tamper with each file it reads.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kms_permissions import jsonfast
from kms_permissions.cli import main
from kms_permissions.dataset.read_model import TOC, build_index, index_files
from kms_permissions.model import to_json
from kms_permissions.query import QueryError, load_index
from kms_permissions.reference import load

from .conftest import ROOT

DATA = ROOT / "kms_permissions" / "data"
FORMAT = "kms-permissions-lookup/2"


def _expected(names: list[str]) -> str:
    """The lookup document as the typed read model (`load()`, which reads the whole index with
    `json`) says it: each fact's JSON with its kind/name envelope, printed by `json`."""
    reference = load()
    results = []
    for name in names:
        if name in reference.actions:
            results.append({"kind": "action", "name": name, **to_json(reference.actions[name])})
        else:
            fact = reference.condition_keys[name]
            results.append({"kind": "condition_key", "name": name, **to_json(fact)})
    document = {
        "format": FORMAT,
        "dataset_version": reference.version,
        "results": results,
        "not_found": [],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _every_name() -> list[str]:
    reference = load()
    return [*reference.actions, *reference.condition_keys]


def test_lookup_json_is_the_read_model_for_every_name(capsys: pytest.CaptureFixture[str]) -> None:
    for name in _every_name():
        assert main(["lookup", "--json", name]) == 0
        assert capsys.readouterr().out == _expected([name]), name


def test_lookup_json_of_every_name_at_once_in_a_real_process() -> None:
    names = _every_name()
    done = subprocess.run(
        [sys.executable, "-m", "kms_permissions", "lookup", "--json", *names],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _expected(names)


def test_index_parts_are_the_read_model_written_whole() -> None:
    index = json.loads((DATA / "index.json").read_text())
    written = index_files(index)
    assert written["index.json"] == (DATA / "index.json").read_bytes()
    assert written[TOC] == (DATA / TOC).read_bytes()
    assert (
        written["index.json"]
        == (json.dumps(index, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    )
    data = written["index.json"]
    parts = json.loads(written[TOC])["parts"]
    for key, value in index.items():
        spans = parts[key].items() if key in ("actions", "condition_keys") else [(None, parts[key])]
        for name, (offset, length, digest) in spans:
            chunk = data[offset : offset + length]
            assert hashlib.sha256(chunk).hexdigest() == digest
            assert json.loads(chunk) == (value if name is None else value[name])


def test_reader_and_writer_name_the_same_files() -> None:
    from kms_permissions import query
    from kms_permissions.dataset import read_model

    for name in ("INDEX", "TOC", "TOC_FORMAT", "ENTRY_TABLES"):
        assert getattr(query, name) == getattr(read_model, name), name


def test_index_files_from_the_tables() -> None:
    from kms_permissions.dataset.columns import ALL_TABLES
    from kms_permissions.dataset.model import Dataset

    tables = {t: json.loads((DATA / f"{t}.json").read_text()) for t in ALL_TABLES}
    version = json.loads((DATA / "manifest.json").read_text())["dataset_version"]
    built = index_files(build_index(Dataset(tables, version)))
    assert built["index.json"] == (DATA / "index.json").read_bytes()
    assert built[TOC] == (DATA / TOC).read_bytes()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def _span(folder: Path, kind: str, name: str) -> tuple[int, int, str]:
    offset, length, digest = json.loads((folder / TOC).read_text())["parts"][kind][name]
    return offset, length, digest


def _rehash(folder: Path, path: str) -> None:
    """Make the manifest vouch for a changed file, as a forger would."""
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["path"] == path:
            data = (folder / path).read_bytes()
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["bytes"] = len(data)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _lookup(folder: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kms_permissions",
            "lookup",
            "--json",
            "--dataset",
            str(folder),
            *names,
        ],
        capture_output=True,
        text=True,
    )


def test_a_changed_entry_is_refused_and_the_others_read_only_their_checked_bytes(
    copy: Path,
) -> None:
    index = copy / "index.json"
    offset, length, _ = _span(copy, "actions", "kms:CancelKeyDeletion")
    data = bytearray(index.read_bytes())
    entry = bytes(data[offset : offset + length])
    changed = entry.replace(b'"cross_account":"no"', b'"cross_account":"on"', 1)
    assert changed != entry and len(changed) == len(entry)
    data[offset : offset + length] = changed
    index.write_bytes(bytes(data))

    refused = _lookup(copy, "kms:CancelKeyDeletion")
    assert refused.returncode != 0 and not refused.stdout
    assert (
        f"{index}: sha256 does not match the manifest (the bytes of kms:CancelKeyDeletion "
        "changed); refusing to use it"
    ) in refused.stderr
    # Decrypt's bytes are untouched and checked: it answers, exactly as from the bundle.
    decrypt = _lookup(copy, "kms:Decrypt")
    assert decrypt.returncode == 0, decrypt.stderr
    assert decrypt.stdout == _expected(["kms:Decrypt"])
    # Whatever reads every entry checks the whole file against the manifest.
    with pytest.raises(QueryError, match=r"index\.json: sha256 does not match the manifest"):
        _ = load_index(str(copy)).actions
    assert main(["actions", "--dataset", str(copy)]) != 0


def test_shifted_index_bytes_are_refused(copy: Path) -> None:
    index = copy / "index.json"
    index.write_bytes(b" " + index.read_bytes())
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0 and "sha256 does not match the manifest" in done.stderr


def test_a_changed_toc_is_refused(copy: Path) -> None:
    toc = json.loads((copy / TOC).read_text())
    toc["parts"]["actions"]["kms:Decrypt"] = toc["parts"]["actions"]["kms:Encrypt"]
    (copy / TOC).write_text(json.dumps(toc))
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0 and not done.stdout
    assert f"{copy / TOC}: sha256 does not match the manifest (file changed)" in done.stderr
    expand = subprocess.run(
        [sys.executable, "-m", "kms_permissions", "expand", "--dataset", str(copy), "kms:*"],
        capture_output=True,
        text=True,
    )
    assert expand.returncode != 0 and "index.toc.json: sha256 does not match" in expand.stderr


def test_a_forged_toc_that_the_manifest_vouches_for_is_still_caught(copy: Path) -> None:
    toc = json.loads((copy / TOC).read_text())
    toc["parts"]["actions"]["kms:Decrypt"] = toc["parts"]["actions"]["kms:Encrypt"]
    (copy / TOC).write_text(json.dumps(toc))
    _rehash(copy, TOC)
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0 and not done.stdout
    assert "the part the TOC gives for kms:Decrypt is not its entry" in done.stderr
    toc["parts"]["actions"]["kms:Decrypt"] = [0, "many", "x"]
    (copy / TOC).write_text(json.dumps(toc))
    _rehash(copy, TOC)
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0 and "parts.actions: not [offset, length, sha256]" in done.stderr


def test_a_listed_toc_that_is_missing_is_named(copy: Path) -> None:
    (copy / TOC).unlink()
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0
    assert f"{copy / TOC}: listed in the manifest but missing" in done.stderr


def test_a_folder_without_toc_is_read_whole_and_checked(copy: Path) -> None:
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"] = [f for f in manifest["files"] if f["path"] != TOC]
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    (copy / TOC).unlink()
    done = _lookup(copy, "kms:Decrypt", "kms:ViaService")
    assert done.returncode == 0, done.stderr
    assert done.stdout == _expected(["kms:Decrypt", "kms:ViaService"])
    index = copy / "index.json"
    index.write_text(index.read_text().replace('"cross_account":"no"', '"cross_account":"on"', 1))
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0
    assert f"{index}: sha256 does not match the manifest (file changed)" in done.stderr


def test_the_fast_path_imports_no_json_typing_or_hashlib() -> None:
    code = (
        "import sys\n"
        "from kms_permissions.cli import main\n"
        "status = main(['lookup', '--json', 'kms:Decrypt'])\n"
        "loaded = ('json', 'typing', 'hashlib', '_hashlib', 'argparse', 'enum', 're')\n"
        "print([m for m in loaded if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr.strip() == "[]"
    assert jsonfast.loads(done.stdout)["results"][0]["name"] == "kms:Decrypt"
