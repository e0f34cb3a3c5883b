"""Where the benchmarks find the source corpus: the vendored copy, extracted once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kms_permissions.errors import KmsPermissionsError
from kms_permissions.scraper.corpus import extracted_corpus


def corpus_or_exit() -> Path:
    """KMS_PERMISSIONS_CORPUS when set, else the vendored corpus; exits saying why if unusable."""
    override = os.environ.get("KMS_PERMISSIONS_CORPUS")
    if override:
        if not (Path(override) / "README.md").is_file():
            sys.exit(f"KMS_PERMISSIONS_CORPUS={override}: not a corpus folder")
        return Path(override)
    try:
        return extracted_corpus()
    except KmsPermissionsError as exc:
        sys.exit(f"the vendored corpus is not usable: {exc}")
