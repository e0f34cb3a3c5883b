"""The real-world regression set: what the checker reports on tests/realworld/ is exactly the
reviewed table (tests/realworld/expected.json), and every judged problem is accounted for."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kms_permissions.policy.run import FileResult, Options, check_file

REALWORLD = Path(__file__).parent / "realworld"
EXPECTED: dict[str, Any] = json.loads((REALWORLD / "expected.json").read_text())["files"]
JUDGED: dict[str, Any] = {
    entry["file"]: entry for entry in json.loads((REALWORLD / "judgements.json").read_text())
}
SOURCES = {entry["file"] for entry in json.loads((REALWORLD / "sources.json").read_text())}
FILES = sorted(p.name for p in REALWORLD.iterdir() if p.name[:2].isdigit())


def _result(name: str) -> FileResult:
    return check_file(str(REALWORLD / name), Options())


def _shape(result: FileResult) -> list[dict[str, Any]]:
    return [
        {
            "rule": f.rule_id,
            "severity": f.severity,
            "policy": f.policy,
            "statement": f.statement,
            "line": f.line,
            "column": f.column,
        }
        for f in result.findings
    ]


def test_every_file_is_in_the_table_and_the_sources() -> None:
    assert sorted(EXPECTED) == FILES
    assert set(FILES) == SOURCES


@pytest.mark.parametrize("name", FILES)
def test_findings_are_exactly_the_reviewed_ones(name: str) -> None:
    expected = EXPECTED[name]
    result = _result(name)
    if expected["error"] is None:
        assert result.error is None
    else:
        assert result.error == expected["error"]["message"]
    assert result.kind == expected["kind"]
    wanted = [{k: v for k, v in f.items() if k != "judgement"} for f in expected["findings"]]
    assert _shape(result) == wanted


def _references(name: str) -> Counter[tuple[str, int]]:
    """(judged file, problem) pairs the table says a finding or an error of `name` shows."""
    entry = EXPECTED[name]
    found: Counter[tuple[str, int]] = Counter()
    for finding in entry["findings"]:
        judgement = finding["judgement"]
        assert set(judgement) & {"problem", "review", "edit"}, (name, finding)
        if "problem" in judgement:
            found[(judgement.get("file", name), judgement["problem"])] += 1
    if entry["error"] is not None and "problem" in entry["error"]:
        found[(name, entry["error"]["problem"])] += 1
    return found


def test_every_judged_problem_is_found_or_a_listed_miss() -> None:
    shown: Counter[tuple[str, int]] = Counter()
    for name in FILES:
        shown += _references(name)
    for name, judged in JUDGED.items():
        misses = {m["problem"]: m for m in EXPECTED[name]["misses"]}
        for index, problem in enumerate(judged["problems"]):
            key = (name, index)
            miss = misses.get(index)
            if miss is not None and "found_in" in miss:
                assert _references(miss["found_in"])[key], (key, miss)
            elif miss is not None:
                assert miss["reason"] and not shown[key], (key, problem["what"])
            else:
                assert shown[key], (
                    f"{name} problem {index} ({problem['what']}) is not accounted for"
                )
    for (name, index), _ in shown.items():
        assert index < len(JUDGED[name]["problems"]), (name, index)


def test_no_unjudged_finding_at_warning_or_error_except_the_recorded_edits() -> None:
    for name in FILES:
        for finding in EXPECTED[name]["findings"]:
            if "review" in finding["judgement"]:
                assert finding["severity"] == "info", (name, finding)
            if "edit" in finding["judgement"]:
                assert "EDITED" in name, (name, finding)


def test_severity_disagreements_are_recorded() -> None:
    severities = {
        (name, i): p["severity"] for name, j in JUDGED.items() for i, p in enumerate(j["problems"])
    }
    for name in FILES:
        for finding in EXPECTED[name]["findings"]:
            judgement = finding["judgement"]
            if "problem" not in judgement:
                continue
            judged = severities[(judgement.get("file", name), judgement["problem"])]
            if judged != finding["severity"]:
                assert judgement.get("judged_severity") == judged, (name, finding)
                assert judgement.get("note"), (name, finding)
