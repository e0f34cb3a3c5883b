"""What every page of the site reads: the read model, the history, and where each page lives.

Built once per generation from the read model alone; pages are functions of it. Paths are
relative to `site/docs` (`actions/Decrypt.md`); `link()` makes a markdown link from one page to
another, which mkdocs checks with `--strict`, and `href()` the URL a raw HTML link needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cached_property
from typing import Any

from kms_permissions.dataset import changes
from kms_permissions.display import SOURCE_NAMES
from kms_permissions.generator.markdown import code, fragment, link, slug
from kms_permissions.model import (
    ActionInfo,
    ConditionKeyInfo,
    HistoryRow,
    Note,
    Reference,
    to_json,
)
from kms_permissions.names import identity, natural_key

GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
API_REFERENCE = "https://docs.aws.amazon.com/kms/latest/APIReference"
# The guide's pages whose callouts the notes pages show, by chapter.
CHAPTERS = {
    "iam-policies": "IAM policies",
    "control-access": "IAM policies",
    "kms-vpc-endpoint": "VPC endpoint",
    "vpce-policy": "VPC endpoint",
    "conditions-kms": "Condition keys",
    "policy-conditions": "Condition keys",
    "conditions-aws": "Condition keys",
    "conditions-nitro-enclaves": "Condition keys",
    "key-policy-modifying-external-accounts": "Cross-account access",
    "kms-api-permissions-reference": "Permissions reference",
    "key-policies": "Key policies",
    "key-policy-default": "Key policies",
    "alias-access": "Aliases",
    "grants": "Grants",
    "key-state": "Key states and key types",
    "symm-asymm-compare": "Key states and key types",
}
OTHER_CHAPTER = "Other pages"
POLICY = {"key-policy": "Key policy", "iam-policy": "IAM policy"}


def relative(target: str, here: str) -> str:
    """The path of page `target` as seen from page `here` (both under site/docs)."""
    return "../" * here.count("/") + target


def url_of(page: str) -> str:
    """The URL mkdocs gives a page (directory URLs): `actions/Decrypt.md` -> `actions/Decrypt/`."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


class Site:
    """One dataset version as the site shows it."""

    def __init__(
        self, reference: Reference, history: tuple[HistoryRow, ...], files: list[dict[str, Any]]
    ) -> None:
        self.ref = reference
        self.files = files
        self.history = history
        self.actions: Mapping[str, ActionInfo[str]] = reference.actions
        self.keys: Mapping[str, ConditionKeyInfo[str]] = reference.condition_keys
        self.action_pages = {a: f"actions/{slug(a.split(':', 1)[1])}.md" for a in self.actions}
        self.key_pages = {k: f"condition-keys/{slug(k)}.md" for k in self.keys}
        for pages in (self.action_pages, self.key_pages):
            if len(set(pages.values())) != len(pages):
                raise ValueError("two names map to one page file")
        self._by_identity = {identity(k): k for k in self.keys}

    # Names and their pages -------------------------------------------------------------------

    @cached_property
    def by_operation(self) -> dict[str, str]:
        """API operation -> the one action that authorizes it (ReEncrypt, which needs two, is
        left out)."""
        found: dict[str, set[str]] = {}
        for name, info in self.actions.items():
            for operation in {info.operation, info.api_operation} - {None}:
                found.setdefault(str(operation), set()).add(name)
        return {op: next(iter(names)) for op, names in found.items() if len(names) == 1}

    def page_of(self, name: str) -> str | None:
        """The page of an action or condition key name (a key's spelling with another
        placeholder name or letter case finds its page too)."""
        if name in self.action_pages:
            return self.action_pages[name]
        if name in self.key_pages:
            return self.key_pages[name]
        key = self._by_identity.get(identity(name))
        return self.key_pages[key] if key else None

    def name_link(self, name: str, here: str, label: str | None = None) -> str:
        """A name in code, linked to its page unless it has none or is this page."""
        target = self.page_of(name)
        shown = code(label or name)
        if target is None or target == here:
            return shown
        return link(shown, relative(target, here))

    def link(self, label: str, target: str, here: str, anchor: str = "") -> str:
        """A markdown link from page `here` to page `target` (label already escaped), to an
        anchor on it if given."""
        return link(label, relative(target, here) + (f"#{anchor}" if anchor else ""))

    def href(self, target: str, here: str) -> str:
        """The relative URL of page `target` from page `here`, for raw HTML."""
        return "../" * url_of(here).count("/") + url_of(target)

    def sorted_names(self, names: list[str]) -> list[str]:
        """Names in natural order (PCR2 before PCR10)."""
        return sorted(names, key=natural_key)

    # Sources -----------------------------------------------------------------------------------

    def source_name(self, source: str) -> str:
        """`the SAR`."""
        return SOURCE_NAMES.get(source, source)

    def short_sources(self, sources: Iterable[str]) -> str:
        """Source names short enough for a table column: `key pages, SAR`."""
        short = {
            "permissions": "permissions reference",
            "conditions": "key pages",
            "sar": "SAR",
            "api": "API Reference",
        }
        return ", ".join(short.get(s, s) for s in sources)

    def newest(self, source: str) -> str:
        """The revision date of a source's newest copy, or `undated` (the current page)."""
        coverage = self.ref.coverage.get(source)
        return coverage.newest.isoformat() if coverage and coverage.newest else "undated"

    def first_copy(self, source: str) -> date | None:
        """The date of a source's earliest copy held: where its coverage begins."""
        coverage = self.ref.coverage.get(source)
        return coverage.first if coverage else None

    @cached_property
    def api_release(self) -> str | None:
        """The botocore release of the newest API Reference copy."""
        for source in self.ref.sources.values():
            if source.kind == "api-reference" and source.release:
                return source.release
        return None

    def as_of(self) -> str:
        """`As of: the permissions reference (undated current page), ...` for summary pages."""
        parts = []
        for source in ("permissions", "conditions", "sar", "api"):
            if source not in self.ref.coverage:
                continue
            date = self.newest(source)
            shown = "undated current page" if date == "undated" else date
            if source == "api" and self.api_release:
                shown += f", botocore {self.api_release}"
            parts.append(f"{self.source_name(source)} ({shown})")
        return fragment("As of: " + ", ".join(parts) + ".")

    # Shared derived facts ---------------------------------------------------------------------

    @cached_property
    def versions(self) -> list[changes.Version]:
        """The dataset's versions and their changes, newest first (as the CHANGELOG has them)."""
        newest = ".".join(self.ref.version.split(".")[:3]).replace(".", "-")
        return changes.versions((to_json(row) for row in self.history), newest)

    @cached_property
    def history_of(self) -> dict[str, list[HistoryRow]]:
        """History rows per entity; a pair's rows under its action and its key too."""
        found: dict[str, list[HistoryRow]] = {}
        for row in self.history:
            found.setdefault(row.entity, []).append(row)
            if row.entity_kind == "action_condition_key":
                action, key = row.entity.split("|", 1)
                found.setdefault(action, []).append(row)
                found.setdefault(key, []).append(row)
        return found

    @cached_property
    def note_pages(self) -> dict[str, tuple[str, list[Note]]]:
        """The notes pages: path -> (chapter, the guide's callouts in it, in the guide's order)."""
        found: dict[str, tuple[str, list[Note]]] = {}
        for note in self.ref.notes:
            chapter = CHAPTERS.get(note.page, OTHER_CHAPTER)
            path = f"notes/{slug(chapter).lower()}.md"
            found.setdefault(path, (chapter, []))[1].append(note)
        return dict(sorted(found.items()))

    @cached_property
    def mentioned_in(self) -> dict[str, list[tuple[str, Note]]]:
        """Name -> the notes pages and callouts that mention it."""
        found: dict[str, list[tuple[str, Note]]] = {}
        for path, (_, notes) in self.note_pages.items():
            for note in notes:
                for name in dict.fromkeys(note.mentions):
                    found.setdefault(name, []).append((path, note))
        return found
