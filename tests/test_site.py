"""The documentation site: strict build, no broken link or anchor, hostile text, real browser."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from kms_permissions.dataset.io import read_dataset, read_manifest
from kms_permissions.generator.outputs import build_site
from kms_permissions.generator.site import site_files
from kms_permissions.reference import DATA_DIR

from .conftest import ROOT

SITE = ROOT / "site"
HOSTILE = '<script>alert("x")</script> [click](javascript:alert(1)) {{ 7*7 }} **bold** | cell'


def _build(site: Path, out: Path) -> None:
    assert build_site(out, site) == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "html"
    _build(SITE, out)
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "script":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@functools.cache
def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    broken = []
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 170
    for page in pages:
        for href in _parsed(page).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target_path, anchor = urldefrag(href)
            base = built if target_path.startswith("/") else page.parent
            target = (base / unquote(target_path).lstrip("/")).resolve() if target_path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built)} -> {href}")
            elif anchor and target.suffix == ".html" and anchor not in _parsed(target).ids:
                broken.append(f"{page.relative_to(built)} -> {href} (no anchor)")
    assert broken == []


def test_every_action_and_key_has_a_page(built: Path) -> None:
    dataset = read_dataset(DATA_DIR)
    titles = {
        p.read_text(encoding="utf-8").split("<title>", 1)[1].split(" - ", 1)[0]
        for p in built.rglob("index.html")
    }
    for row in dataset.rows("actions"):
        assert row["action"] in titles
    for row in dataset.rows("condition_keys"):
        assert row["condition_key"] in titles
    assert (built / "downloads" / "actions.parquet").read_bytes() == (
        DATA_DIR / "actions.parquet"
    ).read_bytes()


def test_hostile_text_shows_as_text(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("site"))
    dataset = read_dataset(DATA_DIR)
    for row in dataset.rows("actions"):
        if row["action"] == "kms:CreateGrant":
            row["description"] = HOSTILE
            row["note"] = HOSTILE
    for row in dataset.rows("condition_keys"):
        if row["condition_key"] == "kms:ViaService":
            row["description"] = HOSTILE
    for row in dataset.rows("notes")[:1]:
        row["text"] = HOSTILE
    for path, page in site_files(dataset, read_manifest(DATA_DIR), site / "docs").items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page)
    out = tmp_path / "html"
    _build(site, out)
    for page in ("actions/CreateGrant/index.html", "condition-keys/kms-ViaService/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        parsed = _Text()
        parsed.feed(html)
        shown = " ".join(" ".join(parsed.text).split())
        assert HOSTILE in shown  # the text, exactly as scraped, shown as text
        assert not any("alert" in s for s in parsed.scripts)
        assert not any(h.startswith("javascript:") for h in parsed.links)
        assert "<strong>bold</strong>" not in html
        assert "49" not in shown.split("{{ 7*7 }}")[0][-5:]


class _Text(_Links):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if not self._in_script:
            self.text.append(data)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def served(built: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_in_a_real_browser(served: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{served}/actions/CreateGrant/", wait_until="networkidle")
        assert page.locator("h1").inner_text().rstrip("¶") == "kms:CreateGrant"
        grants = page.locator("table").nth(1)
        assert grants.is_visible()
        assert "Key policy" in grants.inner_text()
        key = page.get_by_role("link", name="kms:GrantOperations")
        assert key.is_visible()
        page.screenshot(path=str(tmp_path / "create-grant.png"), full_page=True)
        page.locator("label.md-search__icon, .md-search__input").first.click()
        search = page.locator("input.md-search__input")
        # The search index loads in a web worker; type once it is ready, as a person would.
        sync_api.expect(page.locator(".md-search-result__meta")).to_have_text(
            "Type to start searching", timeout=15000
        )
        search.press_sequentially("ReEncryptFrom", delay=30)
        results = page.locator(".md-search-result__list")
        sync_api.expect(results).to_contain_text("kms:ReEncryptFrom", timeout=15000)
        page.screenshot(path=str(tmp_path / "search.png"))
        page.locator(".md-search-result__link", has_text="kms:ReEncryptFrom").first.click()
        page.wait_for_url(re.compile(r".*ReEncryptFrom.*"), timeout=10000)
        browser.close()
    assert (tmp_path / "create-grant.png").stat().st_size > 10000
