"""What a cold `explain` and a cold `check` load (issues 20 and 21). Nothing here is timed.

Each verb runs in a fresh process on one real case; the process reports the modules it imported
and the bundled data files it opened (an audit hook sees every `open`). A verb must not import
what it does not use (the checker for `explain`, the evaluator for `check`, YAML for a JSON
file, the site generator, the scraper's HTTP stack) nor read tables it does not use (the history,
the action-key relation, the Parquet files).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kms_permissions.policy.access.cases import CASES

from .conftest import ROOT

REALWORLD = ROOT / "tests" / "realworld"
KEY_POLICY = REALWORLD / "06-cwlogs-guide-key-policy-account-condition.json"
TEMPLATE = REALWORLD / "12-widdix-kms-key.yaml"

_PROBE = """
import json, sys
opened = set()

def hook(event, args):
    if event == "open" and isinstance(args[0], str) and "/kms_permissions/data/" in args[0]:
        opened.add(args[0].rsplit("/kms_permissions/data/", 1)[1])

sys.addaudithook(hook)
from kms_permissions.cli import main

status = main(json.loads(sys.argv[1]))
sys.stdout.flush()
reference = sys.modules.get("kms_permissions.reference")
built = None  # how many actions' whole facts the bundled read model built
if reference is not None and reference._bundled.cache_info().currsize:
    built = len(reference._bundled().actions._facts)
# The regular expressions compiled so far (re's own cache of patterns given as strings).
patterns = sorted({str(key[1]) for key in getattr(sys.modules.get("re"), "_cache", {})})
print(json.dumps({"status": status, "modules": sorted(sys.modules), "opened": sorted(opened),
                  "built": built, "patterns": patterns}), file=sys.stderr)
"""

# Never needed by either verb on a JSON input. `dataclasses` (with `inspect`, `ast`, `dis`,
# `tokenize`) costs a cold start more than any verb's work: modules on these paths declare their
# classes with `kms_permissions._slotted` at run time.
NEVER = (
    "dataclasses",
    "inspect",
    "yaml",
    "jsonschema",
    "requests",
    "bs4",
    "lxml",
    "pyarrow",
    "importlib.metadata",
    "kms_permissions.generator",
    "kms_permissions.scraper",
    "kms_permissions.dataset.columns",
    "kms_permissions.dataset.row_types",
    "kms_permissions.dataset.build",
)
# The tables neither verb reads: only the index, its TOC, the manifest (and the guide's notes,
# which findings cite) are.
UNREAD = ("history.json", "action_condition_keys.json", "discrepancies.json", "sources.json")


def _cold(argv: list[str], cwd: Path = ROOT) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    report: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    report["stdout"] = done.stdout
    return report


def _loaded(report: dict[str, object], names: tuple[str, ...]) -> list[str]:
    modules = report["modules"]
    assert isinstance(modules, list)
    return [m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names)]


def _opened(report: dict[str, object]) -> list[str]:
    opened = report["opened"]
    assert isinstance(opened, list)
    return [str(name) for name in opened]


def _patterns(report: dict[str, object]) -> set[str]:
    patterns = report["patterns"]
    assert isinstance(patterns, list)
    return {str(pattern) for pattern in patterns}


@pytest.fixture
def case_files(tmp_path: Path) -> list[str]:
    case = next(c for c in CASES if c.slug == "same-account-iam-policy")
    argv = ["explain"]
    for option, data in (
        ("--key-policy", case.key_policy),
        ("--request", case.request),
        ("--iam-policy", case.iam_policies[0]),
    ):
        path = tmp_path / f"{option.strip('-')}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        argv += [option, str(path)]
    return argv


def test_a_cold_explain_loads_neither_the_checker_nor_the_typed_read_model(
    case_files: list[str],
) -> None:
    report = _cold(case_files)
    assert report["status"] == 0
    assert str(report["stdout"]).startswith("decision: allow")
    heavy = (
        *NEVER,
        "kms_permissions.policy.checker",
        "kms_permissions.policy.rules",
        "kms_permissions.policy.registry",
        "kms_permissions.policy.knowledge",
        "kms_permissions.policy.access.analysis",
        "kms_permissions.reference",
        "kms_permissions.dataset",
        "tomllib",
        "decimal",
        "typing",  # its names on this path are `_slotted`' stand-ins at run time
    )
    assert _loaded(report, heavy) == []
    # The index's entries the request names, read through the TOC; no table file.
    assert _opened(report) == ["index.json", "index.toc.json", "manifest.json"]


def test_a_cold_check_of_a_json_policy_loads_no_evaluator_and_no_yaml() -> None:
    report = _cold(["check", str(KEY_POLICY)])
    assert report["status"] == 1  # the guide's placeholder account is an error
    assert f"{KEY_POLICY.name}:9:17: KMS105 [error]" in str(report["stdout"])
    # A plain command line is read without argparse (and its gettext, locale and shutil).
    heavy: tuple[str, ...] = (*NEVER, "kms_permissions.policy.access")
    heavy += ("kms_permissions.policy.authoring", "argparse", "gettext", "locale", "shutil")
    # tests/realworld/pyproject.toml holds the table, in the kind tomlscan reads: no tomllib.
    heavy += ("tomllib", "typing")
    assert _loaded(report, heavy) == []
    opened = _opened(report)
    assert {"manifest.json", "index.toc.json", "index.json"} <= set(opened)
    assert not [name for name in opened if name in UNREAD or name.endswith(".parquet")]
    assert not [name for name in opened if name.startswith("schema/")]


def test_a_cold_check_of_a_template_reads_yaml_and_still_no_unused_table() -> None:
    report = _cold(["check", str(TEMPLATE)])
    assert report["status"] in (0, 1)
    assert "yaml" in _loaded(report, ("yaml",))  # PyYAML reads the template
    assert _loaded(report, ("kms_permissions.generator", "requests", "pyarrow")) == []
    assert not [name for name in _opened(report) if name in UNREAD]


def test_the_policy_package_names_its_api_without_importing_the_checker() -> None:
    code = (
        "import sys\n"
        "import kms_permissions.policy as policy\n"
        "print('kms_permissions.policy.checker' in sys.modules)\n"
        "import kms_permissions.policy.checker\n"  # the submodule no longer shadows check()
        "from kms_permissions.policy import *\n"
        "print(sorted(policy.__all__), check.__module__, Finding.__name__, PolicyError.__name__)\n"
        "print(len(check({'Statement': []}, kind='iam-policy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines() == [
        "False",
        "['Finding', 'PolicyError', 'check'] kms_permissions.policy.checker Finding PolicyError",
        "0",
    ]


def test_the_lazily_read_model_holds_the_facts_the_whole_read_gives() -> None:
    from kms_permissions.dataset.integrity import verify
    from kms_permissions.reference import DATA_DIR, build_reference, lazy_reference

    lazy = lazy_reference(DATA_DIR, verify(DATA_DIR))
    whole = build_reference(DATA_DIR, verify(DATA_DIR))
    assert list(lazy.actions) == list(whole.actions)
    assert "kms:Decrypt" in lazy.actions and "kms:Nothing" not in lazy.actions
    assert lazy.actions["kms:Decrypt"] == whole.actions["kms:Decrypt"]
    for name in ("actions", "condition_keys", "resource_types", "sources", "coverage"):
        assert dict(getattr(lazy, name)) == dict(getattr(whole, name)), name
    for name in ("links", "discrepancies", "notes"):
        assert tuple(getattr(lazy, name)) == getattr(whole, name), name
        assert getattr(lazy, name) == getattr(whole, name) == getattr(lazy, name)
    assert lazy == whole


def test_a_lazily_read_fact_is_checked_when_it_is_read(tmp_path: Path) -> None:
    import shutil

    from kms_permissions.dataset.integrity import IntegrityError, read_manifest
    from kms_permissions.query import QueryError
    from kms_permissions.reference import DATA_DIR, lazy_reference

    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    notes = folder / "notes.json"
    notes.write_text(notes.read_text(encoding="utf-8").replace("the", "teh", 1), "utf-8")
    index = folder / "index.json"
    toc = json.loads((folder / "index.toc.json").read_text())
    offset, length, _ = toc["parts"]["actions"]["kms:Encrypt"]
    data = bytearray(index.read_bytes())
    data[offset + length - 2 : offset + length - 1] = b" "  # inside the entry, same length
    index.write_bytes(bytes(data))
    reference = lazy_reference(folder, read_manifest(folder))
    # What is intact is read and checked; what changed is refused when it is read, named.
    assert reference.actions["kms:Decrypt"].action == "kms:Decrypt"
    with pytest.raises(QueryError, match=r"the bytes of kms:Encrypt changed"):
        _ = reference.actions["kms:Encrypt"]
    with pytest.raises(IntegrityError, match=r"notes\.json: sha256 does not match the manifest"):
        _ = reference.notes[0]


def test_the_date_fields_are_found_as_the_regular_expression_finds_them() -> None:
    import re

    from kms_permissions import model

    annotations = {
        str(annotation)
        for cls in vars(model).values()
        if isinstance(cls, type) and cls.__module__ == model.__name__
        for annotation in vars(cls).get("__annotations__", {}).values()
    }
    annotations |= {"tuple[date, datetime]", "datetime_x | date", "Mapping[str, date | None]"}
    for annotation in annotations:
        found = re.search(r"\b(datetime|date)\b", annotation)
        assert model._date_kind(annotation) == (found.group(1) if found else None), annotation


def test_a_cold_check_outside_any_project_imports_neither_tomllib_nor_typing(
    tmp_path: Path,
) -> None:
    policy = tmp_path / KEY_POLICY.name
    policy.write_bytes(KEY_POLICY.read_bytes())
    assert not [p for p in (tmp_path, *tmp_path.parents) if (p / "pyproject.toml").exists()]
    report = _cold(["check", str(policy)])
    assert report["status"] == 1
    # No pyproject.toml to read: no TOML parser; typing's names are `_slotted`' stand-ins.
    assert _loaded(report, ("tomllib", "typing", *NEVER)) == []


def test_a_cold_check_of_kms_star_builds_few_whole_facts() -> None:
    """`kms:*` names every action: the rules read each one's policy types alone from its entry
    (checked), and build the whole fact only of the few they look into (none for this one)."""
    from kms_permissions.reference import load

    text = KEY_POLICY.read_text(encoding="utf-8")
    assert '"kms:*"' in text
    report = _cold(["check", str(KEY_POLICY)])
    built = report["built"]
    assert isinstance(built, int) and built < len(load().actions) / 4


def test_a_cold_check_below_a_pyproject_without_our_table_parses_no_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["kms-permissions>=1"]\n\n'
        '[project.scripts]\nkms-permissions = "kms_permissions.cli:main"\n'
        "[tool.ruff]\nline-length = 100\n",
        encoding="utf-8",
    )
    policy = tmp_path / KEY_POLICY.name
    policy.write_bytes(KEY_POLICY.read_bytes())
    report = _cold(["check", policy.name], cwd=tmp_path)
    assert report["status"] == 1 and "KMS105 [error]" in str(report["stdout"])
    assert _loaded(report, ("tomllib", "typing", "argparse")) == []
    # With the table, it is read: its ignore applies. A file of the usual kind needs no
    # tomllib (tomlscan.read_simple); one with a number in it (line-length) is tomllib's.
    with (tmp_path / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('[tool.kms-permissions.check]\nignore = ["KMS105"]\n')
    report = _cold(["check", policy.name], cwd=tmp_path)
    assert "tomllib" in _loaded(report, ("tomllib",))
    assert "KMS105" not in str(report["stdout"])
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(text.replace("line-length = 100\n", ""))
    report = _cold(["check", policy.name], cwd=tmp_path)
    assert _loaded(report, ("tomllib", "typing")) == []
    assert "KMS105" not in str(report["stdout"]) and "KMS044" in str(report["stdout"])


def test_a_lazily_read_column_is_the_facts_and_checked_when_read(tmp_path: Path) -> None:
    import hashlib
    import shutil

    from kms_permissions.dataset.integrity import IntegrityError, read_manifest
    from kms_permissions.reference import DATA_DIR, fact_field, lazy_reference, load

    whole = load(DATA_DIR)
    lazy = lazy_reference(DATA_DIR, read_manifest(DATA_DIR))
    for name in whole.actions:
        for field in ("policy_types", "resources", "grants", "condition_key_sources"):
            expected = getattr(whole.actions[name], field)
            assert fact_field(lazy.actions, name, field) == expected
            assert fact_field(whole.actions, name, field) == expected
    for name in whole.condition_keys:
        expected = whole.condition_keys[name].actions
        assert fact_field(lazy.condition_keys, name, "actions") == expected
    # No whole fact was built.
    assert not lazy.actions._facts and not lazy.condition_keys._facts  # type: ignore[attr-defined]
    # A forged entry (its bytes re-hashed in the TOC and the manifest) is refused by its shape.
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    toc_path, index = folder / "index.toc.json", folder / "index.json"
    toc = json.loads(toc_path.read_text())
    offset, length, _ = toc["parts"]["actions"]["kms:Decrypt"]
    data = bytearray(index.read_bytes())
    entry = bytes(data[offset : offset + length])
    forged = entry.replace(b'"policy_types":["key-policy"]', b'"policy_types":["key-polcy!"]')
    assert forged != entry and len(forged) == len(entry)
    data[offset : offset + length] = forged
    index.write_bytes(bytes(data))
    toc["parts"]["actions"]["kms:Decrypt"][2] = hashlib.sha256(forged).hexdigest()
    toc_path.write_text(json.dumps(toc, separators=(",", ":")))
    manifest = json.loads((folder / "manifest.json").read_text())
    for listed in manifest["files"]:
        if listed["path"] in ("index.json", "index.toc.json"):
            listed_bytes = (folder / listed["path"]).read_bytes()
            listed["sha256"] = hashlib.sha256(listed_bytes).hexdigest()
            listed["bytes"] = len(listed_bytes)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    forged_model = lazy_reference(folder, read_manifest(folder))
    assert fact_field(forged_model.actions, "kms:Encrypt", "policy_types") == ("key-policy",)
    with pytest.raises(IntegrityError, match=r"actions\['kms:Decrypt'\].policy_types holds"):
        fact_field(forged_model.actions, "kms:Decrypt", "policy_types")


def test_knowing_an_action_exists_builds_no_fact_and_agrees_with_reading_it() -> None:
    from kms_permissions.dataset.integrity import read_manifest
    from kms_permissions.policy.knowledge import Knowledge
    from kms_permissions.reference import DATA_DIR, lazy_reference

    facts = Knowledge()
    facts.reference = lazy_reference(DATA_DIR, read_manifest(DATA_DIR))  # none built yet
    names = [*facts.actions, *facts.reference.condition_keys]
    names += ["kms:decrypt", "KMS:DECRYPT", "Decrypt", " kms:Decrypt", "kms:Decrypt ", "kms:Nope"]
    names += ["kms:Get*", "kms:", "", "kms:EncryptionContext:aws:s3:arn", "aws:SourceArn"]
    known = [n for n in names if facts.has_action(n)]
    assert known == [*facts.actions, "kms:decrypt", "KMS:DECRYPT"]
    assert not facts.reference.actions._facts  # type: ignore[attr-defined]
    assert [n for n in names if facts.action(n) is not None] == known


def test_a_cold_check_compiles_a_rarely_needed_pattern_only_for_a_policy_that_needs_it(
    tmp_path: Path,
) -> None:
    """Telling a trust policy or an SCP by its actions or its file's name is a regular
    expression: compiled when a statement's action could be sts: or a policy has no Principal,
    not on every check of a key policy."""
    from kms_permissions.policy import inputs, key_resource, kinds, principals
    from kms_permissions.policy.rules import (
        cross_account,
        grammar,
        key_policy,
        placeholders,
        resources,
        templates,
    )

    lazy = {kinds._TRUST_ACTIONS, kinds._SCP_FILE, kinds._SCP_WORD}
    # Neither a JSON file (Terraform, template resources) nor this policy (no key ARN, no
    # policy variable, no pseudo parameter, no unique ID) needs these.
    lazy |= {inputs._HCL, inputs._RESOURCE_TYPE, key_resource._PARTITION, principals._UNIQUE_ID}
    lazy |= {cross_account.KEY_ARN, grammar._POLICY_VARIABLE, key_policy._KEY_ARN}
    lazy |= {placeholders._KEY_ID, resources._ALIAS_ARN, resources._KEY_ARN, templates._PSEUDO}
    report = _cold(["check", str(KEY_POLICY)])
    assert report["status"] == 1
    compiled = _patterns(report)
    assert compiled  # the probe sees re's cache
    assert lazy.isdisjoint(compiled)
    trust = tmp_path / "trust.json"
    trust.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": ["STS:AssumeRole", "sts:TagSession"],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    report = _cold(["check", "--json", str(trust)])
    assert kinds._TRUST_ACTIONS in _patterns(report)
    assert '"trust-policy"' in str(report["stdout"])
    scps = tmp_path / "scps"
    scps.mkdir()
    (scps / "deny.json").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}
                ],
            }
        ),
        encoding="utf-8",
    )
    report = _cold(["check", "--json", str(scps / "deny.json")])
    assert {kinds._SCP_FILE, kinds._SCP_WORD} <= _patterns(report)
    assert '"scp"' in str(report["stdout"])
