"""A numbered family the SAR enumerates is one template with its instances (issue 23, item 6):
kms:RecipientAttestation:NitroTPMPCR0 ... 23 as PCR0 ... 31 are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions import constants
from kms_permissions.cli import main
from kms_permissions.dataset.keys import enumerated_templates
from kms_permissions.names import Templates
from kms_permissions.reference import DATA_DIR, load

GUIDE = Templates(["kms:RecipientAttestation:PCR${PCR_ID}", "kms:EncryptionContext:${Key}"])
NITRO = "kms:RecipientAttestation:NitroTPMPCR${PCR_ID}"


def _family(stem: str, numbers: range | list[int]) -> list[str]:
    return [f"{stem}{n}" for n in numbers]


def test_a_numbered_family_from_zero_without_a_gap_is_a_template() -> None:
    names = _family("kms:RecipientAttestation:NitroTPMPCR", range(24))
    # Borrowing the placeholder of the guide's template whose fixed text ends as the stem does.
    assert enumerated_templates(names, GUIDE) == [NITRO]
    assert enumerated_templates(_family("kms:Slot", range(3)), GUIDE) == ["kms:Slot${Number}"]


@pytest.mark.parametrize(
    "names",
    [
        _family("kms:Slot", range(2)),  # too few to be a family
        _family("kms:Slot", range(1, 5)),  # not from 0
        _family("kms:Slot", [0, 1, 2, 4]),  # a gap
        _family("kms:RecipientAttestation:PCR", range(32)),  # the guide's template has them
        ["kms:RecipientAttestation:ImageSha384"],  # a number in a name, not a family
    ],
)
def test_other_names_are_no_template(names: list[str]) -> None:
    assert enumerated_templates(names, GUIDE) == []


def test_the_bundled_dataset_holds_one_template_with_24_instances() -> None:
    reference = load()
    keys = [k for k in reference.condition_keys if "NitroTPMPCR" in k]
    assert keys == [NITRO]
    info = reference.condition_keys[NITRO]
    assert info.is_template and info.in_sar and not info.in_guide
    instances = [n for n in info.sar_names if "${" not in n]
    assert instances == [f"kms:RecipientAttestation:NitroTPMPCR{n}" for n in range(24)]
    # Each instance keeps its own description, in the same order.
    rows = json.loads((DATA_DIR / "condition_keys.json").read_text())
    (row,) = [r for r in rows if r["condition_key"] == NITRO]
    assert len(row["sar_descriptions"]) == 24
    for number, said in enumerate(row["sar_descriptions"]):
        assert f"PCR{number} is" in said
    assert len(set(row["sar_descriptions"])) == 24
    # The pairs name the template; the SAR's instance names stay on them.
    links = [link for link in reference.links if link.condition_key == NITRO]
    assert {link.action for link in links} >= {"kms:Decrypt", "kms:GenerateDataKey"}
    assert all(len(link.sar_names) == 24 for link in links)


def test_lookup_of_an_instance_answers_with_its_own_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    info = load().condition_keys[NITRO]
    own = dict(zip(info.sar_names, info.sar_descriptions, strict=True))
    asked = "kms:RecipientAttestation:NitroTPMPCR7"
    assert main(["lookup", asked]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{NITRO}  (condition key)")
    assert f"instance         {asked}: {own[asked]}" in out
    # Only the instances the SAR enumerates resolve.
    assert main(["lookup", "kms:RecipientAttestation:NitroTPMPCR24"]) == 1


def test_the_constants_name_each_instance_through_the_template_helper() -> None:
    assert constants.recipient_attestation_nitro_tpmpcr("7") == (
        "kms:RecipientAttestation:NitroTPMPCR7"
    )
    with pytest.raises(ValueError):
        constants.recipient_attestation_nitro_tpmpcr("24")
    assert NITRO in {member.value for member in constants.ConditionKey}


def test_the_check_knows_an_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEqualsIgnoreCase": {"kms:RecipientAttestation:NitroTPMPCR7": "ab" * 48}
                },
            }
        ],
    }
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert "no KMS condition key" not in out
    assert "NitroTPMPCR7 applies to none" not in out


def test_an_older_release_reads_the_family_as_its_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2026.11.20 held NitroTPMPCR0 ... 23 as 24 keys: its migration folds them as builds do,
    so diff reports no key removed or added for them."""
    import tarfile

    from kms_permissions.dataset.io import read_dataset

    releases = Path(__file__).parent / "releases"
    with tarfile.open(releases / "2026.11.20.tar.xz") as archive:
        archive.extractall(tmp_path, filter="data")
    old = read_dataset(tmp_path / "2026.11.20")
    keys = {r["condition_key"]: r for r in old.tables["condition_keys"]}
    assert [k for k in keys if "NitroTPMPCR" in k] == [NITRO]
    assert len(keys[NITRO]["sar_names"]) == len(keys[NITRO]["sar_descriptions"]) == 24
    pairs = [r for r in old.tables["action_condition_keys"] if "NitroTPMPCR" in r["condition_key"]]
    assert pairs and all(r["condition_key"] == NITRO for r in pairs)
    assert main(["diff", "--json", str(tmp_path / "2026.11.20"), str(DATA_DIR)]) == 0
    report = json.loads(capsys.readouterr().out)
    for part in ("added", "removed", "changed"):
        assert not [c for c in report[part] if "NitroTPMPCR" in json.dumps(c)], part
