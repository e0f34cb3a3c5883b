"""Strict inputs and one error path: issue 13's bad sources, broken datasets, odd values and
interrupts, each driven through the command line (and the Python API where it applies).

Each case checks the exit status, the one line on stderr, and that no file changed. (`check`'s
own inputs are the policy checker's tests.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kms_permissions as kp
from kms_permissions.errors import ArgumentTypeError, FetchError, KmsPermissionsError
from kms_permissions.scraper.http import Fetcher, FetchPolicy

from .conftest import ROOT
from .http_server import Reply, Script, serve
from .safety import cli, refused, snapshot

DATA = ROOT / "kms_permissions" / "data"
SAR_DIR = "sar-html/list_awskeymanagementservice"
PERMISSIONS = "kms-devguide-current-md/kms-api-permissions-reference.md"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the bundled dataset, to damage."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def rehash(folder: Path) -> None:
    """Make the manifest vouch for the files as they are now (as a careless tool would)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        entry["bytes"] = len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def set_manifest(folder: Path, **values: object) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(values)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


# Bad sources believed ------------------------------------------------------------------------


def glacier_copy(corpus: Path, target: Path) -> Path:
    """The SAR page with its KMS title kept but the service prefix glacier."""
    text = (corpus / SAR_DIR / "2026-06-14.html").read_text()
    at = text.index("service prefix:")
    text = text[:at] + text[at:].replace("kms", "glacier", 1).replace(">kms:", ">glacier:")
    target.write_text(text)
    return target


def test_a_sar_copy_for_glacier_with_the_kms_title_is_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = glacier_copy(corpus, tmp_path / "2026-06-14.html")
    before = snapshot(tmp_path)
    for argv in (
        ["build", "--source", str(page), "--out", str(tmp_path / "data"), "--no-cache"],
        ["scrape", "--source", str(page), "--out", str(tmp_path / "records.json")],
    ):
        refused(capsys, 2, "service prefix 'glacier', not 'kms'", *argv)
    assert snapshot(tmp_path) == before


def test_a_sar_copy_for_glacier_served_over_http_is_refused(corpus: Path, tmp_path: Path) -> None:
    from kms_permissions.scraper.scrape import scrape
    from kms_permissions.scraper.sources import HttpSource

    page = glacier_copy(corpus, tmp_path / "glacier.html").read_bytes()
    path = "/service-authorization/latest/reference/list_awskeymanagementservice.html"
    script = Script({path: [Reply(200, page, {"Content-Type": "text/html"})]})
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}), allow_http_hosts=frozenset({"127.0.0.1"})
    )
    with serve(script) as base:
        source = HttpSource(Fetcher(None, policy), (base + path,))
        with pytest.raises(KmsPermissionsError, match="service prefix 'glacier', not 'kms'"):
            scrape(source)


def test_a_page_served_where_another_page_belongs_is_refused(corpus: Path) -> None:
    from kms_permissions.scraper.scrape import scrape
    from kms_permissions.scraper.sources import HttpSource

    path = "/kms/latest/developerguide/conditions-kms.md"
    page = (corpus / PERMISSIONS).read_bytes()  # the permissions reference, not a key page
    script = Script({path: [Reply(200, page, {"Content-Type": "text/markdown"})]})
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}), allow_http_hosts=frozenset({"127.0.0.1"})
    )
    with serve(script) as base:
        source = HttpSource(Fetcher(None, policy), (base + path,))
        with pytest.raises(KmsPermissionsError, match="holds a permissions page"):
            scrape(source)


@pytest.mark.parametrize(
    "name", ["2026-02-30.html", "2026-13-01.html", "2026-02-30_abcdef1/doc_source/x.md"]
)
def test_a_date_that_is_no_date_is_refused(
    name: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "source" / name
    page.parent.mkdir(parents=True)
    original = SAR_DIR + "/2026-06-14.html" if name.endswith(".html") else PERMISSIONS
    shutil.copy(corpus / original, page)
    before = snapshot(tmp_path)
    out = str(tmp_path / "data")
    refused(
        capsys,
        2,
        "is not a real date",
        "build",
        "--source",
        str(tmp_path / "source"),
        "--out",
        out,
        "--no-cache",
    )
    assert snapshot(tmp_path) == before


def half_of_the_permissions_page(corpus: Path, target: Path) -> Path:
    """The permissions page with every second operation's entry deleted."""
    lines = (corpus / PERMISSIONS).read_text().split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("- **[")]
    dropped: set[int] = set()
    for number, start in enumerate(starts[:-1]):
        if number % 2:
            dropped.update(range(start, starts[number + 1]))
    target.write_text("\n".join(line for i, line in enumerate(lines) if i not in dropped))
    return target


@pytest.mark.slow
def test_a_permissions_page_with_half_its_rows_deleted(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = tmp_path / "full" / "kms-api-permissions-reference.md"
    full.parent.mkdir()
    shutil.copy(corpus / PERMISSIONS, full)
    half = half_of_the_permissions_page(corpus, tmp_path / "kms-api-permissions-reference.md")
    out = tmp_path / "data"
    dated = ["--revision-date", "2026-06-14", "--no-cache"]
    # Compared with the bundled dataset (no --previous, --out holds none): the guide's
    # operations shrank, though the SAR's did not (it is not among the sources).
    refused(
        capsys,
        2,
        "operations of the permissions reference: ",
        "build",
        "--source",
        str(half),
        "--out",
        str(out),
        *dated,
    )
    assert not out.exists()
    assert cli(capsys, "build", "--source", str(full), "--out", str(out), *dated)[0] == 0
    assert json.loads((out / "manifest.json").read_text())["dataset_version"] == "2026.06.14"
    before = snapshot(out)
    err = refused(
        capsys,
        2,
        "since version 2026.06.14 (more than 10%",
        "build",
        "--source",
        str(half),
        "--out",
        str(out),
        *dated,
    )
    assert "operations of the permissions reference" in err
    assert snapshot(out) == before
    # Allowed to shrink, the changed content gets a version of its own.
    status, _, err = cli(
        capsys, "build", "--source", str(half), "--out", str(out), *dated, "--allow-shrink"
    )
    assert status == 0, err
    assert json.loads((out / "manifest.json").read_text())["dataset_version"] == "2026.06.14.1"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-45", "--revision-date 2026-13-45: not a real date"),
        ("yesterday", "--revision-date 'yesterday': not a date written YYYY-MM-DD"),
        ("2999-01-01", "--revision-date 2999-01-01: a date in the future"),
    ],
)
def test_a_revision_date_must_be_a_real_date(
    value: str, message: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "data")
    source = str(corpus / PERMISSIONS)
    refused(
        capsys,
        2,
        message,
        "build",
        "--source",
        source,
        "--out",
        out,
        "--revision-date",
        value,
        "--no-cache",
    )
    assert not (tmp_path / "data").exists()


def test_a_revision_date_where_it_dates_nothing_is_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.json"
    status, _, _ = cli(
        capsys,
        "scrape",
        "--source",
        str(corpus / SAR_DIR / "2026-06-14.html"),
        "--out",
        str(records),
    )
    assert status == 0
    refused(
        capsys,
        2,
        "is a scrape file, whose pages are dated already",
        "build",
        "--source",
        str(records),
        "--out",
        str(tmp_path / "d"),
        "--revision-date",
        "2026-06-14",
    )


def test_a_version_never_goes_backwards(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    shrink = ["--no-cache", "--allow-shrink"]
    assert (
        cli(
            capsys,
            "build",
            "--source",
            str(corpus / SAR_DIR / "2021-07-01.html"),
            "--out",
            str(out),
            *shrink,
        )[0]
        == 0
    )
    before = snapshot(out)
    refused(
        capsys,
        2,
        "version 2021.06.01 would be older than the previous version 2021.07.01",
        "build",
        "--source",
        str(corpus / SAR_DIR / "2021-06-01.html"),
        "--out",
        str(out),
        *shrink,
    )
    assert snapshot(out) == before


def test_a_previous_version_that_does_not_exist_is_an_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-version"
    refused(
        capsys,
        2,
        f"--previous {missing}: no such dataset folder",
        "build",
        "--source",
        str(corpus / SAR_DIR / "2026-06-14.html"),
        "--out",
        str(tmp_path / "data"),
        "--previous",
        str(missing),
        "--no-cache",
    )
    assert not (tmp_path / "data").exists()


# verify: every file checked by content ---------------------------------------------------------


def test_verify_catches_an_index_of_42(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (dataset / "index.json").write_text("42\n")
    rehash(dataset)
    refused(capsys, 1, "index.json: not an object but a number", "verify", str(dataset))
    # The lookup reads index.json by the spans of its table of contents, which catch it too.
    refused(capsys, 2, "index.json: ", "lookup", "--dataset", str(dataset), "kms:Decrypt")
    with pytest.raises(KmsPermissionsError, match=r"index\.json: "):
        kp.lookup("kms:Decrypt", dataset=str(dataset))
    with pytest.raises(KmsPermissionsError, match=r"index\.json: not an object but a number"):
        kp.load(dataset)


def test_verify_catches_another_schema_version(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_manifest(dataset, schema_version="9.0.0")
    message = "manifest.json: schema version '9.0.0'; this kms-permissions reads schema version"
    refused(capsys, 1, message, "verify", str(dataset))
    refused(capsys, 2, message, "info", "--dataset", str(dataset))


def test_verify_catches_a_rehashed_garbage_parquet_file(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (dataset / "notes.parquet").write_bytes(os.urandom(4096))
    rehash(dataset)
    refused(capsys, 1, "notes.parquet: not a Parquet file", "verify", str(dataset))


def test_verify_reads_each_parquet_schema(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(dataset / "sources.parquet", dataset / "notes.parquet")  # a real Parquet file
    rehash(dataset)
    refused(capsys, 1, "notes.parquet: its schema is not the notes table's", "verify", str(dataset))


def test_a_dataset_file_nested_too_deeply(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (dataset / "sources.json").write_text("[" * 100_000 + "]" * 100_000)
    rehash(dataset)
    refused(capsys, 1, "sources.json: nested too deeply", "verify", str(dataset))
    refused(capsys, 2, "sources.json: nested too deeply", "info", "--dataset", str(dataset))


def test_info_and_check_read_sources_and_notes_checked(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = dataset / "sources.json"
    sources.write_text(sources.read_text().replace('"sar"', '"glacier"', 1))
    refused(
        capsys,
        2,
        "sources.json: sha256 does not match the manifest",
        "info",
        "--dataset",
        str(dataset),
    )
    rehash(dataset)
    sources.write_text('[{"source_id": 1}]\n')
    rehash(dataset)
    refused(capsys, 2, "sources.json: row 0: columns", "info", "--dataset", str(dataset))
    shutil.copy(DATA / "sources.json", sources)
    rehash(dataset)
    notes = dataset / "notes.json"
    notes.write_text(notes.read_text().replace("Note", "Nope", 1))
    policy = tmp_path / "policy.json"
    policy.write_text('{"Version": "2012-10-17", "Statement": []}')
    refused(
        capsys,
        2,
        "notes.json: sha256 does not match the manifest",
        "check",
        "--dataset",
        str(dataset),
        str(policy),
    )


# Tracebacks that were: now one line -----------------------------------------------------------


def test_a_truncated_manifest(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = dataset / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    before = snapshot(dataset)
    for argv in (["lookup", "kms:Decrypt"], ["expand", "kms:*"], ["info"], ["actions"]):
        refused(capsys, 2, "manifest.json: not valid JSON", *argv, "--dataset", str(dataset))
    with pytest.raises(KmsPermissionsError, match=r"manifest\.json: not valid JSON"):
        kp.expand("kms:*", dataset=str(dataset))
    # A fresh process, as a user runs it: the fast JSON reader fails differently when the json
    # package is not loaded (a SystemError), which this test process always has.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kms_permissions",
            "lookup",
            "--dataset",
            str(dataset),
            "kms:Decrypt",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "manifest.json: not valid JSON" in done.stderr and "internal error" not in done.stderr
    assert snapshot(dataset) == before


def test_a_manifest_of_null(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (dataset / "manifest.json").write_text("null\n")
    message = "manifest.json: not a manifest (null, not an object)"
    refused(capsys, 2, message, "lookup", "--dataset", str(dataset), "kms:Decrypt")
    refused(capsys, 1, message, "verify", str(dataset))
    with pytest.raises(KmsPermissionsError, match=r"not a manifest \(null, not an object\)"):
        kp.load(dataset)


def test_a_dataset_path_that_is_a_file_or_a_symlink_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "data.txt"
    a_file.write_text("not a folder\n")
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    for verb in (["lookup", "kms:Decrypt"], ["keys"], ["info"], ["export"]):
        refused(
            capsys, 2, f"{a_file}: is a file, not a dataset folder", *verb, "--dataset", str(a_file)
        )
        refused(capsys, 2, "Too many levels of symbolic links", *verb, "--dataset", str(loop))
    refused(capsys, 2, f"{a_file}: is a file, not a dataset folder", "verify", str(a_file))
    with pytest.raises(KmsPermissionsError, match="is a file, not a dataset folder"):
        kp.load(a_file)


@pytest.mark.parametrize(("name", "verb"), [("sources.json", "info"), ("notes.json", "check")])
def test_a_missing_table_file(
    name: str, verb: str, dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (dataset / name).unlink()
    message = f"{name}: listed in the manifest but missing"
    policy = tmp_path / "policy.json"
    policy.write_text('{"Version": "2012-10-17", "Statement": []}')
    extra = [str(policy)] if verb == "check" else []
    refused(capsys, 2, message, verb, "--dataset", str(dataset), *extra)
    refused(capsys, 1, message, "verify", str(dataset))
    with pytest.raises(KmsPermissionsError, match=message):
        kp.load(dataset)


def test_a_records_file_of_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.json"
    records.write_text("null\n")
    refused(
        capsys,
        2,
        "records.json: not a kms-permissions scrape file (null, not an object)",
        "build",
        "--source",
        str(records),
        "--out",
        str(tmp_path / "data"),
    )


def test_a_cache_dir_that_is_a_file(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.write_text("mine\n")
    refused(
        capsys,
        2,
        f"--cache-dir: {cache}: is a file, not a folder",
        "build",
        "--source",
        str(corpus / SAR_DIR / "2026-06-14.html"),
        "--out",
        str(tmp_path / "data"),
        "--cache-dir",
        str(cache),
    )
    assert cache.read_text() == "mine\n"


def test_site_serve_on_an_address_it_cannot_listen_on(capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        capsys,
        2,
        "--address '1.2.3.4:8000': cannot listen there",
        "site",
        "serve",
        "--address",
        "1.2.3.4:8000",
    )
    refused(capsys, 2, "write HOST:PORT", "site", "serve", "--address", "nowhere")


def _wait_until_reading_stdin(pid: int) -> None:
    """Until the process blocks in read(0, ...) (Linux's /proc/PID/syscall: number 0, first
    argument 0): after its start-up, whatever the machine's load; polled, never timed."""
    syscall = Path(f"/proc/{pid}/syscall")
    if not syscall.exists():
        pytest.skip("needs Linux's /proc/PID/syscall")
    while syscall.read_text().split()[:2] != ["0", "0x0"]:
        time.sleep(0.05)


def test_ctrl_c_is_one_line_and_exit_130() -> None:
    """A real interrupt, in a real process: the line, not a KeyboardInterrupt traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kms_permissions", "actions", "--key", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_until_reading_stdin(process.pid)  # however long a loaded machine takes to get there
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    # Both at once, so that a failure shows what the process said (it failed once, rarely,
    # with exit 2 under a loaded xdist run, and the bare status did not say why).
    assert (process.returncode, err) == (130, "kms-permissions actions: interrupted\n")


# Strict values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filter_", "values"),
    [
        ("source=bogus", "values: guide, sar"),
        ("iam_only=perhaps", "values: yes, no, true, false, 1, 0"),
        ("cross_account=maybe", "values: n/a, no, other, yes"),
        ("access_level=Readish", "values: list, permissions management, read, tagging, write"),
        ("key=kms:Nope", "not a condition key of the dataset"),
        ("colour=blue", "unknown filter; filters: cross_account"),
    ],
)
def test_filters_take_only_the_datasets_values(
    filter_: str, values: str, capsys: pytest.CaptureFixture[str]
) -> None:
    field, value = filter_.split("=")
    err = refused(capsys, 2, values, "actions", "--filter", filter_)
    with pytest.raises(KmsPermissionsError) as info:
        kp.actions(**{field: value})  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert str(info.value) in err  # the same message


@pytest.mark.parametrize(
    "argv", [["actions", "--key", "-"], ["keys", "--action", "-"], ["lookup", "-"]]
)
def test_empty_standard_input_is_a_usage_error(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("# only a comment\n\n"))
    status, out, err = cli(capsys, *argv)
    assert status == 2 and out == "" and err.count("\n") == 1, err


# Limits --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_huge_name_is_not_echoed_whole(capsys: pytest.CaptureFixture[str]) -> None:
    name = "kms:" + "A" * 1_000_000
    for argv in (["lookup", name], ["keys", "--action", name], ["expand", name]):
        status, _, err = cli(capsys, *argv)
        assert status == 1 and len(err) < 1000 and "characters]" in err, err[:300]


def test_suggestions_take_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each unknown name is compared with a few known names, not all of them; a name too long to
    be close to any is compared with none. (Timings: benchmarks/suggestions.py.)"""
    import difflib

    from kms_permissions import suggest
    from kms_permissions.query import load_index

    index = load_index()
    known = (*index.action_names, *index.key_names)
    compared: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
        compared.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    for number in range(200):
        suggest.close_names(f"kms:Decrpyt{number}", known)
    assert compared and max(compared) <= 6 < len(known)
    assert suggest.close_names("kms:Decrpyt7", known)[0] == "kms:Decrypt"
    compared.clear()
    assert suggest.close_names("kms:" + "x" * 10_000, known) == []
    assert compared == []
    with pytest.raises(kp.NotFoundError) as info:
        kp.lookup("kms:Decrpyt-api")
    assert info.value.suggestions[0] == "kms:Decrypt" and len(compared) == 1


def test_a_url_with_credentials_is_refused_before_any_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://someone:hunter2@docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.md"
    err = refused(
        capsys,
        2,
        "a URL with credentials (user:password@) is refused",
        "scrape",
        "--source",
        url,
        "--out",
        str(tmp_path / "r.json"),
    )
    assert "hunter2" not in err and "someone" not in err
    script = Script({"/x": [Reply(200, b"# x", {"Content-Type": "text/markdown"})]})
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}), allow_http_hosts=frozenset({"127.0.0.1"})
    )
    with serve(script) as base:
        secret = base.replace("http://", "http://someone:hunter2@") + "/x"
        with pytest.raises(FetchError) as info:
            Fetcher(None, policy).get(secret)
        redirect = Script({"/r": [Reply(302, headers={"Location": secret})]})
    assert "hunter2" not in str(info.value) and script.requests == []
    with serve(redirect) as base, pytest.raises(FetchError) as info:
        Fetcher(None, policy).get(base + "/r")
    assert "hunter2" not in str(info.value) and "credentials" in str(info.value)


# The Python API raises the project's errors --------------------------------------------------


def test_the_api_raises_its_own_errors_naming_the_argument() -> None:
    with pytest.raises(ArgumentTypeError, match=r"lookup\(\): name must be a str, not NoneType"):
        kp.lookup(None)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"expand\(\): pattern must be a str, not int"):
        kp.expand(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"condition_keys\(\): action must be a str"):
        kp.condition_keys(b"kms:Decrypt")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"actions\(\): filter source must be a str or bool"):
        kp.actions(source=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"load\(\): folder must be a path or None, not int"):
        kp.load(5)  # type: ignore[arg-type]
    with pytest.raises(kp.NotFoundError) as info:
        kp.lookup("kms:Decrpyt")
    assert isinstance(info.value, KeyError) and isinstance(info.value, KmsPermissionsError)
    assert str(info.value).startswith(
        "'kms:Decrpyt' is not a KMS action or condition key; did you mean kms:Decrypt"
    )


def test_the_read_paths_schema_agrees_with_the_tables() -> None:
    """shapes.py (standard library, the read path) repeats what columns.py (pyarrow) derives."""
    from kms_permissions import model
    from kms_permissions.dataset import columns, shapes

    assert shapes.SCHEMA_VERSION == columns.SCHEMA_VERSION
    read = {
        "sources": model.Source,
        "notes": model.Note,
        "action_condition_keys": model.KeyLink,
        "discrepancies": model.Discrepancy,
        "resource_types": model.ResourceType,
        "history": model.HistoryRow,
    }
    for table, cls in read.items():
        assert shapes.column_names(cls) == columns.ALL_TABLES[table].column_names(), table


def test_explain_and_access_refuse_special_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(
            {
                "principal": "arn:aws:iam::111122223333:role/app",
                "action": "kms:Decrypt",
                "key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
            }
        )
    )
    refused(capsys, 2, "is a FIFO", "explain", "--key-policy", str(fifo), "--request", str(request))
    refused(capsys, 2, "is a character device", "access", "/dev/zero")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    refused(capsys, 2, "nested deeper than 100 levels", "access", str(deep))


def test_review_findings_on_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a hostile review found, each now one clear answer."""
    # A condition key where an action is wanted is named as such, not "not found".
    assert cli(capsys, "keys", "--action", "kms:ViaService")[0] == 1
    with pytest.raises(kp.NotFoundError, match="is a condition key, not an action"):
        kp.condition_keys("kms:ViaService")
    status, out, _ = cli(capsys, "keys", "--json", "--action", "kms:ViaService")
    assert json.loads(out)["not_found"] == [
        {"name": "kms:ViaService", "suggestions": [], "kind": "condition_key"}
    ]
    # A timeout that cannot be one is a usage error, not an internal error.
    refused(capsys, 2, "give a number of seconds over 0", "update", "--timeout", "0")
    with pytest.raises(ArgumentTypeError, match=r"data_path\(\): name must be a str"):
        kp.data_path(None)  # type: ignore[arg-type]
    # verify's JSON names its shape; two copies of one dataset differ in nothing.
    status, out, _ = cli(capsys, "verify", "--json", str(ROOT / "kms_permissions" / "data"))
    assert status == 0 and json.loads(out)["format"] == "kms-permissions-verify/1"
    data = ROOT / "kms_permissions" / "data"
    status, out, _ = cli(capsys, "diff", str(data), str(data))
    assert status == 0 and "- No change in the facts tracked.\n" in out


def test_names_from_a_runaway_pipe_are_refused() -> None:
    key_policy = str(
        ROOT / "tests" / "realworld" / "04-cloudtrail-guide-default-trail-key-policy.json"
    )
    for verb in (
        ["lookup", "-"],
        ["expand", "-"],
        ["keys", "--action", "-"],
        ["access", "-"],
        ["explain", "--key-policy", key_policy, "--request", "-"],
    ):
        with open("/dev/zero", "rb") as zero:
            done = subprocess.run(
                [sys.executable, "-m", "kms_permissions", *verb],
                stdin=zero,
                capture_output=True,
                text=True,
                timeout=60,
            )
        assert done.returncode == 2, done.stderr
        assert "standard input: more than 16777216 characters" in done.stderr
