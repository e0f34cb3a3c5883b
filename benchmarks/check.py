"""Policies checked per second, on the example policies extracted from the archived guide.

Run: python benchmarks/check.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import corpus_or_exit

from kms_permissions.policy import check
from kms_permissions.policy.document import PolicyError
from kms_permissions.scraper.examples_md import examples


def main() -> None:
    corpus = corpus_or_exit()
    texts: list[str] = []
    for path in sorted((corpus / "kms-devguide-github").glob("*/doc_source/*.md")):
        for example in examples(path.read_text(), path.stem):
            if example.error is None and example.text not in texts:
                try:
                    check(example.text, account="111122223333")
                except PolicyError:
                    continue
                texts.append(example.text)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for text in texts:
            check(text, account="111122223333")
        rates.append(len(texts) / (time.perf_counter() - start))
    findings = sum(len(check(t, account="111122223333")) for t in texts)
    print(f"{len(texts)} distinct example policies from all revisions, {findings} findings")
    print(f"checked per second (median of 5 passes): {statistics.median(rates):8.0f}")
    print(json.dumps({"policies": len(texts), "per_second": round(statistics.median(rates))}))


if __name__ == "__main__":
    main()
