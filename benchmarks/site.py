"""Time to generate the site's pages from the bundled dataset and to build it with mkdocs.

Run: python benchmarks/site.py   (target: under 20 s)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from kms_permissions.generator.outputs import SITE, generate, site_pages
from kms_permissions.reference import load


def main() -> None:
    start = time.perf_counter()
    generate(load(), [site_pages], check=True)
    pages = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-q",
                "-f",
                "mkdocs.yml",
                "-d",
                out,
            ],
            cwd=SITE,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        build = time.perf_counter() - start
        count = sum(1 for _, _, files in os.walk(out) for f in files if f == "index.html")
    total = pages + build
    print(f"generate pages from the dataset:  {pages:6.2f} s")
    print(f"mkdocs build --strict ({count} pages): {build:6.2f} s")
    print(f"total:                            {total:6.2f} s  ({total / 20:.2f} x the 20 s target)")


if __name__ == "__main__":
    main()
