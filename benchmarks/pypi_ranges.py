"""Bytes fetched per botocore release: the KMS model read by range requests vs the whole wheel.

Online (the Python package index only). For each of the newest N releases (and a few old
ones), the model is read from the wheel by ranges (the zip's end record and central directory,
then the member); the whole wheel costs its size, which the index states. For one release the
wheel is also downloaded whole and the time of both ways compared in one run (medians, taking
turns, so that other load weighs on both alike).

Run: python benchmarks/pypi_ranges.py [N]   (default 8)
"""

from __future__ import annotations

import statistics
import sys
import time

from kms_permissions.scraper.http import Fetcher
from kms_permissions.scraper.pypi_botocore import (
    MAX_DISTRIBUTION_BYTES,
    read_model,
    release_key,
    releases,
)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    fetcher = Fetcher(None)
    listed = [r for r in releases(fetcher) if r.distribution().wheel]
    chosen = listed[-count:] + [r for r in listed if r.key in ((1, 0, 0), (1, 20, 0))]
    chosen.sort(key=lambda r: r.key)
    print(f"{'release':>10} {'wheel bytes':>12} {'by ranges':>10} {'requests':>8} {'ratio':>7}")
    ratios = []
    for release in chosen:
        model = read_model(fetcher, release)
        assert model is not None and model.ranged, release.version
        size = model.distribution.size
        ratios.append(size / model.fetched)
        print(
            f"{release.version:>10} {size:>12} {model.fetched:>10} {model.requests:>8} "
            f"{size / model.fetched:>6.1f}x"
        )
    print(f"median: the whole wheel costs {statistics.median(ratios):.1f}x the bytes of ranges")
    newest = max(chosen, key=lambda r: release_key(r.version))
    url = newest.distribution().url
    by_ranges, whole = [], []
    for _ in range(3):
        start = time.perf_counter()
        read_model(fetcher, newest)
        by_ranges.append(time.perf_counter() - start)
        start = time.perf_counter()
        body = fetcher.get(url, max_bytes=MAX_DISTRIBUTION_BYTES).body
        whole.append(time.perf_counter() - start)
        assert len(body) == newest.distribution().size
    ratio = statistics.median(whole) / statistics.median(by_ranges)
    print(f"{newest.version}: the whole download takes {ratio:.1f}x the time of ranges")


if __name__ == "__main__":
    main()
