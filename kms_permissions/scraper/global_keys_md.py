"""Parser for the guide's AWS global condition key guidance (conditions-aws, or the
`conditions-aws` part of the older policy-conditions page)."""

from __future__ import annotations

import re

from kms_permissions.errors import ParseError
from kms_permissions.scraper.inline import md_tokens, md_unescape, normalise_key_name, plain_text
from kms_permissions.scraper.records import GlobalConditionKey, GlobalConditionKeysPage, Provenance

RENDERING = "md"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)<a name=\"([^\"]+)\"></a>\s*$")
_GLOBAL_KEY = re.compile(r"\baws:[A-Za-z]+(?:/[A-Za-z${}*_-]+)?")


def parse(text: str, provenance: Provenance) -> GlobalConditionKeysPage:
    """The global condition keys each `conditions-aws*` section gives guidance for."""
    where = provenance.location
    found: dict[str, GlobalConditionKey] = {}
    sections = _aws_sections(text)
    if not sections:
        raise ParseError(where, RENDERING, "no 'conditions-aws' section")
    for anchor, title, body in sections:
        raw = md_unescape(" ".join(body))
        sentences = re.split(r"(?<=[.!?])\s+", plain_text(md_tokens(" ".join(body))))
        for match in _GLOBAL_KEY.finditer(raw):
            name = normalise_key_name(match.group(0).rstrip("."))
            key = name.lower()
            known = found.get(key)
            # The guide writes both aws:sourceVpc and aws:SourceVpc; keep the IAM casing.
            if known and not (known.name[4].islower() and name[4].isupper()):
                continue
            stem = name.split("/")[0]
            found[key] = GlobalConditionKey(name, anchor, title, _guidance(sentences, stem))
    if not found:
        raise ParseError(where, RENDERING, "the conditions-aws sections name no aws: key")
    keys = sorted(found.values(), key=lambda k: k.name.lower())
    return GlobalConditionKeysPage(provenance, tuple(keys))


# A sentence opening with one of these leans on the one before ("But use caution ...").
_CONNECTIVE = re.compile(r"^(?:But|And|Also|However|So|Yet|Still|This|That|These|It)\b")


def _guidance(sentences: list[str], stem: str) -> str:
    """The first sentence that names the key, with the sentence before it when it leans on
    that one, so the guidance reads on its own."""
    for number, sentence in enumerate(sentences):
        if stem.lower() in sentence.lower():
            if number and _CONNECTIVE.match(sentence):
                sentence = f"{sentences[number - 1]} {sentence}"
            # A list item's marker and code spans' backticks are markup, not guidance.
            return re.sub(r"^[+*-]\s+", "", sentence).replace("`", "")
    return ""


def has_global_keys(text: str) -> bool:
    """Whether a page holds a `conditions-aws` section."""
    return any(True for _ in _aws_sections(text))


def _aws_sections(text: str) -> list[tuple[str, str, list[str]]]:
    sections: list[tuple[str, str, list[str]]] = []
    current: list[str] | None = None
    fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        heading = None if fence else _HEADING.match(line)
        if heading:
            anchor = heading.group(3)
            if anchor.startswith("conditions-aws"):
                current = []
                sections.append((anchor, plain_text(md_tokens(heading.group(2))), current))
            else:
                current = None
        elif current is not None and not fence:
            current.append(line)
    return sections
