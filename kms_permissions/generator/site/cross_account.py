"""cross-account.md: which permissions principals in another account can use."""

from __future__ import annotations

from kms_permissions.generator.markdown import text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import front_matter

HERE = "cross-account.md"
TITLES = {
    "yes": "Usable cross-account",
    "no": "Own account only",
    "n/a": "Not applicable",
    "other": "Other (see the note)",
    "mixed": "Differs by resource",
    "contradictory": "The guide says both",
    "not in the guide": "Not in the permissions reference",
}


def pages(site: Site) -> dict[str, str]:
    """cross-account.md."""
    by_value: dict[str, list[str]] = {}
    for action in site.sorted_names(list(site.actions)):
        value: str = site.actions[action].cross_account or "not in the guide"
        by_value.setdefault(value, []).append(action)
    parts = [
        front_matter(),
        "# Usable cross-account",
        "",
        "Granting another account a permission that cannot be used cross-account has no "
        "effect: the key policy must allow the other account and that account's IAM policy "
        "its principal, and only for these permissions. From the guide's permissions "
        "reference, with the API Reference's statement where the guide is silent or unclear; "
        "[How KMS decides](access/cross-account.md) shows the rule at work.",
        "",
        site.as_of(),
        "",
    ]
    for value, title in TITLES.items():
        actions = by_value.get(value)
        if not actions:
            continue
        parts += [f"## {title}", ""]
        for action in actions:
            info = site.actions[action]
            extra = ""
            if value in ("other", "contradictory", "mixed"):
                extra = f": {prose.inline(site, info.cross_account_text, HERE)}"
            elif value == "not in the guide" and info.api_cross_account_text:
                said = prose.inline(site, info.api_cross_account_text, HERE)
                extra = f": {text('the API Reference says')} {said}"
            parts.append(f"- {site.name_link(action, HERE)}{extra}")
        parts.append("")
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}
