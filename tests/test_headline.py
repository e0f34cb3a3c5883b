"""The newest dated source states a fact; older ones are per-source columns and discrepancies;
an undated copy dates nothing (issue 23, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.headline import Stated, decide_pair, headline
from kms_permissions.dataset.io import read_dataset
from kms_permissions.policy.knowledge import Knowledge
from kms_permissions.reference import DATA_DIR, load

GUIDE_2022 = "kms-devguide-github/2022-12-05_3828191/doc_source/conditions-kms.md"
SAR = "sar-html/list_awskeymanagementservice/{}.html"


def test_the_newest_dated_statement_is_the_headline() -> None:
    guide = Stated("conditions", "2022-12-05", "String (list)")
    sar = Stated("sar", "2026-06-14", "String")
    undated = Stated("permissions", None, "other")
    assert headline([guide, sar]) is sar
    assert headline([sar, guide]) is sar
    assert headline([Stated("sar", "2021-07-01", "String"), guide]) is guide
    # An undated copy states a fact only where no dated source does.
    assert headline([undated, guide]) is guide
    assert headline([undated]) is undated
    assert headline([]) is None
    # The same date: the sources' declared order.
    assert headline([Stated("sar", "2022-12-05", "x"), guide]) is guide


def test_a_pair_is_decided_by_the_newest_dated_source_that_speaks_of_it() -> None:
    dates = {"permissions": None, "conditions": "2022-12-05", "sar": "2026-06-14", "api": None}
    assert decide_pair({"permissions": True, "sar": False}, dates) == (False, "sar")
    assert decide_pair({"conditions": True, "sar": False}, dates) == (False, "sar")
    assert decide_pair({"conditions": False, "sar": True}, dates) == (True, "sar")
    # Only undated copies speak: they state it, no source dates it.
    assert decide_pair({"permissions": True}, dates) == (True, None)
    newer_api = {**dates, "api": "2026-11-20"}
    assert decide_pair({"api": True, "sar": False}, newer_api) == (True, "api")


@pytest.mark.parametrize(
    ("sar", "source", "condition_type"),
    [
        ("2021-07-01", "guide", "String (list)"),  # the guide's 2022 page is newer
        ("2026-06-14", "sar", "String"),  # the SAR of 2026 is newer
    ],
)
def test_a_build_takes_the_newer_of_the_guide_and_the_sar(
    corpus: Path, tmp_path: Path, sar: str, source: str, condition_type: str
) -> None:
    out = tmp_path / "data"
    sources = ["--source", str(corpus / GUIDE_2022), "--source", str(corpus / SAR.format(sar))]
    assert main(["build", *sources, "--out", str(out), "--no-cache", "--allow-shrink"]) == 0
    (row,) = [
        r
        for r in read_dataset(out).tables["condition_keys"]
        if r["condition_key"] == "kms:PrimaryRegion"
    ]
    assert (row["details_source"], row["condition_type"]) == (source, condition_type)
    assert row["guide_condition_type"] == "String (list)"
    assert row["sar_type"] == "String"
    assert row["description_source"] == {"guide": "conditions", "sar": "sar"}[source]
    described = row["sar_description"] if source == "sar" else row["guide_description"]
    assert row["description"] == described


def test_every_bundled_key_follows_the_rule() -> None:
    reference = load()
    for name, info in reference.condition_keys.items():
        dates = {s: d for s, d in info.as_of.items() if d is not None}
        if info.guide_condition_type and info.sar_type:
            newer_sar = dates["sar"] > dates["conditions"]
            assert info.details_source == ("sar" if newer_sar else "guide"), name
        said = {
            "conditions": info.guide_description,
            "sar": info.sar_description,
            "api": info.api_description,
        }
        stated = [s for s, text in said.items() if text]
        if stated:
            newest = max(stated, key=lambda s: (dates.get(s) is not None, str(dates.get(s))))
            assert info.description_source == newest, name
            assert info.description == said[newest], name
        for field, source in info.headline_sources.items():
            assert info.headline_as_of[field] == info.as_of.get(source), (name, field)


def test_an_older_type_is_a_discrepancy_and_the_checker_reads_the_headline() -> None:
    reference = load()
    info = reference.condition_keys["kms:PrimaryRegion"]
    assert (info.condition_type, info.value_type) == ("String", "single-valued")
    assert info.guide_condition_type == "String (list)"
    assert info.headline_sources["condition_type"] == "sar"
    newest = reference.coverage["sar"].newest
    assert newest is not None and str(info.headline_as_of["condition_type"]) == newest.isoformat()
    assert [d.kind for d in info.discrepancies] == ["condition-type-differs"]
    known = Knowledge().key("kms:PrimaryRegion")
    assert known is not None and known.condition_type == "String"


def test_a_pair_the_newer_sar_leaves_out_does_not_apply() -> None:
    """The undated permissions page lists aws:RequestTag for UntagResource; the SAR of 2026 lists
    both and not the pair: the key does not apply, and the pair is a discrepancy."""
    reference = load()
    (link,) = [
        link
        for link in reference.links
        if (link.action, link.condition_key) == ("kms:UntagResource", "aws:RequestTag/${tag-key}")
    ]
    assert (link.applies, link.decided_by, link.permissions_source is not None) == (
        False,
        "sar",
        True,
    )
    key = reference.condition_keys["aws:RequestTag/${tag-key}"]
    assert "kms:UntagResource" not in key.actions
    assert key.not_applying == ("kms:UntagResource",)
    action = reference.actions["kms:UntagResource"]
    assert "aws:RequestTag/${tag-key}" in action.keys_not_applying
    assert "aws:RequestTag/${tag-key}" not in action.condition_keys
    assert any(
        d.subject == "kms:UntagResource|aws:RequestTag/${tag-key}" for d in key.discrepancies
    )
    assert "kms:UntagResource" not in Knowledge().key_actions("aws:RequestTag/${tag-key}")
    # Encapsulate is in no SAR copy: the guide's rule still pairs kms:ViaService with it.
    assert "kms:Encapsulate" in reference.condition_keys["kms:ViaService"].actions


def test_lookup_shows_the_headline_with_its_source_and_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lookup", "kms:PrimaryRegion"]) == 0
    out = capsys.readouterr().out
    assert "String, single-valued (SAR, as of 2026-06-14)" in out
    assert "condition key pages (as of 2022-12-05): String (list)" in out
    assert main(["lookup", "--json", "kms:PrimaryRegion", "kms:UntagResource"]) == 0
    key, action = json.loads(capsys.readouterr().out)["results"]
    assert key["headline_sources"]["condition_type"] == "sar"
    assert key["headline_as_of"]["description"] == "2026-06-14"
    assert key["guide_description"].startswith("You can use this condition key")
    assert action["keys_not_applying"] == ["aws:RequestTag/${tag-key}"]


def test_history_dates_no_fact_from_an_undated_copy() -> None:
    rows = json.loads((DATA_DIR / "history.json").read_text())
    sources = {r["source_id"]: r for r in json.loads((DATA_DIR / "sources.json").read_text())}
    undated = {
        s for s, r in sources.items() if r["revision_date"] is None and r["kind"] == "permissions"
    }
    (copy,) = undated
    permissions = [r for r in rows if r["source"] == "permissions"]
    assert permissions
    for row in permissions:
        assert row["valid_from"] is None, row
        assert row["undated"] == f"undated copy: {copy}"
    for row in rows:
        assert (row["valid_from"] is None) == (row["undated"] is not None), row
    # The read model says so too: listed in an undated copy, no date.
    info = load().actions["kms:Decrypt"]
    assert info.listed_since["permissions"] is None
    assert load().coverage["permissions"].first is None


def test_check_reads_the_headline_and_says_what_it_assumed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "kms:UntagResource",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/env": "dev"}},
            }
        ],
    }
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert "KMS010" in out
    assert "assumed from the newest dated source" in out
    assert "pairs it with kms:UntagResource" in out


def test_a_fact_an_undated_copy_shows_first_is_dated_by_the_first_dated_copy(
    corpus: Path,
) -> None:
    """The undated permissions page joins the version of the SAR of 2026-06-14 (the newest
    before any dated copy); a dated copy of the same page (2026-07-01) dates its facts, never
    the SAR's date."""
    from dataclasses import replace

    from kms_permissions.dataset.build import load_records
    from kms_permissions.dataset.history import build_history
    from kms_permissions.dataset.timeline import timeline
    from kms_permissions.scraper import kinds

    result = load_records(str(corpus / "kms-devguide-current-md/kms-api-permissions-reference.md"))
    result.extend(load_records(str(corpus / SAR.format("2026-06-14"))))
    pages = result.of(kinds.PERMISSIONS)
    (undated,) = pages
    when = replace(undated.provenance, revision_date="2026-07-01", revision="2026-07-01")
    pages.append(replace(undated, provenance=when))
    versions = timeline(result)
    assert [v.date for v in versions] == ["2026-06-14", "2026-07-01"]
    assert versions[0].snapshot.permissions is undated
    rows = build_history(versions).rows
    facts = [r for r in rows if r["source"] == "permissions"]
    assert facts
    for row in facts:
        assert row["valid_from"] == "2026-07-01", row
        assert row["undated"] is None
    (decrypt,) = [r for r in facts if (r["entity"], r["field"]) == ("kms:Decrypt", "present")]
    assert decrypt["first_revision"].startswith("sha256:")
    # Without the dated copy, the same facts have no date and say why.
    (alone,) = [p for p in pages if not p.provenance.revision_date]
    pages[:] = [alone]
    for row in build_history(timeline(result)).rows:
        if row["source"] == "permissions":
            assert row["valid_from"] is None
            assert str(row["undated"]).startswith("undated copy: permissions/")
