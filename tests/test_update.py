"""`update` against the loopback server serving the corpus's pages as the live site.

Each test runs the verb in a subprocess on a private copy of the project (code, dataset,
corpus, site), so that what it writes lands in the copy: the real tree is never touched. The
only difference from the command line is the fetcher, allowed to fetch from 127.0.0.1.

One test runs on a copy of the checkout itself (its whole corpus and bundled dataset). The
others run on a copy of a lighter project, made once per worker: its corpus holds only the
newest copy of each page (what the live site serves), its dataset is built from that corpus by
`history` and its generated files by `generate`, so each update rebuilds, compresses and
regenerates a few pages instead of twelve years of them: the same code path, a fifth of the CPU.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kms_permissions.dataset.transaction import InPlace, Transaction
from kms_permissions.scraper.corpus import extract, verify
from kms_permissions.scraper.corpus_live import LISTING, LivePage, snapshot_files, upstream
from kms_permissions.scraper.corpus_lock import CorpusError, read_lock
from kms_permissions.scraper.update_sources import newest_held

from .conftest import ROOT
from .http_server import Reply, Script, serve
from .live_site import (
    GUIDE,
    PERMISSIONS_HTML,
    PERMISSIONS_MD,
    SAR,
    html_rendering,
    newest_pages,
    routes,
)
from .pypi_index import Index, wheel

UPLOADED_1_44_8 = "2026-11-20T21:09:17.301Z"
NEW = "SimulateKeyUse"  # an operation AWS does not have, added to the served pages
# The sources are update's own, with the botocore "installed" being the corpus's newest model
# (the botocore of the test environment is whatever pip installed: not a fixed input).
DRIVER = """
import sys
from pathlib import Path
root, base, botocore, release, *argv = sys.argv[1:]
mirrors = {"https://docs.aws.amazon.com": base, "https://pypi.org": base}
mirrors["https://files.pythonhosted.org"] = base
sys.path.insert(0, root)
import kms_permissions
assert kms_permissions.__file__.startswith(root), kms_permissions.__file__
from kms_permissions.cli import build_parser
from kms_permissions.commands.update import perform
from kms_permissions.scraper.botocore_sources import InstalledBotocoreSource
from kms_permissions.scraper.http import Fetcher, FetchPolicy
from kms_permissions.scraper.update_sources import SOURCES, InstalledBotocore

policy = FetchPolicy(
    allowed_hosts=frozenset({"127.0.0.1"}),
    allow_http_hosts=frozenset({"127.0.0.1"}),
    timeout=60.0,  # per request, on loopback: never reached, however loaded the machine
    attempts=2,
    backoff=0.01,
)
installed = InstalledBotocoreSource(package=Path(botocore), release=release)
sources = [InstalledBotocore(installed) if s.name == InstalledBotocore.name else s for s in SOURCES]
assert len(sources) == 3, sources
args = build_parser().parse_args(["update", *argv])
sys.exit(perform(args, Fetcher(None, policy), mirrors, sources))
"""


@dataclass(frozen=True)
class Inputs:
    """What every run shares: the parsed-page cache, the "installed" botocore package, and the
    package index (botocore 1.44.8, as the corpus holds it)."""

    cache: Path
    botocore: Path
    index: Index
    release: str = "1.44.8"


@pytest.fixture(scope="module")
def inputs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """Parsed pages shared by the tests' builds (the corpus is the same in every copy), and a
    botocore package folder holding the newest model the corpus has (release 1.44.8)."""
    package = tmp_path_factory.mktemp("botocore")
    model = package / "data" / "kms" / "2014-11-01" / "service-2.json"
    model.parent.mkdir(parents=True)
    newest = corpus / "botocore-kms" / "2026-11-20_pypi-1.44.8.json"
    shutil.copyfile(newest, model)
    index = Index()
    index.add("botocore-1.44.8-py3-none-any.whl", wheel(newest.read_bytes()), UPLOADED_1_44_8)
    return Inputs(tmp_path_factory.mktemp("parsed"), package, index)


def _copy_project(root: Path, copy: Path) -> Path:
    """A private copy of the project at `root`: the package with its dataset, the corpus, the
    site."""
    skip = shutil.ignore_patterns("__pycache__", ".*cache*")
    shutil.copytree(root / "kms_permissions", copy / "kms_permissions", ignore=skip)
    shutil.copytree(root / "corpus", copy / "corpus")
    shutil.copytree(
        root / "site", copy / "site", ignore=shutil.ignore_patterns("__pycache__", "site")
    )
    return copy


def _newest_layout(corpus: Path, layout: Path) -> None:
    """The corpus layout holding only the newest copy of each page (and their listings)."""

    def keep(path: Path) -> None:
        target = layout / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    keep(corpus / "README.md")
    keep(corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md")
    guide = corpus / "kms-devguide-github"
    newest = {page.name: page for page in sorted(guide.glob("*/doc_source/*.md"))}
    for page in newest.values():
        keep(page)
    listing = json.loads((guide / "revisions.json").read_text())
    held = {page.parts[-3] for page in newest.values()}
    listing["revisions"] = [r for r in listing["revisions"] if r["dir"] in held]
    for revision in listing["revisions"]:
        folder = layout / "kms-devguide-github" / revision["dir"] / "doc_source"
        revision["files"] = [name for name in revision["files"] if (folder / name).is_file()]
    (layout / "kms-devguide-github" / "revisions.json").write_text(json.dumps(listing))
    for source in ("sar-html", "botocore-kms"):
        listing = json.loads((corpus / source / "revisions.json").read_text())
        first = listing["revisions"][0]  # the listings are newest first
        keep(corpus / source / first["file"])
        listing["revisions"] = [first]
        (layout / source / "revisions.json").write_text(json.dumps(listing))


@pytest.fixture(scope="module")
def newest_only(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lighter project: the checkout's code with a corpus of each page's newest copy, the
    dataset `history` builds from it and the pages `generate` makes of that."""
    work = tmp_path_factory.mktemp("newest-only")
    project = _copy_project(ROOT, work / "project")
    shutil.rmtree(project / "corpus")
    _newest_layout(corpus, work / "layout")
    extracted = work / "extracted" / "corpus"
    data = project / "kms_permissions" / "data"
    verbs = (
        ["corpus", "create", "--from", str(work / "layout"), "--vendored", str(project / "corpus")],
        ["corpus", "extract", "--out", str(extracted)],
        ["history", "--corpus", str(extracted), "--out", str(data), "--allow-shrink", "--no-cache"],
        ["generate", "--force"],
    )
    for verb in verbs:
        done = subprocess.run(
            [sys.executable, "-m", "kms_permissions", *verb],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (verb, done.stderr)
    return project


@pytest.fixture
def project(newest_only: Path, tmp_path: Path) -> Path:
    """A private copy of the lighter project."""
    return _copy_project(newest_only, tmp_path / "project")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A private copy of the checkout itself: its whole corpus and bundled dataset."""
    return _copy_project(ROOT, tmp_path / "project")


def state(project: Path) -> dict[str, str]:
    """Every file of the copy with its sha256 (what a refusal must leave as it was)."""
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def version_of(project: Path) -> str:
    manifest = json.loads((project / "kms_permissions/data/manifest.json").read_text())
    return str(manifest["dataset_version"])


def update(
    project: Path, inputs: Inputs, served: dict[str, list[Reply]], *argv: str
) -> subprocess.CompletedProcess[str]:
    with serve(Script({**inputs.index.served(), **served})) as base:
        driver = [sys.executable, "-c", DRIVER, str(project), base, str(inputs.botocore)]
        driver.append(inputs.release)
        return subprocess.run(
            [*driver, "--cache-dir", str(inputs.cache), *argv],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
        )


def with_new_operation(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The pages with NEW added to the permissions reference and the SAR, as GenerateRandom."""
    md = pages[PERMISSIONS_MD].decode()
    item = re.search(r"^- \*\* \[GenerateRandom\].*?\n\n", md, re.MULTILINE | re.DOTALL)
    assert item is not None
    md = md.replace(item.group(0), item.group(0) + item.group(0).replace("GenerateRandom", NEW))
    sar = pages[SAR].decode()
    row = re.search(
        r"<tr>\s*<td id=\"awskeymanagementservice-GenerateRandom\".*?</tr>", sar, re.DOTALL
    )
    assert row is not None
    sar = sar.replace(row.group(0), row.group(0) + row.group(0).replace("GenerateRandom", NEW))
    return {
        **pages,
        PERMISSIONS_MD: md.encode(),
        PERMISSIONS_HTML: html_rendering(md).encode(),
        SAR: sar.encode(),
    }


@pytest.mark.slow
def test_the_same_site_changes_nothing(corpus: Path, checkout: Path, inputs: Inputs) -> None:
    # The checkout itself: the live site as the corpus's newest pages gives the bundled facts.
    project = checkout
    before = state(project)
    done = update(project, inputs, routes(newest_pages(corpus)), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["format"] == "kms-permissions-update/1"
    assert document["status"] == "unchanged"
    # The HTML rendering is new to the corpus (it holds the markdown only), so the candidate was
    # built, and found to hold the same facts.
    changed = [p["location"] for s in document["sources"] for p in s["pages"] if p["changed"]]
    assert changed == ["https://docs.aws.amazon.com" + PERMISSIONS_HTML]
    assert document["reason"] == "pages changed, no fact did; nothing recorded"
    assert state(project) == before


@pytest.mark.slow
def test_a_new_operation_makes_a_new_version(
    corpus: Path, project: Path, inputs: Inputs, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    served = routes(with_new_operation(newest_pages(corpus)))
    previous = version_of(project)
    # A generated file edited by hand is not overwritten: refused, before anything is replaced.
    generate = [sys.executable, "-m", "kms_permissions", "generate"]
    subprocess.run(generate, cwd=project, check=True, capture_output=True)
    constants = project / "kms_permissions" / "constants.py"
    constants.write_text(constants.read_text() + "# mine\n")
    before = state(project)
    done = update(project, inputs, served, "--notes", str(notes))
    assert done.returncode == 2
    assert f"{constants}: differs from what the bundled dataset generates" in done.stderr
    assert state(project) == before and not notes.exists()
    # generate refuses the hand-edited file too; --force is how its owner takes it back.
    refused = subprocess.run(generate, cwd=project, capture_output=True, text=True)
    assert refused.returncode == 2 and "changed since kms-permissions generated" in refused.stderr
    subprocess.run([*generate, "--force"], cwd=project, check=True, capture_output=True)
    done = update(project, inputs, served, "--notes", str(notes))
    assert done.returncode == 3, done.stderr
    version = re.search(rf"new dataset version (\S+) \(was {re.escape(previous)}\)", done.stdout)
    assert version is not None, done.stdout
    assert f"added actions: kms:{NEW}" in done.stdout
    # The diff and the changelog section name it; the CHANGELOG's newest section is that one.
    change = json.loads((notes / "diff.json").read_text())
    assert change["added"]["action"] == [f"kms:{NEW}"]
    assert change["removed"]["action"] == []
    section = (notes / "CHANGELOG-section.md").read_text()
    assert section.startswith(f"## {version.group(1)} (")
    assert f"`kms:{NEW}`" in section
    changelog = (project / "kms_permissions/data/CHANGELOG.md").read_text()
    assert changelog.split("\n## ")[1] == section.removeprefix("## ").rstrip("\n") + "\n"
    # The dataset, the version file and the constants know it.
    data = project / "kms_permissions" / "data"
    manifest = json.loads((data / "manifest.json").read_text())
    assert manifest["dataset_version"] == version.group(1)
    version_file = (project / "kms_permissions/_version.py").read_text()
    assert f'DATASET_VERSION = "{version.group(1)}"' in version_file
    assert f'__version__ = "{version.group(1)}"' in version_file  # a new dataset: no .postN
    assert f'"kms:{NEW}"' in (project / "kms_permissions/constants.py").read_text()
    actions = json.loads((data / "actions.json").read_text())
    assert any(
        row["action"] == f"kms:{NEW}" and row["in_guide"] and row["in_sar"] for row in actions
    )
    # The corpus holds the snapshot with each page's upstream, and verifies.
    assert verify(project / "corpus").problems == ()
    lock = read_lock(project / "corpus")
    live = [e for e in lock.files if e.path.startswith("docs-live/") and "/doc_source/" in e.path]
    assert sorted(e.path.rsplit("/", 1)[1] for e in live) == sorted(
        [*(p.rsplit("/", 1)[1] for p in served)]
    )
    assert all(e.url and e.url.startswith("https://docs.aws.amazon.com/") for e in live)
    assert all(e.upstream["date"] and e.licence == "AWS-documentation" for e in live)
    # A fresh clone rebuilds the new dataset from corpus/ alone, byte for byte.
    extracted = tmp_path / "fresh" / "corpus"
    extract(project / "corpus", extracted)
    rebuilt = tmp_path / "rebuilt"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kms_permissions",
            "history",
            "--corpus",
            str(extracted),
            "--out",
            str(rebuilt),
            "--previous",
            str(data),
            "--cache-dir",
            str(inputs.cache),
        ],
        cwd=project,
        check=True,
        capture_output=True,
    )
    assert state(rebuilt) == state(data)
    # Run again against the same site: every page is as the corpus now holds it.
    before = state(project)
    again = update(project, inputs, served, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["reason"] == "every page is as the corpus holds it"
    assert state(project) == before


@pytest.mark.slow
def test_a_newer_installed_botocore_makes_a_new_version(
    corpus: Path, project: Path, inputs: Inputs, tmp_path: Path
) -> None:
    model = json.loads((corpus / "botocore-kms" / "2026-11-20_pypi-1.44.8.json").read_text())
    documentation = model["operations"]["ListKeys"]["documentation"]
    said = "<b>Cross-account use</b>: No."
    assert said in documentation
    model["operations"]["ListKeys"]["documentation"] = documentation.replace(
        said, "<b>Cross-account use</b>: Yes."
    )
    package = tmp_path / "botocore"
    (package / "data/kms/2014-11-01").mkdir(parents=True)
    (package / "data/kms/2014-11-01/service-2.json").write_text(json.dumps(model))
    generate = [sys.executable, "-m", "kms_permissions", "generate"]
    subprocess.run(generate, cwd=project, check=True, capture_output=True)
    newer = Inputs(inputs.cache, package, inputs.index, "1.45.0")
    done = update(project, newer, routes(newest_pages(corpus)), "--json")
    assert done.returncode == 3, done.stderr
    document = json.loads(done.stdout)
    (botocore,) = [s for s in document["sources"] if s["name"] == "installed-botocore"]
    assert botocore["changed"] and botocore["pages"][0]["location"] == "installed-botocore:1.45.0"
    changed = [(c["entity"], c["field"], c["new"]) for c in document["diff"]["changed"]]
    assert ("kms:ListKeys", "api_cross_account", "yes") in changed
    lock = read_lock(project / "corpus")
    (entry,) = [e for e in lock.files if e.path.endswith("_installed-1.45.0.json")]
    assert entry.licence == "Apache-2.0" and entry.upstream["version"] == "1.45.0"
    assert verify(project / "corpus").problems == ()


@pytest.mark.slow
@pytest.mark.loopback
def test_a_release_on_the_index_is_dated_by_its_upload(
    corpus: Path, project: Path, inputs: Inputs
) -> None:
    held = (corpus / "botocore-kms" / "2026-11-20_pypi-1.44.8.json").read_bytes()
    model = json.loads(held)
    documentation = model["operations"]["ListKeys"]["documentation"]
    model["operations"]["ListKeys"]["documentation"] = documentation.replace(
        "<b>Cross-account use</b>: No.", "<b>Cross-account use</b>: Yes."
    )
    same, changed = wheel(held), wheel(json.dumps(model).encode())
    index = Index()
    index.add("botocore-1.44.8-py3-none-any.whl", same, UPLOADED_1_44_8)
    # 1.44.9 to 1.44.18, one a day from 2026-11-21; the model changed in 1.44.15 (2026-11-27).
    for number in range(9, 19):
        uploaded = f"2026-11-{12 + number}T18:00:00Z"
        index.add(
            f"botocore-1.44.{number}-py3-none-any.whl", changed if number >= 15 else same, uploaded
        )
    generate = [sys.executable, "-m", "kms_permissions", "generate"]
    subprocess.run(generate, cwd=project, check=True, capture_output=True)
    done = update(
        project,
        Inputs(inputs.cache, inputs.botocore, index),
        routes(newest_pages(corpus)),
        "--json",
    )
    assert done.returncode == 3, done.stderr
    document = json.loads(done.stdout)
    (pypi,) = [s for s in document["sources"] if s["name"] == "pypi-botocore"]
    assert [p["location"] for p in pypi["pages"] if p["changed"]] == ["pypi-botocore:1.44.15"]
    changed_facts = [(c["entity"], c["field"], c["new"]) for c in document["diff"]["changed"]]
    assert ("kms:ListKeys", "api_cross_account", "yes") in changed_facts
    # The fact dates from the upload of 1.44.15 (the version is the newest source's date: the
    # live pages' snapshot of today, which the HTML rendering new to the corpus adds).
    history = json.loads((project / "kms_permissions/data/history.json").read_text())
    (row,) = [
        r
        for r in history
        if (r["entity"], r["field"], r["value"]) == ("kms:ListKeys", "api_cross_account", '"yes"')
    ]
    assert row["valid_from"] == "2026-11-27"
    lock = read_lock(project / "corpus")
    (entry,) = [e for e in lock.files if e.path == "botocore-kms/2026-11-27_pypi-1.44.15.json"]
    assert entry.upstream["upload_time"] == "2026-11-27T18:00:00+00:00"
    assert entry.upstream["distribution"] == "botocore-1.44.15-py3-none-any.whl"
    assert verify(project / "corpus").problems == ()


@pytest.mark.slow
@pytest.mark.loopback
def test_the_guides_condition_key_and_notes_pages_move_past_2022(
    corpus: Path, project: Path, inputs: Inputs
) -> None:
    pages = newest_pages(corpus)
    said = {
        f"{GUIDE}/conditions-kms.md": ("`kms:KeyOrigin` condition key controls access", "governs"),
        f"{GUIDE}/grants.md": ("might look like duplicates but have", "may look"),
    }
    for path, (old, word) in said.items():
        text = pages[path].decode()
        assert old in text, path
        new = old.replace("controls" if word == "governs" else "might look", word)
        pages[path] = text.replace(old, new).encode()
    done = update(project, inputs, routes(pages), "--json")
    assert done.returncode == 3, done.stderr
    document = json.loads(done.stdout)
    fetched = [p["location"].rsplit("/", 1)[-1] for s in document["sources"] for p in s["pages"]]
    assert {"policy-conditions.md", "grants.md", "key-state.md"} <= set(fetched)
    data = project / "kms_permissions" / "data"
    keys = json.loads((data / "condition_keys.json").read_text())
    (origin,) = [k for k in keys if k["condition_key"] == "kms:KeyOrigin"]
    assert "condition key governs access" in origin["description"]
    notes = json.loads((data / "notes.json").read_text())
    grants = [n["text"] for n in notes if n["page"] == "grants"]
    assert any("may look like duplicates" in text for text in grants), grants
    # Dated by the day the pages were fetched, past the archive's last copy (2022-12-05).
    assert version_of(project) > "2022.12.05" and version_of(project) >= "2026.11.20"
    snapshot = read_lock(project / "corpus").files
    live = {e.path.rsplit("/", 1)[-1] for e in snapshot if e.path.startswith("docs-live/")}
    assert {"grants.md", "conditions-kms.md", "policy-conditions.md"} <= live


@pytest.mark.slow
def test_rows_removed_beyond_the_shrink_guard_are_refused(
    corpus: Path, project: Path, inputs: Inputs
) -> None:
    pages = newest_pages(corpus)
    md = pages[PERMISSIONS_MD].decode()
    items = re.findall(r"^- \*\*.*?\n\n", md, re.MULTILINE | re.DOTALL)
    assert len(items) > 50
    for item in items[10:17]:  # 7 of 54 operations: more than 10%
        md = md.replace(item, "")
    served = routes(
        {**pages, PERMISSIONS_MD: md.encode(), PERMISSIONS_HTML: html_rendering(md).encode()}
    )
    before = state(project)
    done = update(project, inputs, served)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("kms-permissions update: dataset is not valid: ")
    lost = rf"permissions reference: 7 of \d+ lost since version {re.escape(version_of(project))}"
    assert re.search(lost, line), line
    assert done.stdout == ""
    assert state(project) == before


@pytest.mark.slow
def test_a_layout_the_parser_does_not_know_is_refused(
    corpus: Path, project: Path, inputs: Inputs
) -> None:
    pages = newest_pages(corpus)
    md = pages[PERMISSIONS_MD].decode().replace("**Cross-account use:**", "**Cross account:**")
    before = state(project)
    done = update(project, inputs, routes({**pages, PERMISSIONS_MD: md.encode()}), "--json")
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert re.fullmatch(
        r"kms-permissions update: https://docs\.aws\.amazon\.com/kms/latest/developerguide/"
        r"kms-api-permissions-reference\.md \(md-list\): line \d+: .*unknown field label "
        r"'Cross account'.*",
        line,
    ), line
    assert json.loads(done.stdout)["status"] == "refused"
    assert state(project) == before


@pytest.mark.slow
def test_renderings_that_disagree_are_refused(corpus: Path, project: Path, inputs: Inputs) -> None:
    pages = newest_pages(corpus)
    md = pages[PERMISSIONS_MD].decode()
    item = re.search(r"^- \*\* \[GenerateRandom\].*?\n\n", md, re.MULTILINE | re.DOTALL)
    assert item is not None
    html = html_rendering(md.replace(item.group(0), item.group(0).replace("N/A", "Yes")))
    before = state(project)
    done = update(project, inputs, routes({**pages, PERMISSIONS_HTML: html.encode()}))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("(renderings): the renderings disagree on GenerateRandom")
    assert state(project) == before


@pytest.mark.slow
def test_the_network_failing_is_one_line_and_changes_nothing(
    corpus: Path, project: Path, inputs: Inputs
) -> None:
    served = {**routes(newest_pages(corpus)), SAR: [Reply(fault="reset")]}
    before = state(project)
    done = update(project, inputs, served)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert (
        line.startswith("kms-permissions update: http://127.0.0.1:")
        and "list_awskeymanagementservice.html: gave up after 2 attempts (ConnectionError" in line
    )
    assert state(project) == before


def test_a_transaction_that_fails_puts_everything_back(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, text in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "a.txt").write_text(text)
    generated = tmp_path / "generated.py"
    generated.write_text("before\n")
    fresh = tmp_path / "fresh.py"

    def write() -> None:
        generated.write_text("after\n")
        fresh.write_text("made\n")
        raise OSError(28, "No space left on device")

    transaction = Transaction(tmp_path / ".journal")
    transaction.replace_folder(old, new)
    transaction.replace_folder(tmp_path / "notes", {"n.md": b"notes"})
    transaction.run_in_place(InPlace(lambda: None, lambda: [generated, fresh], write))
    with pytest.raises(OSError, match="No space left"):
        transaction.commit()
    assert (old / "a.txt").read_text() == "old"
    assert generated.read_text() == "before\n"
    assert not fresh.exists() and not (tmp_path / "notes").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated.py", "new", "old"]
    # And one that succeeds replaces all of it, leaving nothing staged behind.
    transaction = Transaction(tmp_path / ".journal")
    transaction.replace_folder(old, new)
    writer = InPlace(lambda: None, lambda: [generated], lambda: generated.write_text("after\n"))
    transaction.run_in_place(writer)
    assert transaction.commit() == ([old], [generated])
    assert (old / "a.txt").read_text() == "new" and generated.read_text() == "after\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated.py", "new", "old"]


def test_snapshots_of_one_day_follow_each_other_by_fetch_time(corpus: Path, tmp_path: Path) -> None:
    layout = tmp_path / "corpus"
    pages = newest_pages(corpus)
    md = pages[PERMISSIONS_MD]

    def live(body: bytes, fetched_at: str) -> LivePage:
        url = "https://docs.aws.amazon.com" + PERMISSIONS_MD
        return LivePage(url, "kms-api-permissions-reference.md", body, "text/markdown",
                        fetched_at, '"etag-1"', None)  # fmt: skip

    first = snapshot_files(layout, [live(md, "2026-11-29T06:00:00Z")])
    for name, body in first.items():
        (layout / name).parent.mkdir(parents=True, exist_ok=True)
        (layout / name).write_bytes(body)
    changed = md.replace(b"GenerateRandom", b"GenerateRandomly")
    second = snapshot_files(layout, [live(changed, "2026-11-29T18:00:00Z")])
    for name, body in second.items():
        (layout / name).parent.mkdir(parents=True, exist_ok=True)
        (layout / name).write_bytes(body)
    listing = json.loads((layout / LISTING).read_text())
    assert [r["committed"] for r in listing["revisions"]] == [
        "2026-11-29T18:00:00Z",
        "2026-11-29T06:00:00Z",
    ]
    (path,) = [p for p in second if p != LISTING]
    assert path.startswith("docs-live/2026-11-29_") and path.endswith(
        "/doc_source/kms-api-permissions-reference.md"
    )
    assert upstream(layout, path, changed) == {
        "url": "https://docs.aws.amazon.com" + PERMISSIONS_MD,
        "date": "2026-11-29T18:00:00Z",
        "snapshot": listing["revisions"][0]["commit"],
        "etag": '"etag-1"',
        "last_modified": None,
    }
    with pytest.raises(CorpusError, match="sha256"):
        upstream(layout, path, md)
    # The later copy of the day is the one held, and the one a version of that day holds.
    held = newest_held(layout)
    assert held[("kms-api-permissions-reference", "md-list")] == (
        path,
        hashlib.sha256(changed).hexdigest(),
    )


# The driver killed with SIGKILL at a point of the transaction: after the corpus is swapped
# (the dataset not yet), once the generated files are written (the journal not yet "done"),
# or once it is done (the retired folders not yet removed).
KILLS = """
import os, signal
from kms_permissions.dataset import transaction as _transaction

def _kill():
    os.kill(os.getpid(), signal.SIGKILL)

_point = os.environ["KMS_TEST_KILL_AT"]
if _point == "after-first-swap":
    _real_swap = _transaction._swap
    def _swap_then_die(*args):
        _real_swap(*args)
        _kill()
    _transaction._swap = _swap_then_die
elif _point == "before-done":
    _real_write = _transaction.Transaction._write_journal
    def _die_before_done(self, **changes):
        if changes.get("state") == "done":
            _kill()
        _real_write(self, **changes)
    _transaction.Transaction._write_journal = _die_before_done
else:
    _transaction._finish = lambda record: _kill()
"""


def _leftovers(project: Path) -> list[str]:
    return sorted(
        p.relative_to(project).as_posix()
        for folder in (project, project / "kms_permissions", project / "site")
        for p in folder.iterdir()
        if p.name.startswith(".") and p.name != ".kms-permissions-cache"
    )


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after-first-swap", "before-done", "after-done"])
def test_an_update_killed_midway_is_recovered_by_the_next_writing_verb(
    corpus: Path, project: Path, inputs: Inputs, point: str
) -> None:
    served = {**inputs.index.served(), **routes(with_new_operation(newest_pages(corpus)))}
    previous = version_of(project)
    before = state(project)
    with serve(Script(served)) as base:
        driver = DRIVER.replace("\nsys.exit(perform(", KILLS + "\nsys.exit(perform(")
        argv = [sys.executable, "-c", driver, str(project), base, str(inputs.botocore)]
        killed = subprocess.run(
            [*argv, inputs.release, "--cache-dir", str(inputs.cache)],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "KMS_TEST_KILL_AT": point},
        )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (project / ".kms-permissions-update.journal").is_file()
    # The next writing verb (here `generate --check`; `update --recover` does only this)
    # finishes or rolls back, and says so; then the outputs agree with each other.
    verb = ["generate", "--check"] if point != "after-done" else ["update", "--recover"]
    recovered = subprocess.run(
        [sys.executable, "-m", "kms_permissions", *verb],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert recovered.returncode == 0, recovered.stderr
    assert not (project / ".kms-permissions-update.journal").exists()
    assert _leftovers(project) == []
    if point == "after-done":
        assert "its clean-up is finished" in recovered.stderr
        assert version_of(project) != previous
        check = [sys.executable, "-m", "kms_permissions", "generate", "--check"]
        assert subprocess.run(check, cwd=project, capture_output=True).returncode == 0
        assert f'"kms:{NEW}"' in (project / "kms_permissions/constants.py").read_text()
        assert verify(project / "corpus").problems == ()
    else:
        assert "was rolled back" in recovered.stderr
        assert state(project) == before
    again = subprocess.run(
        [sys.executable, "-m", "kms_permissions", "update", "--recover"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and again.stdout == "no interrupted update to recover\n"
