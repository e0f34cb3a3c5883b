"""Writers replace only what they wrote: every case of issue 13's data-loss list, end to end.

Each case runs the command line and checks the exit status, the one line on stderr, and that
no file of the user's changed (the tree hashed before and after).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from kms_permissions.errors import OutputError
from kms_permissions.generator import outputs
from kms_permissions.reference import load

from .conftest import ROOT
from .safety import cli, refused, snapshot

SAR = "sar-html/list_awskeymanagementservice/2026-06-14.html"


@pytest.fixture
def sar_page(corpus: Path, tmp_path: Path) -> Path:
    """A copy of the current SAR page, in a folder of its own (a source the tests may name)."""
    source = tmp_path / "source"
    source.mkdir()
    return Path(shutil.copy(corpus / SAR, source / "2026-06-14.html"))


def build(page: Path, out: str, *extra: str) -> list[str]:
    return ["build", "--source", str(page), "--out", out, "--no-cache", *extra]


def test_build_refuses_a_folder_it_did_not_write(
    sar_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8 not a dataset")
    before = snapshot(tmp_path)
    refused(
        capsys,
        2,
        f"{out}: exists and is not a kms-permissions dataset; refusing to replace it",
        *build(sar_page, str(out)),
    )
    assert snapshot(tmp_path) == before


def test_build_out_dot_in_a_project_folder(
    sar_page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "main.py").write_text("print('hello')\n")
    (project / "README.md").write_text("# mine\n")
    monkeypatch.chdir(project)
    before = snapshot(tmp_path)
    refused(
        capsys, 2, f"{project}: exists and is not a kms-permissions dataset", *build(sar_page, ".")
    )
    # The source inside the project: the output would hold it.
    inside = Path(shutil.copy(sar_page, project / "2026-06-14.html"))
    before = snapshot(tmp_path)
    refused(capsys, 2, f"{project}: contains the input --source", *build(inside, "."))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--source", "PAGE", "--out", ""],
        ["history", "--corpus", "PAGE", "--out", ""],
        ["scrape", "--source", "PAGE", "--out", ""],
        ["export", "--out", ""],
        ["site", "build", "--out", ""],
        ["build", "--source", "PAGE", "--out", "NEW", "--cache-dir", ""],
    ],
    ids=["build", "history", "scrape", "export", "site", "cache-dir"],
)
def test_an_empty_path_is_refused(
    argv: list[str],
    sar_page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [
        str(sar_page) if a == "PAGE" else str(tmp_path / "new") if a == "NEW" else a for a in argv
    ]
    before = snapshot(tmp_path)
    refused(capsys, 2, "'': an empty path", *argv)
    assert snapshot(tmp_path) == before


def test_an_output_that_is_holds_or_lies_inside_the_source(
    sar_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = sar_page.parent
    before = snapshot(tmp_path)
    refused(capsys, 2, f"{folder}: is the input --source", *build(folder, str(folder)))
    refused(capsys, 2, f"{folder}: contains the input --source", *build(sar_page, str(folder)))
    inner = folder / "data"
    refused(capsys, 2, f"{inner}: lies inside the input --source", *build(folder, str(inner)))
    refused(
        capsys,
        2,
        f"{folder}: is the input --corpus",
        "history",
        "--corpus",
        str(folder),
        "--out",
        str(folder),
        "--no-cache",
    )
    refused(
        capsys,
        2,
        f"{sar_page}: is the input --source",
        "scrape",
        "--source",
        str(sar_page),
        "--out",
        str(sar_page),
    )
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_outputs_that_are_not_regular_files_are_refused(
    sar_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(a_file)
    folder = tmp_path / "folder"
    folder.mkdir()
    before = snapshot(tmp_path)
    refused(capsys, 2, f"{a_file}: is a file, not a folder", *build(sar_page, str(a_file)))
    for argv in (["scrape", "--source", str(sar_page)], ["export", "--format", "csv"]):
        refused(
            capsys, 2, "/dev/null: is a character device, not a file", *argv, "--out", "/dev/null"
        )
        refused(capsys, 2, f"{fifo}: is a FIFO, not a file", *argv, "--out", str(fifo))
        refused(capsys, 2, f"{link}: is a symbolic link, not a file", *argv, "--out", str(link))
        refused(capsys, 2, f"{folder}: is a folder, not a file", *argv, "--out", str(folder))
        refused(
            capsys,
            2,
            f"lies under {a_file}, which is a file",
            *argv,
            "--out",
            str(a_file / "x.json"),
        )
        refused(
            capsys,
            2,
            "/proc/kms-permissions-test/x.json: not written",
            *argv,
            "--out",
            "/proc/kms-permissions-test/x.json",
        )
    refused(
        capsys,
        2,
        "/proc/kms-permissions-test/data: not written",
        *build(sar_page, "/proc/kms-permissions-test/data"),
    )
    assert snapshot(tmp_path) == before
    assert os.stat("/dev/null").st_mode & 0o170000 == 0o020000  # still a character device


def test_scrape_replaces_only_a_scrape_file(
    sar_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records.json"
    out.write_text('{"mine": true}\n')
    before = snapshot(tmp_path)
    scrape = ["scrape", "--source", str(sar_page), "--out", str(out)]
    refused(capsys, 2, f"{out}: exists and is not a kms-permissions scrape file", *scrape)
    assert snapshot(tmp_path) == before
    assert cli(capsys, *scrape, "--force")[0] == 0
    assert json.loads(out.read_text())["format"] == "kms-permissions-scrape/1"
    assert cli(capsys, *scrape)[0] == 0  # its own file: replaced without --force


@pytest.mark.slow
def test_export_replaces_only_an_earlier_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "table.csv"
    out.write_text("name,phone\nme,123\n")
    before = snapshot(tmp_path)
    export = ["export", "--format", "csv", "--table", "notes", "--out", str(out)]
    refused(capsys, 2, f"{out}: exists and is not a kms-permissions export", *export)
    assert snapshot(tmp_path) == before
    assert cli(capsys, *export, "--force")[0] == 0
    for fmt in ("json", "ndjson", "parquet", "csv"):  # each earlier export is recognised
        assert cli(capsys, "export", "--format", fmt, "--out", str(out))[0] == 0
    data = ROOT / "kms_permissions" / "data"
    refused(
        capsys,
        2,
        "lies inside the input --dataset",
        "export",
        "--out",
        str(data / "actions.csv"),
        "--dataset",
        str(data),
    )


@pytest.mark.slow
def test_build_replaces_its_own_dataset_and_nothing_else(
    sar_page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    assert cli(capsys, *build(sar_page, str(out)))[0] == 0
    assert cli(capsys, *build(sar_page, str(out)))[0] == 0  # a dataset it wrote: replaced
    (out / "my-notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)
    refused(
        capsys, 2, f"{out}: exists and is not a kms-permissions dataset", *build(sar_page, str(out))
    )
    assert snapshot(tmp_path) == before
    assert cli(capsys, *build(sar_page, str(out), "--force"))[0] == 0
    assert not (out / "my-notes.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing staged left


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A small mkdocs site (the built-in theme): builds in a second."""
    site = tmp_path / "tiny"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: tiny\ntheme: mkdocs\n")
    (site / "docs" / "index.md").write_text("# tiny\n")
    return site


def test_site_build_replaces_only_a_site_build(tiny_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    out.mkdir()
    (out / "thesis.tex").write_text("mine\n")
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match="exists and is not a site build of kms-permissions"):
        outputs.build_site(out, tiny_site, quiet=True)
    with pytest.raises(OutputError, match="contains the input tiny/docs"):
        outputs.build_site(tiny_site, tiny_site, quiet=True)
    with pytest.raises(OutputError, match="lies inside the input tiny/docs"):
        outputs.build_site(tiny_site / "docs" / "html", tiny_site, quiet=True)
    assert snapshot(tmp_path) == before
    fresh = tmp_path / "fresh"
    assert outputs.build_site(fresh, tiny_site, quiet=True) == 0
    assert (fresh / "index.html").is_file() and outputs.is_site_build(fresh)
    assert outputs.build_site(fresh, tiny_site, quiet=True) == 0  # its own build: replaced
    (tiny_site / "mkdocs.yml").write_text("site_name: tiny\ntheme: no-such-theme\n")
    kept = snapshot(fresh)
    assert outputs.build_site(fresh, tiny_site, quiet=True) != 0
    assert snapshot(fresh) == kept  # a failed build leaves the old one whole


@pytest.fixture
def site_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site folder copied, and `generate` pointed at the copy."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site, ignore=shutil.ignore_patterns("site"))
    monkeypatch.setattr(outputs, "SITE", site)
    return site


@pytest.mark.slow
def test_site_build_cli_refuses_before_generating(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs.generate(load(), [outputs.site_pages], check=False)  # the copy up to date
    stale = site_copy / "docs" / "actions" / "Decrypt.md"
    stale.write_text(stale.read_text() + "\nA line an older generator wrote.\n")
    out = tmp_path / "html"
    out.mkdir()
    (out / "thesis.tex").write_text("mine\n")
    before = snapshot(tmp_path)
    refused(capsys, 2, f"{out}: exists and is not a site build", "site", "build", "--out", str(out))
    assert snapshot(tmp_path) == before  # the stale page too: nothing was generated


@pytest.mark.slow
def test_generate_removes_and_overwrites_only_what_it_wrote(site_copy: Path) -> None:
    reference = load()
    outputs.generate(reference, [outputs.site_pages], check=False)  # the copy up to date
    mine = site_copy / "docs" / "notes" / "my-notes.md"
    mine.write_text("# written by hand\n")
    gone = site_copy / "docs" / "actions" / "Gone.md"
    gone.write_text("# kms:Gone\n")
    kept = site_copy / "docs" / "actions" / "Kept.md"
    listing = json.loads((site_copy / outputs.LISTING).read_text())
    listing["files"]["site/docs/actions/Gone.md"] = hashlib.sha256(gone.read_bytes()).hexdigest()
    listing["files"]["site/docs/actions/Kept.md"] = hashlib.sha256(b"# kms:Kept\n").hexdigest()
    kept.write_text("# kms:Kept\n\nNotes added by hand since.\n")
    (site_copy / outputs.LISTING).write_text(json.dumps(listing, indent=1) + "\n")
    stale = outputs.generate(reference, [outputs.site_pages], check=False)
    assert gone in stale and not gone.exists()  # generated before, no longer produced
    assert mine.read_text() == "# written by hand\n"  # never generated: left alone
    assert kept.read_text().endswith("by hand since.\n")  # generated, then changed: left alone
    page = site_copy / "docs" / "actions" / "Decrypt.md"
    generated = page.read_text()
    page.write_text("# My own notes on Decrypt\n" + generated)
    before = snapshot(site_copy)
    with pytest.raises(OutputError, match=r"Decrypt\.md: changed since kms-permissions generated"):
        outputs.generate(reference, [outputs.site_pages], check=False)
    assert snapshot(site_copy) == before
    outputs.generate(reference, [outputs.site_pages], check=False, force=True)
    assert page.read_text() == generated
    # An edit inside the page, its first line as generated, is refused just the same.
    page.write_text(generated.replace("kms:Decrypt", "kms:Decrypt (edited by hand)", 2))
    edited = snapshot(site_copy)
    with pytest.raises(OutputError, match=r"Decrypt\.md: changed since kms-permissions generated"):
        outputs.generate(reference, [outputs.site_pages], check=False)
    assert snapshot(site_copy) == edited


def test_site_build_keeps_what_it_did_not_write(tiny_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert outputs.build_site(out, tiny_site, quiet=True) == 0
    (out / "CNAME").write_text("kms.example.org\n")
    (out / "downloads").mkdir()
    (out / "downloads" / "report.pdf").write_bytes(b"%PDF-1.7 mine")
    (out / "index.html").write_text("edited in the build")  # the build's own file: rebuilt
    mine = {"CNAME": "kms.example.org\n", "downloads/report.pdf": "%PDF-1.7 mine"}
    (tiny_site / "docs" / "index.md").write_text("# tiny, again\n")
    assert outputs.build_site(out, tiny_site, quiet=True) == 0
    assert {name: (out / name).read_text() for name in mine} == mine
    assert "tiny, again" in (out / "index.html").read_text()
    listing = json.loads((out / outputs.SITE_MARKER).read_text())["files"]
    assert "index.html" in listing and "CNAME" not in listing
    # A new page where the user has a file: refused, and the folder left as it was.
    (out / "extra").mkdir()
    (out / "extra" / "index.html").write_text("mine too")
    (tiny_site / "docs" / "extra.md").write_text("# extra\n")
    before = snapshot(out)
    with pytest.raises(OutputError, match=r"extra/index.html: not written by site build"):
        outputs.build_site(out, tiny_site, quiet=True)
    assert snapshot(out) == before
    # --force replaces the folder whole.
    assert outputs.build_site(out, tiny_site, quiet=True, force=True) == 0
    assert not (out / "CNAME").exists() and "extra" in (out / "extra" / "index.html").read_text()


@pytest.mark.slow
def test_site_build_force_never_forces_generate_over_edited_pages(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = next((site_copy / "docs" / "actions").glob("*.md"))
    page.write_text(page.read_text() + "\nmy note\n")
    err = refused(
        capsys,
        2,
        "changed since kms-permissions generated",
        "site",
        "build",
        "--force",
        "--out",
        str(tmp_path / "html"),
    )
    assert "my note" in page.read_text() and page.name in err
    assert not (tmp_path / "html").exists()
