"""topics/: a page per subject that spans several actions and condition keys (multi-Region keys,
aliases, tags, grants, key rotation), for the reader who comes with the subject rather than a
name. A page lists the actions and condition keys whose name or descriptions in the sources
name the subject, each with its description, and the permissions the API Reference requires
with those actions. It states its criterion (the words it looked for) and picks nothing by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kms_permissions.generator.markdown import code, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.action_pages import policy_types_text
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.required_permissions import all_required
from kms_permissions.generator.site.sections import front_matter
from kms_permissions.model import ActionInfo, ConditionKeyInfo

FOLDER = "topics"
# A name's words: kms:ReplicateKey -> "kms Replicate Key", so a subject in a name is found.
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[:/${}|-]+")


@dataclass(frozen=True)
class Topic:
    """A subject, its page and the words that name it in the sources."""

    page: str
    title: str
    words: str  # a regular expression, case-insensitive
    shown: str  # the words as the page says it looked for them
    intro: str


TOPICS = (
    Topic(
        "multi-region-keys.md",
        "Multi-Region keys",
        r"\bmulti[ -]?region\b",
        "multi-Region",
        "A multi-Region key is a set of KMS keys in several Regions with the same key material: "
        "a primary key and its replicas.",
    ),
    Topic(
        "aliases.md",
        "Aliases",
        r"\balias(?:es)?\b",
        "alias, aliases",
        "An alias is a friendly name for a KMS key; its permissions are on the alias, the key, "
        "or both.",
    ),
    Topic(
        "tags.md",
        "Tags",
        r"\btag(?:s|ging)?\b",
        "tag, tags, tagging",
        "Tags are key-value pairs on a KMS key; policies can allow actions by a key's tags or "
        "by the tags a request sets.",
    ),
    Topic(
        "grants.md",
        "Grants",
        r"\bgrants?\b",
        "grant, grants",
        "A grant gives a principal operations on one KMS key, beside the key policy.",
    ),
    Topic(
        "key-rotation.md",
        "Key rotation",
        r"\brotat(?:e|es|ion|ions)\b",
        "rotate, rotation",
        "Rotation gives a KMS key new key material, automatically or on demand.",
    ),
)


def _named(pattern: re.Pattern[str], name: str, *descriptions: str | None) -> bool:
    words = _WORDS.sub(" ", name)
    return any(pattern.search(value) for value in (words, *descriptions) if value)


def actions_of(site: Site, topic: Topic) -> list[str]:
    """The actions whose name or descriptions name the topic, in natural order."""
    pattern = re.compile(topic.words, re.IGNORECASE)
    found = [
        name
        for name, info in site.actions.items()
        if _named(pattern, name, info.description, info.api_description)
    ]
    return site.sorted_names(found)


def keys_of(site: Site, topic: Topic) -> list[str]:
    """The condition keys whose name or descriptions name the topic, in natural order."""
    pattern = re.compile(topic.words, re.IGNORECASE)
    found = [
        name
        for name, info in site.keys.items()
        if _named(
            pattern,
            name,
            info.description,
            info.guide_description,
            info.sar_description,
            info.api_description,
        )
    ]
    return site.sorted_names(found)


def pages(site: Site) -> dict[str, str]:
    """topics/index.md and topics/<page>.md for each topic."""
    out = {f"{FOLDER}/index.md": _index(site)}
    out.update({f"{FOLDER}/{topic.page}": _page(site, topic) for topic in TOPICS})
    return out


def _index(site: Site) -> str:
    here = f"{FOLDER}/index.md"
    parts = [
        front_matter(),
        "# Topics",
        "",
        text(
            "The actions and condition keys of a subject, for a reader who comes with the "
            "subject rather than a name."
        ),
        "",
    ]
    for topic in TOPICS:
        parts.append(
            f"- {site.link(text(topic.title), f'{FOLDER}/{topic.page}', here)}: {text(topic.intro)}"
        )
    return "\n".join(parts) + "\n"


def _page(site: Site, topic: Topic) -> str:
    here = f"{FOLDER}/{topic.page}"
    actions = actions_of(site, topic)
    keys = keys_of(site, topic)
    parts = [
        front_matter(),
        f"# {text(topic.title)}",
        "",
        text(topic.intro),
        "",
        text(
            f"The {len(actions)} actions and {len(keys)} condition keys whose name or "
            f"descriptions in the sources say {topic.shown}, each with the source's words; "
            "their pages have the rest."
        ),
        "",
        site.as_of(),
        "",
        "## Actions",
        "",
    ]
    if actions:
        parts += ["| Action | What it controls | Grant it in |", "| --- | --- | --- |"]
        parts += [_action_row(site, site.actions[a], here) for a in actions]
    else:
        parts.append(text("None."))
    parts += ["", "## Condition keys", ""]
    if keys:
        parts += ["| Condition key | What it does |", "| --- | --- |"]
        parts += [_key_row(site, site.keys[k], here) for k in keys]
    else:
        parts.append(text("None."))
    own = {op: a for op, a in site.by_operation.items() if a in actions}
    rows = all_required(site)
    extra = [r for r in rows if r.operation in own and own[r.operation] != r.permission]
    if extra:
        parts += [
            "",
            "## Permissions they need besides their own",
            "",
            text("What the API Reference's Required permissions say of these actions:"),
            "",
        ]
        for row in extra:
            parts.append(f"- {code(row.operation)}: {prose.inline(site, row.sentence, here)}")
    return "\n".join(parts).rstrip("\n") + "\n"


def _action_row(site: Site, info: ActionInfo[str], here: str) -> str:
    said = prose.inline(site, info.description or info.api_description, here)
    return f"| {site.name_link(info.action, here)} | {said} | {policy_types_text(site, info)} |"


def _key_row(site: Site, info: ConditionKeyInfo[str], here: str) -> str:
    said = info.description or info.guide_description or info.sar_description
    return f"| {site.name_link(info.condition_key, here)} | {prose.inline(site, said, here)} |"
