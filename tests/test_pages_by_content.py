"""Pages are recognised by what they say, wherever they lie; one key whatever source a build
starts from; contradictions inside a source are shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kms_permissions.cli import main
from kms_permissions.dataset.cross_account import cross_account_value
from kms_permissions.errors import SourceError
from kms_permissions.scraper.identify import date_in_name, identify
from kms_permissions.scraper.permissions_md import parse
from kms_permissions.scraper.sources import LocalSource

from .conftest import provenance


def _lookup(capsys: pytest.CaptureFixture[str], dataset: Path, *names: str) -> dict[str, object]:
    status = main(["lookup", "--json", "--dataset", str(dataset), *names])
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    document["status"] = status
    return document


def test_a_sar_copy_in_a_folder_of_any_name_builds_alone(
    sar_copies: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "saved pages"
    folder.mkdir()
    shutil.copy(sar_copies[-1], folder / f"kms-sar-{sar_copies[-1].stem}.html")
    (folder / "notes.txt").write_text("not a page")
    out = tmp_path / "data"
    assert main(["build", "--source", str(folder), "--out", str(out), "--no-cache"]) == 0
    capsys.readouterr()
    found = _lookup(
        capsys,
        out,
        "aws:ResourceTag/${tag-key}",
        "kms:EncryptionContext:${context-key}",
        "kms:EncryptionContext:aws:s3:arn",
    )
    assert found["status"] == 0 and found["not_found"] == []
    results = found["results"]
    assert isinstance(results, list)
    # A SAR-only build keeps the SAR's spelling, and answers to the guide's.
    assert [r["name"] for r in results] == [
        "aws:ResourceTag/${TagKey}",
        "kms:EncryptionContext:${EncryptionContextKey}",
        "kms:EncryptionContext:${EncryptionContextKey}",
    ]
    assert results[0]["as_of"] == {"sar": sar_copies[-1].stem}


def test_a_sar_page_for_another_service_is_refused_by_name(
    sar_copies: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = sar_copies[-1].read_text()
    prefix_at = text.index("service prefix:")
    glacier = text[:prefix_at] + text[prefix_at:].replace("kms", "glacier", 1)
    glacier = glacier.replace(">kms:", ">glacier:")
    page = tmp_path / "2026-06-14.html"
    page.write_text(glacier)
    with pytest.raises(SourceError, match="service prefix 'glacier', not 'kms'"):
        list(LocalSource(page).pages())
    out = tmp_path / "data"
    assert main(["build", "--source", str(page), "--out", str(out), "--no-cache"]) != 0
    assert "glacier" in capsys.readouterr().err
    assert not out.exists()


def test_guide_pages_are_told_by_their_anchor_not_their_name(
    current_permissions_md: str, tmp_path: Path
) -> None:
    renamed = tmp_path / "saved.md"
    renamed.write_text(current_permissions_md)
    (page,) = LocalSource(renamed, "2026-11-01").pages()
    assert (page.kind, page.rendering, page.name) == (
        "permissions",
        "md-list",
        "kms-api-permissions-reference",
    )
    assert page.revision_date == "2026-11-01"
    assert identify(b"# Notes\n\nJust a readme.") is None
    assert identify(b'# Grants in AWS KMS<a name="grants"></a>\n').kind == "guide"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "date"),
    [("2026-06-14.html", "2026-06-14"), ("sar 2019-10-10 copy.html", "2019-10-10"), ("x.md", None)],
)
def test_dates_in_names(name: str, date: str | None) -> None:
    assert date_in_name(name) == date


def test_an_impossible_date_in_a_name_is_refused() -> None:
    with pytest.raises(SourceError, match="2026-02-30 is not a real date"):
        date_in_name("2026-02-30.html")


def test_a_source_contradicting_itself_is_shown(current_permissions_md: str) -> None:
    start = current_permissions_md.index("- **[DeriveSharedSecret]")
    end = current_permissions_md.index("\n\n", start)
    block = current_permissions_md[start:end]
    keys = block.split("**AWS KMS condition keys:**", 1)[1].strip()
    rows = [
        f"  - **Policy type:** Key policy / **Cross-account use:** {answer} / "
        f"**Resources (for IAM policies):** KMS key / **AWS KMS condition keys:** {keys}"
        for answer in ("Yes", "No")
    ]
    head = block.split("\n", 1)[0]
    text = current_permissions_md[:start] + "\n".join([head, *rows]) + current_permissions_md[end:]
    page = parse(text, provenance("crafted.md"))
    (derive,) = [op for op in page.operations if op.name == "DeriveSharedSecret"]
    assert [g.cross_account for g in derive.grants] == ["yes", "no"]
    assert cross_account_value(derive.grants) == "contradictory"
    (alias,) = [op for op in page.operations if op.name == "CreateAlias"]
    assert cross_account_value(alias.grants) == "no"
