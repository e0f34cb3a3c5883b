"""Every output tells the same facts: the action / condition key relation, both directions,
walked over the whole bundled dataset in every place a user can read it."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import kms_permissions as kp
from kms_permissions import constants
from kms_permissions.cli import main
from kms_permissions.generator.markdown import slug
from kms_permissions.model import FACT_SOURCES, ActionInfo, from_json, to_json
from kms_permissions.policy.checker import knowledge
from kms_permissions.reference import load

from .conftest import ROOT

DATA = ROOT / "kms_permissions" / "data"
DOCS = ROOT / "site" / "docs"
Pairs = set[tuple[str, str]]


@pytest.fixture(scope="module")
def pairs() -> Pairs:
    """The relation's headline as the one table that stores it says (the pairs that apply)."""
    rows = json.loads((DATA / "action_condition_keys.json").read_text())
    return {(r["action"], r["condition_key"]) for r in rows if r["applies"]}


def _by_action(pairs: Pairs) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for action, key in pairs:
        found[action].add(key)
    return found


def _by_key(pairs: Pairs) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for action, key in pairs:
        found[key].add(action)
    return found


def _disagreements(
    where: str, expected: dict[str, set[str]], got: dict[str, set[str]]
) -> list[str]:
    return [
        f"{where}: {name}: expected {sorted(expected.get(name, set()))}, "
        f"got {sorted(got.get(name, set()))}"
        for name in sorted(set(expected) | set(got))
        if expected.get(name, set()) != got.get(name, set())
    ]


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    main(list(argv))
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_both_directions_agree_in_every_output(
    pairs: Pairs, capsys: pytest.CaptureFixture[str]
) -> None:
    actions_of_key = _by_key(pairs)
    keys_of_action = _by_action(pairs)
    reference = load()
    all_actions, all_keys = sorted(reference.actions), sorted(reference.condition_keys)
    for action in all_actions:
        keys_of_action.setdefault(action, set())
    for key in all_keys:
        actions_of_key.setdefault(key, set())
    problems: list[str] = []

    def check(where: str, by_action: dict[str, set[str]], by_key: dict[str, set[str]]) -> None:
        problems.extend(_disagreements(f"{where} (action -> keys)", keys_of_action, by_action))
        problems.extend(_disagreements(f"{where} (key -> actions)", actions_of_key, by_key))

    parquet = pq.read_table(DATA / "action_condition_keys.parquet").to_pylist()
    from_parquet = {(r["action"], r["condition_key"]) for r in parquet if r["applies"]}
    check("parquet", _by_action(from_parquet), _by_key(from_parquet))

    index = json.loads((DATA / "index.json").read_text())
    check(
        "index.json",
        {a: set(e["condition_keys"]) for a, e in index["actions"].items()},
        {k: set(e["actions"]) for k, e in index["condition_keys"].items()},
    )

    check(
        "read model",
        {a: set(i.condition_keys) for a, i in reference.actions.items()},
        {k: set(i.actions) for k, i in reference.condition_keys.items()},
    )
    check(
        "read model links",
        _by_action({(link.action, link.condition_key) for link in reference.links if link.applies}),
        _by_key({(link.action, link.condition_key) for link in reference.links if link.applies}),
    )

    looked_up = _cli_json(capsys, "lookup", "--json", *all_actions, *all_keys)
    results = looked_up["results"]
    assert isinstance(results, list)
    check(
        "lookup --json",
        {r["name"]: set(r["condition_keys"]) for r in results if r["kind"] == "action"},
        {r["name"]: set(r["actions"]) for r in results if r["kind"] == "condition_key"},
    )

    argv = [arg for action in all_actions for arg in ("--action", action)]
    keys_json = _cli_json(capsys, "keys", "--json", *argv)["keys"]
    assert isinstance(keys_json, dict)
    by_key_from_actions = {
        key: {
            str(a["name"]) for a in _cli_json(capsys, "actions", "--json", "--key", key)["actions"]
        }
        for key in all_keys
        if actions_of_key[key]
    }
    check(
        "keys --action / actions --key",
        {a: set(k) for a, k in keys_json.items()},
        {
            **{k: set() for k in all_keys},
            **by_key_from_actions,
        },
    )

    check(
        "Python API",
        {a: {k.condition_key for k in kp.condition_keys(a)} for a in all_actions},
        {k: set(kp.lookup(k).actions) for k in all_keys},  # type: ignore[union-attr]
    )

    check(
        "constants",
        {str(a): {str(k) for k in i.condition_keys} for a, i in constants.ACTIONS.items()},
        {str(k): {str(a) for a in i.actions} for k, i in constants.CONDITION_KEYS.items()},
    )

    facts = knowledge()
    check(
        "checker knowledge",
        {a: set() for a in all_actions}
        | {
            a: {k for k in all_keys if a in facts.key_actions(k)}
            for a in all_actions
            if any(a in facts.key_actions(k) for k in all_keys)
        },
        {k: facts.key_actions(k) for k in all_keys},
    )

    check("site pages", *_site_links(all_actions, all_keys))
    assert problems == [], "\n".join(problems[:40])


def _site_links(
    actions: list[str], keys: list[str]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The links between action pages and key pages of the generated site."""
    key_pages = {slug(k): k for k in keys}
    action_pages = {slug(a.split(":", 1)[1]): a for a in actions}
    link = re.compile(r"\]\(\.\./(actions|condition-keys)/([^)#]+)\.md\)")
    by_action: dict[str, set[str]] = {}
    for page, action in action_pages.items():
        text = (DOCS / "actions" / f"{page}.md").read_text()
        # Discrepancies name pairs that do not apply (an older source's): not the relation.
        before, _, rest = text.partition("\n## Where the sources disagree")
        text = before + ("\n## " + rest.split("\n## ", 1)[1] if "\n## " in rest else "")
        by_action[action] = {
            key_pages[target] for kind, target in link.findall(text) if kind == "condition-keys"
        }
    by_key: dict[str, set[str]] = {}
    for page, key in key_pages.items():
        text = (DOCS / "condition-keys" / f"{page}.md").read_text()
        section = text.split("## Actions", 1)[1].split("\n## ", 1)[0]
        by_key[key] = {
            action_pages[target] for kind, target in link.findall(section) if kind == "actions"
        }
    return by_action, by_key


def test_each_pair_names_its_sources_with_dates(pairs: Pairs) -> None:
    reference = load()
    for link in reference.links:
        assert link.sources, link
        for source in link.sources:
            assert source in FACT_SOURCES
        action = reference.actions[link.action]
        key = reference.condition_keys[link.condition_key]
        assert action.condition_key_sources[link.condition_key] == link.sources
        assert key.action_sources[link.action] == link.sources
    for action in reference.actions.values():
        for source in action.as_of:
            page_kinds = {s.kind for s in reference.sources.values()}
            assert source in {"permissions", "sar", "api"} and page_kinds
    assert reference.actions["kms:Decrypt"].as_of == {
        "permissions": None,
        "sar": date(2026, 6, 14),
        "api": date(2026, 11, 20),
    }
    assert reference.condition_keys["kms:ViaService"].as_of["conditions"] == date(2022, 12, 5)


def test_the_reported_disagreements_are_gone() -> None:
    reference = load()
    via = reference.condition_keys["kms:ViaService"]
    assert "kms:CreateKey" in via.actions
    assert via.action_sources["kms:CreateKey"] == ("permissions", "sar")
    assert "kms:CreateKey" in reference.condition_keys["kms:CallerAccount"].actions
    for key in (
        "kms:EncryptionContext:${context-key}",
        "kms:EncryptionContextKeys",
        "kms:GrantConstraintType",
    ):
        assert "kms:RetireGrant" in reference.condition_keys[key].actions, key
    decrypt = reference.actions["kms:Decrypt"]
    # The guide pairs these with Decrypt on its condition key pages: not "SAR-only".
    for key in ("kms:RecipientAttestation:ImageSha384", "kms:RecipientAttestation:PCR${PCR_ID}"):
        assert "conditions" in decrypt.condition_key_sources[key]
    # The SAR never names the template: its PCR0 ... PCR31 are the template's instances.
    pcr = reference.condition_keys["kms:RecipientAttestation:PCR${PCR_ID}"]
    assert pcr.sar_names[0] == "kms:RecipientAttestation:PCR0" and len(pcr.sar_names) == 32
    assert "kms:RecipientAttestation:PCR7" not in reference.condition_keys
    for row in reference.discrepancies:
        assert "SAR" not in row.detail or "lists kms:RecipientAttestation:PCR${" not in row.detail
        assert not (row.kind == "key-only-in-guide" and "PCR" in row.subject)


def test_read_model_round_trips_through_json() -> None:
    reference = load()
    index = json.loads((DATA / "index.json").read_text())
    for name, entry in index["actions"].items():
        info = reference.actions[name]
        assert {"kind": "action", "name": name, **to_json(info)} == entry
        assert from_json(ActionInfo, entry) == info


def test_first_listing_is_not_called_an_introduction(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "kms:ReplicateKey", "kms:Decrypt"]) == 0
    out = capsys.readouterr().out
    assert "first seen" not in out
    assert "SAR: first in the copy of 2021-07-01" in out
    assert "SAR: at least since the copy of 2019-10-10 (its earliest copy held)" in out
    assert "API Reference: at least since botocore 0.72.0 of 2014-11-12" in out
    assert "permissions reference: in its undated current copy (no dated copy lists it)" in out


def test_an_undated_copy_gives_no_date() -> None:
    # The current permissions page is undated: the version it joined does not date it.
    decrypt = load().actions["kms:Decrypt"]
    assert decrypt.listed_since["permissions"] is None
    assert decrypt.listed_in["permissions"].startswith("sha256:")
    assert decrypt.listed_since["sar"] == date(2019, 10, 10)


def test_permission_only_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "kms:SynchronizeMultiRegionKey"]) == 0
    assert "permission only  yes: no API operation of that name" in capsys.readouterr().out


def test_field_lists_are_declared_once() -> None:
    """Table columns, index entries and the constants' facts all come from model fields."""
    from dataclasses import fields

    from kms_permissions.dataset.columns import ALL_TABLES

    stored = [f.name for f in fields(ActionInfo) if f.metadata["column"]]
    assert ALL_TABLES["actions"].column_names() == stored
    entry = json.loads((DATA / "index.json").read_text())["actions"]["kms:Decrypt"]
    assert list(entry) == ["kind", "name", *(f.name for f in fields(ActionInfo))]
    source = (ROOT / "kms_permissions" / "constants.py").read_text()
    block = source.split("Action.DECRYPT: ActionInfo(", 1)[1]
    indent = block[1 : len(block) - len(block[1:].lstrip(" "))]  # of the first keyword
    block = block.split(f"\n{indent[4:]}),\n", 1)[0]
    written = re.findall(rf"^{indent}(\w+)=", block, re.MULTILINE)
    assert written == [f.name for f in fields(ActionInfo)]


def test_site_pages_exist_for_every_entry() -> None:
    reference = load()
    for action in reference.actions:
        assert (DOCS / "actions" / f"{slug(action.split(':', 1)[1])}.md").is_file()
    for key in reference.condition_keys:
        assert (DOCS / "condition-keys" / f"{slug(key)}.md").is_file()
    assert not any(Path(DOCS / "condition-keys").glob("kms-RecipientAttestation-PCR7.md"))
