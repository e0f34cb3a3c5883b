"""The `check` verb: read each file, check every policy in it, report, choose the exit status.

Every file gets its findings or one line saying why it could not be read; the exit status is
the worst of all files: 2 when a file could not be read (or is not a policy), 1 when a
finding reaches the file's `fail-on` severity, 0 otherwise.
"""

from __future__ import annotations

import json
import sys

from kms_permissions.display import printable
from kms_permissions.extras import MissingExtra
from kms_permissions.policy.account import valid_account
from kms_permissions.policy.checker import KINDS, Checked, check_policy, knowledge
from kms_permissions.policy.config import config_for
from kms_permissions.policy.document import NotAPolicy, PolicyError
from kms_permissions.policy.findings import SEVERITIES, Finding, at_least
from kms_permissions.policy.inputs import read_inputs
from kms_permissions.policy.reading import decode, read_bytes, safe
from kms_permissions.policy.selection import Selection

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from typing import TextIO
else:
    from kms_permissions._slotted import dataclass, field

FORMAT = "kms-permissions-check/1"


@dataclass
class Options:
    """The verb's options as given on the command line (None: from the configuration)."""

    kind: str | None = None
    account: str | None = None
    fail_on: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    dataset: str | None = None
    ignore_unrecognized: bool = False


@dataclass
class FileResult:
    """One file: its format, the policies checked in it, or the error that stopped it."""

    name: str
    format: str | None = None
    checked: list[Checked] = field(default_factory=list)
    error: str | None = None
    fail_on: str = "error"
    skipped: bool = False

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the file, in file order."""
        found = [f for c in self.checked for f in c.findings]
        return sorted(found, key=lambda f: (f.line or 0, f.column or 0, f.rule_id, f.path))

    @property
    def kind(self) -> str | None:
        """The policy kind for a policy file, the format for a template or plan."""
        if self.format == "policy" and self.checked:
            return self.checked[0].kind
        return self.format

    @property
    def failing(self) -> bool:
        """Whether a finding reaches the file's fail-on severity."""
        return any(at_least(f.severity, self.fail_on) for f in self.findings)


def _split(values: list[str]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


def _settings(name: str, options: Options) -> tuple[str, str, str | None, str, Selection]:
    """(kind, what gave it, account, fail-on, selection) for a file: the command line's
    options over its configuration. Raises PolicyError for a bad setting."""
    config = config_for(name)
    kind, kind_from = "auto", ""
    if options.kind:
        kind, kind_from = options.kind, "--kind"
    elif config.kind_for(name):
        kind, kind_from = str(config.kind_for(name)), f"{config.path}: per-file-kinds or kind"
    if kind not in KINDS:
        raise PolicyError(f"{config.path}: kind {kind!r} is not one of {', '.join(KINDS)}")
    # Both validated already: --account before any file, the setting with its table.
    account = options.account or config.value("account")
    fail_on = options.fail_on or config.value("fail-on") or "error"
    try:
        selection = Selection.of(
            _split(options.select) or config.value("select"),
            _split(options.ignore) + config.ignores_for(name),
            config.value("per-sid-ignores"),
        )
    except PolicyError as exc:  # the command line's ids are checked before: the table's
        raise PolicyError(f"{config.path}: [tool.kms-permissions.check] {exc}") from None
    return kind, kind_from, account, fail_on, selection


def check_file(name: str, options: Options) -> FileResult:
    """Check one file; any reason it cannot be checked becomes the result's error."""
    result = FileResult(name)
    try:
        kind, kind_from, account, result.fail_on, selection = _settings(name, options)
        inputs = read_inputs(decode(read_bytes(name)), name, kind, kind_from)
        result.format = inputs.format
        facts = knowledge(options.dataset)
        template = None if inputs.format == "policy" else inputs.format
        path = name if template is None else ""
        for policy in inputs.policies:
            result.checked.append(check_policy(policy, account, facts, template, selection, path))
    except MissingExtra as exc:
        # One file needing what is not installed: the others' findings still count.
        result.error = str(exc)
    except PolicyError as exc:
        # Not a policy at all: skipped on request. A template's or plan's policy that is not
        # one is an error of the template (format set), whatever the option.
        unrecognized = isinstance(exc, NotAPolicy) and result.format in (None, "policy")
        if options.ignore_unrecognized and unrecognized:
            result.skipped = True
        else:
            result.error = safe(str(exc))
    return result


def _where(name: str, finding: Finding) -> str:
    if finding.line is None:
        return name
    return f"{name}:{finding.line}:{finding.column}"


def text_report(results: list[FileResult], out: TextIO, show_basis: bool) -> None:
    """`file:line:col: ID [severity] message` per finding, then a summary line."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
            inside = f"{finding.policy}: " if finding.policy else ""
            line = (
                f"{safe(_where(result.name, finding))}: {finding.rule_id} [{finding.severity}] "
                f"{inside}{finding.message}"
            )
            out.write(printable(line) + "\n")  # a file or resource name may hold controls
            if show_basis:
                out.write(f"    basis: {finding.basis}\n")
    total = sum(counts.values())
    read = sum(1 for r in results if r.error is None and not r.skipped)
    unread = sum(1 for r in results if r.error is not None)
    parts = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    summary = f"{total} finding{'s' if total != 1 else ''}" + (f" ({parts})" if parts else "")
    summary += f" in {read} file{'s' if read != 1 else ''}"
    if unread:
        summary += f"; {unread} file{'s' if unread != 1 else ''} not read"
    out.write(summary + ".\n")


def _escape(text: str, in_property: bool = False) -> str:
    """A value as GitHub's workflow commands take it (`%`, CR, LF; `:` and `,` in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def github_report(results: list[FileResult], out: TextIO) -> None:
    """One GitHub Actions workflow command per finding (`::error file=...,line=...::...`), and
    one `::error` per file that could not be read: annotations on the pull request."""
    for result in results:
        name = _escape(safe(result.name), True)
        if result.error is not None:
            out.write(f"::error file={name},title=kms-permissions::{_escape(result.error)}\n")
        for finding in result.findings:
            where = f"file={name}"
            if finding.line is not None:
                where += f",line={finding.line},col={finding.column or 1}"
            title = _escape(f"{finding.rule_id} {finding.rule}", True)
            inside = f"{finding.policy}: " if finding.policy else ""
            message = _escape(f"{inside}{finding.message} ({finding.link or ''})")
            out.write(f"::{GITHUB_LEVELS[finding.severity]} {where},title={title}::{message}\n")


def json_report(results: list[FileResult]) -> dict[str, object]:
    """The `kms-permissions-check/1` document."""
    return {
        "format": FORMAT,
        "files": [
            {
                "file": safe(r.name),
                "kind": r.kind,
                "format": r.format,
                "error": r.error,
                "policies": [
                    {"policy": c.label, "kind": c.kind, "kind_from": c.kind_from} for c in r.checked
                ],
                "findings": [f.to_json() for f in r.findings],
            }
            for r in results
            if not r.skipped
        ],
    }


def _write_json(document: object) -> None:
    """Write a JSON document to standard output in chunks rather than as one string: a report
    of many findings is not held twice, as objects and as its whole text."""
    json.dump(document, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


def run_check(
    files: list[str],
    options: Options,
    as_json: bool = False,
    as_sarif: bool = False,
    show_basis: bool = False,
    as_github: bool = False,
) -> int:
    """Check every file and report; returns the exit status (2, 1 or 0, the worst)."""
    # Usage errors before any file is read: an unknown rule id, a malformed account.
    for name in _split(options.select) + _split(options.ignore):
        Selection.of([name])
    valid_account(options.account, "--account")
    # A bad setting is reported once, before any file is read, not once per file under it.
    for name in files:
        _settings(name, options)
    results = [check_file(name, options) for name in files]
    for result in results:
        if result.error is not None:
            line = f"kms-permissions check: {safe(result.name)}: {result.error}"
            print(printable(line), file=sys.stderr)
    if as_sarif:
        from kms_permissions.policy.sarif import sarif

        _write_json(sarif(results))
    elif as_json:
        _write_json(json_report(results))
    elif as_github:
        github_report(results, sys.stdout)
    else:
        text_report(results, sys.stdout, show_basis)
    if any(r.error is not None for r in results):
        return 2
    return 1 if any(r.failing for r in results) else 0
