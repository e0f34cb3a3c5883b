"""Disagreements between the developer guide and the Service Authorization Reference.

Keys are compared by identity after folding the SAR's instances and spellings into the guide's
key (`KeyNames.key_of`), so a spelling difference never makes a row. Each detail names the
revision dates of the pages compared, since the guide's condition key pages can be years older
than the SAR copy they are compared with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kms_permissions.dataset.api_facts import ApiFacts
from kms_permissions.dataset.keys import KeyNames
from kms_permissions.dataset.links import Links
from kms_permissions.dataset.snapshot import Snapshot, source_id
from kms_permissions.display import SOURCE_NAMES, compact
from kms_permissions.model import ACTION_FACTS, action_fact_column
from kms_permissions.scraper.records import (
    ApiReferencePage,
    PermissionsPage,
    Provenance,
    SarPage,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kms_permissions.dataset.row_types import DiscrepanciesRow

_COMPATIBLE_TYPES = {
    "String": {"String"},
    "Bool": {"Boolean"},
    "Numeric": {"Numeric"},
    "Date": {"Timestamp"},
    "ArrayOfString": {"String (list)"},
    "ARN": {"ARN", "String"},
}

Add = Callable[[str, str, str, str | None], None]


def _as_of(provenance: Provenance) -> str:
    return f"as of {provenance.revision_date}" if provenance.revision_date else "undated copy"


def find_discrepancies(
    snapshot: Snapshot,
    names: KeyNames,
    links: Links,
    api: dict[str, ApiFacts],
    actions: Sequence[Mapping[str, object]] = (),
) -> list[DiscrepanciesRow]:
    """Rows of the discrepancies table for one snapshot (where two sources are there to
    compare); `actions` are the version's action rows, whose facts' sources are compared."""
    rows = _api_discrepancies(snapshot, api) + _fact_discrepancies(snapshot, actions)
    if snapshot.sar is not None and (snapshot.permissions or snapshot.condition_keys):
        rows += _guide_and_sar(snapshot, names, links)
    return rows + _left_out(links, {row["subject"] for row in rows})


# The action facts whose values are compared, with the kind of discrepancy a difference makes.
# The cross-account text and the description are prose each source words its own way: each
# source's wording is kept in its own column (and history), and only the values are compared.
COMPARED_ACTION_FACTS = {
    "policy_types": "policy-type-differs",
    "key_policy_effective": "key-policy-effect-differs",
    "cross_account": "cross-account-differs",
    "resources": "resources-differ",
}
_SAYS = {
    "policy_types": "grants it in",
    "key_policy_effective": "says a key policy grant takes effect:",
    "cross_account": "gives cross-account use",
    "resources": "gives its resources as",
}
_Pages = dict[str, PermissionsPage | SarPage | ApiReferencePage | None]


def _fact_discrepancies(
    snapshot: Snapshot, actions: Sequence[Mapping[str, object]]
) -> list[DiscrepanciesRow]:
    """Where a source that is not the headline of an action's fact says something else: the
    headline (the newest dated source that states it) and each differing source, dated."""
    pages: _Pages = {"permissions": snapshot.permissions, "sar": snapshot.sar, "api": snapshot.api}
    sids = {s: source_id(p.provenance) if p else None for s, p in pages.items()}
    rows: list[DiscrepanciesRow] = []
    for row in actions:
        for fact, kind in COMPARED_ACTION_FACTS.items():
            chosen = row[f"{fact}_source"]
            if not isinstance(chosen, str):
                continue
            others = [
                (source, value)
                for source in ACTION_FACTS[fact]
                if source != chosen
                and (value := row[action_fact_column(fact, source)]) not in (None, [])
                and value != row[fact]
            ]
            if not others:
                continue
            said = "; ".join(f"{_page_named(s, pages)} says {_shown(v)}" for s, v in others)
            cited = {chosen, *(s for s, _ in others)}
            rows.append(
                {
                    "kind": kind,
                    "subject": str(row["action"]),
                    "detail": f"{_capital(_page_named(chosen, pages))}, the newest dated source "
                    f"that states it, {_SAYS[fact]} {_shown(row[fact])} for {row['action']}; "
                    f"{said}.",
                    "guide_source": sids["permissions"] if "permissions" in cited else None,
                    "sar_source": sids["sar"] if "sar" in cited else None,
                    "api_source": sids["api"] if "api" in cited else None,
                }
            )
    return rows


def _page_named(source: str, pages: _Pages) -> str:
    """`the API Reference (botocore 1.44.8, as of 2026-11-20)`."""
    page = pages[source]
    assert page is not None
    release = f"botocore {page.provenance.release}, " if page.provenance.release else ""
    return f"{SOURCE_NAMES[source]} ({release}{_as_of(page.provenance)})"


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _left_out(links: Links, reported: set[str]) -> list[DiscrepanciesRow]:
    """Pairs an older or undated source lists that the newest dated source speaking of them
    leaves out (the headline says the key does not apply), where no other row says so."""
    rows: list[DiscrepanciesRow] = []
    for link in links.rows():
        subject = f"{link['action']}|{link['condition_key']}"
        decider = link["decided_by"]
        # A pair left out has a decider: only a dated source says no (`headline.decide_pair`).
        if link["applies"] or decider is None or subject in reported:
            continue
        said = {
            "permissions": link["permissions_source"],
            "conditions": link["conditions_source"],
            "sar": link["sar_source"],
            "api": link["api_source"],
        }
        listing = [s for s, sid in said.items() if sid]
        newest = _named(decider, links.dates)
        rows.append(
            {
                "kind": "key-left-out-by-newest",
                "subject": subject,
                "detail": f"{newest[:1].upper()}{newest[1:]}, the newest dated source that "
                f"speaks of it, does not pair {link['condition_key']} with {link['action']}; "
                f"{' and '.join(_named(s, links.dates) for s in listing)} do.",
                "guide_source": link["permissions_source"] or link["conditions_source"],
                "sar_source": link["sar_source"],
                "api_source": link["api_source"],
            }
        )
    return rows


def _named(source: str, dates: dict[str, str | None]) -> str:
    """`the SAR (as of 2026-06-14)`, `the permissions reference (undated copy)`."""
    date = dates.get(source)
    return f"{SOURCE_NAMES[source]} ({'as of ' + date if date else 'undated copy'})"


def _api_discrepancies(snapshot: Snapshot, api: dict[str, ApiFacts]) -> list[DiscrepanciesRow]:
    """Where the API Reference and the guide's permissions reference disagree, and the
    permissions the API Reference names that no other reference lists."""
    if snapshot.api is None or not any(op.permissions_text for op in snapshot.api.operations):
        return []  # a revision without Required permissions says nothing to compare
    page = snapshot.api.provenance
    api_sid = source_id(page)
    release = f"botocore {page.release}, " if page.release else ""
    api_when = f"the API Reference ({release}{_as_of(page)})"
    api_says = f"The API Reference ({release}{_as_of(page)})"
    rows: list[DiscrepanciesRow] = []

    def add(
        kind: str, subject: str, detail: str, guide_sid: str | None, sar_sid: str | None
    ) -> None:
        rows.append(
            {
                "kind": kind,
                "subject": subject,
                "detail": detail,
                "guide_source": guide_sid,
                "sar_source": sar_sid,
                "api_source": api_sid,
            }
        )

    guide = {
        p: op
        for op in (snapshot.permissions.operations if snapshot.permissions else ())
        for p in op.permissions
    }
    guide_sid = source_id(snapshot.permissions.provenance) if snapshot.permissions else None
    sar = {f"kms:{a.name}" for a in snapshot.sar.actions} if snapshot.sar else set()
    sar_sid = source_id(snapshot.sar.provenance) if snapshot.sar else None
    named = {rp.permission for op in snapshot.api.operations for rp in op.required_permissions}
    for action in sorted(named - set(guide) - sar):
        add(
            "action-only-in-api",
            action,
            f"{api_says} names {action} in {api[action].operation}'s required permissions; "
            "neither the guide's permissions reference nor the SAR lists it.",
            guide_sid,
            sar_sid,
        )
    if not guide:
        return rows
    by_name = {op.name: op for op in snapshot.api.operations}
    for action, op in sorted(guide.items()):
        facts = api.get(action)
        if facts is None:
            continue
        operation = by_name[facts.operation]
        if action not in named and operation.permissions_text is not None:
            why = (
                f"says the permission is determined by {operation.permission_determined_by}"
                if operation.permission_determined_by
                else "names no permission"
            )
            add(
                "permission-not-named-by-api",
                action,
                f"The guide's permissions reference lists {action} for {op.name}; for "
                f"{facts.operation}, {api_when} {why}.",
                guide_sid,
                None,
            )
    return rows


def _guide_and_sar(snapshot: Snapshot, names: KeyNames, links: Links) -> list[DiscrepanciesRow]:
    """Where the guide and the SAR disagree."""
    assert snapshot.sar is not None
    sar = snapshot.sar
    sar_sid = source_id(sar.provenance)
    sar_when = _as_of(sar.provenance)
    rows: dict[tuple[str, str], DiscrepanciesRow] = {}

    def add(kind: str, subject: str, detail: str, guide_sid: str | None) -> None:
        rows.setdefault(
            (kind, subject),
            {
                "kind": kind,
                "subject": subject,
                "detail": detail,
                "guide_source": guide_sid,
                "sar_source": sar_sid,
                "api_source": None,
            },
        )

    sar_actions = {f"kms:{a.name}" for a in sar.actions}
    if snapshot.permissions is not None:
        page = snapshot.permissions.provenance
        guide_sid = source_id(page)
        when = f"permissions reference ({_as_of(page)})"
        guide_actions = {p for op in snapshot.permissions.operations for p in op.permissions}
        for action in sorted(sar_actions - guide_actions):
            add(
                "action-only-in-sar",
                action,
                f"The SAR ({sar_when}) lists {action}; the guide's {when} does not.",
                guide_sid,
            )
        for action in sorted(guide_actions - sar_actions):
            add(
                "action-only-in-guide",
                action,
                f"The guide's {when} lists {action}; the SAR ({sar_when}) does not.",
                guide_sid,
            )
        _pair_discrepancies(links, guide_actions & sar_actions, guide_sid, when, sar_when, add)
    if snapshot.condition_keys:
        tables = {k.name: k for page in snapshot.condition_keys for k in page.condition_keys}
        first = snapshot.condition_keys[0].provenance
        tables_sid = source_id(first)
        when = f"condition key pages ({_as_of(first)})"
        sar_keys: dict[str, list[str]] = {}
        for sar_key in sar.condition_keys:
            sar_keys.setdefault(names.key_of(sar_key.name), []).append(sar_key.type)
        for key in sorted(set(sar_keys) - set(tables)):
            if key.startswith("kms:"):
                add(
                    "key-only-in-sar",
                    key,
                    f"The SAR ({sar_when}) describes {key}; the guide's {when} do not.",
                    tables_sid,
                )
        for key in sorted(set(tables) - set(sar_keys)):
            if not tables[key].deprecated:
                add(
                    "key-only-in-guide",
                    key,
                    f"The guide's {when} describe {key}; the SAR's condition keys table "
                    f"({sar_when}) does not.",
                    tables_sid,
                )
        for key in sorted(set(tables) & set(sar_keys)):
            guide_type = tables[key].condition_type
            for sar_type in sorted(set(sar_keys[key])):
                if guide_type and guide_type not in _COMPATIBLE_TYPES.get(sar_type, {sar_type}):
                    add(
                        "condition-type-differs",
                        key,
                        f"The guide's {when} give {key} type {guide_type}; the SAR "
                        f"({sar_when}) gives {sar_type}.",
                        tables_sid,
                    )
                guide_values = tables[key].value_type
                sar_values = "multi-valued" if sar_type.startswith("ArrayOf") else "single-valued"
                if guide_values and guide_values != sar_values:
                    add(
                        "value-type-differs",
                        key,
                        f"The guide's {when} give {key} as {guide_values}; the SAR "
                        f"({sar_when}) gives type {sar_type} ({sar_values}).",
                        tables_sid,
                    )
    return list(rows.values())


def _pair_discrepancies(
    links: Links, actions: set[str], guide_sid: str, when: str, sar_when: str, add: Add
) -> None:
    guide = links.pairs("permissions")
    # A key the condition key pages pair with the action is in the guide, on another page.
    elsewhere = links.pairs("conditions")
    sar = links.pairs("sar")
    for action in sorted(actions):
        in_guide, in_sar = guide.get(action, set()), sar.get(action, set())
        for key in sorted(in_guide - in_sar):
            add(
                "key-only-in-guide-for-action",
                f"{action}|{key}",
                f"The guide's {when} lists {key} for {action}; the SAR ({sar_when}) does not.",
                guide_sid,
            )
        for key in sorted(in_sar - in_guide - elsewhere.get(action, set())):
            spelled = links.sar_names(action, key)
            said = f"{', '.join(compact(spelled))} (for {key})" if spelled else key
            add(
                "key-only-in-sar-for-action",
                f"{action}|{key}",
                f"The SAR ({sar_when}) lists {said} for {action}; neither the guide's {when} "
                "nor its condition key pages do.",
                guide_sid,
            )
