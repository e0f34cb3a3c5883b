"""SARIF 2.1.0 output, as GitHub code scanning reads it."""

from __future__ import annotations

from typing import Any

from kms_permissions._version import __version__
from kms_permissions.policy.findings import Finding
from kms_permissions.policy.rules import RULES

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(results: list[tuple[str, str, list[Finding]]]) -> dict[str, Any]:
    """A SARIF log with one run; `results` holds (file uri, kind, findings) per file."""
    rules = [
        {
            "id": rule.rule_id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "helpUri": "https://docs.aws.amazon.com/kms/latest/developerguide/"
            "kms-api-permissions-reference.html",
        }
        for rule in RULES
    ]
    index = {rule.rule_id: number for number, rule in enumerate(RULES)}
    out = []
    for uri, kind, findings in results:
        for finding in findings:
            out.append(
                {
                    "ruleId": finding.rule_id,
                    "ruleIndex": index[finding.rule_id],
                    "level": LEVELS[finding.severity],
                    "message": {"text": f"{finding.message} [{finding.basis}]"},
                    "locations": [
                        {
                            "physicalLocation": {"artifactLocation": {"uri": uri}},
                            "logicalLocations": [
                                {"fullyQualifiedName": finding.path, "kind": "member"}
                            ],
                        }
                    ],
                    "properties": {
                        "policyKind": kind,
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
                        "informationUri": "https://pypi.org/project/kms-permissions/",
                        "rules": rules,
                    }
                },
                "results": out,
            }
        ],
    }
