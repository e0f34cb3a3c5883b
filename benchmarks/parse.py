"""Median parse times: the current permissions page, the newest SAR copy, the whole corpus, and
botocore's KMS service model (the API Reference): its newest copy and all its revisions.

Run: python benchmarks/parse.py   (target: under 50 ms per page)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import corpus_or_exit

from kms_permissions.scraper import api_reference_json, permissions_md, sar_html
from kms_permissions.scraper.records import Provenance, ScrapeResult
from kms_permissions.scraper.scrape import add_page
from kms_permissions.scraper.sources import LocalSource


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    corpus = corpus_or_exit()
    pages = list(LocalSource(corpus).pages())
    current = next(p for p in pages if "kms-devguide-current-md" in p.location)
    sar = max((p for p in pages if p.kind == "sar"), key=lambda p: p.revision_date or "")
    current_text, sar_text = current.text(), sar.text()
    rows = [
        (
            "current permissions page (md)",
            median_ms(lambda: permissions_md.parse(current_text, current.provenance()), 30),
            1,
        ),
        (
            f"newest SAR copy ({sar.revision_date})",
            median_ms(lambda: sar_html.parse(sar_text, sar.provenance()), 15),
            1,
        ),
    ]

    def whole() -> None:
        result = ScrapeResult()
        for page in pages:
            add_page(page, result)

    parsed = len([p for p in pages if p.kind != "guide"])
    rows.append((f"whole corpus ({parsed} pages)", median_ms(whole, 3), parsed))
    rows += _api_reference_rows(corpus / "botocore-kms")
    print(f"{'what':45} {'median ms':>10} {'ms/page':>9}")
    for name, ms, count in rows:
        print(f"{name:45} {ms:10.1f} {ms / count:9.2f}")
    worst = max(ms / count for _, ms, count in rows)
    print(f"slowest per page: {worst:.1f} ms = {worst / 50:.2f} x the 50 ms target")


def _api_reference_rows(folder: Path) -> list[tuple[str, float, int]]:
    """The service model is not a scraped page kind yet: its files are read directly."""
    models = sorted(p for p in folder.glob("*.json") if p.name != "revisions.json")
    texts = [(p.read_text(encoding="utf-8"), _provenance(p)) for p in models]
    newest_text, newest_provenance = texts[-1]

    def every() -> None:
        for text, provenance in texts:
            api_reference_json.parse(text, provenance)

    return [
        (
            f"newest API model ({models[-1].stem})",
            median_ms(lambda: api_reference_json.parse(newest_text, newest_provenance), 15),
            1,
        ),
        (f"all API model revisions ({len(models)} pages)", median_ms(every, 3), len(models)),
    ]


def _provenance(path: Path) -> Provenance:
    kind, rendering = api_reference_json.KIND, api_reference_json.RENDERING
    return Provenance(kind, rendering, path.name, path.stem, path.stem[:10], "", "", "")


if __name__ == "__main__":
    main()
