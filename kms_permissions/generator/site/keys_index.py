"""condition-keys/index.md: every condition key, by the guide's groups."""

from __future__ import annotations

from kms_permissions.display import family
from kms_permissions.generator.markdown import table, text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.groups import key_groups
from kms_permissions.generator.site.keylists import folded_names
from kms_permissions.generator.site.sections import front_matter

HERE = "condition-keys/index.md"
HEADER = [
    "Key",
    "Type (guide)",
    "Values (guide)",
    "Type (SAR)",
    "Deprecated",
    "Actions",
    "Listed by",
]


def pages(site: Site) -> dict[str, str]:
    """condition-keys/index.md."""
    groups = key_groups(site)
    parts = [
        front_matter(hide_toc=True),
        "# Condition keys",
        "",
        f"All {len(site.keys)} condition keys the KMS references name, under the group the "
        "guide's permissions reference lists each under (keys it does not list are grouped by "
        "the guide page that describes them, or as the SAR's). Numbered keys (PCR0 ... PCR31) "
        "are one row.",
        "",
        site.as_of(),
        "",
    ]
    for label, keys in groups.items():
        parts += [f"## {text(label)}", "", table(HEADER, _rows(site, keys)), ""]
    return {HERE: "\n".join(parts).rstrip("\n") + "\n"}


def _rows(site: Site, keys: list[str]) -> list[list[str]]:
    runs: dict[str, list[str]] = {}
    for key in keys:
        runs.setdefault(family(key), []).append(key)
    rows = []
    for members in runs.values():
        parts = [members] if len(members) >= 3 else [[m] for m in members]
        for part in parts:
            info = site.keys[part[0]]
            (name,) = folded_names(site, part, HERE)
            rows.append(
                [
                    name,
                    text(info.condition_type or "not given"),
                    text(info.value_type or "not given"),
                    text(info.sar_type or "not in the SAR"),
                    text("deprecated" if info.deprecated else "no"),
                    text(str(len(info.actions))),
                    text(site.short_sources(info.as_of)),
                ]
            )
    return rows
