"""Time the full history build: cold (no parsed-page cache) and with one changed snapshot.

Run: python benchmarks/history.py   (targets: under 30 s cold, under 3 s incremental)
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import corpus_or_exit

from kms_permissions.dataset.build import changelog, history_of
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.scrape import scrape
from kms_permissions.scraper.sources import LocalSource, Page


class Pages:
    """A source made of pages already read."""

    def __init__(self, pages: list[Page]) -> None:
        self._pages = pages

    def pages(self) -> Iterator[Page]:
        return iter(self._pages)


def run(pages: list[Page], cache: PageCache | None) -> float:
    start = time.perf_counter()
    history = history_of(scrape(Pages(pages), cache))
    changelog(history)
    return time.perf_counter() - start


def main() -> None:
    corpus = corpus_or_exit()
    start = time.perf_counter()
    pages = list(LocalSource(corpus).pages())
    read = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        cache = PageCache(Path(folder))
        cold = run(pages, cache)
        newest = max(range(len(pages)), key=lambda i: (pages[i].kind == "sar", pages[i].revision))
        changed = list(pages)
        changed[newest] = dataclasses.replace(
            pages[newest], body=pages[newest].body + b"<!-- one changed snapshot -->"
        )
        incremental = run(changed, cache)
        uncached = run(pages, None)
    print(f"reading {len(pages)} corpus files:            {read:6.2f} s")
    print(
        f"history build, cold cache:           {cold:6.2f} s  ({cold / 30:.2f} x the 30 s target)"
    )
    print(
        f"history build, one changed snapshot:     {incremental:6.2f} s  "
        f"({incremental / 3:.2f} x the 3 s target)"
    )
    print(f"history build, no cache at all:          {uncached:6.2f} s")
    print(f"incremental / cold:                      {incremental / cold:6.2f}")


if __name__ == "__main__":
    main()
