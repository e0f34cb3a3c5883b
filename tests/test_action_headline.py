"""An action's facts come from the newest dated source that states them; the others are kept in
their own columns and, where they say something else, are discrepancies (issue 23, item 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.io import read_dataset
from kms_permissions.model import ACTION_FACTS, FACT_SOURCES, ActionInfo, action_fact_column
from kms_permissions.reference import load

PERMISSIONS = "kms-devguide-current-md/kms-api-permissions-reference.md"
SAR = "sar-html/list_awskeymanagementservice/2026-06-14.html"
API = "botocore-kms/2026-11-20_pypi-1.44.8.json"
ORDER = list(FACT_SOURCES)


def _said(info: ActionInfo[str], fact: str) -> dict[str, Any]:
    """Per source, its own value of a fact, where it states one."""
    found = {}
    for source in ACTION_FACTS[fact]:
        value = getattr(info, action_fact_column(fact, source))
        # The API Reference's sentence describes its operation: it states the description of
        # the permission named after it only.
        if fact == "description" and source == "api" and info.action != f"kms:{info.operation}":
            continue
        if value is not None and value != ():
            found[source] = value
    return found


def test_every_bundled_action_takes_each_fact_from_the_newest_dated_source_stating_it() -> None:
    reference = load()
    compared = 0
    for name, info in reference.actions.items():
        for fact, sources in ACTION_FACTS.items():
            if len(sources) == 1:
                continue
            said = _said(info, fact)
            if not said:
                assert info.headline_sources.get(fact) is None, (name, fact)
                continue
            dates = {s: info.as_of.get(s) for s in said}
            newest = max(
                said, key=lambda s: (dates[s] is not None, str(dates[s] or ""), -ORDER.index(s))
            )
            assert info.headline_sources[fact] == newest, (name, fact)
            assert getattr(info, fact) == said[newest], (name, fact)
            assert info.headline_as_of[fact] == info.as_of.get(newest), (name, fact)
            compared += 1
    assert compared > 300  # 58 actions, six facts several sources state


def test_the_api_reference_of_2026_is_the_headline_over_the_undated_guide_and_the_sar() -> None:
    info = load().actions["kms:Decrypt"]
    for fact in ("policy_types", "key_policy_effective", "cross_account", "resources"):
        assert info.headline_sources[fact] == "api", fact
        assert str(info.headline_as_of[fact]) == "2026-11-20"
    assert info.cross_account_text == info.api_cross_account_text
    # The guide's own values and its rows stay.
    assert info.guide_cross_account == "yes" and info.guide_cross_account_text == "Yes"
    assert [g.policy_type for g in info.grants] == ["key-policy"]
    # Not the namesake of its operation (ReEncrypt): the SAR's description stays.
    reencrypt = load().actions["kms:ReEncryptFrom"]
    assert reencrypt.headline_sources["description"] == "sar"
    assert reencrypt.description == reencrypt.sar_description
    # RetireGrant: the API Reference does not say where to grant it; the guide does, undated.
    retire = load().actions["kms:RetireGrant"]
    assert retire.headline_sources["policy_types"] == "permissions"
    assert retire.headline_as_of["policy_types"] is None
    assert retire.policy_types == ("iam-policy",) and retire.api_policy_types == ()
    assert retire.headline_sources["resources"] == "sar"


def _model_with(tmp_path: Path, corpus: Path, date: str) -> Path:
    """The 1.44.8 model with Decrypt's facts changed, as a copy dated `date` by its name."""
    text = (corpus / API).read_text()
    model = json.loads(text)
    operation = model["operations"]["Decrypt"]
    doc, n = re.subn(
        r"<b>Cross-account use</b>: Yes\.",
        "<b>Cross-account use</b>: No. You cannot perform this operation on a KMS key in a "
        "different Amazon Web Services account.",
        operation["documentation"],
    )
    doc, m = re.subn(r"kms:Decrypt</a> \(key policy\)", "kms:Decrypt</a> (IAM policy)", doc)
    assert (n, m) == (1, 1)
    operation["documentation"] = doc
    folder = tmp_path / "model"
    folder.mkdir()
    path = folder / f"{date}.json"
    path.write_text(json.dumps(model))
    return path


def _build(tmp_path: Path, corpus: Path, model: Path) -> dict[str, Any]:
    out = tmp_path / "data"
    sources = [str(corpus / PERMISSIONS), str(corpus / SAR), str(model)]
    args = [x for s in sources for x in ("--source", s)]
    assert main(["build", *args, "--out", str(out), "--no-cache", "--allow-shrink"]) == 0
    dataset = read_dataset(out)
    (row,) = [dict(r) for r in dataset.tables["actions"] if r["action"] == "kms:Decrypt"]
    row["discrepancies"] = [
        d for d in dataset.tables["discrepancies"] if d["subject"] == "kms:Decrypt"
    ]
    return row


def test_a_newer_dated_source_that_changes_a_value_changes_the_headline(
    corpus: Path, tmp_path: Path
) -> None:
    row = _build(tmp_path, corpus, _model_with(tmp_path, corpus, "2026-11-30"))
    assert (row["policy_types"], row["policy_types_source"]) == (["iam-policy"], "api")
    assert (row["cross_account"], row["cross_account_source"]) == ("no", "api")
    assert row["key_policy_effective"] is False
    assert row["resources"] == ["*"] and row["resources_source"] == "api"
    # Nothing is lost: the guide's and the SAR's values stay in their columns.
    assert row["guide_policy_types"] == ["key-policy"] and row["guide_cross_account"] == "yes"
    assert row["sar_resources"] == ["key"]
    kinds = {d["kind"]: d for d in row["discrepancies"]}
    assert {
        "policy-type-differs",
        "cross-account-differs",
        "key-policy-effect-differs",
        "resources-differ",
    } <= set(kinds)
    detail = kinds["cross-account-differs"]["detail"]
    assert "as of 2026-11-30" in detail and "undated copy" in detail and "'yes'" in detail
    assert kinds["resources-differ"]["sar_source"] is not None


def test_an_older_dated_source_loses_to_a_newer_one_but_beats_an_undated_copy(
    corpus: Path, tmp_path: Path
) -> None:
    """The same changed model dated before the SAR of 2026-06-14: it still states the policy
    types over the undated guide, while the SAR, newer, states the resources."""
    row = _build(tmp_path, corpus, _model_with(tmp_path, corpus, "2020-01-15"))
    assert (row["policy_types"], row["policy_types_source"]) == (["iam-policy"], "api")
    assert (row["resources"], row["resources_source"]) == (["key"], "sar")
    assert row["api_resources"] == ["*"]
    (differs,) = [d for d in row["discrepancies"] if d["kind"] == "resources-differ"]
    assert differs["detail"].startswith("The SAR (as of 2026-06-14), the newest dated source")


def test_lookup_shows_each_action_fact_with_its_source_and_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lookup", "kms:RetireGrant"]) == 0
    out = capsys.readouterr().out
    assert "policy types     IAM policy (permissions reference, undated)" in out
    assert "resources        key (SAR, as of 2026-06-14)" in out
    assert "access level     Permissions management (SAR, as of 2026-06-14)" in out
    assert "description      Deletes a grant. (API Reference, as of 2026-11-20)" in out
    assert "SAR (as of 2026-06-14): Controls permission to retire a grant." in out
    assert main(["lookup", "--json", "kms:Decrypt"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["results"]
    assert entry["headline_sources"]["cross_account"] == "api"
    assert entry["headline_as_of"]["cross_account"] == "2026-11-20"
    assert entry["headline_sources"]["note"] if entry["note"] else True
    assert entry["guide_cross_account_text"] == "Yes"


def test_the_site_shows_the_source_beside_each_action_fact() -> None:
    root = Path(__file__).resolve().parent.parent
    page = (root / "site/docs/actions/RetireGrant.md").read_text()
    assert "| Policy types | IAM policy &#40;permissions reference, undated&#41; |" in page
    assert "| Resources | <code>key</code>" in page and "&#40;SAR, as of 2026-06-14&#41; |" in page
    assert "*Description from &#40;API Reference, as of 2026-11-20&#41;*" in page


def test_the_checker_cites_the_source_and_date_of_the_fact_it_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": ["kms:CreateKey", "kms:PutKeyPolicy"],
        "Resource": "*",
    }
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    main(["check", "--json", str(policy)])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    (iam_only,) = [f for f in findings if f["rule_id"] == "KMS020"]
    info = load().actions["kms:CreateKey"]
    when = info.headline_as_of["policy_types"]
    assert info.headline_sources["policy_types"] == "api" and when is not None
    assert (
        f"policy types = ['iam-policy'], API Reference as of {when.isoformat()}"
        in (iam_only["basis"])
    )


@pytest.mark.slow
def test_every_version_of_the_corpus_takes_each_action_fact_from_its_newest_dated_source(
    corpus: Path,
) -> None:
    """Through the history the corpus gives, the API Reference and the SAR are in turn the
    newer: in each version, each action's facts come from the newest dated copy stating them."""
    from kms_permissions.dataset.build import history_of, load_records
    from kms_permissions.model import SOURCE_OF_PAGE_KIND

    history = history_of(load_records(str(corpus)))
    winners: set[tuple[str, str]] = set()
    for _, dataset in history.versions:
        dates: dict[str, str | None] = {}
        for page in dataset.tables["sources"]:
            source = SOURCE_OF_PAGE_KIND[page["kind"]]
            dates[source] = max(dates.get(source) or "", page["revision_date"] or "") or None
        for row in dataset.tables["actions"]:
            values: dict[str, Any] = dict(row)
            for fact, sources in ACTION_FACTS.items():
                if len(sources) == 1:
                    continue
                said = {
                    s: values[action_fact_column(fact, s)]
                    for s in sources
                    if values[action_fact_column(fact, s)] not in (None, [], "")
                    and not (
                        fact == "description"
                        and s == "api"
                        and values["action"] != f"kms:{values['api_operation']}"
                    )
                }
                if not said:
                    assert values[f"{fact}_source"] is None
                    continue
                newest = max(
                    said,
                    key=lambda s: (dates[s] is not None, str(dates[s] or ""), -ORDER.index(s)),
                )
                assert values[f"{fact}_source"] == newest, (values["action"], fact, dates)
                assert values[fact] == said[newest], (values["action"], fact)
                winners.add((fact, newest))
    # Each source wins somewhere: the SAR's resources over an older API Reference, and the
    # API Reference's over an older SAR.
    assert {("resources", "sar"), ("resources", "api"), ("description", "sar")} <= winners
    assert ("description", "api") in winners and ("policy_types", "api") in winners
