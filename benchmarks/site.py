"""Time to generate the site's pages and build it with mkdocs; the built site's weight.

Run: python benchmarks/site.py            (target: under 20 s to generate and build)
     python benchmarks/site.py BUILT_DIR  (only weigh a site built earlier, to compare)

The weight is the built site's bytes on disk, the search index's (every page loads it), and for
the home, matrix, CreateGrant and timeline pages and the largest page, the bytes of the HTML and
of everything the page then loads (scripts, styles, the search index, ...), each page in a fresh
Chromium context so nothing comes from a cache. The page weights need Playwright and Debian's
chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kms_permissions.generator.outputs import build_site, generate, site_pages
from kms_permissions.reference import load

PAGES = {
    "home": "",
    "matrix": "matrix/",
    "CreateGrant": "actions/CreateGrant/",
    "timeline": "timeline/",
}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def timed_build(out: Path) -> None:
    start = time.perf_counter()
    generate(load(), [site_pages], check=True)
    pages = time.perf_counter() - start
    start = time.perf_counter()
    if build_site(out) != 0:
        sys.exit("mkdocs build failed")
    build = time.perf_counter() - start
    count = sum(1 for _, _, files in os.walk(out) for f in files if f == "index.html")
    total = pages + build
    print(f"generate pages from the dataset:  {pages:6.2f} s")
    print(f"mkdocs build --strict ({count} pages): {build:6.2f} s")
    print(f"total:                            {total:6.2f} s  ({total / 20:.2f} x the 20 s target)")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def largest_page(site: Path) -> str:
    page = max(site.rglob("index.html"), key=lambda path: path.stat().st_size)
    folder = page.parent.relative_to(site).as_posix()
    return "" if folder == "." else f"{folder}/"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def page_weights(site: Path, pages: dict[str, str]) -> dict[str, tuple[int, int, int, int]]:
    """Per page: (HTML bytes, bytes of everything loaded, requests, requests to other hosts)."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    weights = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for name, path in pages.items():
                weights[name] = _weigh(browser, base + path)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return weights


def _weigh(browser: Any, url: str) -> tuple[int, int, int, int]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    responses: list[Any] = []
    failed: list[str] = []
    context.on("response", lambda response: responses.append(response))
    context.on("requestfailed", lambda request: failed.append(request.url))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    local = urlsplit(url).netloc
    loaded = {r.url: len(r.body()) for r in responses if r.ok and urlsplit(r.url).netloc == local}
    foreign = {r.url for r in responses if urlsplit(r.url).netloc != local}
    foreign |= {u for u in failed if urlsplit(u).netloc != local}
    context.close()
    return loaded.get(url, 0), sum(loaded.values()), len(loaded), len(foreign)


def weigh(site: Path) -> None:
    total = folder_bytes(site)
    downloads = folder_bytes(site / "downloads") if (site / "downloads").is_dir() else 0
    print(f"built site on disk: {total:>11,} bytes ({downloads:,} of them the dataset's downloads)")
    index = site / "search" / "search_index.json"
    if index.is_file():
        print(f"search index:       {index.stat().st_size:>11,} bytes (loaded by every page)")
    if not Path(CHROMIUM).exists():
        print(f"page weights need chromium ({CHROMIUM} not found)")
        return
    pages = {**PAGES, f"largest ({largest_page(site)})": largest_page(site)}
    print("page weight, the page's HTML and everything it loads:")
    for name, (page, everything, requests, foreign) in page_weights(site, pages).items():
        elsewhere = f", {foreign} to other hosts" if foreign else ""
        print(
            f"  {name:<32} HTML {page:>9,}  all {everything:>11,} bytes"
            f"  ({requests} requests{elsewhere})"
        )


def main() -> None:
    if len(sys.argv) > 1:
        weigh(Path(sys.argv[1]))
        return
    with tempfile.TemporaryDirectory() as out:
        timed_build(Path(out))
        weigh(Path(out))


if __name__ == "__main__":
    main()
