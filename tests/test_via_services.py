"""The guide's table of services that support kms:ViaService: parsed from every guide copy that
has it, carried into the dataset (table, history), the read model, lookup, the constants and the
query functions other code calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kms_permissions import constants, via_service
from kms_permissions.cli import main
from kms_permissions.errors import ParseError
from kms_permissions.reference import load, via_service_problem, via_services
from kms_permissions.scraper import via_services_md

from .conftest import ROOT, provenance

DATA = ROOT / "kms_permissions" / "data"


def _copies(corpus: Path) -> list[Path]:
    pages = ("policy-conditions.md", "conditions-kms.md")
    return sorted(
        path
        for page in pages
        for path in (corpus / "kms-devguide-github").glob(f"*/doc_source/{page}")
        if via_services_md.has_table(path.read_text())
    )


def test_every_guide_copy_with_the_table_parses(corpus: Path) -> None:
    copies = _copies(corpus)
    assert len(copies) == 77  # every archived revision from 2017-11-15 to 2022-12-05
    counts = []
    for path in copies:
        page = via_services_md.parse(path.read_text(), provenance(str(path)))
        services = {row.service: row for row in page.services}
        counts.append(len(services))
        for row in page.services:
            assert row.names or row.note, row
            for name in row.names:
                assert via_service.split(name) == (via_service.prefix_of(name), "AWS_region")
        ebs = services["Amazon Elastic Block Store (Amazon EBS)"]
        assert ebs.names == ("ec2.AWS_region.amazonaws.com",) and ebs.note == "EBS only"
    assert counts[0] == 19 and counts[-1] == 79  # the table grew from 19 services to 79
    newest = via_services_md.parse(copies[-1].read_text(), provenance())
    elasticache = {row.service: row for row in newest.services}["Amazon ElastiCache"]
    # The markdown copies leave ElastiCache's two names to the website: none is invented.
    assert elasticache.names == ()
    assert elasticache.note is not None
    assert elasticache.note.startswith("Include both ViaService names")


def test_a_cell_with_two_names_keeps_both() -> None:
    text = (
        "| Service name | AWS KMS ViaService name | \n| --- | --- | \n"
        "| Amazon ElastiCache |  Include both ViaService names in the condition key value: "
        "elasticache\\.AWS\\_region\\.amazonaws\\.com, dax\\.AWS\\_region\\.amazonaws\\.com | \n"
    )
    (row,) = via_services_md.parse(text, provenance()).services
    assert row.names == ("elasticache.AWS_region.amazonaws.com", "dax.AWS_region.amazonaws.com")
    assert row.note == "Include both ViaService names in the condition key value:"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("| Service name | KMS ViaService name |\n| --- | --- |\n\ntext", "has no row"),
        ("| Service name | KMS ViaService name |\n| A | b |\n", "has no rule"),
        ("| Service name | KMS ViaService name |\n| --- | --- |\n| A |\n", "1 cells, not 2"),
        ("| Service name | KMS ViaService name |\n| --- | --- |\n|  | x |\n", "names no service"),
        ("| Service name | KMS ViaService name |\n| --- | --- |\n| A |  |\n", "no ViaService"),
        (
            "| Service name | KMS ViaService name |\n| --- | --- |\n"
            "| A | a\\.AWS\\_region\\.amazonaws\\.com |\n"
            "| A | b\\.AWS\\_region\\.amazonaws\\.com |\n",
            "line 4: A is listed twice",
        ),
        ("no table here", "no table of services"),
    ],
)
def test_a_malformed_table_is_refused_naming_the_line(text: str, problem: str) -> None:
    with pytest.raises(ParseError, match=problem):
        via_services_md.parse(text, provenance("page.md"))


def test_the_dataset_holds_the_newest_table_with_its_history() -> None:
    rows = json.loads((DATA / "via_services.json").read_text())
    assert len(rows) == 79
    assert {r["source_id"] for r in rows} == {"via-services/conditions-kms@38281913dc98"}
    sources = {r["source_id"]: r for r in json.loads((DATA / "sources.json").read_text())}
    assert sources["via-services/conditions-kms@38281913dc98"]["revision_date"] == "2022-12-05"
    schema = json.loads((DATA / "schema" / "via_services.schema.json").read_text())
    assert schema["items"]["required"] == ["service", "names", "note", "source_id"]
    history = json.loads((DATA / "history.json").read_text())
    listed = {
        r["entity"]: r
        for r in history
        if r["entity_kind"] == "via_service" and r["field"] == "present"
    }
    assert listed["AWS Lambda"]["valid_from"] == "2017-11-15"
    # The guide renamed Amazon ES to OpenSearch Service: the old row ends, the new one starts.
    es = listed["Amazon Elasticsearch Service (Amazon ES)"]
    opensearch = listed["Amazon OpenSearch Service (OpenSearch Service)"]
    assert es["valid_to"] == opensearch["valid_from"] is not None
    assert "Removed services that support kms:ViaService" in (DATA / "CHANGELOG.md").read_text()


def test_the_read_model_and_the_query_functions() -> None:
    services = via_services()
    assert [s.service for s in services] == sorted(s.service for s in services)
    assert load().condition_keys["kms:ViaService"].via_services == services
    assert load().condition_keys["kms:CallerAccount"].via_services == ()
    rds = [s.service for s in services if "rds" in s.prefixes]
    assert "Amazon Aurora" in rds and "Amazon Relational Database Service (Amazon RDS)" in rds
    assert via_service_problem("ec2.us-west-2.amazonaws.com") is None
    assert via_service_problem("rds.us-gov-west-1.amazonaws.com") is None
    assert via_service_problem("ec2.*.amazonaws.com") is None  # a pattern is not judged
    unknown = via_service_problem("nosuch.us-east-1.amazonaws.com")
    assert unknown is not None
    assert "names no service" in unknown and "Amazon ElastiCache" in unknown
    region = via_service_problem("ec2.US-EAST-1.amazonaws.com")
    assert region is not None and "'US-EAST-1' is not a Region name" in region
    form = via_service_problem("ec2.amazonaws.com")
    assert form is not None and "not of the form SERVICE.REGION.amazonaws.com" in form
    # The China Regions' endpoints end in .amazonaws.com.cn: well-formed there, nowhere else.
    assert via_service_problem("ec2.cn-north-1.amazonaws.com.cn") is None
    assert via_service_problem("s3.cn-northwest-1.amazonaws.com.cn") is None
    assert via_service_problem("ec2.us-east-1.amazonaws.com.cn") is not None
    assert via_service.split("ec2.cn-north-1.amazonaws.com.cn") == ("ec2", "cn-north-1")


def test_the_constants_name_the_services_and_build_values() -> None:
    assert constants.ViaServiceName.EC2.value == "ec2"
    assert constants.ViaServiceName.BACKUP_GATEWAY.value == "backup-gateway"
    prefixes = {p for s in via_services() for p in s.prefixes}
    assert {m.value for m in constants.ViaServiceName} == prefixes
    assert constants.via_service(constants.ViaServiceName.EC2, "eu-west-3") == (
        "ec2.eu-west-3.amazonaws.com"
    )
    assert constants.via_service("ssm-incidents", "ap-southeast-7") == (
        "ssm-incidents.ap-southeast-7.amazonaws.com"
    )
    with pytest.raises(ValueError, match="'nosuch' is not a service"):
        constants.via_service("nosuch", "us-east-1")
    for region in ("us_east_1", "useast1", "us-east", "US-east-1", "us-east-1.", ""):
        with pytest.raises(ValueError, match="is not a Region name"):
            constants.via_service("ec2", region)
    with pytest.raises(TypeError, match="region must be a str, not int"):
        constants.via_service("ec2", 1)  # type: ignore[arg-type]


def test_lookup_shows_the_table_in_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "kms:ViaService"]) == 0
    text = capsys.readouterr().out
    assert "  services         79 support it (the guide's table):" in text
    assert (
        "    Amazon Elastic Block Store (Amazon EBS): ec2.AWS_region.amazonaws.com (EBS only)"
        in (text)
    )
    assert "    Amazon ElastiCache: - (not given by this copy) (Include both" in text
    assert main(["lookup", "--json", "kms:ViaService", "kms:CallerAccount"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert len(results[0]["via_services"]) == 79
    assert results[1]["via_services"] == []
    assert main(["lookup", "kms:CallerAccount"]) == 0
    assert "services " not in capsys.readouterr().out
