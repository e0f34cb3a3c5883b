"""Where the benchmarks find the source corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("KMS_PERMISSIONS_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_or_exit() -> Path:
    """The corpus folder, or exit with a clear message when it is absent."""
    if not (CORPUS / "README.md").exists():
        sys.exit(f"source corpus not found at {CORPUS} (set KMS_PERMISSIONS_CORPUS)")
    return CORPUS
