"""The rule pages of the site: numbered examples, the lines findings cite, how to fix."""

from __future__ import annotations

import re

import yaml

from kms_permissions.generator.rule_pages import PRE_COMMIT, rule_pages
from kms_permissions.policy.registry import all_rules

from .conftest import ROOT

PAGES = rule_pages()
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? ")
FINDING_LINE = re.compile(r"^- \[line (\d+)\]\(#__codelineno-0-(\d+)\): `(KMS\d+)`", re.M)


def _blocks(page: str) -> list[tuple[str, list[str]]]:
    """The fenced blocks of a page: (info string, lines)."""
    return [
        (info, body.split("\n"))
        for info, body in re.findall(r"^```([^\n]*)\n(.*?)\n```$", page, re.M | re.S)
    ]


def test_every_rule_page_numbers_its_examples_and_links_the_lines_it_cites() -> None:
    for rule in all_rules():
        page = PAGES[f"rules/{rule.rule_id}.md"]
        blocks = _blocks(page)
        flagged, fix, passes = blocks[0], blocks[1], blocks[2]
        assert flagged[0] == passes[0] == 'json linenums="1"', rule.rule_id
        cited = FINDING_LINE.findall(page)
        assert cited, rule.rule_id
        for line, anchor, rule_id in cited:
            assert line == anchor and rule_id == rule.rule_id
            assert 1 <= int(line) <= len(flagged[1])
        assert fix[0] == "diff"


def test_how_to_fix_turns_the_flagged_example_into_the_passing_one() -> None:
    for rule in all_rules():
        page = PAGES[f"rules/{rule.rule_id}.md"]
        assert "\n## How to fix\n" in page
        flagged, fix, passes = _blocks(page)[:3]
        # Replay the diff's hunks on the flagged example.
        out: list[str] = []
        at = 0
        for line in fix[1][2:]:
            hunk = HUNK.match(line)
            if hunk:
                start = int(hunk[1]) - (hunk[2] != "0")
                out += flagged[1][at:start]
                at = start
            elif line.startswith("+"):
                out.append(line[1:])
            else:
                assert flagged[1][at] == line[1:], rule.rule_id
                if line.startswith(" "):
                    out.append(line[1:])
                at += 1
        out += flagged[1][at:]
        assert out == passes[1], rule.rule_id


def test_the_rules_list_shows_no_placeholder() -> None:
    index = PAGES["rules/index.md"]
    for placeholder in ("OWNER", "TAG", "<this repository>", "<a tag>"):
        assert placeholder not in index


def test_the_pre_commit_example_runs_the_projects_hook() -> None:
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = yaml.safe_load("\n".join(PRE_COMMIT))["repos"][0]
    assert local["repo"] == "local"
    (shown,) = local["hooks"]
    assert shown["id"] == hook["id"]
    assert shown["entry"] == hook["entry"]
    assert shown["types_or"] == hook["types_or"]
