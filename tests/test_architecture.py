"""Names that say one thing, and the registry of source kinds that the code is driven by."""

from __future__ import annotations

import ast
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import kms_permissions
from kms_permissions import errors, model
from kms_permissions.dataset.timeline import timeline
from kms_permissions.generator.outputs import GENERATED_MARK, marked
from kms_permissions.policy.principals import parse_aws, parse_principal
from kms_permissions.scraper import identify, kinds
from kms_permissions.scraper.kinds import content_types
from kms_permissions.scraper.records import Provenance
from kms_permissions.scraper.scrape import read_json, scrape, write_json
from kms_permissions.scraper.sources import LocalSource, archive_urls, classify

PACKAGE = Path(kms_permissions.__file__).parent


def _classes_named(name: str) -> list[str]:
    """Modules of the package that define a class called `name`."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        if any(isinstance(n, ast.ClassDef) and n.name == name for n in ast.walk(tree)):
            found.append(str(path.relative_to(PACKAGE)))
    return found


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("InputError", ["errors.py"]),
        # The read model's row of the permissions table; a KMS grant is policy/access's Grant.
        ("PermissionRow", ["model.py", "scraper/records.py"]),
        ("Grant", ["policy/access/grants.py"]),
    ],
)
def test_a_class_name_is_defined_where_its_meaning_lives(name: str, where: list[str]) -> None:
    assert _classes_named(name) == where


def test_the_evaluators_input_error_is_the_projects() -> None:
    from kms_permissions.policy.access import InputError

    assert InputError is errors.InputError
    assert issubclass(InputError, ValueError)


def test_the_old_name_of_the_permissions_row_still_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match="use PermissionRow"):
        old = model.Grant
    assert old is model.PermissionRow
    with pytest.raises(AttributeError, match="no attribute 'Grunt'"):
        model.Grunt  # noqa: B018


def test_the_old_name_of_the_fact_sources_still_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match="use FACT_SOURCES"):
        old = model.SOURCES
    assert old is model.FACT_SOURCES


# The source-kind registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingsPage:
    """A kind of record made up for the test: the section headings of a guide page."""

    provenance: Provenance
    headings: tuple[str, ...]


def parse_headings(text: str, provenance: Provenance) -> HeadingsPage:
    """The page's headings, as written before their anchors."""
    found = re.findall(r"^#{1,6} +(.+?)<a name=", text, re.MULTILINE)
    return HeadingsPage(provenance, tuple(found))


KEY_POLICIES = kinds.PageRendering(
    "key-policies",
    "md",
    identify.guide_page("key-policies"),
    kinds.MARKDOWN,
    ("key-policies.md",),
)
HEADINGS: kinds.RecordKind[HeadingsPage] = kinds.RecordKind(
    "headings",
    HeadingsPage,
    (kinds.Reading(parse_headings, ("key-policies",)),),
    field="headings",
    label="headings",
    pick="all",
    required_in_file=False,
    stands_alone=False,
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with one more kind of page and one more kind of record, and nothing else."""
    monkeypatch.setattr(kinds, "PAGES", (KEY_POLICIES, *kinds.PAGES))
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, HEADINGS))


def _two_revisions(corpus: Path, tmp_path: Path) -> Path:
    """Two revisions of the archived guide, in folders dated by their names."""
    archive = tmp_path / "kms-devguide-github"
    for snapshot in ("2017-11-15_980f865", "2022-12-05_3828191"):
        shutil.copytree(corpus / "kms-devguide-github" / snapshot, archive / snapshot)
    return archive


def test_a_registered_kind_is_identified_scraped_kept_and_placed_in_versions(
    registered: None, corpus: Path, tmp_path: Path
) -> None:
    archive = _two_revisions(corpus, tmp_path)
    page = archive / "2022-12-05_3828191" / "doc_source" / "key-policies.md"
    assert identify.identify(page.read_bytes()) == identify.PageKind(
        "key-policies", "md", "key-policies"
    )
    assert classify("key-policies.md") == ("key-policies", "md")
    assert archive_urls("0123456")[0].endswith("/0123456/doc_source/key-policies.md")
    assert content_types("md") == kinds.MARKDOWN

    result = scrape(LocalSource(archive))
    pages = result.of(HEADINGS)
    by_date = {p.provenance.revision_date: p for p in pages}
    assert sorted(by_date) == ["2017-11-15", "2022-12-05"]
    assert by_date["2017-11-15"].headings[:3] == (
        "Using Key Policies in AWS KMS",
        "Overview of Key Policies",
        "Default Key Policy",
    )
    assert by_date["2022-12-05"].headings == ("Key policies in AWS KMS",)
    assert {(p.provenance.kind, p.provenance.page) for p in pages} == {
        ("key-policies", "key-policies")
    }
    # The page is still a page of the guide: its callouts are read as before.
    assert any(c.provenance.page == "key-policies" for c in result.of(kinds.CALLOUTS))

    # The scrape file carries the kind, and reads it back.
    out = tmp_path / "scrape.json"
    write_json(result, out)
    assert len(json.loads(out.read_text())["headings"]) == 2
    assert read_json(out).of(HEADINGS) == sorted(pages, key=lambda p: p.provenance.revision_date)

    # Each version holds the newest revision as of its date, and names it among its sources.
    versions = {v.date: v.snapshot for v in timeline(result)}
    assert sorted(versions) == ["2017-11-15", "2022-12-05"]
    for date, snapshot in versions.items():
        assert snapshot.every(HEADINGS) == [by_date[date]]
        assert by_date[date].provenance in snapshot.provenances()


def test_without_the_entry_the_kind_is_unknown(corpus: Path, tmp_path: Path) -> None:
    archive = _two_revisions(corpus, tmp_path)
    page = archive / "2022-12-05_3828191" / "doc_source" / "key-policies.md"
    assert identify.identify(page.read_bytes()) == identify.PageKind("guide", "md", "key-policies")
    assert not any(url.endswith("/key-policies.md") for url in archive_urls("0123456"))
    out = tmp_path / "scrape.json"
    write_json(scrape(LocalSource(archive)), out)
    assert "headings" not in json.loads(out.read_text())


def test_the_registry_is_consistent() -> None:
    page_kinds = {page.kind for page in kinds.PAGES}
    renderings = {page.rendering for page in kinds.PAGES}
    assert len({kind.field for kind in kinds.KINDS}) == len(kinds.KINDS)
    assert len({kind.name for kind in kinds.KINDS}) == len(kinds.KINDS)
    read: set[str] = set()
    for kind in kinds.KINDS:
        assert kind.readings, kind.name
        for reading in kind.readings:
            assert set(reading.pages or page_kinds) <= page_kinds, kind.name
            assert set(reading.renderings or renderings) <= renderings, kind.name
            read |= {p.kind for p in kinds.PAGES if reading.reads(p.kind, p.rendering)}
    # Every kind of page is read by something, and a source of nothing else is refused.
    assert read == page_kinds
    # The read model names the source each kind of record feeds (outputs cannot import this).
    assert {kind.name for kind in kinds.KINDS} == set(model.SOURCE_OF_PAGE_KIND)
    assert any(kind.stands_alone for kind in kinds.KINDS)


# One principal parser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "arn:aws-cn:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/service-role/Admin",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:sts::123456789012:assumed-role/Admin/alice",
        "arn:aws:sts::123456789012:federated-user/bob",
    ],
)
def test_the_checker_reads_what_a_principal_names_with_the_one_parser(value: str) -> None:
    named = parse_principal(value)
    checked = parse_aws("Statement[0].Principal.AWS", value)
    assert checked.problem is None
    assert (checked.account, checked.root) == (named.account, named.kind == "account")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("arn:aws:s3:::bucket", "names the service 's3'; a principal is an IAM or STS ARN"),
        ("arn:aws:iam:us-east-1:123456789012:root", "has a Region; IAM and STS ARNs have none"),
        ("arn:aws:iam::12345:root", "has the account '12345'; an account ID is 12 digits"),
        (
            "arn:aws:iam::123456789012:group/x",
            "names 'group'; IAM principals are the root, users and roles",
        ),
        ("arn:aws:iam::123456789012", "is not a complete ARN"),
        ("s3.amazonaws.com", "is not an account ID, an IAM ARN or '*'"),
        (" 123456789012", "is not an account ID, an IAM ARN or '*'"),
    ],
)
def test_what_names_no_principal_is_said_from_the_parsed_fields(value: str, problem: str) -> None:
    assert parse_principal(value, as_written=True).kind in ("other", "service")
    assert parse_aws("Principal.AWS", value).problem == problem


def test_a_templates_placeholders_are_masked_before_parsing() -> None:
    own = parse_aws("p", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
    assert (own.account, own.root, own.problem) == ("${AWS::AccountId}", True, None)
    unknown = parse_aws("p", "arn:aws:iam::${AccountId}:role/x")
    assert (unknown.account, unknown.root, unknown.problem) == (None, False, None)
    region = parse_aws("p", "arn:${AWS::Partition}:iam:us-east-1:123456789012:root")
    assert region.problem == "has a Region; IAM and STS ARNs have none"


# Generated pages say so --------------------------------------------------------------------------

ROOT = PACKAGE.parent


def test_every_generated_page_says_so_and_no_other_does() -> None:
    listed = json.loads((ROOT / "site" / "generated.json").read_text())["files"]
    generated = {p for p in listed if p.startswith("site/docs/") and p.endswith(".md")}
    assert len(generated) > 100
    for page in sorted((ROOT / "site" / "docs").rglob("*.md")):
        relative = page.relative_to(ROOT).as_posix()
        head = page.read_text().split("\n# ", 1)[0]  # before the page's title
        assert (GENERATED_MARK in head) == (relative in generated), relative


def test_the_mark_goes_after_the_front_matter() -> None:
    assert marked("# Title\n\nText\n") == f"{GENERATED_MARK}\n\n# Title\n\nText\n"
    with_front = "---\nsearch:\n  boost: 2\n---\n\n# Title\n"
    assert marked(with_front) == f"---\nsearch:\n  boost: 2\n---\n{GENERATED_MARK}\n\n# Title\n"


def test_the_package_itself_uses_no_deprecated_name() -> None:
    used = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "kms_permissions.model":
                used += [(path.name, a.name) for a in node.names if a.name in model._DEPRECATED]
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "model"
                and node.attr in model._DEPRECATED
            ):
                used.append((path.name, node.attr))
    assert used == []
