"""Time to generate the site's pages from the bundled dataset and to build it with mkdocs.

Run: python benchmarks/site.py   (target: under 20 s)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from kms_permissions.generator.outputs import build_site, generate, site_pages
from kms_permissions.reference import load


def main() -> None:
    start = time.perf_counter()
    generate(load(), [site_pages], check=True)
    pages = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        if build_site(Path(out)) != 0:
            sys.exit("mkdocs build failed")
        build = time.perf_counter() - start
        count = sum(1 for _, _, files in os.walk(out) for f in files if f == "index.html")
    total = pages + build
    print(f"generate pages from the dataset:  {pages:6.2f} s")
    print(f"mkdocs build --strict ({count} pages): {build:6.2f} s")
    print(f"total:                            {total:6.2f} s  ({total / 20:.2f} x the 20 s target)")


if __name__ == "__main__":
    main()
