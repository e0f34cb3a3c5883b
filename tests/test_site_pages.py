"""The site's generated pages, read as markdown: one source for the timeline and the CHANGELOG,
source text rendered, provenance, search boosts, the access cases, determinism."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from kms_permissions.dataset import changes
from kms_permissions.dataset.changelog import changelog as changelog_of
from kms_permissions.dataset.changelog import changelog_section
from kms_permissions.dataset.row_types import HistoryRow
from kms_permissions.generator.markdown import text
from kms_permissions.generator.site import prose, site_files
from kms_permissions.generator.site.context import Site
from kms_permissions.model import to_json
from kms_permissions.policy.access.cases import CASES
from kms_permissions.reference import DATA_DIR, load, load_history, load_manifest

from .conftest import ROOT

DOCS = ROOT / "site" / "docs"


@cache
def _site() -> Site:
    reference = load()
    return Site(reference, load_history(reference), list(load_manifest(reference)["files"]))


@cache
def _pages() -> dict[str, str]:
    reference = load()
    files = list(load_manifest(reference)["files"])
    generated = site_files(reference, load_history(reference), files, DOCS)
    return {
        path.relative_to(DOCS).as_posix(): page
        for path, page in generated.items()
        if DOCS in path.parents
    }


def _history_rows() -> list[HistoryRow]:
    return [to_json(row) for row in load_history(load())]


# The timeline and the CHANGELOG ---------------------------------------------------------------


def test_the_bundled_changelog_is_the_history_tables() -> None:
    newest = "-".join(load().version.split(".")[:3])
    expected = changelog_of(_history_rows(), newest)
    assert (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8") == expected


def _timeline_entries() -> str:
    """The timeline's year pages, newest year first, as one text."""
    years = sorted((p for p in _pages() if re.fullmatch(r"timeline/\d{4}\.md", p)), reverse=True)
    assert len(years) > 5
    return "\n".join(_pages()[year] for year in years)


@pytest.mark.slow
def test_timeline_and_changelog_list_the_same_versions_and_changes() -> None:
    changelog = (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    timeline = _timeline_entries()
    listed = re.findall(r"^## (\S+) \((\S+)\)$", changelog, re.MULTILINE)
    entries = re.findall(r"^## (\S+) \{ #v(\S+) \}$", timeline, re.MULTILINE)
    assert entries == listed and len(entries) > 20
    for version, date in listed:
        section = changelog.split(f"## {version} ({date})\n", 1)[1].split("\n## ", 1)[0]
        entry = timeline.split(f"## {version} {{ #v{date} }}\n", 1)[1].split("\n## ", 1)[0]
        for verb in ("Added", "Removed"):
            assert section.count(f"- {verb} ") == entry.count(f"- {verb} "), version
        for held in re.findall(r"- (.+) held from here", section):
            assert held in entry, version


def test_an_undated_copy_dates_nothing() -> None:
    """The permissions reference held is undated: its facts are in no version (neither a first
    copy nor added), and are summed up apart with the copy that shows them."""
    rows = _history_rows()
    versions = changes.versions(rows)
    assert all(c.source != "permissions" for v in versions for c in v.coverage)
    for version in versions:
        assert all("permissions" not in item.sources for item in version.added), version.date
    ((why, coverage),) = changes.undated(rows)
    assert coverage.source == "permissions"
    assert why.startswith("undated copy: permissions/kms-api-permissions-reference@sha256:")
    assert dict(coverage.counts)["action"] == 55
    changelog = (DATA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Undated\n\n- The permissions reference: held only in an undated copy" in changelog


def test_a_sources_first_copy_is_not_called_added() -> None:
    versions = changes.versions(_history_rows())
    joining = {(v.date, c.source): dict(c.counts) for v in versions for c in v.coverage}
    # The SAR's first copy (2019-10-10) lists actions: counted where it joins, not added.
    assert joining[("2019-10-10", "sar")]["action"] > 40
    for version in versions:
        first = {c.source for c in version.coverage}
        for item in version.added:
            assert not (set(item.sources) <= first), (version.date, item)
    (joined,) = [v for v in versions if v.date == "2019-10-10"]
    section = changelog_section(joined)
    assert "The SAR is held from here (its first copy): " in section
    # An addition of a source held before is named, in the version of the release that made it.
    (shipped,) = [v for v in versions if v.date == "2026-10-26"]
    added = {(item.kind, item.sources): item.entities for item in shipped.added}
    assert added[("action", ("api",))] == ("kms:Decapsulate", "kms:Encapsulate")
    section = changelog_section(shipped)
    assert "Added actions (the API Reference): `kms:Decapsulate`, `kms:Encapsulate`" in section


def _row(
    kind: str, entity: str, field: str, value: str, source: str, start: str, end: str | None
) -> HistoryRow:
    return {
        "entity_kind": kind,
        "entity": entity,
        "field": field,
        "value": value,
        "source": source,
        "valid_from": start,
        "undated": None,
        "valid_to": end,
        "first_revision": "r",
        "last_revision": "r",
    }


def test_versions_from_a_hand_written_history() -> None:
    rows = [
        _row("action", "kms:A", "present", "true", "sar", "2020-01-01", None),
        _row("action", "kms:A", "access_level", '"Read"', "sar", "2020-01-01", "2021-01-01"),
        _row("action", "kms:A", "access_level", '"Write"', "sar", "2021-01-01", None),
        _row("action", "kms:B", "present", "true", "sar", "2021-01-01", "2022-01-01"),
        _row("action", "kms:B", "access_level", '"List"', "sar", "2021-01-01", "2022-01-01"),
        _row("action", "kms:A", "present", "true", "api", "2022-01-01", None),
    ]
    found = changes.versions(rows, newest="2023-01-01")
    assert [v.date for v in found] == ["2023-01-01", "2022-01-01", "2021-01-01", "2020-01-01"]
    empty, joined, middle, first = found
    assert empty.is_empty() and not empty.coverage
    assert [c.source for c in joined.coverage] == ["api"] and not joined.added
    assert joined.removed == (changes.Listing("action", ("sar",), ("kms:B",)),)
    assert middle.added == (changes.Listing("action", ("sar",), ("kms:B",)),)
    assert middle.changed == (
        changes.FieldChange("action", "kms:A", "access_level", "sar", '"Read"', '"Write"'),
    )
    assert first.first and [c.source for c in first.coverage] == ["sar"]
    text = changelog_of(rows, newest="2023-01-01")
    assert "- No change in the facts tracked" in text
    assert "- Removed actions (the SAR): `kms:B`" in text
    assert "`kms:A` access_level (the SAR): `Read` -> `Write`" in text


# Source text -----------------------------------------------------------------------------------


def test_bullets_run_into_a_note_become_a_list_with_links() -> None:
    note = load().actions["kms:ReEncryptFrom"].note
    shown = prose.block(_site(), note, "actions/ReEncryptFrom.md")
    assert shown.split("\n") == [
        "To use this operation, the caller needs permission on two KMS keys:",
        "",
        "- <code>kms:ReEncryptFrom</code> on the KMS key used to decrypt",
        "- [<code>kms:ReEncryptTo</code>](../actions/ReEncryptTo.md) on the KMS key used to "
        "encrypt",
    ]
    alias = prose.block(_site(), load().actions["kms:CreateAlias"].note, "actions/CreateAlias.md")
    assert alias.endswith(
        "- The alias &#40;in an IAM policy&#41;\n- The KMS key &#40;in a key policy&#41;\n\n"
        "For details, see Controlling access to aliases."
    )


def test_the_guides_markup_becomes_code_and_links() -> None:
    site = _site()
    here = "condition-keys/kms-ViaService.md"
    old = (
        "The `kms:ViaService` condition key is valid for all AWS KMS operations `except`: "
        "[CreateKey](url-kms-api;API_CreateKey.html), *except* "
        "[Cryptographic operations](concepts.md#cryptographic-operations)"
    )
    shown = prose.inline(site, old, here)
    assert "<code>kms:ViaService</code>" in shown  # this page: not a link to itself
    assert "[<code>CreateKey</code>](../actions/CreateKey.md)" in shown
    assert "<em>except</em>" in shown
    assert (
        "[Cryptographic operations](https://docs.aws.amazon.com/kms/latest/developerguide/"
        "concepts.html#cryptographic-operations)" in shown
    )
    assert "`" not in shown and "url-kms-api" not in shown
    macs = prose.inline(site, "`GenerateMac``VerifyMac`", here)
    assert macs.count("](../actions/") == 2 and "</code>](../actions/GenerateMac.md) [" in macs
    # A template the guide writes PCR<PCR_ID> links to the key of that template.
    pcr = prose.inline(site, "The kms:RecipientAttestation:PCR<PCR_ID> condition key", here)
    assert "](../condition-keys/kms-RecipientAttestation-PCR-PCR-ID.md)" in pcr
    # An ARN is not a name.
    arn = prose.inline(site, "allows arn:aws:iam::111122223333:role/App to call", here)
    assert "<code>" not in arn


@pytest.mark.parametrize(
    "hostile",
    [
        "[click](javascript:alert(1))",
        "<script>alert(1)</script>",
        "{{ 7*7 }} {% raw %}",
        "**bold** | cell",
        "+ item: + 1. two",
        "[x](https://evil.example/)",
    ],
)
def test_source_text_never_injects(hostile: str) -> None:
    shown = prose.block(_site(), hostile, "actions/CreateGrant.md")
    assert "<script" not in shown
    assert "](" not in shown  # no link made from the text
    assert "{{" not in shown and "{%" not in shown and "**" not in shown
    assert "|" not in shown


def test_no_generated_page_keeps_the_sources_markup() -> None:
    for path, page in _pages().items():
        assert "url-kms-api" not in page, path
        assert "&#96;" not in page, path  # a backtick escaped would show as one


# Provenance ------------------------------------------------------------------------------------


def test_provenance_says_as_of_and_never_now() -> None:
    pages = _pages()
    decrypt = pages["actions/Decrypt.md"]
    assert "The permissions reference: the undated current page" in decrypt
    assert "The SAR: as of 2026-06-14; in every copy held, which begin 2019-10-10" in decrypt
    assert "at least since then" in decrypt
    replicate = pages["actions/ReplicateKey.md"]
    assert "The SAR: as of 2026-06-14; first in the copy of 2021-07-01" in replicate
    assert "first in botocore 1.20.96 of 2021-06-16" in replicate
    via = pages["condition-keys/kms-ViaService.md"]
    assert "as of 2022-12-05" in via
    for path, page in pages.items():
        assert not re.search(r"\bnow\b", page), path
        assert "introduced" not in page or path in {"timeline/index.md"}, path
    assert "still in the newest copy &#40;2026-06-14&#41;" in decrypt


def test_absent_facts_name_the_source_that_lacks_them() -> None:
    page = _pages()["condition-keys/aws-SourceIp.md"]
    assert "not given by the condition key pages &#40;as of 2022-12-05&#41;" in page
    assert "not given: the SAR does not list it" in page
    assert "without an entry of its own for it; the passage:" in page
    assert "| &#8211; |" not in page


# Search, groups, pages -------------------------------------------------------------------------


def test_search_boost_on_the_name_and_summary_pages_only() -> None:
    boost = "---\nsearch:\n  boost: 2\n"
    pages = _pages()
    boosted = {p for p, page in pages.items() if page.startswith(boost)}
    for path in pages:
        if path.startswith(("actions/", "condition-keys/")):
            assert path in boosted, path
        if path.startswith("notes/"):
            assert path not in boosted, path
    summaries = {"cross-account.md", "policy-types.md", "matrix.md", "discrepancies.md"}
    assert summaries | {"timeline/index.md", "required-permissions.md"} <= boosted
    for path, page in pages.items():
        if path.startswith(("actions/", "condition-keys/")) and not path.endswith("index.md"):
            title = re.search(r"^# (.+)$", page, re.MULTILINE)
            assert title is not None
            name = title.group(1).replace("&#36;", "$").replace("&#123;", "{")
            name = name.replace("&#125;", "}").replace("&#95;", "_")
            assert name in load().actions or name in load().condition_keys, path


def test_enumerated_instances_sort_naturally_under_their_template() -> None:
    """The SAR's NitroTPMPCR0 ... 23 are one template: an action page names it once, and its
    page lists the instances in natural order, each with its own description."""
    pages = _pages()
    decrypt = pages["actions/Decrypt.md"].split("## Where the sources disagree")[0]
    assert decrypt.count("(../condition-keys/kms-RecipientAttestation-NitroTPMPCR-PCR-ID.md)") == 1
    assert "NitroTPMPCR7" not in decrypt
    page = pages["condition-keys/kms-RecipientAttestation-NitroTPMPCR-PCR-ID.md"]
    section = page.split("## Instances", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(
        r"^\| <code>kms:RecipientAttestation:NitroTPMPCR(\d+)</code> \| (.+) \|$",
        section,
        re.MULTILINE,
    )
    assert [number for number, _ in rows] == [str(n) for n in range(24)]
    info = load().condition_keys["kms:RecipientAttestation:NitroTPMPCR${PCR_ID}"]
    assert [said for _, said in rows] == [text(d) for d in info.sar_descriptions]


def test_required_permissions_page_lists_each_parameter_or_region_dependence() -> None:
    page = _pages()["required-permissions.md"]
    site = _site()
    rows = {
        (r.operation, r.permission, r.parameter, r.where)
        for info in site.actions.values()
        for r in (*info.required_permissions, *info.required_by)
        if r.parameter or r.where
    }
    assert len(rows) >= 4
    assert page.count("\n| ") - 1 == len(rows)
    assert "the Tags parameter" in page and "in the replica Region" in page
    create_key = _pages()["actions/CreateKey.md"]
    assert "## What the API Reference says" in create_key
    assert "the Tags parameter" in create_key


def test_retire_grant_says_how_its_facts_fit() -> None:
    page = _pages()["actions/RetireGrant.md"]
    fit = page.split('!!! info "How these facts fit"', 1)[1].split("\n## ", 1)[0]
    assert "not effective in a key policy" in fit
    assert "determined by the grant" in fit
    assert re.search(r"\]\(\.\./access/[\w-]+\.md#retire-grant-retiring-principal\)", fit)


def test_action_pages_link_back_to_the_notes_that_mention_them() -> None:
    pages = _pages()
    for name, mentions in _site().mentioned_in.items():
        page = pages.get(_site().page_of(name) or "")
        if page is None:
            continue
        for path, _ in mentions:
            assert f"](../{path}#note-" in page, (name, path)


def test_the_access_pages_show_every_case_as_tested() -> None:
    from kms_permissions.generator.site.access import case_page

    pages = _pages()
    rules = [p for p in pages if p.startswith("access/") and p != "access/index.md"]
    assert len(rules) > 5  # a page per rule
    page = "\n".join(pages[p] for p in rules)
    for case in CASES:
        assert f"{{ #{case.slug} }}" in pages[case_page(case)]
        section = page.split(f"{{ #{case.slug} }}", 1)[1].split("\n## ", 1)[0]
        assert f"(<code>{case.decision}</code>)" in section, case.slug
        assert "This dataset decides it otherwise" not in section
        assert section.count("\n1. ") == 1 and len(re.findall(r"^\d+\. ", section, re.M)) == len(
            case.reasons
        )
    for url in {case.basis for case in CASES}:
        assert url in page


# Determinism -----------------------------------------------------------------------------------

DIGEST = """
import hashlib, sys
from pathlib import Path
from kms_permissions.generator.site import site_files
from kms_permissions.reference import load, load_history, load_manifest
reference = load()
files = list(load_manifest(reference)["files"])
pages = site_files(reference, load_history(reference), files, Path("docs"))
for path in sorted(pages):
    print(path, hashlib.sha256(pages[path].encode()).hexdigest())
"""


@pytest.mark.slow
def test_pages_do_not_depend_on_hash_seed_or_locale() -> None:
    outputs = []
    for seed in ("0", "4242"):
        env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": seed, "LC_ALL": "C", "LANG": "C"}
        done = subprocess.run(
            [sys.executable, "-c", DIGEST], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    here = {
        str(Path("docs") / p): hashlib.sha256(page.encode()).hexdigest()
        for p, page in _pages().items()
    }
    listed = dict(line.split(" ") for line in outputs[0].splitlines())
    assert {p: d for p, d in listed.items() if p.startswith("docs/")} == here


def test_access_page_opens_with_the_why_denied_checklist_in_aws_order() -> None:
    from dataclasses import replace

    from kms_permissions.generator.site import checklist
    from kms_permissions.generator.site.access import case_page

    page = _pages()["access/index.md"]
    body = page.split("# How KMS decides a request\n\n", 1)[1]
    assert body.startswith("## Why was my request denied?")
    checklist_text = body.split("\n## The rules", 1)[0]
    steps = re.findall(r"^(\d+)\. \*\*([^*]+)\.\*\*", checklist_text, re.M)
    titles = [html.unescape(t) for _, t in steps]
    assert titles == [step.title for step in checklist.STEPS]
    titles = [t.lower() for t in titles]
    order = ["deny", "control policies", "key policy", "iam", "grants", "state", "context", "vpc"]
    assert all(word in title for word, title in zip(order, titles, strict=True))
    # Each step lists the denied cases that hold what it checks, and only those.
    by_step = {s.title: checklist.cases_of(s, CASES) for s in checklist.STEPS}
    assert {c.slug for c in by_step["An explicit Deny anywhere"]} == {
        c.slug for c in CASES if any(code == "explicit-deny" for code, _, _ in c.reasons)
    }
    assert all(c.decision != "allow" for c in by_step["The VPC endpoint"])
    assert by_step["The VPC endpoint"] and by_step["The encryption context"]
    for cases in by_step.values():
        for case in cases:
            assert f"{case_page(case)}#{case.slug})" in checklist_text
    # A case an SCP denies goes to its step, by its reasons' source kind.
    denied = next(c for c in CASES if c.decision == "implicit-deny")
    scp_case = replace(denied, reasons=(("not-allowed", "scp", 0),))
    control = next(s for s in checklist.STEPS if "control policies" in s.title)
    assert checklist.cases_of(control, (scp_case,)) == [scp_case]


def test_timeline_rows_name_what_changed() -> None:
    from kms_permissions.display import compact
    from kms_permissions.generator.site.timeline import SUMMARY_NAMES

    page = _pages()["timeline/index.md"]
    summary = re.compile(r"^\| \[([\d.]+)\]\((\d{4})\.md#v([\w-]+)\) \| (.*) \|$", re.M)
    links = {m[1]: (m[2], m[3]) for m in summary.finditer(page)}
    rows = {m[1]: m[4] for m in summary.finditer(page)}
    for version, (year, date) in links.items():  # each to the entry on its year's page
        assert (
            date.startswith(year)
            and f"## {version} {{ #v{date} }}" in _pages()[f"timeline/{year}.md"]
        )
    versions = _site().versions
    assert len(rows) == len(versions) > 10
    for version in versions:
        row = html.unescape(rows[version.version])
        assert not re.search(r"(?:^|; )\d+ \w", row), row  # a count alone names nothing
        for listing in (*version.added, *version.removed):
            if listing.kind in ("action", "condition_key"):
                first = compact(list(listing.entities))[:SUMMARY_NAMES]
                assert all(f"<code>{name}</code>" in row for name in first), row
            if listing.kind == "action_condition_key":
                action = listing.entities[0].split("|", 1)[0]
                assert f"<code>{action}</code>" in row
        for change in version.changed[:1]:
            assert f"{change.field} of " in row


def test_each_fact_is_attributed_to_the_source_that_gives_it() -> None:
    pages = _pages()
    site = _site()
    api_only = [a for a, info in site.actions.items() if info.in_api and not info.in_guide]
    assert api_only  # Encapsulate and Decapsulate, in this dataset
    for action, path in site.action_pages.items():
        page = html.unescape(pages[path])
        facts = page.split("| Fact | Value |", 1)[1].split("\n\n", 1)[0]
        info = site.actions[action]
        # Each headline fact names its source and that source's date.
        for fact, source in info.headline_sources.items():
            if fact in ("policy_types", "resources", "access_level"):
                when = info.headline_as_of[fact]
                dated = f"as of {when.isoformat()}" if when else "undated"
                assert f"({site.short_sources([source])}, {dated})" in facts, (action, fact)
        if action in api_only:
            assert "The permissions reference:" not in facts, action
            assert "(API Reference, as of" in facts
        history = set(re.findall(r"\| the ([\w ]+?) \| ", page))
        begins = re.search(r"Dates are those of the copies held, which begin (.*)\.", page)
        if begins:
            named = set(re.findall(r"for the ([\w ]+?)(?:,|$)", begins[1]))
            assert named <= history, (action, named)


def test_the_via_service_page_lists_every_service_and_works_examples() -> None:
    from kms_permissions import via_service
    from kms_permissions.generator.site.via_services import EXAMPLE_REGIONS

    page = html.unescape(_pages()["via-service.md"])
    services = _site().keys["kms:ViaService"].via_services
    assert len(services) > 50
    rows = re.findall(r"^\| (.+?) \| (.*?) \| (.*?) \|$", page.split("## The services", 1)[1], re.M)
    listed = {service: names for service, names, _ in rows[1:]}
    assert len(listed) == len({s.service for s in services})
    for service in services:
        shown = listed[service.service]
        assert all(f"<code>{name}</code>" in shown for name in service.names)
    prefixes = {p for s in services for p in s.prefixes}
    examples = re.findall(r"^\| <code>([a-z0-9-]+)</code> \| <code>(\S+)</code> \|$", page, re.M)
    assert [region for region, _ in examples] == list(EXAMPLE_REGIONS)
    for region, value in examples:
        assert value == f"s3.{region}.amazonaws.com"
        assert via_service.problem(value, prefixes) is None  # what the checker accepts
    key_page = _pages()["condition-keys/kms-ViaService.md"]
    assert "(../via-service.md)" in key_page


# Topics ----------------------------------------------------------------------------------------


def test_a_topic_lists_the_actions_and_keys_its_sources_name() -> None:
    from kms_permissions.generator.site.topics import TOPICS, actions_of, keys_of

    site = _site()
    by_title = {topic.title: topic for topic in TOPICS}
    multi = by_title["Multi-Region keys"]
    assert {"kms:ReplicateKey", "kms:UpdatePrimaryRegion"} <= set(actions_of(site, multi))
    assert {"kms:MultiRegion", "kms:PrimaryRegion", "kms:ReplicaRegion"} <= set(
        keys_of(site, multi)
    )
    assert "kms:Decrypt" not in actions_of(site, multi)  # its description names no Region
    grants = by_title["Grants"]
    assert {"kms:CreateGrant", "kms:RetireGrant", "kms:ListRetirableGrants"} <= set(
        actions_of(site, grants)
    )
    assert "kms:GrantOperations" in keys_of(site, grants)
    assert "kms:TagResource" in actions_of(site, by_title["Tags"])  # by its name's words
    assert "kms:Encrypt" not in actions_of(site, by_title["Tags"])
    page = _pages()["topics/multi-region-keys.md"]
    # What ReplicateKey needs besides itself, from the API Reference's Required permissions.
    assert re.search(r"<code>ReplicateKey</code>: .*kms:CreateKey.* in the replica Region", page)
    assert "Key policy; IAM policies too, where the key policy enables them" in page
    index = _pages()["topics/index.md"]
    assert all(f"topics/{topic.page})" in index for topic in TOPICS)
