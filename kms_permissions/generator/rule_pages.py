"""The site's pages for the policy checks: one page per rule and an index, written from the
rules themselves (their docstring, severity, AWS page and two example policies, with what the
checker actually says about the flagged one)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from kms_permissions.policy import check
from kms_permissions.policy.findings import MEANING, SEVERITIES
from kms_permissions.policy.registry import Rule, all_rules

KIND_NAMES = {
    "key-policy": "key policies",
    "iam-policy": "IAM policies",
    "vpc-endpoint-policy": "VPC endpoint policies",
}


# A local hook: it runs the installed command, so it names no repository or tag to fill in.
PRE_COMMIT = (
    "repos:",
    "  - repo: local",
    "    hooks:",
    "      - id: kms-permissions-check",
    "        name: kms-permissions check",
    "        entry: kms-permissions check --ignore-unrecognized",
    "        language: system",
    "        types_or: [json, yaml]",
)


def _json(example: Any) -> str:
    return example if isinstance(example, str) else json.dumps(example, indent=2)


def _kind(rule: Rule) -> str:
    return "auto" if rule.template else rule.kind


def _said(rule: Rule) -> list[str]:
    """What the checker reports for the rule's flagged example, each line linked to the line
    of the example (its first code block: pymdownx.highlight's anchor `__codelineno-0-N`)."""
    found = [f for f in check(_json(rule.bad), kind=_kind(rule)) if f.rule_id == rule.rule_id]
    return [f"- {_line_link(f.line)}: `{f.rule_id}` **{f.severity}**: {f.message}" for f in found]


def _line_link(line: int | None) -> str:
    return f"[line {line}](#__codelineno-0-{line})" if line else "the whole policy"


def _fix(rule: Rule) -> list[str]:
    """How to fix: the change that turns the flagged example into the passing one."""
    changed = difflib.unified_diff(
        _json(rule.bad).splitlines(),
        _json(rule.good).splitlines(),
        "flagged",
        "passes",
        lineterm="",
    )
    return [
        "## How to fix",
        "",
        "Make the change that turns the flagged example into the passing one below; line by line:",
        "",
        "```diff",
        *changed,
        "```",
        "",
    ]


def rule_page(rule: Rule) -> str:
    """The page of one rule."""
    example_kind = (
        "CloudFormation templates" if rule.template == "cloudformation" else KIND_NAMES[rule.kind]
    )
    lines = [
        f"# {rule.rule_id} {rule.name}",
        "",
        f"**{rule.summary}.** Severity **{rule.severity}**: {MEANING[rule.severity]}.",
        "",
        "## What it catches, and why",
        "",
        rule.doc,
        "",
        f"AWS documentation: <{rule.link}>",
        "",
        f"## Flagged ({example_kind})",
        "",
        '```json linenums="1"',
        _json(rule.bad),
        "```",
        "",
        "`kms-permissions check` says:",
        "",
        *_said(rule),
        "",
        *_fix(rule),
        "## Passes",
        "",
        '```json linenums="1"',
        _json(rule.good),
        "```",
        "",
        # The same words on every rule page: out of the search index (Material's attribute).
        "## Turning it off { data-search-exclude }",
        "",
        f'`kms-permissions check --ignore {rule.rule_id}`, or `ignore = ["{rule.rule_id}"]` in '
        "`[tool.kms-permissions.check]` of pyproject.toml; for one statement, "
        f'`per-sid-ignores = {{ "TheSid" = ["{rule.rule_id}"] }}` (see [the rules](index.md)).',
        "",
    ]
    return "\n".join(lines)


def index_page(rules: list[Rule]) -> str:
    """The list of rules, with how to run the checks and configure them."""
    severities = [f"- **{s}**: {MEANING[s]}" for s in SEVERITIES]
    table = [
        "| rule | name | severity | what it catches |",
        "| --- | --- | --- | --- |",
        *(
            f"| [{r.rule_id}]({r.rule_id}.md) | {r.name} | {r.severity} | {r.summary} |"
            for r in rules
        ),
    ]
    return "\n".join(
        [
            "# Policy checks",
            "",
            "`kms-permissions check FILE...` finds what makes KMS key policies, IAM policies and "
            "VPC endpoint policies wrong or ineffective, each finding resting on a fact of the "
            "dataset, a note of the guide or AWS's documented policy evaluation. It reads policy "
            "JSON (or YAML), CloudFormation templates in JSON or YAML (key policies, IAM "
            "policies, KMS VPC endpoint policies; intrinsic functions stay opaque) and "
            "Terraform plans (`terraform show -json`). Each finding is printed as "
            "`file:line:col: ID [severity] message`; `--json` and `--sarif` give the same as "
            "data. Exit status: 2 when a file cannot be read, 1 when a finding reaches "
            "`--fail-on` (default error), else 0.",
            "",
            "Severities:",
            "",
            *severities,
            "",
            "## Rules",
            "",
            *table,
            "",
            "## Configuration",
            "",
            "The nearest `pyproject.toml` with a `[tool.kms-permissions.check]` table, found by "
            "walking up from each file checked, applies to it; command-line options win:",
            "",
            "```toml",
            "[tool.kms-permissions.check]",
            'select = ["ALL"]                 # rule ids or prefixes (KMS04)',
            'ignore = ["KMS044"]',
            'fail-on = "warning"',
            'account = "111122223333"         # the account owning the keys',
            'per-file-kinds = { "endpoints/*.json" = "vpc-endpoint-policy" }',
            'per-file-ignores = { "legacy/*.json" = ["KMS090"] }',
            'per-sid-ignores = { "AllowCloudTrailEncrypt" = ["KMS044"] }',
            "```",
            "",
            "`per-sid-ignores` silences rules for the statements with that Sid, in every file the "
            "table applies to (a Sid cannot carry a marker itself: IAM allows only letters and "
            "digits in it). On the command line: `--select KMS04,KMS1 --ignore KMS044`.",
            "",
            "## pre-commit",
            "",
            "In the repository that holds your policies, with kms-permissions installed where "
            "pre-commit runs, `.pre-commit-config.yaml`:",
            "",
            "```yaml",
            *PRE_COMMIT,
            "```",
            "",
            "The hook checks JSON and YAML files and skips those that hold no policy "
            "(`--ignore-unrecognized`). The project's own `.pre-commit-hooks.yaml` defines the "
            "same hook for a `repo:` entry pointing at its repository.",
            "",
        ]
    )


def rule_pages() -> dict[str, str]:
    """{path under site/docs: markdown} for the rule pages."""
    rules = all_rules()
    pages = {f"rules/{rule.rule_id}.md": rule_page(rule) for rule in rules}
    pages["rules/index.md"] = index_page(rules)
    return pages
