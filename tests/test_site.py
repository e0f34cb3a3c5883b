"""The documentation site: strict build, no broken link or anchor, hostile text, real browser."""

from __future__ import annotations

import functools
import hashlib
import html
import http.server
import importlib.util
import inspect
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from kms_permissions.dataset.io import read_dataset
from kms_permissions.generator.outputs import build_site
from kms_permissions.generator.site import site_files
from kms_permissions.reference import DATA_DIR, load, load_history, load_manifest

from .conftest import ROOT

# The built site and the browser are module fixtures: one xdist worker builds and starts them.
pytestmark = pytest.mark.xdist_group("site")

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


@pytest.mark.slow
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


class _Visible(HTMLParser):
    """A page's visible text (scripts, styles and code blocks left out), and the same without
    inline code: the guide's markup that leaked would show in it as text."""

    HIDDEN = frozenset({"script", "style", "pre", "svg", "title"})
    BLOCKS = frozenset(
        {"p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "div", "br", "summary", "dd"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.code = 0
        self.shown: list[str] = []
        self.prose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in self.HIDDEN
        if tag == "code":
            self.code += 1
            self.prose.append(" \u25af ")
        if tag in self.BLOCKS:
            self.shown.append("\n")
            self.prose.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN
        self.code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.shown.append(data)
            if not self.code:
                self.prose.append(data)


# Markup of the sources (markdown, HTML, templates) that must never show as text.
LEAKED_ANYWHERE = {
    "backtick": re.compile(r"`"),
    "markdown link": re.compile(r"\]\("),
    "template": re.compile(r"\{\{|\}\}|\{%"),
    "escaped markup": re.compile(r"&#?\w+;|</?(?:code|em|strong|a|br)\b"),
}
# Outside inline code: a list marker run into the text, emphasis markers.
LEAKED_IN_PROSE = {
    "list marker": re.compile(r"(?:^|\s)[+*][ \t]+\S"),
    "emphasis": re.compile(r"\*\*|(?<![\w*:])\*[A-Za-z][^*\n]*\*(?![\w*])"),
}


def leaked_markup(page_html: str) -> list[str]:
    """What looks like leaked markup in a page's visible text, each with its context."""
    parser = _Visible()
    parser.feed(page_html)
    found = []
    for checks, text in (
        (LEAKED_ANYWHERE, "".join(parser.shown)),
        (LEAKED_IN_PROSE, "".join(parser.prose)),
    ):
        for name, pattern in checks.items():
            for match in pattern.finditer(text):
                context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
                found.append(f"{name}: {context!r}")
    return found


@pytest.mark.slow
def test_no_page_shows_leaked_markup(built: Path) -> None:
    pages = [p for p in sorted(built.rglob("*.html")) if "downloads" not in p.parts]
    assert len(pages) > 170
    leaks = {
        str(page.relative_to(built)): found
        for page in pages
        if (found := leaked_markup(page.read_text(encoding="utf-8")))
    }
    assert leaks == {}


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        ("<p>The `kms:ViaService` key</p>", "backtick"),
        ("<p>See [CreateKey](url-kms-api;API_CreateKey.html).</p>", "markdown link"),
        ("<td>two keys: + kms:ReEncryptFrom on one + kms:ReEncryptTo</td>", "list marker"),
        ("<p>all operations *except* these</p>", "emphasis"),
        ("<p>{{ page.title }}</p>", "template"),
        ("<p>&amp;#60;script&amp;#62;</p>", "escaped markup"),
    ],
)
def test_the_leak_scan_sees_each_kind_of_markup(markup: str, name: str) -> None:
    clean = "<p>Allowed: <code>kms:*</code> on <code>*</code>, <em>except</em> ${tag-key}.</p>"
    assert leaked_markup(clean) == []
    assert {leak.split(":", 1)[0] for leak in leaked_markup(markup)} == {name}


class _InlineCode(HTMLParser):
    """Inline code (a `code` outside `pre`) that spans lines: a fenced block the markdown did
    not see as one, shown as a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pre = 0
        self.inline: list[list[str]] = []
        self._open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pre += tag == "pre"
        if tag == "code" and not self.pre:
            self._open += 1
            self.inline.append([])

    def handle_endtag(self, tag: str) -> None:
        self.pre -= tag == "pre"
        if tag == "code" and self._open:
            self._open -= 1

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[-1].append(data)


def code_as_paragraphs(page_html: str) -> list[str]:
    """The inline code of a page that holds a line break, each shortened."""
    parser = _InlineCode()
    parser.feed(page_html)
    return [" ".join("".join(c).split())[:60] for c in parser.inline if "\n" in "".join(c)]


@pytest.mark.slow
def test_no_page_shows_code_as_a_paragraph(built: Path) -> None:
    pages = [p for p in sorted(built.rglob("*.html")) if "downloads" not in p.parts]
    found = {
        str(page.relative_to(built)): shown
        for page in pages
        if (shown := code_as_paragraphs(page.read_text(encoding="utf-8")))
    }
    assert found == {}
    access = "".join(p.read_text(encoding="utf-8") for p in (built / "access").rglob("*.html"))
    assert access.count('<div class="language-text highlight">') > 20  # the cases' policies


def test_the_code_scan_sees_a_fence_markdown_missed() -> None:
    # What a fence inside a folded block became without superfences.
    missed = '<details><p><code>json\n{\n  "Version": "2012-10-17"\n}</code></p></details>'
    assert code_as_paragraphs(missed) == ['json { "Version": "2012-10-17" }']
    shown = '<pre><code>{\n  "a": 1\n}</code></pre><p><code>kms:Encrypt</code></p>'
    assert code_as_paragraphs(shown) == []


@pytest.mark.slow
def test_every_action_and_key_has_a_page(built: Path) -> None:
    dataset = read_dataset(DATA_DIR)
    titles = {
        p.read_text(encoding="utf-8").split("<title>", 1)[1].split(" - ", 1)[0]
        for p in built.rglob("index.html")
    }
    for action in dataset.tables["actions"]:
        assert action["action"] in titles
    for key in dataset.tables["condition_keys"]:
        assert key["condition_key"] in titles
    assert (built / "downloads" / "actions.parquet").read_bytes() == (
        DATA_DIR / "actions.parquet"
    ).read_bytes()


def _hostile_reference() -> Any:
    """The bundled read model with hostile text where the sources' text goes."""
    reference = load()
    actions = dict(reference.actions)
    actions["kms:CreateGrant"] = replace(
        actions["kms:CreateGrant"], description=HOSTILE, note=HOSTILE
    )
    keys = dict(reference.condition_keys)
    keys["kms:ViaService"] = replace(
        keys["kms:ViaService"],
        description=HOSTILE,
        guide_description=HOSTILE,
        sar_description=HOSTILE,
    )
    notes = (replace(reference.notes[0], text=HOSTILE), *reference.notes[1:])
    return replace(reference, actions=actions, condition_keys=keys, notes=notes)


@pytest.mark.slow
def test_hostile_text_shows_as_text(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("site", "screenshots"))
    reference = load()
    files = list(load_manifest(reference)["files"])
    hostile = _hostile_reference()
    for path, page in site_files(hostile, load_history(reference), files, site / "docs").items():
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


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("site_hooks", SITE / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_only_the_search_language_used_ships(built: Path) -> None:
    hooks = _hooks()
    assert hooks.search_language_files(["en"]) == set()
    assert hooks.search_language_files(["de"]) == {
        "min/lunr.de.min.js",
        "min/lunr.stemmer.support.min.js",
    }
    assert hooks.search_language_files(["en", "ja"]) == {
        "min/lunr.ja.min.js",
        "min/lunr.multi.min.js",
        "min/lunr.stemmer.support.min.js",
        "tinyseg.js",
    }
    config = json.loads((built / "search" / "search_index.json").read_text())["config"]
    assert config["lang"] == ["en"]
    assert not (built / "assets" / "javascripts" / "lunr").exists()


# The figure: about 1 MB a page with the search index, which every page loads. The home
# page weighed 980 KB and the search index 601 KB before the site grew past them.
PAGE_BUDGET = 980_000
SEARCH_INDEX_BUDGET = 600_000


class _Loads(HTMLParser):
    """The local files a page's HTML makes the browser load: styles, icon, scripts, and the
    search worker that Material's config names."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = set(str(values.get("rel") or "").split())
        if tag == "link" and rel & {"stylesheet", "icon"} and values.get("href"):
            self.urls.append(str(values["href"]))
        if tag == "script" and values.get("src"):
            self.urls.append(str(values["src"]))
        self._config = tag == "script" and values.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._config:
            self.urls.append(json.loads(data)["search"])
            self._config = False


def page_load(built: Path, page: Path) -> dict[Path, int]:
    """Every file the page loads, with its bytes: its HTML, what the HTML names, the search
    index and the names list (fetched by the search's scripts)."""
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    files = {page, built / "search" / "search_index.json", built / "assets" / "names.json"}
    for url in parser.urls:
        assert not urlsplit(url).netloc, url  # nothing from another host
        files.add((page.parent / unquote(urlsplit(url).path)).resolve())
    return {path: path.stat().st_size for path in files}


def test_every_page_stays_within_its_weight(built: Path) -> None:
    index = built / "search" / "search_index.json"
    assert index.stat().st_size <= SEARCH_INDEX_BUDGET
    pages = sorted(p for p in built.rglob("index.html") if "downloads" not in p.parts)
    assert len(pages) > 150
    weights = {str(p.relative_to(built)): sum(page_load(built, p).values()) for p in pages}
    assert {page: w for page, w in weights.items() if w > PAGE_BUDGET} == {}
    home = page_load(built, built / "index.html")
    assert len(home) > 15 and index in home  # styles, scripts, worker, index: all counted


def test_the_search_index_holds_no_code(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text())["docs"]
    assert [d["location"] for d in docs if "<pre>" in d["text"]] == []
    rule = next(d for d in docs if d["location"] == "rules/KMS001/#flagged-key-policies")
    assert "Decrpyt" in rule["text"] and '"Effect"' not in rule["text"]  # the finding, no JSON


def test_the_search_index_leaves_out_what_every_page_repeats(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text())["docs"]
    page = {d["location"]: d["text"] for d in docs}
    replicate = page["actions/ReplicateKey/"]
    assert "multi-Region primary key" in replicate  # its description
    assert "Same account:" not in replicate and "Access level" not in replicate  # answers, facts
    assert "actions/ReplicateKey/#where-it-can-be-granted" not in page
    key = page["condition-keys/kms-MultiRegion/"]
    assert "MultiRegion property" in key and "Condition type" not in key


def test_code_lines_are_anchored_only_where_a_link_points(built: Path) -> None:
    access = "".join(p.read_text(encoding="utf-8") for p in (built / "access").rglob("*.html"))
    assert access.count("<pre") > 20 and 'id="__codelineno-' not in access
    rule = (built / "rules" / "KMS001" / "index.html").read_text(encoding="utf-8")
    assert 'href="#__codelineno-0-20"' in rule and 'id="__codelineno-0-20"' in rule


@pytest.mark.slow
def test_no_source_map_ships_nor_is_pointed_at(built: Path) -> None:
    assert sorted(built.rglob("*.map")) == []
    shipped = [*built.rglob("*.js"), *built.rglob("*.css")]
    assert len(shipped) > 5
    assert [p for p in shipped if b"sourceMappingURL" in p.read_bytes()] == []


class _Resources(HTMLParser):
    """What a page makes the browser fetch by itself (not the links a reader may follow)."""

    FETCHED: ClassVar[dict[str, str]] = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "link": "href",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        attribute = self.FETCHED.get(tag)
        if attribute and values.get(attribute) and values.get("rel") != "canonical":
            self.urls.append(str(values[attribute]))


CSS_FETCHES = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)")


@pytest.mark.slow
def test_no_page_or_stylesheet_fetches_from_another_host(built: Path) -> None:
    foreign = []
    for page in sorted(built.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        foreign += [f"{page.relative_to(built)}: {u}" for u in parser.urls if urlsplit(u).netloc]
    for sheet in sorted(built.rglob("*.css")):
        for found in CSS_FETCHES.findall(sheet.read_text(encoding="utf-8")):
            foreign += [f"{sheet.relative_to(built)}: {u}" for u in found if urlsplit(u).netloc]
    assert foreign == []


@pytest.mark.slow
def test_names_list_holds_every_action_key_and_topic_page(built: Path) -> None:
    from kms_permissions.generator.site.topics import TOPICS

    dataset = read_dataset(DATA_DIR)
    names = json.loads((built / "assets" / "names.json").read_text(encoding="utf-8"))
    by_name = {entry["name"]: entry for entry in names}
    assert len(by_name) == len(names)
    expected = {row["action"]: "action" for row in dataset.tables["actions"]}
    expected |= {row["condition_key"]: "condition key" for row in dataset.tables["condition_keys"]}
    expected |= {topic.title: "topic" for topic in TOPICS}
    assert {name: entry["kind"] for name, entry in by_name.items()} == expected
    for entry in names:
        page = built / entry["url"] / "index.html"
        assert f"<title>{html.escape(entry['name'], quote=False)} - " in page.read_text()


@pytest.mark.slow
def test_downloads_are_the_bundled_files_byte_for_byte(built: Path) -> None:
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        served = (built / "downloads" / entry["path"]).read_bytes()
        assert hashlib.sha256(served).hexdigest() == entry["sha256"], entry["path"]
    assert not (built / "downloads" / "CHANGELOG").exists()  # not rendered as a page


@pytest.mark.slow
def test_home_page_states_the_dataset_version(built: Path) -> None:
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    home = _Text()
    home.feed((built / "index.html").read_text(encoding="utf-8"))
    shown = " ".join("".join(home.text).split())
    assert f"Dataset {manifest['dataset_version']}, from AWS pages dated up to 20" in shown
    assert "Unofficial: not affiliated with or endorsed by AWS." in shown


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    server, url = _serve(built)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
SCREENSHOTS = SITE / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for every browser test of the session (only this module starts one)."""
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
        yield browser
        browser.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _context(browser: Any, viewport: str) -> Iterator[Any]:
    width, height = VIEWPORTS[viewport]
    phone = viewport == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(20000)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert errors == []  # no script error on any page the test opened


@pytest.fixture
def context(browser: Any, viewport: str) -> Iterator[Any]:
    """A fresh browser context at each of the two screen sizes."""
    yield from _context(browser, viewport)


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """A fresh browser context at the desktop size, for what does not depend on the screen."""
    yield from _context(browser, "desktop")


def _open(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return page


def _expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


def test_action_page_and_search_in_a_real_browser(context: Any, served: str) -> None:
    page = _open(context, f"{served}/actions/CreateGrant/")
    assert page.locator("h1").inner_text().rstrip("¶") == "kms:CreateGrant"
    grants = page.locator("table").nth(1)
    assert grants.is_visible()
    assert "Key policy" in grants.inner_text()
    assert page.get_by_role("link", name="kms:GrantOperations", exact=True).is_visible()
    _search(page, "ReEncryptFrom")
    page.locator(".md-search-result__link", has_text="kms:ReEncryptFrom").first.click()
    page.wait_for_url(re.compile(r".*/actions/ReEncryptFrom/.*"), timeout=10000)


# Big tables (site/docs/assets/big-tables.js): the matrix is one today, by its column count.


def _matrix(context: Any, served: str) -> Any:
    page = _open(context, f"{served}/matrix/")
    page.wait_for_selector(".kp-table[data-kp-ready] .kp-table__scroll table")
    # Bring the table's box under the fixed header, as a reader scrolling the page would.
    page.evaluate(
        "() => { const box = document.querySelector('.kp-table__scroll');"
        " window.scrollBy(0, box.getBoundingClientRect().top - 100); }"
    )
    return page


_CELLS_AT_EDGES = """() => {
  const box = document.querySelector('.kp-table__scroll');
  const r = box.getBoundingClientRect();
  const at = (x, y) => {
    const cell = document.elementFromPoint(x, y)?.closest('th, td');
    if (!cell) return null;
    const row = cell.parentElement;
    return {head: row.parentElement.tagName === 'THEAD', column: cell.cellIndex,
            row: row.sectionRowIndex, text: cell.textContent.trim()};
  };
  // A sticky cell of the group row (the row itself scrolls away; its cells stick).
  const groups = document.querySelector('.kp-table__scroll thead tr').cells[0]
    .getBoundingClientRect();
  return {corner: at(r.left + 4, r.top + 4), top: at(r.left + r.width * 0.75, r.top + 4),
          keys: at(r.left + r.width * 0.75, groups.bottom + 4),
          left: at(r.left + 4, r.top + r.height * 0.75),
          scrollTop: box.scrollTop, scrollLeft: box.scrollLeft, pageX: window.scrollX,
          pageWidth: document.documentElement.scrollWidth, viewWidth: window.innerWidth};
}"""


def test_matrix_header_row_and_first_column_stay_visible(context: Any, served: str) -> None:
    page = _matrix(context, served)
    before = page.evaluate(_CELLS_AT_EDGES)
    box = page.locator(".kp-table__scroll").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 5000)
    page.mouse.wheel(5000, 0)
    page.wait_for_function(  # scrolled to the far corner of the table
        "() => { const b = document.querySelector('.kp-table__scroll');"
        " return b.scrollTop > 0 && b.scrollLeft > 0"
        " && b.scrollTop + b.clientHeight >= b.scrollHeight - 1"
        " && b.scrollLeft + b.clientWidth >= b.scrollWidth - 1; }"
    )
    after = page.evaluate(_CELLS_AT_EDGES)
    # The box scrolled both ways, not the page, which is no wider than the screen.
    assert after["pageX"] == 0
    assert after["pageWidth"] <= after["viewWidth"]
    # The header rows are still at the top: the groups, and the keys under them, of later
    # columns.
    assert after["top"]["head"] and after["top"]["column"] > before["top"]["column"]
    assert after["keys"]["head"] and after["keys"]["row"] == 1
    assert after["keys"]["column"] > before["keys"]["column"]
    assert re.match(r"(kms|aws):", after["keys"]["text"])
    # The first column is still at the left: the cell there is an action name, of a later row.
    assert not after["left"]["head"] and after["left"]["column"] == 0
    assert after["left"]["row"] > before["left"]["row"]
    assert after["left"]["text"].startswith("kms:")
    assert (
        after["corner"]
        == before["corner"]
        == {"head": True, "column": 0, "row": 0, "text": before["corner"]["text"]}
    )


_BROKEN_WORDS = """() => {
  const codes = [...document.querySelectorAll('table code')];
  const broken = [];
  for (const code of codes) {
    for (const node of code.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
      if (lines.size > 1) broken.push(node.textContent);
    }
  }
  return {broken, names: codes.length};
}"""


def test_names_in_tables_break_only_between_words(context: Any, served: str) -> None:
    for path in ("discrepancies/", "actions/CreateGrant/"):  # names beyond the first column
        page = _open(context, f"{served}/{path}")
        assert page.evaluate(_BROKEN_WORDS)["broken"] == [], path
    page = _matrix(context, served)
    toggle = page.get_by_role("button", name="Compact headers")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()  # full headers: names lie flat and wrap, where they may
    assert toggle.get_attribute("aria-pressed") == "false"
    measured = page.evaluate(_BROKEN_WORDS)
    assert measured["names"] > 50
    assert measured["broken"] == []
    wrapped = page.evaluate(
        "() => [...document.querySelectorAll('.kp-table thead th code')]"
        ".filter(c => c.getClientRects().length > 1).length"
    )
    assert wrapped > 0  # the long names did wrap, between their words


def _column(page: Any, index: int) -> list[str]:
    return list(
        page.evaluate(
            "(i) => [...document.querySelector('.kp-table__scroll table').tBodies[0].rows]"
            ".map(row => row.cells[i].textContent.trim())",
            index,
        )
    )


def test_sorting_a_column_orders_its_rows(context: Any, served: str) -> None:
    page = _matrix(context, served)
    headers = page.locator(".kp-table__scroll thead tr:last-child th")  # the keys, not groups
    width = headers.count()
    names = _column(page, 0)
    # A column whose rows are not in order yet, so that sorting must move them.
    index = next(
        i for i in range(1, width) if _column(page, i) != sorted(_column(page, i), key=str.lower)
    )
    before = list(zip(_column(page, index), names, strict=True))
    header = headers.nth(index)
    header.focus()
    header.press("Enter")  # the keyboard sorts as a click does
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = list(zip(_column(page, index), _column(page, 0), strict=True))
    filled = sorted(v.lower() for v, _ in before if v)
    blanks = [""] * sum(1 for v, _ in before if not v)
    assert filled and blanks  # a column of marks and blanks
    assert [v.lower() for v, _ in ascending] == filled + blanks  # blanks last
    assert sorted(ascending) == sorted(before) and ascending != before  # same rows, moved
    header.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    descending = [v.lower() for v in _column(page, index)]
    assert descending == sorted(filled, reverse=True) + blanks  # blanks last both ways
    assert page.url.endswith("/matrix/")  # the header's link was not followed


_SHOWN_ROWS = """() => [...document.querySelectorAll('.kp-table__scroll tbody tr')]
  .filter(row => row.getClientRects().length).map(row => row.cells[0].textContent.trim())"""


def test_filtering_hides_the_rows_that_do_not_match(context: Any, served: str) -> None:
    page = _matrix(context, served)
    texts = page.locator(".kp-table__scroll tbody tr").all_text_contents()
    expected = [t.split()[0] for t in texts if "grant" in t.lower()]
    assert 0 < len(expected) < len(texts)
    assert len(page.evaluate(_SHOWN_ROWS)) == len(texts)
    filter_box = page.get_by_role("searchbox", name="Filter the rows of this table")
    filter_box.fill("Grant")
    assert page.evaluate(_SHOWN_ROWS) == expected
    assert page.locator(".kp-table__count").inner_text() == f"{len(expected)} of {len(texts)} rows"
    filter_box.fill("")
    assert len(page.evaluate(_SHOWN_ROWS)) == len(texts)


def test_the_matrix_filter_finds_the_actions_of_a_condition_key(desktop: Any, served: str) -> None:
    page = _matrix(desktop, served)
    reference = load()
    key = "kms:GrantOperations"
    expected = [a for a in sorted(reference.actions) if key in reference.actions[a].condition_keys]
    filter_box = page.get_by_role("searchbox", name="Filter the rows of this table")
    filter_box.fill(key)
    assert sorted(page.evaluate(_SHOWN_ROWS)) == expected != []
    filter_box.fill("grantoperations createg")  # words of a key and of an action, both hold
    assert page.evaluate(_SHOWN_ROWS) == ["kms:CreateGrant"]


def test_a_table_that_fits_scrolls_with_the_page(desktop: Any, served: str) -> None:
    page = _open(desktop, f"{served}/actions/")
    page.wait_for_selector(".kp-table[data-kp-ready]")
    table = page.locator(".kp-table")
    assert "kp-table--fits" in str(table.get_attribute("class"))
    box = page.locator(".kp-table__scroll")
    assert box.get_attribute("role") is None and box.get_attribute("tabindex") is None
    sizes = page.evaluate(
        "() => { const b = document.querySelector('.kp-table__scroll');"
        " return {inner: b.scrollHeight, shown: b.clientHeight, rows: [...b.querySelectorAll("
        "'tbody tr')].map(r => r.getBoundingClientRect().height)}; }"
    )
    assert sizes["inner"] <= sizes["shown"] + 1  # no inner scrolling
    assert max(sizes["rows"]) < 80  # no hidden column squeezed into tall rows
    # Scrolled down the page, the header row stays in view, under the site's header bar.
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 1000")
    header = page.locator(".kp-table thead th").first.bounding_box()
    bar = page.locator(".md-header").bounding_box()
    assert bar["y"] + bar["height"] - 1 <= header["y"] <= bar["y"] + bar["height"] + 2
    matrix = _matrix(desktop, served)  # wider than the page: its own box
    assert "kp-table--fits" not in str(matrix.locator(".kp-table").get_attribute("class"))
    assert matrix.locator(".kp-table__scroll").get_attribute("role") == "region"


def test_the_matrix_prints_whole_and_readable(browser: Any, served: str) -> None:
    # A landscape A4 page less its margins, at 96 dpi.
    context = browser.new_context(viewport={"width": 1047, "height": 740})
    try:
        page = _open(context, f"{served}/matrix/")
        page.wait_for_selector(".kp-table[data-kp-ready]")
        page.emulate_media(media="print")
        printed = page.evaluate(
            "() => { const box = document.querySelector('.kp-table__scroll');"
            " const table = box.querySelector('table');"
            " const rows = [...table.tBodies[0].rows];"
            " return {right: table.getBoundingClientRect().right, width: innerWidth,"
            " clipped: box.scrollHeight > box.clientHeight + 1"
            " || box.scrollWidth > box.clientWidth + 1,"
            " rows: rows.length, shown: rows.filter(r => r.getClientRects().length).length,"
            " columns: table.tHead.rows[1].cells.length,"
            " bar: getComputedStyle(document.querySelector('.kp-table__bar')).display,"
            " list: getComputedStyle(document.querySelector('.kp-by-action')).display,"
            " font: parseFloat(getComputedStyle(table).fontSize)}; }"
        )
        assert printed["right"] <= printed["width"]  # every column on the page
        assert not printed["clipped"]
        assert printed["shown"] == printed["rows"] > 50 and printed["columns"] > 40
        assert printed["bar"] == "none" and printed["list"] == "none"
        assert printed["font"] >= 7  # 5.5 pt: small, still legible on paper
        assert len(page.pdf(landscape=True, format="A4")) > 10000
    finally:
        context.close()


# Privacy and the first screen.


# Screenshots for people to look at, taken on the way: site/screenshots/<page>-<viewport>.png
# (gitignored).
SCREENSHOTTED = {
    "": "home",
    "matrix/": "matrix",
    "actions/CreateGrant/": "create-grant",
    "timeline/": "timeline",
}


ALSO_VISITED = [
    "condition-keys/kms-ViaService/",
    "notes/grants/",
    "actions/ReEncryptFrom/",
    "discrepancies/",
    "access/",
]


def test_no_request_leaves_the_site(context: Any, served: str, viewport: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    requested: list[str] = []
    failed: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.on("requestfailed", lambda request: failed.append(request.url))
    context.on(
        "response",
        lambda response: failed.append(response.url) if response.status >= 400 else None,
    )
    for path in [*SCREENSHOTTED, *ALSO_VISITED]:
        page = _open(context, f"{served}/{path}")
        assert leaked_markup(page.content()) == [], path  # the page as the scripts left it
        if path in SCREENSHOTTED:
            target = SCREENSHOTS / f"{SCREENSHOTTED[path]}-{viewport}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 10000
        page.close()
    page = _open(context, f"{served}/")
    _search(page, "grant")
    page.locator(".kp-jump__input").fill("Decrpyt")
    _expect()(page.locator(".kp-jump__list li").first).to_contain_text("kms:Decrypt")
    local = urlsplit(served).netloc
    assert any("/workers/search" in url for url in requested)  # the worker's loads are seen
    assert any(url.endswith("/assets/names.json") for url in requested)
    assert [url for url in requested if urlsplit(url).netloc != local] == []
    assert failed == []


def _first_screen(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return bool(
        locator.is_visible() and box and box["y"] >= 0 and box["y"] + box["height"] <= height
    )


def test_home_page_starts_with_the_jump_box_and_the_start_links(
    context: Any, served: str, viewport: str
) -> None:
    page = _open(context, f"{served}/")
    assert _first_screen(page, page.locator(".kp-jump__input"))
    most_asked = page.locator("article p:has-text('Most asked') + ul")
    for href in (
        "access/#why-denied",
        "cross-account/",
        "key-policy-only/",
        "iam-policy-only/",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
        "notes/key-policies/",
        "condition-keys/",
        "timeline/",
    ):
        assert _first_screen(page, most_asked.locator(f'a[href="{href}"]')), href
    assert _first_screen(page, page.get_by_text("Unofficial: not affiliated with"))
    assert not _first_screen(page, page.locator("#provenance"))


def test_quick_jump_forgives_a_typo_and_works_from_the_keyboard(context: Any, served: str) -> None:
    page = _open(context, f"{served}/")
    box = page.get_by_role("combobox", name="Jump to an action, condition key or topic")
    box.fill("Decrpyt")
    options = page.get_by_role("option")
    _expect()(options.first).to_contain_text("kms:Decrypt")
    box.fill("grant")
    _expect()(options.first).to_contain_text("kms:CreateGrant")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    box.press("ArrowUp")
    box.fill("ViaServce")
    _expect()(options.first).to_contain_text("kms:ViaService")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/condition-keys/kms-ViaService/$"), timeout=10000)


# Site search: names first.


def _search(page: Any, query: str) -> None:
    """Type a query into Material's search once its index is ready, as a person would."""
    field = page.locator("input.md-search__input")
    button = page.locator('label.md-header__button[for="__search"]')  # the phone's
    (button if button.is_visible() else field).click()
    _expect()(page.locator(".md-search-result__meta")).to_have_text(
        "Type to start searching", timeout=15000
    )
    _type_query(page, query)


def _type_query(page: Any, query: str) -> None:
    """Type a query into the open, empty search field and wait for its results."""
    field = page.locator("input.md-search__input")
    field.fill(query)
    field.press("End")  # Material searches on key-up: one query, for the whole text
    _expect()(page.locator(".md-search-result__meta")).to_have_text(
        re.compile(r"\d+ matching documents?"), timeout=15000
    )


def _clear_search(page: Any) -> None:
    """Empty the search field, as a person would before the next query; the results go."""
    field = page.locator("input.md-search__input")
    field.fill("")
    field.press("End")
    _expect()(page.locator(".md-search-result__meta")).to_have_text(
        "Type to start searching", timeout=15000
    )


def _search_results(page: Any) -> list[str]:
    """The pages the search shows, top first: the names, then Material's results."""
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll("
        "'.kp-search-names__link, .md-search-result__item > a')].map(a => a.href)"
    )
    return [urlsplit(href).path for href in hrefs]


def test_search_grant_shows_create_grant_in_the_top_three(context: Any, served: str) -> None:
    page = _open(context, f"{served}/")
    _search(page, "grant")
    _expect()(page.locator(".kp-search-names")).to_be_visible()
    assert "/actions/CreateGrant/" in _search_results(page)[:3]


# Queries whose first full-text result (Material's ranking, below the names) is the page too.
MATERIAL_AGREES = {
    "why denied",
    "deny",
    "SCP",
    "key policy only",
    "ReEncryptFrom",
    "ViaService",
    "cross-account",
    "secretsmanager",
    "s3.eu-west-1.amazonaws.com",
}


FIRST_RESULTS = [
    ("ReEncryptFrom", "/actions/ReEncryptFrom/"),
    ("ViaService", "/condition-keys/kms-ViaService/"),
    ("encryption context", "/condition-keys/kms-EncryptionContext-context-key/"),
    ("tag", "/actions/TagResource/"),
    ("alias", "/actions/CreateAlias/"),
    # A subject rather than a name: its topic page, above the names it spans.
    ("multi-region", "/topics/multi-region-keys/"),
    ("key rotation", "/topics/key-rotation/"),
    ("grants", "/topics/grants/"),
    ("deny", "/access/explicit-deny/"),
    ("SCP", "/access/organization-policies/"),  # the rule page of SCPs and RCPs
    ("why denied", "/access/"),  # the checklist
    ("key policy only", "/key-policy-only/"),
    ("secretsmanager", "/via-service/"),  # a service's kms:ViaService name
    ("s3.eu-west-1.amazonaws.com", "/via-service/"),
    # The site's own page above the guide's notes page "Cross-account access", by the
    # search boost the generator writes (site/README.md).
    ("cross-account", "/cross-account/"),
]


def test_search_puts_the_page_first(context: Any, served: str) -> None:
    # Every query on one page, the field emptied between them: the search index is built once
    # per screen size rather than once per query. Each query's misses are listed together.
    page = _open(context, f"{served}/")
    missed = []
    for number, (query, path) in enumerate(FIRST_RESULTS):
        if number:
            _clear_search(page)
            _type_query(page, query)
        else:
            _search(page, query)
        first = _search_results(page)[0]
        material = page.locator(".md-search-result__item > a").first.get_attribute("href")
        if first != path:
            missed.append((query, "first", first))
        if query in MATERIAL_AGREES and urlsplit(str(material)).path != path:
            missed.append((query, "Material's first", str(material)))  # its own ranking agrees
    assert missed == []


# The table classes of the contract (site/README.md) that the generated pages do not use.


BIG_UNMARKED_TABLE = "\n".join(
    ["| Name | Value |", "|---|---|", *(f"| row {i} | value {i} |" for i in range(25))]
)


@pytest.fixture(scope="module")
def served_with_opt_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site with a hand-written page holding a 25-row table, once unmarked and once
    opted out with kp-table--none."""
    site = tmp_path_factory.mktemp("opt-out") / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("site", "screenshots"))
    (site / "docs" / "opt-out.md").write_text(
        "# Opt-out\n\n## Unmarked\n\n"
        + BIG_UNMARKED_TABLE
        + '\n\n## Opted out\n\n<div class="kp-table--none" markdown>\n\n'
        + BIG_UNMARKED_TABLE
        + "\n\n</div>\n"
    )
    out = site.parent / "html"
    _build(site, out)
    server, url = _serve(out)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def test_marked_tables_get_what_their_class_asks_for(
    desktop: Any, served: str, served_with_opt_out: str
) -> None:
    matrix = _open(desktop, f"{served}/matrix/")
    marked = matrix.locator("article div.kp-table")
    assert marked.count() == 1
    assert marked.get_attribute("class") == "kp-table kp-table--compact"  # as written, not guessed
    assert marked.get_attribute("data-kp-ready") == "true"
    assert marked.locator(".kp-table__scroll table").count() == 1
    assert marked.get_by_role("button", name="Compact headers").is_visible()
    page = _open(desktop, f"{served_with_opt_out}/opt-out/")
    tables = page.locator("article table")
    assert tables.count() == 2
    assert page.locator("article .kp-table[data-kp-ready] table").count() == 1  # the unmarked
    assert page.locator("article .kp-table--none .kp-table__filter").count() == 0
    assert page.locator("article .kp-table--none table tbody tr").count() == 25


# The generated pages at both sizes: the matrix's groups, the timeline, discrepancies, the nav.


def _key_groups() -> dict[str, str]:
    """Each condition key's group: the label the permissions reference lists it under most
    often (the first met on a tie), from the read model."""
    counts: dict[str, dict[str, int]] = {}
    order: list[str] = []
    for info in load().actions.values():
        for grant in info.grants:
            for group in grant.condition_keys:
                if group.label is None:
                    continue
                order += [group.label] if group.label not in order else []
                for key in group.keys:
                    found = counts.setdefault(key, {})
                    found[group.label] = found.get(group.label, 0) + 1
    return {
        key: min(found, key=lambda label: (-found[label], order.index(label)))
        for key, found in counts.items()
    }


_MATRIX_HEADER = """() => {
  const [groups, keys] = document.querySelectorAll('.kp-table__scroll thead tr');
  const spans = [...groups.cells].slice(1).flatMap(
    cell => Array(cell.colSpan).fill(cell.title));
  const labels = [...groups.cells].slice(1).map(cell => {
    const label = cell.querySelector('.kp-group__label');
    const box = label.getBoundingClientRect();
    return {title: cell.title, shown: box.width > 0 && label.textContent === cell.title
            && label.scrollWidth <= label.clientWidth + 1
            && box.right <= cell.getBoundingClientRect().right + 1};
  });
  return {spans, labels,
          keys: [...keys.cells].slice(1).map(cell => cell.textContent.trim())};
}"""


def test_matrix_columns_are_grouped_as_the_guide_groups_keys(context: Any, served: str) -> None:
    page = _matrix(context, served)
    header = page.evaluate(_MATRIX_HEADER)
    assert len(header["spans"]) == len(header["keys"]) > 30
    expected = _key_groups()
    grouped = [(key, group) for key, group in zip(header["keys"], header["spans"], strict=True)]
    checked = [(key, group) for key, group in grouped if key in expected]
    assert len(checked) > 20
    assert [group for _, group in checked] == [expected[key] for key, _ in checked]
    titles = [label["title"] for label in header["labels"]]
    assert len(titles) == len(set(titles))  # each group's columns side by side
    assert "Encryption context conditions" in titles
    assert all(label["shown"] for label in header["labels"])


def test_matrix_lists_pairs_by_action_on_a_phone(context: Any, served: str, viewport: str) -> None:
    page = _open(context, f"{served}/matrix/")
    by_action = page.locator(".kp-by-action")
    if viewport == "desktop":
        assert not by_action.is_visible()  # the grid is the view on a wide screen
        return
    page.get_by_role("link", name="list by action").click()
    page.wait_for_url(re.compile(r".*/matrix/#by-action$"))
    grant = by_action.locator("li", has=page.locator("a", has_text="kms:CreateGrant")).first
    assert grant.is_visible()
    text = grant.inner_text()
    assert "Grant conditions" in text and "kms:GrantOperations" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll


def test_timeline_lists_each_version_with_a_link_to_its_changes(
    context: Any, served: str, viewport: str
) -> None:
    changelog = (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\S+) \(", changelog, re.MULTILINE)
    page = _open(context, f"{served}/timeline/")
    links = page.locator("article table a[href*='#v']")
    assert links.all_inner_texts() == versions  # the same versions as the CHANGELOG
    hrefs = [str(href) for href in links.evaluate_all("links => links.map(a => a.href)")]
    years = sorted({urlsplit(href).path for href in hrefs}, reverse=True)
    assert len(years) > 5  # a page a year
    entries = 0
    for year in years:
        other = _open(context, f"{served}{year}")
        entries += other.locator("article h2[id^='v']").count()
        other.close()
    assert entries == len(versions)
    target = links.nth(3)
    anchor = urlsplit(hrefs[3]).fragment
    target.click()
    page.wait_for_url(re.compile(rf".*/timeline/\d{{4}}/#{re.escape(anchor)}$"))
    _expect()(page.locator(f"h2#{anchor}")).to_be_in_viewport()
    # Long lists and changed values are folded: open, nothing of them shows.
    busiest = max(years, key=lambda y: sum(urlsplit(h).path == y for h in hrefs))
    page.goto(f"{served}{busiest}", wait_until="networkidle")
    folded = page.locator("article details")
    assert folded.count() > 5
    assert all(d.get_attribute("open") is None for d in folded.all()[:20])
    # The busiest year's entries stay short.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (30000 if viewport == "phone" else 20000)
    page.goto(f"{served}{years[0]}", wait_until="networkidle")
    newest = page.locator("article h2[id^='v']").first.locator("xpath=following-sibling::ul[1]")
    said = newest.inner_text()
    assert "held from here" in said or "Added" in said or "changed" in said
    assert "Added actions (the permissions reference" not in said  # no artefact of a new source


def test_discrepancies_fold_numbered_rows(context: Any, served: str) -> None:
    reference = load()
    page = _open(context, f"{served}/discrepancies/")
    rows = page.locator("article tbody tr")
    shown = rows.count()
    assert 0 < shown <= len(reference.discrepancies)
    counts = [int(t) for t in page.locator("article tbody tr td:nth-child(3)").all_inner_texts()]
    assert sum(counts) == len(reference.discrepancies)  # every row is in a folded row
    # The SAR's NitroTPMPCR0 ... 23 are one template: one row per action, naming the instances.
    folded = rows.filter(has_text="NitroTPMPCR{0..23}")
    assert folded.count() >= 5
    table = page.locator("h2#key-only-in-sar-for-action + div.kp-table")
    box = table.get_by_role("searchbox", name="Filter the rows of this table")
    everything = table.locator("tbody tr").count()
    box.fill("NitroTPMPCR")
    shown_rows = table.locator("tbody tr:not([hidden])")
    assert 0 < shown_rows.count() < everything
    assert all("NitroTPMPCR" in t for t in shown_rows.all_inner_texts())


def test_action_pages_are_in_the_nav(desktop: Any, served: str) -> None:
    page = _open(desktop, f"{served}/actions/CreateGrant/")
    nav = page.locator("nav.md-nav--primary")
    assert nav.get_by_role("link", name="kms:Decrypt", exact=True).count() == 1
    assert nav.get_by_role("link", name="kms:RetireGrant", exact=True).is_visible()
    page.goto(f"{served}/rules/")
    assert page.locator("nav.md-nav--primary a", has_text="KMS001").count() == 1


@pytest.mark.parametrize(("system", "scheme"), [("light", "default"), ("dark", "slate")])
def test_the_colour_scheme_follows_the_system(
    browser: Any, served: str, system: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=system)
    try:
        page = _open(context, f"{served}/matrix/")
        assert page.evaluate("document.body.dataset.mdColorScheme") == scheme
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        dark = background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
        assert dark == (system == "dark")
    finally:
        context.close()


# Every test that drives the browser is slow and marked so (`-m "not browser"` skips them).
for _name, _test in list(globals().items()):
    if _name.startswith("test_") and {"browser", "context", "desktop"} & set(
        inspect.signature(_test).parameters
    ):
        globals()[_name] = pytest.mark.slow(pytest.mark.browser(_test))
