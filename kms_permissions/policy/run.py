"""The `check` verb: read files, check each, print a report, choose the exit status."""

from __future__ import annotations

import json
import sys

from kms_permissions.policy.check import check, detect_kind
from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.findings import Finding, at_least
from kms_permissions.policy.sarif import sarif
from kms_permissions.query import UsageError


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"{name}: {exc.strerror}") from None


def run_check(
    files: list[str],
    kind: str,
    account: str | None,
    as_json: bool,
    as_sarif: bool,
    fail_on: str,
    dataset: str | None,
) -> int:
    """Check every file; exit 1 if any finding reaches `fail_on`, 2 if a file is no policy."""
    results: list[tuple[str, str, list[Finding]]] = []
    for name in files:
        text = _read(name)
        try:
            findings = check(text, kind, account, dataset)
            resolved = kind if kind != "auto" else detect_kind(json.loads(text))
        except PolicyError as exc:
            print(f"kms-permissions check: {name}: {exc}", file=sys.stderr)
            return 2
        results.append((name, resolved, findings))
    if as_sarif:
        print(json.dumps(sarif(results), indent=1, ensure_ascii=False))
    elif as_json:
        print(
            json.dumps(
                {
                    "format": "kms-permissions-check/1",
                    "files": [
                        {"file": n, "kind": k, "findings": [f.to_json() for f in fs]}
                        for n, k, fs in results
                    ],
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    else:
        for name, resolved, findings in results:
            print(f"{name} ({resolved}): {len(findings)} finding(s)")
            for f in findings:
                where = (
                    f"statement {f.statement}" + (f" ({f.sid})" if f.sid else "")
                    if f.statement is not None
                    else "document"
                )
                print(
                    f"  {f.severity:7} {f.rule_id} {where} {f.path}\n"
                    f"          {f.message}\n          basis: {f.basis}"
                )
    failing = any(at_least(f.severity, fail_on) for _, _, fs in results for f in fs)
    return 1 if failing else 0
