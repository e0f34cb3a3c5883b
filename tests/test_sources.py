"""Sources: local copies laid out like the corpus, a throwaway git repo, and the scrape CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.errors import SourceError
from kms_permissions.scraper.kinds import CONDITION_KEYS, GLOBAL_KEYS, PERMISSIONS
from kms_permissions.scraper.scrape import scrape
from kms_permissions.scraper.sources import GitSource, LocalSource, archive_urls, open_source

SNAPSHOTS = ("2017-11-15_980f865", "2020-10-29_6c12777", "2022-12-05_3828191")


def test_local_sar_folder_uses_file_dates(corpus: Path) -> None:
    folder = corpus / "sar-html" / "list_awskeymanagementservice"
    pages = list(LocalSource(folder).pages())
    assert len(pages) == 55
    assert pages[0].revision == pages[0].revision_date == "2019-10-10"
    assert pages[-1].kind == "sar" and pages[-1].rendering == "sar-html"
    assert len(pages[-1].sha256) == 64


def test_local_doc_source_uses_the_archive_commit(corpus: Path) -> None:
    folder = corpus / "kms-devguide-github" / "2022-12-05_3828191" / "doc_source"
    result = scrape(LocalSource(folder))
    assert result.of(PERMISSIONS) == []  # the archived page links to the website instead
    names = sorted(p.provenance.location.rsplit("/", 1)[-1] for p in result.of(CONDITION_KEYS))
    assert names == ["conditions-kms.md", "conditions-nitro-enclaves.md"]
    provenance = result.of(CONDITION_KEYS)[0].provenance
    assert provenance.revision == "38281913dc98580974493b2f5194abcd5125d1e0"
    assert provenance.revision_date == "2022-12-05"
    assert [g.provenance.location.rsplit("/", 1)[-1] for g in result.of(GLOBAL_KEYS)] == [
        "conditions-aws.md"
    ]


def test_single_undated_file_is_identified_by_content(corpus: Path) -> None:
    path = corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md"
    (page,) = LocalSource(path).pages()
    assert page.revision == f"sha256:{page.sha256}"
    assert page.revision_date is None
    (dated,) = LocalSource(path, revision_date="2026-11-01").pages()
    assert dated.revision_date == "2026-11-01"


def test_unknown_file_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SourceError, match="not a page"):
        list(LocalSource(tmp_path / "notes.txt").pages())
    with pytest.raises(SourceError, match="no page"):
        list(LocalSource(tmp_path).pages())
    with pytest.raises(SourceError, match="no such file"):
        LocalSource(tmp_path / "missing")


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ)
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def archive_repo(corpus: Path, tmp_path: Path) -> Path:
    """A throwaway git repo with three corpus snapshots committed at their dates."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "guide"
    repo.mkdir()
    _git(repo, "init", "-q")
    for snapshot in SNAPSHOTS:
        target = repo / "doc_source"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(corpus / "kms-devguide-github" / snapshot / "doc_source", target)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", snapshot, date=f"{snapshot[:10]}T12:00:00+00:00")
    return repo


def test_git_source_all_commits(archive_repo: Path) -> None:
    source = GitSource(archive_repo)
    commits = source.commits()
    assert [time[:10] for _, time in commits] == [s[:10] for s in SNAPSHOTS]
    result = scrape(source)
    by_date = {p.provenance.revision_date: p for p in result.of(CONDITION_KEYS)}
    assert sorted(by_date) == ["2017-11-15", "2020-10-29", "2022-12-05"]
    assert len(by_date["2017-11-15"].condition_keys) == 9
    assert by_date["2022-12-05"].provenance.revision == commits[-1][0]


def test_git_source_one_revision(archive_repo: Path) -> None:
    first = GitSource(archive_repo).commits()[0][0]
    source = open_source(f"git:{archive_repo}@{first}")
    result = scrape(source)
    assert {p.provenance.revision for p in result.of(CONDITION_KEYS)} == {first}
    with pytest.raises(SourceError, match="git log"):
        GitSource(archive_repo, "no-such-rev").commits()


def test_archive_urls() -> None:
    urls = archive_urls("38281913dc98580974493b2f5194abcd5125d1e0")
    assert urls[0] == (
        "https://raw.githubusercontent.com/awsdocs/aws-kms-developer-guide/"
        "38281913dc98580974493b2f5194abcd5125d1e0/doc_source/conditions-kms.md"
    )
    with pytest.raises(SourceError):
        archive_urls("../../etc")


def test_scrape_cli_writes_sorted_json(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    source = corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md"
    assert main(["scrape", "--source", str(source), "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["format"] == "kms-permissions-scrape/1"
    (page,) = data["permissions"]
    assert len(page["operations"]) == 54
    assert page["provenance"]["sha256"] == page["provenance"]["revision"].removeprefix("sha256:")
    first = out.read_bytes()
    assert main(["scrape", "--source", str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == first


def test_scrape_cli_bad_source_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "kms-api-permissions-reference.md"
    bad.write_text(
        '# AWS KMS permissions<a name="kms-api-permissions-reference"></a>\n\n'
        "- **[Decrypt](https://x/APIReference/API_Decrypt.html)"
    )
    out = tmp_path / "out.json"
    assert main(["scrape", "--source", str(bad), "--out", str(out)]) == 2
    assert "kms-api-permissions-reference.md (md-list)" in capsys.readouterr().err
    assert not out.exists()
