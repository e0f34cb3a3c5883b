"""Condition keys by the guide's groups (the labels the permissions reference lists them under).

The permissions reference lists each action's keys under labels such as "Encryption context
conditions"; a key takes the label it is listed under most often (ties: the label met first).
Keys it never labels are grouped by the guide page that describes them, else by the SAR.
"""

from __future__ import annotations

from collections import Counter

from kms_permissions.display import family
from kms_permissions.generator.site.context import Site
from kms_permissions.names import natural_key

# Keys the permissions reference does not label, by the guide page describing them.
SECTION_GROUPS = {
    "conditions-aws": "AWS global condition keys",
    "conditions-nitro-enclaves": "Conditions for AWS Nitro Enclaves",
    "conditions-kms": "Other conditions",
}
SAR_ONLY = "Listed by the SAR only"
UNGROUPED = "Not grouped by the guide"


def key_groups(site: Site) -> dict[str, list[str]]:
    """Group label -> its keys (natural order), groups in the permissions reference's order."""
    counts: dict[str, Counter[str]] = {}
    order: list[str] = []
    for action in site.actions.values():
        for grant in action.grants:
            for group in grant.condition_keys:
                if group.label is None:
                    continue
                if group.label not in order:
                    order.append(group.label)
                for key in group.keys:
                    counts.setdefault(key, Counter())[group.label] += 1
    groups: dict[str, list[str]] = {label: [] for label in order}
    for key, info in site.keys.items():
        if key in counts:
            ranked = sorted(counts[key].items(), key=lambda item: (-item[1], order.index(item[0])))
            label = ranked[0][0]
        elif info.section in SECTION_GROUPS:
            label = SECTION_GROUPS[info.section]
        elif info.in_sar and not info.in_guide:
            label = SAR_ONLY
        else:
            label = UNGROUPED
        groups.setdefault(label, []).append(key)
    return {label: sorted(keys, key=natural_key) for label, keys in groups.items() if keys}


def group_of(site: Site) -> dict[str, str]:
    """Condition key -> its group label."""
    return {key: label for label, keys in key_groups(site).items() for key in keys}


def folded_columns(keys: list[str]) -> dict[str, list[str]]:
    """Keys folded into columns: a numbered family (PCR0 ... PCR31) is one column."""
    columns: dict[str, list[str]] = {}
    for key in keys:
        columns.setdefault(family(key), []).append(key)
    return columns
