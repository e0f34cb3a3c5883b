"""SARIF 2.1.0 output, as GitHub code scanning reads it: a region per finding, and a
notification per file that could not be read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kms_permissions._version import __version__
from kms_permissions.policy.registry import all_rules

if TYPE_CHECKING:
    from kms_permissions.policy.run import FileResult

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SITE_RULES = "https://pypi.org/project/kms-permissions/"


def uri_reference(name: str) -> str:
    """A file name as SARIF's `artifactLocation.uri` wants it, a URI reference: every byte
    that may not stand in a URI path percent-encoded (a space, non-ASCII letters), `/` kept.
    An undecodable name (surrogate escapes) gives the bytes the file system holds."""
    try:
        return quote(name, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no file system name decodes to
        return quote(name, safe="/", errors="backslashreplace")


def _location(uri: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri_reference(uri)}}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column or 1}
    return {"physicalLocation": physical}


def sarif(results: list[FileResult]) -> dict[str, Any]:
    """A SARIF log with one run over every file checked."""
    rules = all_rules()
    index = {rule.rule_id: number for number, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.rule_id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.replace("\n", " ")},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "helpUri": rule.link,
        }
        for rule in rules
    ]
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
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
