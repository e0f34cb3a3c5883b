"""The KMS API Reference (botocore's service model) as a third source, end to end."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.api_facts import api_actions
from kms_permissions.errors import SourceError
from kms_permissions.policy import check
from kms_permissions.reference import load
from kms_permissions.scraper import api_reference_json
from kms_permissions.scraper.botocore_sources import GitHubBotocoreSource, InstalledBotocoreSource
from kms_permissions.scraper.http import Fetcher, FetchPolicy
from kms_permissions.scraper.sources import LocalSource
from kms_permissions.scraper.update_sources import InstalledBotocore

from .http_server import Reply, Script, serve

# Every disagreement between the API Reference and the guide's permissions reference on the
# newest copies, with the reason it exists. A new, unexplained one fails the test.
EXPLAINED = {
    ("permission-not-named-by-api", "kms:RetireGrant"): (
        "The API Reference says retiring is determined by the grant and names no permission; "
        "the guide lists kms:RetireGrant as an IAM policy permission that is not effective in a "
        "key policy. Both describe the same rule from two sides."
    ),
    ("action-only-in-api", "kms:Encapsulate"): (
        "ML-KEM operations shipped in botocore 1.43.119 (2026-10-26), after the newest SAR copy "
        "(2026-06-14) and the guide's page."
    ),
    ("action-only-in-api", "kms:Decapsulate"): "As kms:Encapsulate.",
}


def _lookup(capsys: pytest.CaptureFixture[str], *names: str) -> list[dict[str, object]]:
    assert main(["lookup", "--json", *names]) == 0
    results: list[dict[str, object]] = json.loads(capsys.readouterr().out)["results"]
    return results


def test_the_new_operations_answer(capsys: pytest.CaptureFixture[str]) -> None:
    for entry in _lookup(capsys, "kms:Encapsulate", "Decapsulate"):
        assert entry["policy_types"] == ["key-policy"]
        assert entry["cross_account"] == "yes" and entry["api_cross_account"] == "yes"
        assert entry["details_source"] == "api"
        assert (entry["in_guide"], entry["in_sar"], entry["in_api"]) == (False, False, True)
        # Published in 1.43.119 on 2026-10-26 (read from the package index), not in 1.44.8.
        assert entry["listed_since"] == {"api": "2026-10-26"}
        assert entry["listed_in"] == {"api": "botocore 1.43.119"}
    assert main(["lookup", "kms:Decapsulate"]) == 0
    assert "API Reference: first in botocore 1.43.119 of 2026-10-26" in capsys.readouterr().out


def test_check_accepts_policies_using_them() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM policies",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowKem",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/kem"},
                "Action": ["kms:Encapsulate", "kms:Decapsulate", "kms:DescribeKey"],
                "Resource": "*",
            },
        ],
    }
    findings = check(json.dumps(policy), kind="key-policy", account="111122223333")
    assert not [f for f in findings if f.severity in ("error", "warning")], findings


def test_dependent_permissions_with_what_they_depend_on() -> None:
    reference = load()
    create = reference.actions["kms:CreateKey"].required_permissions
    assert [(r.permission, r.parameter, r.where, r.policy_types) for r in create] == [
        ("kms:CreateKey", None, None, ("iam-policy",)),
        ("kms:TagResource", "Tags", None, ("iam-policy",)),
    ]
    replicate = reference.actions["kms:ReplicateKey"].required_permissions
    assert [(r.permission, r.resource, r.parameter, r.where) for r in replicate] == [
        ("kms:ReplicateKey", "the primary key", None, "in the primary key's Region"),
        ("kms:CreateKey", None, None, "in the replica Region"),
        ("kms:TagResource", None, "Tags", "in the replica Region"),
    ]
    tag = reference.actions["kms:TagResource"]
    assert {(r.operation, r.parameter) for r in tag.required_by} == {
        ("CreateKey", "Tags"),
        ("ReplicateKey", "Tags"),
    }
    alias = reference.actions["kms:CreateAlias"].required_permissions
    assert [(r.resource, r.policy_types) for r in alias] == [
        ("the alias", ("iam-policy",)),
        ("the KMS key", ("key-policy",)),
    ]


def test_every_disagreement_on_the_newest_copies_is_explained() -> None:
    reference = load()
    with_api = [d for d in reference.discrepancies if d.api_source]
    found = {(d.kind, d.subject) for d in with_api}
    assert found == set(EXPLAINED), sorted(found ^ set(EXPLAINED))
    compared = [a for a in reference.actions.values() if a.in_api and a.in_guide]
    assert len(compared) == 55  # 54 shared operations; ReEncrypt has two permissions
    for action in compared:
        if action.api_cross_account in ("yes", "no", "n/a"):
            assert action.api_cross_account == action.cross_account, action.action
        if action.api_policy_types:
            assert action.api_policy_types == action.policy_types, action.action
    derive = reference.actions["kms:DeriveSharedSecret"]
    assert (derive.cross_account, derive.api_cross_account) == ("yes", "yes")


def test_arrival_dated_to_the_botocore_revision(corpus: Path) -> None:
    reference = load()
    assert reference.coverage["api"].first == date(2014, 11, 12)  # 0.72.0, the first KMS model
    assert reference.actions["kms:ReplicateKey"].listed_since["api"] == date(2021, 6, 16)
    assert reference.actions["kms:Encrypt"].listed_since["api"] == date(2014, 11, 12)
    pages = list(LocalSource(corpus / "botocore-kms").pages())
    assert len(pages) == 68 and all(p.kind == api_reference_json.KIND for p in pages)
    newest = api_reference_json.parse(pages[-1].text(), pages[-1].provenance())
    owned = api_actions(newest, {})
    # New actions come only from the permissions the text names, never from operation names.
    assert {"kms:Encapsulate", "kms:Decapsulate"} <= set(owned)
    assert "kms:RetireGrant" not in owned


def test_a_model_in_a_folder_of_any_name_is_read_by_content(corpus: Path, tmp_path: Path) -> None:
    newest = sorted((corpus / "botocore-kms").glob("2026-11-20*.json"))[-1]
    copy = tmp_path / "downloads" / "service-2.json"
    copy.parent.mkdir()
    copy.write_bytes(newest.read_bytes())
    (page,) = LocalSource(copy.parent, "2026-11-21").pages()
    assert (page.kind, page.rendering, page.revision_date) == (
        "api-reference",
        "botocore-json",
        "2026-11-21",
    )


def _newest_model(corpus: Path) -> bytes:
    return sorted((corpus / "botocore-kms").glob("2026-11-20*.json"))[-1].read_bytes()


def test_the_installed_botocore_is_a_source_with_no_network(corpus: Path, tmp_path: Path) -> None:
    # The layout of an installed botocore: the model compressed, as the wheels ship it.
    package = tmp_path / "botocore"
    model = package / "data" / "kms" / "2014-11-01" / "service-2.json.gz"
    model.parent.mkdir(parents=True)
    model.write_bytes(gzip.compress(_newest_model(corpus)))
    (page,) = InstalledBotocoreSource(package=package, release="1.44.8").pages()
    assert (page.kind, page.revision, page.release, page.revision_date) == (
        "api-reference",
        "botocore 1.44.8",
        "1.44.8",
        None,
    )
    parsed = api_reference_json.parse(page.text(), page.provenance())
    assert "Decapsulate" in {op.name for op in parsed.operations}
    model.write_bytes(gzip.compress(b'{"metadata": {"endpointPrefix": "s3"}}'))
    with pytest.raises(SourceError, match="not botocore's KMS service model"):
        list(InstalledBotocoreSource(package=package).pages())


@pytest.mark.slow
def test_the_botocore_installed_here_joins_a_build(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    argv = ["history", "--corpus", str(corpus), "--source", "installed-botocore"]
    assert main([*argv, "--out", str(out)]) == 0
    index = json.loads((out / "index.json").read_text())
    sources = json.loads((out / "sources.json").read_text())
    (api,) = [s for s in sources if s["kind"] == "api-reference"]
    # The installed copy is undated: it joins the newest version as its model.
    assert api["location"].startswith("installed-botocore:") and api["revision_date"] is None
    assert index["actions"]["kms:Encrypt"]["in_api"] is True


def test_a_botocore_release_tag_from_github(corpus: Path) -> None:
    commit = {"sha": "a" * 40, "commit": {"committer": {"date": "2026-11-20T19:57:00Z"}}}
    model_path = "/boto/botocore/1.44.8/botocore/data/kms/2014-11-01/service-2.json"
    script = Script(
        {
            "/repos/boto/botocore/commits/1.44.8": [
                Reply(200, json.dumps(commit).encode(), {"Content-Type": "application/json"})
            ],
            model_path: [
                Reply(200, _newest_model(corpus), {"Content-Type": "text/plain; charset=utf-8"})
            ],
        }
    )
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        attempts=1,
    )
    with serve(script) as base:
        source = GitHubBotocoreSource(Fetcher(None, policy), "1.44.8", base, base)
        (page,) = source.pages()
    assert (page.revision, page.release, page.revision_date) == (
        "botocore 1.44.8",
        "1.44.8",
        "2026-11-20",
    )
    assert page.location.endswith(model_path)
    with pytest.raises(SourceError, match="not a botocore release tag"):
        GitHubBotocoreSource(Fetcher(None, policy), "master")


def _installed(tmp_path: Path, body: bytes, release: str) -> InstalledBotocoreSource:
    package = tmp_path / f"botocore-{release}"
    model = package / "data" / "kms" / "2014-11-01" / "service-2.json.gz"
    model.parent.mkdir(parents=True)
    model.write_bytes(gzip.compress(body))
    return InstalledBotocoreSource(package=package, release=release)


def test_update_records_a_newer_installed_botocore_only(corpus: Path, tmp_path: Path) -> None:
    newest = _newest_model(corpus)
    changed = newest + b"\n"  # another model: its sha256 differs from every one held
    newer = InstalledBotocore(_installed(tmp_path, changed, "1.45.0")).collect(corpus, None, {})  # type: ignore[arg-type]
    assert newer.changed and newer.items[0].held == "botocore-kms/2026-11-20_pypi-1.44.8.json"
    (model,) = [name for name in newer.files if name.endswith("_installed-1.45.0.json")]
    assert newer.files[model] == changed
    listing = json.loads(newer.files["botocore-kms/revisions.json"])
    assert listing["revisions"][0]["first_release"] == "1.45.0"
    assert listing["revisions"][0]["commit"] is None
    same = InstalledBotocore(_installed(tmp_path, newest, "1.44.8")).collect(corpus, None, {})  # type: ignore[arg-type]
    older = InstalledBotocore(_installed(tmp_path, changed, "1.40.0")).collect(corpus, None, {})  # type: ignore[arg-type]
    assert not same.changed and not older.changed and not same.files and not older.files
