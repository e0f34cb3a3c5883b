"""policy-types.md: which permissions a key policy can grant, and which only an IAM policy."""

from __future__ import annotations

from kms_permissions.generator.markdown import text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import front_matter

HERE = "policy-types.md"


def pages(site: Site) -> dict[str, str]:
    """policy-types.md."""
    names = site.sorted_names(list(site.actions))
    info = site.actions
    groups = {
        "IAM policy only": [a for a in names if info[a].policy_types == ("iam-policy",)],
        "Key policy (and IAM policies where the key policy allows them)": [
            a for a in names if info[a].policy_types == ("key-policy",)
        ],
        "Both, on different resources": [a for a in names if len(info[a].policy_types) == 2],
        "Not effective in a key policy": [
            a for a in names if info[a].key_policy_effective is False and info[a].policy_types
        ],
        "Not in the permissions reference": [a for a in names if not info[a].in_guide],
    }
    parts = [
        front_matter(),
        "# Key policy or IAM policy",
        "",
        "Where each permission can be granted, as the guide's permissions reference says (for "
        "an action it does not list yet, the API Reference). "
        "[How KMS decides](access/index.md) shows the rules at work.",
        "",
        site.as_of(),
        "",
    ]
    for title, actions in groups.items():
        parts += [f"## {title}", ""]
        parts += [f"- {site.name_link(a, HERE)}{_where(site, a)}" for a in actions] or ["None."]
        parts.append("")
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}


def _where(site: Site, action: str) -> str:
    info = site.actions[action]
    if not info.in_guide and info.policy_types_source == "api":
        return text(": the API Reference says " + ", ".join(info.policy_types))
    return ""
