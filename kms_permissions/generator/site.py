"""Generate the documentation site's pages (mkdocs, Material theme) from a dataset version.

Every page is a function of the dataset's tables; scraped text goes through `markdown.text`,
so a hostile description shows as text. Pages link each other by relative paths that mkdocs
checks with `--strict`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kms_permissions.display import compact, family
from kms_permissions.generator.markdown import EMPTY, code, external, link, slug, table, text
from kms_permissions.model import ActionInfo, HistoryRow, Note, Reference

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
GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide"
POLICY = {"key-policy": "Key policy", "iam-policy": "IAM policy"}
SOURCE_LABELS = {
    "permissions": "permissions reference",
    "conditions": "condition key pages",
    "sar": "SAR",
    "notes": "guide notes",
}


class Site:
    """The pages of one dataset version, keyed by path under `site/docs`."""

    def __init__(
        self, reference: Reference, history: tuple[HistoryRow, ...], files: list[dict[str, Any]]
    ) -> None:
        self.ref = reference
        self.files = files
        self.actions = dict(reference.actions)
        self.keys = dict(reference.condition_keys)
        self.action_pages = {a: f"actions/{slug(a.split(':', 1)[1])}.md" for a in self.actions}
        self.key_pages = {k: f"condition-keys/{slug(k)}.md" for k in self.keys}
        for pages in (self.action_pages, self.key_pages):
            if len(set(pages.values())) != len(pages):
                raise ValueError("two names map to one page file")
        self.all_history = history
        self.history: dict[str, list[HistoryRow]] = defaultdict(list)
        for row in history:
            self.history[row.entity].append(row)
            if row.entity_kind == "action_condition_key":
                self.history[row.entity.split("|", 1)[0]].append(row)
        self.arns = {name: r.arn_pattern for name, r in reference.resource_types.items()}

    # Links -------------------------------------------------------------------------------

    def action_link(self, action: str, here: str) -> str:
        target = self.action_pages.get(action)
        return link(code(action), _relative(target, here)) if target else code(action)

    def key_link(self, key: str, here: str) -> str:
        target = self.key_pages.get(key)
        return link(code(key), _relative(target, here)) if target else code(key)

    # Pages -------------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        """Every generated page: path under site/docs -> markdown."""
        out: dict[str, str] = {}
        for action, path in self.action_pages.items():
            out[path] = self.action_page(action, path)
        for key, path in self.key_pages.items():
            out[path] = self.key_page(key, path)
        out["actions/index.md"] = self.actions_index()
        out["condition-keys/index.md"] = self.keys_index()
        out["matrix.md"] = self.matrix()
        out["policy-types.md"] = self.policy_types()
        out["cross-account.md"] = self.cross_account()
        out["discrepancies.md"] = self.discrepancy_page()
        out["timeline.md"] = self.timeline()
        out["downloads.md"] = self.downloads()
        out.update(self.notes_pages())
        return out

    def snippets(self) -> dict[str, str]:
        """Fragments the hand-written home page includes."""
        sources = list(self.ref.sources.values())
        rows = [
            [
                text(s.kind),
                text(s.location),
                code(s.revision[:19]),
                text(s.revision_date or "undated"),
                code(s.sha256[:16]),
            ]
            for s in sources
            if s.kind != "notes"
        ]
        notes = [s for s in sources if s.kind == "notes"]
        body = [
            f"Dataset version **{text(self.ref.version)}**: "
            f"{len(self.actions)} actions, {len(self.keys)} condition keys, "
            f"{len(self.ref.discrepancies)} discrepancies between the two AWS references.",
            "",
            table(["source", "page", "revision", "date", "sha256"], rows),
            "",
            f"The [notes](notes/index.md) come from {len(notes)} more guide pages; the "
            "[downloads](downloads.md) page lists every file with its sha256.",
        ]
        return {"provenance.md": "\n".join(body) + "\n"}

    def provenance_cells(self, as_of: Mapping[str, str | None], since: Mapping[str, str]) -> str:
        """Which sources the facts come from, as of when, and since when they list it."""
        parts = []
        for source, date in as_of.items():
            label = SOURCE_LABELS.get(source, source)
            shown = f"as of {date}" if date else "undated current page"
            first = since.get(source)
            coverage = self.ref.coverage.get(source)
            if first and coverage and first == coverage.first:
                listed = f"listed since at least {first} (its earliest copy held)"
            elif first:
                listed = f"first listed in the copy of {first}"
            else:
                listed = ""
            parts.append(text(f"{label} ({shown}{'; ' + listed if listed else ''})"))
        return "<br>".join(parts) or EMPTY

    def action_page(self, action: str, here: str) -> str:
        info = self.actions[action]
        facts = [
            ["Operation", external(text(info.operation), info.api_reference_url)],
            ["Policy types", text(", ".join(POLICY[p] for p in info.policy_types) or None)],
            ["Key policy effective", text(_yes_no(info.key_policy_effective))],
            ["Cross-account use", text(_cross_account(info))],
            [
                "Resources",
                ", ".join(
                    f"{code(r)} ({code(self.arns[r])})" if r in self.arns else code(r)
                    for r in info.resources
                )
                or EMPTY,
            ],
            ["Access level (SAR)", text(info.access_level)],
            [
                "Dependent actions (SAR)",
                ", ".join(code(d) for d in info.dependent_actions) or EMPTY,
            ],
            ["Sources", self.provenance_cells(info.as_of, info.listed_since)],
        ]
        parts = [f"# {text(action)}", "", text(info.description or info.note), ""]
        if info.permission_only:
            parts += [
                "The SAR marks it *permission only*: no API operation of that name; "
                "other operations check it.",
                "",
            ]
        if info.note and info.description:
            parts += [f'!!! note "From the permissions reference"\n    {text(info.note)}', ""]
        parts += [table(["Fact", "Value"], facts), ""]
        if info.grants:
            parts += ["## Where it can be granted", ""]
            parts.append(
                table(
                    ["Policy type", "Qualifier", "Cross-account", "Resources", "Note"],
                    [
                        [
                            text(POLICY[g.policy_type]),
                            text(g.qualifier),
                            text(g.cross_account_text),
                            ", ".join(code(r) for r in g.resources),
                            text(g.resource_note or g.condition_keys_note),
                        ]
                        for g in info.grants
                    ],
                )
            )
            parts += ["", "## Condition keys", ""]
            for grant in info.grants:
                if len(info.grants) > 1:
                    parts += [
                        f"### {text(POLICY[grant.policy_type])} {text(grant.qualifier or '')}",
                        "",
                    ]
                if not grant.condition_keys:
                    parts += [
                        text(
                            f"None ({grant.condition_keys_note})"
                            if grant.condition_keys_note
                            else "None"
                        ),
                        "",
                    ]
                for group in grant.condition_keys:
                    parts.append(f"**{text(group.label or 'Condition keys')}**")
                    parts.append("")
                    parts += [f"- {self.key_link(k, here)}" for k in group.keys]
                    parts.append("")
        others = [
            k for k in info.condition_keys if "permissions" not in info.condition_key_sources[k]
        ]
        if others:
            parts += ["## Condition keys other sources list", ""]
            parts += [
                f"- {self.key_link(k, here)} ({text(_sources(info.condition_key_sources[k]))})"
                for k in others
            ] + [""]
        parts += self._discrepancy_section(action)
        parts += self._history_section(action)
        return "\n".join(parts) + "\n"

    def key_page(self, key: str, here: str) -> str:
        info = self.keys[key]
        facts = [
            ["Condition type", text(info.condition_type)],
            ["Value type", text(info.value_type)],
            ["SAR type", text(info.sar_type)],
            ["Policy types", text(", ".join(POLICY[p] for p in info.policy_types) or None)],
            [
                "Deprecated",
                text("yes" if info.deprecated else "no")
                + (f", use {self.key_link(info.replacement, here)}" if info.replacement else ""),
            ],
            ["API operations (guide)", text(info.operations_text)],
            ["SAR names", ", ".join(code(n) for n in compact(list(info.sar_names))) or EMPTY],
            ["Sources", self.provenance_cells(info.as_of, info.listed_since)],
        ]
        parts = [f"# {text(key)}", "", text(info.description or info.sar_description), ""]
        if info.description and info.sar_description:
            parts += [f"The SAR: {text(info.sar_description)}", ""]
        parts += [table(["Fact", "Value"], facts), ""]
        parts += ["## Actions", ""]
        parts += [
            f"- {self.action_link(a, here)} ({text(_sources(info.action_sources[a]))})"
            for a in info.actions
        ] or ["None."]
        parts.append("")
        parts += self._discrepancy_section(key)
        parts += self._history_section(key)
        return "\n".join(parts) + "\n"

    def _discrepancy_section(self, subject: str) -> list[str]:
        info = self.actions.get(subject) or self.keys.get(subject)
        rows = info.discrepancies if info else ()
        if not rows:
            return []
        return [
            "## Where the guide and the SAR disagree",
            "",
            table(["Kind", "What each says"], [[text(r.kind), text(r.detail)] for r in rows]),
            "",
        ]

    def _history_section(self, entity: str) -> list[str]:
        rows = sorted(
            self.history.get(entity, []),
            key=lambda r: (r.valid_from, r.entity, r.field, r.source),
        )
        if not rows:
            return []
        cells = [
            [
                text(r.valid_from),
                text(r.valid_to or self._newest(r.source)),
                text(r.source),
                text(r.entity.split("|", 1)[1] if "|" in r.entity else r.field),
                text(_short(r.value)),
            ]
            for r in rows
        ]
        return [
            "## History",
            "",
            "What each source said, and from when to when (the history table).",
            "",
            table(["From", "Until", "Source", "Field", "Value"], cells),
            "",
        ]

    def _newest(self, source: str) -> str:
        coverage = self.ref.coverage.get(source)
        newest = coverage.newest if coverage else None
        return f"still in the newest copy ({newest})" if newest else "still in the newest copy"

    def actions_index(self) -> str:
        here = "actions/index.md"
        rows = [
            [
                self.action_link(a, here),
                text(", ".join(POLICY[p] for p in r.policy_types) or None),
                text(r.cross_account),
                text(r.access_level),
                text(_sources(tuple(r.as_of))),
            ]
            for a, r in self.actions.items()
        ]
        return (
            "\n".join(
                [
                    "# Actions",
                    "",
                    f"All {len(rows)} KMS permissions, from the guide and the SAR.",
                    "",
                    table(
                        ["Action", "Policy types", "Cross-account", "Access level", "Listed by"],
                        rows,
                    ),
                ]
            )
            + "\n"
        )

    def keys_index(self) -> str:
        here = "condition-keys/index.md"
        rows = [
            [
                self.key_link(k, here),
                text(r.condition_type),
                text(r.value_type),
                text("deprecated" if r.deprecated else ""),
                text(_sources(tuple(r.as_of))),
            ]
            for k, r in self.keys.items()
        ]
        return (
            "\n".join(
                [
                    "# Condition keys",
                    "",
                    f"All {len(rows)} condition keys the KMS references name.",
                    "",
                    table(["Key", "Type", "Values", "Deprecated", "Listed by"], rows),
                ]
            )
            + "\n"
        )

    def matrix(self) -> str:
        here = "matrix.md"
        columns: dict[str, list[str]] = {}
        for key, info in self.keys.items():
            if info.actions:
                columns.setdefault(family(key), []).append(key)
        header = ["Action"] + [
            self.key_link(keys[0], here) if len(keys) == 1 else code(name)
            for name, keys in columns.items()
        ]
        rows = []
        for action in self.actions:
            sources: dict[str, set[str]] = defaultdict(set)
            for key, by in self.actions[action].condition_key_sources.items():
                sources[family(key)].update(by)
            cells = [self.action_link(action, here)]
            for name in columns:
                mark = sources.get(name, set())
                guide = bool(mark & {"permissions", "conditions"})
                cells.append(
                    "●" if guide and "sar" in mark else "◐" if guide else "○" if mark else ""
                )
            rows.append(cells)
        return (
            "\n".join(
                [
                    "# Action &times; condition key matrix",
                    "",
                    "● the guide and the SAR pair them · ◐ only the guide (permissions "
                    "reference or condition key pages) · ○ only the SAR. "
                    "Numbered keys are folded into one column.",
                    "",
                    table(header, rows),
                ]
            )
            + "\n"
        )

    def policy_types(self) -> str:
        here = "policy-types.md"
        groups = {
            "IAM policy only": [
                a for a, r in self.actions.items() if r.policy_types == ("iam-policy",)
            ],
            "Key policy (and IAM policies where the key policy allows them)": [
                a for a, r in self.actions.items() if r.policy_types == ("key-policy",)
            ],
            "Both, on different resources": [
                a for a, r in self.actions.items() if len(r.policy_types) == 2
            ],
            "Not effective in a key policy": [
                a
                for a, r in self.actions.items()
                if r.key_policy_effective is False and r.policy_types
            ],
            "Not in the guide's table (SAR only)": [
                a for a, r in self.actions.items() if not r.in_guide
            ],
        }
        parts = ["# Key policy only / IAM policy only", ""]
        for title, actions in groups.items():
            parts += [f"## {title}", ""]
            parts += [f"- {self.action_link(a, here)}" for a in actions] or ["None."]
            parts.append("")
        return "\n".join(parts)

    def cross_account(self) -> str:
        here = "cross-account.md"
        by_value: dict[str, list[str]] = defaultdict(list)
        for action, row in self.actions.items():
            by_value[row.cross_account or "not in the guide"].append(action)
        titles = {
            "yes": "Usable cross-account",
            "no": "Own account only",
            "n/a": "Not applicable",
            "other": "Other (see the note)",
            "mixed": "Differs by resource",
            "contradictory": "The guide says both",
            "not in the guide": "Not in the guide",
        }
        parts = [
            "# Usable cross-account",
            "",
            "Granting another account a permission that cannot be used cross-account has "
            "no effect.",
            "",
        ]
        for value in titles:
            if by_value.get(value):
                parts += [f"## {titles[value]}", ""]
                for action in by_value[value]:
                    note = self.actions[action].cross_account_text
                    extra = f": {text(note)}" if value in ("other", "contradictory") else ""
                    parts.append(f"- {self.action_link(action, here)}{extra}")
                parts.append("")
        return "\n".join(parts)

    def discrepancy_page(self) -> str:
        here = "discrepancies.md"
        sources = self.ref.sources
        rows = []
        for row in self.ref.discrepancies:
            subject = row.subject
            first = subject.split("|", 1)[0]
            shown = (
                self.action_link(first, here)
                if first in self.actions
                else self.key_link(first, here)
                if first in self.keys
                else code(first)
            )
            if "|" in subject:
                shown += " · " + self.key_link(subject.split("|", 1)[1], here)
            cite = " / ".join(
                text(f"{sources[s].kind} {sources[s].revision_date or 'undated'}")
                for s in (row.guide_source, row.sar_source)
                if s and s in sources
            )
            rows.append([text(row.kind), shown, text(row.detail), cite])
        return (
            "\n".join(
                [
                    "# Where the guide and the SAR disagree",
                    "",
                    "Both are AWS's own references; each row cites the two pages compared.",
                    "",
                    table(["Kind", "Subject", "Detail", "Sources"], rows),
                ]
            )
            + "\n"
        )

    def timeline(self) -> str:
        history = self.all_history
        first = min((r.valid_from for r in history), default=None)
        starts = {(r.entity_kind, r.entity, r.field, r.source, r.valid_from): r for r in history}
        ends = {
            (r.entity_kind, r.entity, r.field, r.source, r.valid_to): r
            for r in history
            if r.valid_to
        }
        listed: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
        changes: dict[str, list[str]] = defaultdict(list)
        for (kind, entity, field, source, date), row in starts.items():
            if date == first:
                continue
            before = ends.get((kind, entity, field, source, date))
            if field == "present" and before is None:
                listed[(date, "added", kind, source)].append(entity)
            elif before is not None and field != "present":
                changes[date].append(
                    f"{code(entity)} {text(field)} ({text(source)}): "
                    f"{text(_short(before.value))} &#8594; {text(_short(row.value))}"
                )
        for kind, entity, field, source, date in ends:
            if field == "present" and (kind, entity, field, source, date) not in starts:
                listed[(date, "removed", kind, source)].append(entity)
        dates = sorted({d for d, *_ in listed} | set(changes), reverse=True)
        parts = [
            "# Timeline",
            "",
            f"What changed in each version since the first one ({text(first)}): entities "
            "added or removed in a source, and field values that changed.",
            "",
        ]
        for date in dates:
            parts += [f"## {text(date)}", ""]
            for (when, verb, kind, source), names in sorted(listed.items()):
                if when == date:
                    shown = ", ".join(code(n) for n in compact(sorted(names)))
                    parts.append(
                        f"- {verb} {text(kind.replace('_', ' '))}s ({text(source)}): {shown}"
                    )
            parts += [f"- {change}" for change in sorted(changes.get(date, []))]
            parts.append("")
        return "\n".join(parts)

    def downloads(self) -> str:
        manifest_rows = self.files
        rows = [
            [
                link(code(f["path"]), f"downloads/{f['path']}"),
                text(f["format"]),
                text(f["rows"]),
                text(f["bytes"]),
                code(f["sha256"]),
            ]
            for f in manifest_rows
        ]
        return "\n".join(
            [
                "# Downloads",
                "",
                f"The files of dataset version {text(self.ref.version)}, "
                "as the wheel bundles them. "
                "Each file's sha256 is also in `manifest.json`.",
                "",
                table(["File", "Format", "Rows", "Bytes", "sha256"], rows),
                "",
                "Query them in place, for example with DuckDB:",
                "",
                "```sql",
                "select action, cross_account from 'actions.parquet' where cross_account = 'yes';",
                "```",
                "",
            ]
        )

    def notes_pages(self) -> dict[str, str]:
        by_chapter: dict[str, list[Note]] = defaultdict(list)
        for note in self.ref.notes:
            by_chapter[CHAPTERS.get(note.page, "Other pages")].append(note)
        out: dict[str, str] = {}
        index = [
            "# Notes from the guide",
            "",
            "The guide's Note, Important, Warning and Tip callouts, grouped by chapter, "
            "linked to the actions and condition keys they mention.",
            "",
        ]
        for chapter in sorted(by_chapter):
            path = f"notes/{slug(chapter).lower()}.md"
            index.append(
                f"- {link(text(chapter), path.split('/', 1)[1])} ({len(by_chapter[chapter])})"
            )
            parts = [f"# {text(chapter)}", ""]
            for note in by_chapter[chapter]:
                where = f"{GUIDE}/{note.page}.html" + (
                    f"#{note.section_anchor}" if note.section_anchor else ""
                )
                parts.append(
                    f"- **{text(note.kind)}** ({external(text(note.section), where)})"
                    f"  \n  {text(note.text)}"
                )
                if note.mentions:
                    links = [
                        self.action_link(m, path) if m in self.actions else self.key_link(m, path)
                        for m in note.mentions
                    ]
                    parts.append(f"  \n  Mentions: {', '.join(links)}")
            out[path] = "\n".join(parts) + "\n"
        out["notes/index.md"] = "\n".join(index) + "\n"
        return out


def _relative(target: str, here: str) -> str:
    depth = here.count("/")
    return "../" * depth + target


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"


def _sources(sources: tuple[str, ...]) -> str:
    return ", ".join(SOURCE_LABELS.get(s, s) for s in sources)


def _cross_account(info: ActionInfo[str]) -> str | None:
    if info.cross_account == "contradictory":
        return f"the guide says both: {info.cross_account_text}"
    return info.cross_account_text or info.cross_account


def _short(value: str) -> str:
    decoded: Any = json.loads(value)
    if isinstance(decoded, list):
        return ", ".join(compact([str(v) for v in decoded])) or "none"
    return str(decoded)


def site_files(
    reference: Reference,
    history: tuple[HistoryRow, ...],
    files: list[dict[str, Any]],
    docs: Path,
) -> dict[Path, str]:
    """Every generated file of the site: pages under docs/, snippets beside it."""
    site = Site(reference, history, files)
    pages = {docs / path: page for path, page in site.pages().items()}
    pages.update({docs.parent / "snippets" / n: s for n, s in site.snippets().items()})
    return pages
