"""Start-up: the lookup fast path and the read model's run-time classes.

`lookup` reads the manifest, `index.toc.json` (checked against the manifest) and the parts of
`index.json` it prints (each checked against the TOC). These tests hold it to the read model
for every name and tamper with each file it reads. The model's classes are `_slotted`'s frozen
records at run time; they are held to real dataclasses made from the same declaration.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import pickle
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kms_permissions import jsonfast, model
from kms_permissions._slotted import specs
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
    from kms_permissions.dataset.io import read_dataset
    from kms_permissions.dataset.memory import Dataset

    stored = read_dataset(DATA)
    built = index_files(build_index(Dataset(stored.tables, stored.version)))
    assert built["index.json"] == (DATA / "index.json").read_bytes()
    assert built[TOC] == (DATA / TOC).read_bytes()


@pytest.fixture
def folder_copy(tmp_path: Path) -> Path:
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
    folder_copy: Path,
) -> None:
    copy = folder_copy
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


def test_shifted_index_bytes_are_refused(folder_copy: Path) -> None:
    copy = folder_copy
    index = copy / "index.json"
    index.write_bytes(b" " + index.read_bytes())
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0 and "sha256 does not match the manifest" in done.stderr


def test_a_changed_toc_is_refused(folder_copy: Path) -> None:
    copy = folder_copy
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


def test_a_forged_toc_that_the_manifest_vouches_for_is_still_caught(folder_copy: Path) -> None:
    copy = folder_copy
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
    assert done.returncode != 0
    assert "its TOC gives no [offset, length, sha256] for kms:Decrypt" in done.stderr


def test_a_listed_toc_that_is_missing_is_named(folder_copy: Path) -> None:
    copy = folder_copy
    (copy / TOC).unlink()
    done = _lookup(copy, "kms:Decrypt")
    assert done.returncode != 0
    assert f"{copy / TOC}: listed in the manifest but missing" in done.stderr


def test_a_folder_without_toc_is_read_whole_and_checked(folder_copy: Path) -> None:
    copy = folder_copy
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


def test_the_fast_path_imports_only_the_package_and_three_builtins() -> None:
    # What the lookup fast path loads beyond the package: the C JSON scanner, the builtin
    # sha256 and __future__. Anything more (json, re, enum, typing, hashlib's OpenSSL,
    # contextlib with collections and functools...) is start-up time every lookup pays.
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from kms_permissions.cli import main\n"
        "status = main(['lookup', '--json', 'kms:Decrypt'])\n"
        "new = set(sys.modules) - before\n"
        "new = sorted(m for m in new if m.split('.')[0] != 'kms_permissions')\n"
        "print(new, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr.strip() == "['__future__', '_json', '_sha256']"
    assert jsonfast.loads(done.stdout)["results"][0]["name"] == "kms:Decrypt"


# The read model's classes at run time: `_slotted`'s frozen slotted records, checked against
# real dataclasses made from the very same declaration (model.py run as type checkers read it).


def _dataclass_twin() -> ModuleType:
    source = (ROOT / "kms_permissions" / "model.py").read_text()
    assert source.count("\nTYPE_CHECKING = False\n") == 1
    module = ModuleType("kms_permissions.model")
    code = compile(
        source.replace("\nTYPE_CHECKING = False\n", "\nTYPE_CHECKING = True\n"), "model.py", "exec"
    )
    saved = sys.modules["kms_permissions.model"]
    sys.modules["kms_permissions.model"] = module  # dataclasses resolves annotations there
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules["kms_permissions.model"] = saved
    return module


RECORDS = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and cls.__module__ == model.__name__ and "_record_fields" in vars(cls)
]


def test_every_model_class_is_a_record() -> None:
    declared = [
        name
        for name, value in vars(_dataclass_twin()).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    assert sorted(cls.__name__ for cls in RECORDS) == sorted(declared)


def _facts() -> dict[type, list[Any]]:
    reference = load()
    found: dict[type, list[Any]] = {}

    def walk(value: Any) -> None:
        if type(value) in RECORDS:
            found.setdefault(type(value), []).append(value)
            for name, _ in specs(type(value)):
                walk(getattr(value, name))
        elif isinstance(value, Sequence) and not isinstance(value, str):
            for item in value:  # tuples, and the bundled read model's lazy tables
                walk(item)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)

    walk(reference)
    return found


def _bad_calls(values: dict[str, Any]) -> list[Any]:
    """Constructor calls that must fail: a field missing, an unknown one, one given twice, one
    positional argument too many."""
    first = next(iter(values))
    others = {k: v for k, v in values.items() if k != first}
    return [
        lambda klass: klass(**others),
        lambda klass: klass(**values, extra=1),
        lambda klass: klass(*values.values(), **{first: values[first]}),
        lambda klass: klass(*values.values(), None),
    ]


def _holds_mapping(value: Any) -> bool:
    if isinstance(value, Mapping):  # mappingproxy, or a lazily read table
        return True
    if isinstance(value, Sequence) and not isinstance(value, str):
        return any(_holds_mapping(item) for item in value)
    if type(value) in RECORDS:
        return any(_holds_mapping(getattr(value, name)) for name, _ in specs(type(value)))
    return False


def _check_fact(cls: type, twin: type, fact: Any) -> None:
    values = {name: getattr(fact, name) for name, _ in specs(cls)}
    real = twin(**values)
    assert repr(fact) == repr(real)
    assert fact == cls(**values)
    assert not (fact != cls(**values))  # noqa: SIM202 - __ne__ is under test
    assert fact.__eq__(real) is NotImplemented
    try:
        expected = hash(real)
    except TypeError:  # a mapping field: unhashable, as the dataclass
        with pytest.raises(TypeError):
            hash(fact)
    else:
        assert hash(fact) == expected
        assert dataclasses.asdict(fact) == dataclasses.asdict(real)
    if _holds_mapping(fact):  # mappingproxy does not pickle, whatever holds it
        with pytest.raises(TypeError):
            pickle.dumps(fact)
    else:
        assert pickle.loads(pickle.dumps(fact)) == fact
        assert copy.deepcopy(fact) == fact
    assert copy.copy(fact) == fact
    assert cls(*values.values()) == fact
    first = next(iter(values))
    changed = dataclasses.replace(fact, **{first: values[first]})
    assert type(changed) is cls and changed == fact
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field"):
        setattr(fact, first, None)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field"):
        delattr(fact, first)
    assert not hasattr(fact, "__dict__")
    for call in _bad_calls(values):
        for klass in (cls, twin):
            with pytest.raises(TypeError):
                call(klass)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_records_behave_as_the_dataclasses_they_are_declared_as(cls: type) -> None:
    twin = getattr(_dataclass_twin(), cls.__name__)

    def described(klass: type) -> list[tuple[str, object, dict[str, object]]]:
        def named(value: object) -> object:  # the twin's element classes are its own
            return value.__name__ if isinstance(value, type) else value

        return [
            (f.name, f.type, {k: named(v) for k, v in f.metadata.items()})
            for f in dataclasses.fields(klass)
        ]

    assert described(cls) == described(twin)
    for attribute in ("__match_args__", "__slots__", "__qualname__", "__doc__"):
        assert getattr(cls, attribute) == getattr(twin, attribute), attribute
    properties = {n for n, v in vars(cls).items() if isinstance(v, property)}
    assert properties == {n for n, v in vars(twin).items() if isinstance(v, property)}
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    if hasattr(twin, "__parameters__") and twin.__parameters__:
        alias = cls[str]  # type: ignore[index]
        assert alias.__origin__ is cls and alias.__args__ == (str,)
    facts = _facts().get(cls, [])
    assert facts or cls in (model.HistoryRow,), f"no {cls.__name__} in the bundled read model"
    for fact in facts[:25]:
        _check_fact(cls, twin, fact)


def test_importing_the_model_imports_neither_typing_nor_dataclasses() -> None:
    code = (
        "import sys\n"
        "from kms_permissions import model\n"
        "print(sorted(m for m in ('typing', 'dataclasses', 'inspect') if m in sys.modules))\n"
        "import dataclasses\n"
        "print([f.name for f in dataclasses.fields(model.Coverage)])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "['source', 'first', 'newest']"]


def test_the_fast_json_reader_names_cut_off_input_in_a_fresh_process() -> None:
    # Without json.decoder loaded, the C scanner fails on cut-off input with a SystemError.
    code = (
        "from kms_permissions import jsonfast\n"
        "for text in ('{\"a\"', '\"abc', '{'):\n"
        "    try:\n"
        "        jsonfast.loads(text)\n"
        "    except ValueError as exc:\n"
        "        print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["ValueError not valid JSON (cut off or malformed)"] * 3
