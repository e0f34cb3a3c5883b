"""Hostile text from a crafted page, served over HTTP, through the whole pipeline.

Scrape -> dataset -> constants (imported) and site (built): the text arrives as plain strings in
Python and as text on the page, and nothing in it runs.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from kms_permissions.dataset.build import history_of
from kms_permissions.dataset.integrity import read_manifest
from kms_permissions.dataset.io import write_dataset
from kms_permissions.generator.constants import render
from kms_permissions.generator.outputs import build_site
from kms_permissions.generator.site import site_files
from kms_permissions.reference import load, load_history
from kms_permissions.scraper.http import Fetcher, FetchPolicy
from kms_permissions.scraper.scrape import scrape
from kms_permissions.scraper.sources import HttpSource

from .conftest import FIXTURES, ROOT
from .http_server import Reply, Script, serve

EVIL = '<script>alert(1)</script> """; import os; os.system("touch pwned") # {{ 7*7 }} ${x}'
EVIL_MD = EVIL.replace("#", "\\#")  # as the markdown source would escape it
EVIL_HTML = EVIL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _crafted_pages() -> dict[str, list[Reply]]:
    markdown = (
        (FIXTURES / "permissions-mini.md")
        .read_text()
        .replace("The grant decides who can retire it.", EVIL_MD)
    )
    html = (
        (FIXTURES / "sar-mini.html")
        .read_text()
        .replace("Grants permission to name a key", EVIL_HTML)
    )
    return {
        "/kms/kms-api-permissions-reference.md": [
            Reply(
                200,
                markdown.encode(),
                {"Content-Type": "text/markdown", "Last-Modified": "Tue, 03 Nov 2026 10:00:00 GMT"},
            )
        ],
        "/sar/list_awskeymanagementservice.html": [
            Reply(
                200,
                html.encode(),
                {"Content-Type": "text/html", "Last-Modified": "Wed, 04 Nov 2026 10:00:00 GMT"},
            )
        ],
    }


@pytest.mark.slow
def test_hostile_page_through_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        attempts=1,
    )
    pages = _crafted_pages()
    with serve(Script(pages)) as base:
        source = HttpSource(Fetcher(None, policy), tuple(base + path for path in pages))
        history = history_of(scrape(source))
    dataset = history.newest()
    dataset.version = "2026.11.04"
    data = tmp_path / "data"
    write_dataset(dataset, data)
    reference = load(data)
    assert reference.actions["kms:RetireGrant"].note == EVIL
    assert reference.actions["kms:CreateAlias"].description == EVIL

    module_path = tmp_path / "crafted_constants.py"
    module_path.write_text(render(reference))
    spec = importlib.util.spec_from_file_location("crafted_constants", module_path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ACTIONS[module.Action.RETIRE_GRANT].note == EVIL
    assert module.ACTIONS[module.Action.CREATE_ALIAS].description == EVIL
    assert not (tmp_path / "pwned").exists()

    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site, ignore=shutil.ignore_patterns("site"))
    files = read_manifest(data)["files"]
    for path, page in site_files(reference, load_history(reference), files, site / "docs").items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page)
    out = tmp_path / "html"
    assert build_site(out, site) == 0
    html = (out / "actions" / "RetireGrant" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in html
    assert "{{ 7*7 }}" in html or "&#123;&#123; 7&#42;7 &#125;&#125;" in html
    assert not (tmp_path / "pwned").exists()
