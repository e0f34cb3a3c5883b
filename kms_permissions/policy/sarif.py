"""SARIF 2.1.0 output, as GitHub code scanning reads it: rules with markdown help, a
`security-severity` and tags; a region per finding in a file named relative to `%SRCROOT%`
(the working directory); a `partialFingerprints` entry that stays the same when lines move;
and a notification per file that could not be read."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kms_permissions._version import __version__
from kms_permissions.files import real_path
from kms_permissions.policy.findings import Finding
from kms_permissions.policy.registry import Rule, all_rules

if TYPE_CHECKING:
    from kms_permissions.policy.run import FileResult

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SITE_RULES = "https://pypi.org/project/kms-permissions/"
ROOT = "%SRCROOT%"
# GitHub ranks alerts by security-severity: over 7 high, 4 to 7 medium, under 4 low.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
FINGERPRINT = "kmsPermissions/v1"
_STATEMENT = re.compile(r"^\$\.Statement\[\d+\]|^\$\[\d+\]")


def uri_reference(name: str) -> str:
    """A file name as SARIF's `artifactLocation.uri` wants it, a URI reference: every byte
    that may not stand in a URI path percent-encoded (a space, non-ASCII letters), `/` kept.
    An undecodable name (surrogate escapes) gives the bytes the file system holds."""
    try:
        return quote(name, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no file system name decodes to
        return quote(name, safe="/", errors="backslashreplace")


def artifact(name: str) -> dict[str, Any]:
    """A file as a SARIF artifact location: relative to %SRCROOT% (the working directory)
    when it is under it, else an absolute `file:` URI."""
    if name == "-":
        return {"uri": "-"}
    path = Path(name)
    try:
        relative = real_path(path).relative_to(real_path(Path.cwd()))
    except (OSError, ValueError):
        return {"uri": "file://" + uri_reference(str(path.absolute()))}
    return {"uri": uri_reference(relative.as_posix()), "uriBaseId": ROOT}


def _location(uri: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact(uri)}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column or 1}
    return {"physicalLocation": physical}


def _help(rule: Rule) -> str:
    """A rule's help as markdown: what it catches, how to fix it, the page it rests on."""
    bad = json.dumps(rule.bad, indent=1)
    good = json.dumps(rule.good, indent=1)
    return (
        f"**{rule.rule_id} {rule.name}** ({rule.severity}): {rule.summary}.\n\n{rule.doc}\n\n"
        "The finding's message says how to fix it.\n\n"
        f"Flagged:\n\n```json\n{bad}\n```\n\nPasses:\n\n```json\n{good}\n```\n\n"
        f"AWS documentation: [{rule.link}]({rule.link})"
    )


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.rule_id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.replace("\n", " ")},
        "help": {
            "text": f"{rule.summary}. {' '.join(rule.doc.split())} See {rule.link}",
            "markdown": _help(rule),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "helpUri": rule.link,
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high" if rule.severity == "error" else "medium",
            "tags": ["security", "aws", "kms", rule.kind, rule.severity],
        },
    }


def fingerprint(uri: str, finding: Finding) -> str:
    """What identifies a finding across commits: file, policy, statement (by Sid when it has
    one, so that adding a statement above keeps it), rule and place in the statement, never
    its line."""
    path = finding.path
    if finding.sid is not None:
        sid = finding.sid
        path = _STATEMENT.sub(lambda _: f"Sid={sid}", path)
    key = "\x00".join((uri, finding.policy or "", finding.rule_id, path))
    return hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()[:32]


def sarif(results: list[FileResult]) -> dict[str, Any]:
    """A SARIF log with one run over every file checked."""
    rules = all_rules()
    index = {rule.rule_id: number for number, rule in enumerate(rules)}
    descriptors = [_descriptor(rule) for rule in rules]
    out = []
    notifications = []
    for result in results:
        if result.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": result.error},
                    "locations": [_location(result.name, None, None)],
                }
            )
        for finding in result.findings:
            location = _location(result.name, finding.line, finding.column)
            location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "member"}]
            inside = f"{finding.policy}: " if finding.policy else ""
            out.append(
                {
                    "partialFingerprints": {
                        FINGERPRINT: fingerprint(
                            location["physicalLocation"]["artifactLocation"]["uri"], finding
                        )
                    },
                    "ruleId": finding.rule_id,
                    "ruleIndex": index[finding.rule_id],
                    "level": LEVELS[finding.severity],
                    "message": {"text": f"{inside}{finding.message} [{finding.basis}]"},
                    "locations": [location],
                    "properties": {
                        "policyKind": next(
                            (c.kind for c in result.checked if c.label == finding.policy),
                            result.kind,
                        ),
                        "policy": finding.policy,
                        "statement": finding.statement,
                        "sid": finding.sid,
                        "basis": finding.basis,
                        **({"link": finding.link} if finding.link else {}),
                    },
                }
            )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kms-permissions",
                        "version": __version__,
                        "informationUri": SITE_RULES,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {
                    ROOT: {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}
                },
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
