"""Policies checked per second: on the real-world set (tests/realworld: policy files,
CloudFormation templates, Terraform plans) and on the example policies of every revision of the
guide; and on the IAM policies among them, ours against parliament's (`pip install -e
'.[bench]'`), measured in one run, turn by turn.

Each pass checks every policy from its text (parsing included), as `kms-permissions check` does
after reading a file; the median of the passes is reported.

Run: python benchmarks/check.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import corpus_or_exit

from kms_permissions.policy import PolicyError, check
from kms_permissions.policy.checker import detect_kind
from kms_permissions.policy.config import config_for
from kms_permissions.policy.inputs import read_inputs
from kms_permissions.scraper.examples_md import examples

REALWORLD = Path(__file__).resolve().parents[1] / "tests" / "realworld"
PASSES = 7


def realworld() -> tuple[list[tuple[str, str]], int]:
    """(text, kind) of each real-world file the checker reads, and how many policies they hold."""
    found = []
    policies = 0
    for path in sorted(REALWORLD.glob("[0-9]*")):
        text = path.read_text()
        kind = config_for(str(path)).kind_for(str(path)) or "auto"
        try:
            policies += len(read_inputs(text, path.name, kind).policies)
        except PolicyError:
            continue  # HCL and the three documents that are not valid JSON
        found.append((text, kind))
    return found, policies


def guide(corpus: Path) -> list[str]:
    """The distinct example policies of every revision of the guide."""
    texts: list[str] = []
    seen: set[str] = set()
    for path in sorted((corpus / "kms-devguide-github").glob("*/doc_source/*.md")):
        for example in examples(path.read_text(), path.stem):
            if example.error is None and example.text not in seen:
                seen.add(example.text)
                try:
                    check(example.text, account="111122223333")
                except PolicyError:
                    continue
                texts.append(example.text)
    return texts


def iam_policies(real: list[tuple[str, str]], examples_: list[str]) -> list[str]:
    """The IAM policies (policy files only) among both sets."""
    texts = [t for t, _ in real] + examples_
    found = []
    for text in texts:
        data = json.loads(text) if text.lstrip()[:1] in "{[" else None
        if isinstance(data, dict) and "Statement" in data and detect_kind(data) == "iam-policy":
            found.append(text)
    return found


def timed(work: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds of each piece of work over PASSES passes, taking turns."""
    times: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(PASSES):
        for name, run in work.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    corpus = corpus_or_exit()
    real, real_policies = realworld()
    examples_ = guide(corpus)
    iam = iam_policies(real, examples_)
    work: dict[str, Callable[[], object]] = {
        "realworld": lambda: [check(text, kind=kind) for text, kind in real],
        "guide": lambda: [check(text, account="111122223333") for text in examples_],
        "iam (ours)": lambda: [check(text, kind="iam-policy") for text in iam],
    }
    try:
        from parliament import analyze_policy_string
    except ImportError:
        analyze_policy_string = None
        print("parliament is not installed (pip install -e '.[bench]'): no comparison")
    if analyze_policy_string is not None:
        work["iam (parliament)"] = lambda: [analyze_policy_string(text) for text in iam]
    medians = timed(work)
    counts = {
        "realworld": real_policies,
        "guide": len(examples_),
        "iam (ours)": len(iam),
        "iam (parliament)": len(iam),
    }
    rates = {name: counts[name] / seconds for name, seconds in medians.items()}
    print(
        f"real-world set: {len(real)} files read, {real_policies} policies; guide: "
        f"{len(examples_)} example policies; {len(iam)} IAM policies among them"
    )
    for name, rate in rates.items():
        print(f"{name:18} {rate:10.0f} policies/s  (median of {PASSES} passes)")
    result: dict[str, object] = {name: round(rate) for name, rate in rates.items()}
    if "iam (parliament)" in rates:
        ratio = rates["iam (ours)"] / rates["iam (parliament)"]
        print(f"ours / parliament on the same IAM policies: {ratio:.2f}x")
        result["ours_over_parliament"] = round(ratio, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
