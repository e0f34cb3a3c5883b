"""The parsed-page cache is an input like any other: an entry that does not match is a miss."""

from __future__ import annotations

import json
from pathlib import Path

from kms_permissions.cli import main
from kms_permissions.scraper.kinds import PERMISSIONS
from kms_permissions.scraper.page_cache import PageCache
from kms_permissions.scraper.records import PermissionsPage
from kms_permissions.scraper.scrape import scrape
from kms_permissions.scraper.sources import LocalSource


def _decrypt(page: PermissionsPage) -> tuple[str, ...]:
    (operation,) = [op for op in page.operations if op.name == "Decrypt"]
    return tuple(grant.cross_account for grant in operation.grants)


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("*-permissions-md-list-PermissionsPage-*.json")
    return entry


def _edit_decrypt(entry: Path, reseal: bool = False) -> None:
    """Decrypt's cross-account value turned from yes to no in the cached record."""
    document = json.loads(entry.read_text())
    (operation,) = [op for op in document["data"]["operations"] if op["name"] == "Decrypt"]
    assert {grant["cross_account"] for grant in operation["grants"]} == {"yes"}
    for grant in operation["grants"]:
        grant["cross_account"] = "no"
    if reseal:  # an entry sealed by hand, but for another page's content
        import hashlib

        document["page_sha256"] = hashlib.sha256(b"another page").hexdigest()
        document.pop("sha256")
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        document["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    entry.write_text(json.dumps(document, sort_keys=True))


def test_an_edited_entry_is_parsed_again(corpus: Path, tmp_path: Path) -> None:
    page = corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md"
    cache = PageCache(tmp_path / "parsed")
    fresh = scrape(LocalSource(page), cache).of(PERMISSIONS)
    assert [_decrypt(p) for p in fresh] == [("yes",)]
    entry = _entry(tmp_path / "parsed")
    sealed = json.loads(entry.read_text())
    assert sealed["page_sha256"] == fresh[0].provenance.sha256 and len(sealed["sha256"]) == 64
    # Unchanged, the entry is used as it is (it is the same record).
    assert scrape(LocalSource(page), cache).of(PERMISSIONS) == fresh
    _edit_decrypt(entry)
    assert [_decrypt(p) for p in scrape(LocalSource(page), cache).of(PERMISSIONS)] == [("yes",)]
    # The miss was parsed anew and the entry written again, sealed.
    assert json.loads(entry.read_text()) == sealed
    _edit_decrypt(entry, reseal=True)
    assert [_decrypt(p) for p in scrape(LocalSource(page), cache).of(PERMISSIONS)] == [("yes",)]


def test_the_dataset_is_right_after_an_entry_is_edited(corpus: Path, tmp_path: Path) -> None:
    page = corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md"
    parsed = tmp_path / "parsed"
    build = ["build", "--source", str(page), "--revision-date", "2026-11-20"]
    build += ["--cache-dir", str(parsed), "--allow-shrink"]
    assert main([*build, "--out", str(tmp_path / "first")]) == 0
    _edit_decrypt(_entry(parsed))
    assert main([*build, "--out", str(tmp_path / "second")]) == 0
    for out in ("first", "second"):
        rows = json.loads((tmp_path / out / "action_grants.json").read_text())
        decrypt = [row["cross_account"] for row in rows if row["action"] == "kms:Decrypt"]
        assert decrypt == ["yes"], out
