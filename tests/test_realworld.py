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


def _shown() -> set[tuple[str, int]]:
    """Every (judged file, problem) that some file's finding or error shows."""
    shown: set[tuple[str, int]] = set()
    for name in FILES:
        shown |= set(_references(name))
    return shown


def _recall(first: int = 0) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """Judged problems shown, of all judged problems, in total and per judged severity
    (of the files numbered `first` or above)."""
    shown = _shown()
    per: dict[str, list[int]] = {s: [0, 0] for s in ("error", "warning", "info")}
    for name, judged in JUDGED.items():
        if int(name.split("-", 1)[0]) < first:
            continue
        for index, problem in enumerate(judged["problems"]):
            per[problem["severity"]][1] += 1
            per[problem["severity"]][0] += (name, index) in shown
    hits = sum(h for h, _ in per.values())
    total = sum(t for _, t in per.values())
    return hits, total, {s: (h, t) for s, (h, t) in per.items()}


def _precision() -> dict[str, tuple[int, int]]:
    """Per rule family (KMS04x): findings the table maps to a judged problem, a review or the
    recorded edit, of all its findings (the other tests hold that there are no others)."""
    per: dict[str, list[int]] = {}
    for name in FILES:
        for finding in EXPECTED[name]["findings"]:
            counts = per.setdefault(finding["rule"][:5] + "x", [0, 0])
            counts[1] += 1
            counts[0] += bool({"problem", "review", "edit"} & set(finding["judgement"]))
    return {family: (right, all_) for family, (right, all_) in sorted(per.items())}


def _summary(first_new: int) -> list[str]:
    """The README's statements of the numbers, as this table gives them."""

    def severities(per: dict[str, tuple[int, int]]) -> str:
        said = {"error": "errors", "warning": "warnings", "info": "advice"}
        return ", ".join(f"{said[s]} {h}/{t}" for s, (h, t) in per.items())

    hits, total, per = _recall()
    new_hits, new_total, new_per = _recall(first_new)
    families = ", ".join(f"{f} {r}/{a}" for f, (r, a) in _precision().items())
    return [
        f"On the {len(FILES)} files of `tests/realworld/`",
        f"reports {hits} of the {total} judged problems (recall {round(100 * hits / total)}%: "
        f"{severities(per)};",
        f"{new_hits}/{new_total}: {severities(new_per)})",
        f"every rule family that fires there: {families};",
    ]


# The files of the last round of additions, which the README gives apart.
FIRST_NEW = 137


def test_the_readme_states_the_tables_numbers() -> None:
    readme = " ".join((REALWORLD.parents[1] / "README.md").read_text().split())
    for statement in _summary(FIRST_NEW):
        assert statement in readme, statement


if __name__ == "__main__":
    print("\n".join(_summary(FIRST_NEW)))
