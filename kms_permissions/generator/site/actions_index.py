"""actions/index.md: every action with where it can be granted and who lists it."""

from __future__ import annotations

from kms_permissions.generator.markdown import big_table, text
from kms_permissions.generator.site.context import POLICY, Site
from kms_permissions.generator.site.sections import front_matter

HERE = "actions/index.md"


def pages(site: Site) -> dict[str, str]:
    """actions/index.md."""
    rows = []
    for action in site.sorted_names(list(site.actions)):
        info = site.actions[action]
        rows.append(
            [
                site.name_link(action, HERE),
                text(", ".join(POLICY[p] for p in info.policy_types) or "not given"),
                text(info.cross_account or info.api_cross_account or "not given"),
                text(info.access_level or "not given"),
                text(str(len(info.condition_keys))),
                text(site.short_sources(info.as_of)),
            ]
        )
    header = ["Action", "Policy types", "Cross-account", "Access level", "Keys", "Listed by"]
    body = [
        front_matter(hide_toc=True),
        "# Actions",
        "",
        f"All {len(rows)} KMS permissions the guide, the SAR and the API Reference name; each "
        "page has what every source says of it. The [matrix](../matrix.md) shows their "
        "condition keys side by side.",
        "",
        site.as_of(),
        "",
        big_table(header, rows),
    ]
    return {HERE: "\n".join(body) + "\n"}
