"""Input paths read the same way by every verb: a link loop or a link out of the folder given is
one file's matter in a batch (or read where it leads), never an internal error; an output that
is the user's link is refused, not renamed away."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kms_permissions.files import real_path
from kms_permissions.scraper.sources import LocalSource

from .conftest import FIXTURES
from .safety import cli, snapshot

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}],
}


def test_a_link_loop_among_the_files_checked_is_that_files_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    policy = tmp_path / "key.json"
    policy.write_text(json.dumps(POLICY))
    status, out, err = cli(capsys, "check", str(tmp_path / "a"), str(policy))
    assert status == 2, err  # a file not read
    assert "internal error" not in err
    assert f"{tmp_path / 'a'}: Too many levels of symbolic links" in err
    assert f"{policy}:" in out and "KMS040" in out  # the other file was checked
    assert "1 file not read" in out
    assert real_path(tmp_path / "a") == tmp_path / "a"  # the loop stays as written


def test_a_page_linked_from_outside_the_source_folder_is_read_where_it_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # git-annex checkouts: each page is a link into .git/annex/objects, out of the folder.
    objects = tmp_path / "annex" / "objects"
    objects.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "sar-mini.html", objects / "SHA256E-s1--0123.html")
    source = tmp_path / "pages"
    source.mkdir()
    (source / "list_awskeymanagementservice.html").symlink_to(objects / "SHA256E-s1--0123.html")
    (source / "loop.html").symlink_to(source / "loop.html")
    pages = list(LocalSource(source).pages())
    assert [p.location for p in pages] == ["pages/list_awskeymanagementservice.html"]
    out = tmp_path / "records.json"
    status, _, err = cli(capsys, "scrape", "--source", str(source), "--out", str(out))
    assert status == 0, err
    assert "internal error" not in err and out.is_file()


def test_corpus_extract_refuses_the_users_link_and_leaves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "corpus"
    link.symlink_to(target)
    before = snapshot(tmp_path)
    status, _, err = cli(capsys, "corpus", "extract", "--out", str(link))
    assert status == 2
    assert err.strip().endswith(f"{link}: is a symbolic link, not a folder; refusing to replace it")
    assert snapshot(tmp_path) == before and os.readlink(link) == str(target)
