"""required-permissions.md: permissions an operation needs only with some parameter, or in
some Region or account (the KMS API Reference's Required permissions)."""

from __future__ import annotations

from kms_permissions.generator.markdown import big_table, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.context import POLICY, Site
from kms_permissions.generator.site.sections import front_matter
from kms_permissions.model import RequiredPermission
from kms_permissions.names import natural_key

HERE = "required-permissions.md"


def all_required(site: Site) -> list[RequiredPermission]:
    """Every required permission of the API Reference, once, by operation and position."""
    found: dict[tuple[str, int], RequiredPermission] = {}
    for info in site.actions.values():
        for row in (*info.required_permissions, *info.required_by):
            found[(row.operation, row.position)] = row
    return [found[k] for k in sorted(found, key=lambda k: (natural_key(k[0]), k[1]))]


def pages(site: Site) -> dict[str, str]:
    """required-permissions.md."""
    rows = [r for r in all_required(site) if r.parameter or r.where]
    cells = []
    for row in rows:
        action = site.by_operation.get(row.operation)
        operation = (
            site.name_link(action, HERE, label=row.operation) if action else text(row.operation)
        )
        cells.append(
            [
                operation,
                site.name_link(row.permission, HERE),
                text(", ".join(POLICY[p] for p in row.policy_types) or "not said"),
                text(row.resource or "the operation's resource"),
                text(f"the {row.parameter} parameter" if row.parameter else "always"),
                text(row.where or "anywhere"),
                prose.inline(site, row.sentence, HERE),
            ]
        )
    header = [
        "Operation",
        "Permission",
        "Grant it in",
        "On",
        "Needed",
        "Where",
        "The API Reference's words",
    ]
    release = f", botocore {site.api_release}" if site.api_release else ""
    parts = [
        front_matter(),
        "# Permissions that depend on a parameter or a Region",
        "",
        "Some operations need more than their own permission: another one when a request "
        "parameter is used (CreateKey with Tags needs kms:TagResource), or permissions in "
        "another Region (ReplicateKey). Only the KMS API Reference says so in a form a tool can "
        f"read; these are its {len(rows)} such statements "
        f"(as of {text(site.newest('api'))}{text(release)}). `kms-permissions check` warns "
        "about a policy that allows the operation without them (rule KMS140).",
        "",
        big_table(header, cells),
        "",
    ]
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}
