"""`tomlscan.may_hold`: a pyproject.toml is parsed with tomllib whenever it may hold the
`[tool.kms-permissions]` table, and only skipped when it certainly does not (issue 21)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kms_permissions.cli import main
from kms_permissions.policy.tomlscan import may_hold, read_simple

from .conftest import ROOT

TABLE = ("tool", "kms-permissions")
POLICY = ROOT / "tests" / "realworld" / "06-cwlogs-guide-key-policy-account-condition.json"


def _holds(text: str) -> bool | None:
    """What tomllib says: whether anything is defined at `tool.kms-permissions`; None when the
    text is not TOML."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = data.get("tool")
    return isinstance(tool, dict) and "kms-permissions" in tool


# Every spelling of the table people (or a hostile file) can write.
HOLDING = [
    "[tool.kms-permissions.check]\nselect = ['ALL']\n",
    "[ tool . 'kms-permissions' . check ]\n",
    '[tool."kms-permissions"]\ncheck.fail-on = "warning"\n',
    '[tool."kms\\u002dpermissions".check]\n',
    '[tool]\n"kms\\u002Dpermissions" = {check = {}}\n',
    "[tool]\nkms-permissions.check.select = ['KMS04']\n",
    "[tool]\nruff.line-length = 100\nkms-permissions = {check = {select = []}}\n",
    "tool.kms-permissions.check.select = []\n",
    "tool = {kms-permissions = {check = {}}}\n",
    "[[tool.kms-permissions.check]]\n",
    "[project]\nname = 'x'\n[tool.kms-permissions.check] # ours\n",
    "x = 1\r\n[tool.kms-permissions.check]\r\n",
    "x = '''\n[project]\n'''\n[tool]\nkms-permissions.check = {}\n",
    'x = """a\\"""\n[project]\n"""\n[tool]\nkms-permissions.check = {}\n',
    "a = [\n  [1],\n  ['kms-permissions'], # [x]\n]\n[tool.kms-permissions.check]\n",
]
# Files that certainly hold no table of ours, though they name the project.
WITHOUT = [
    "",
    "[project]\nname = 'kms-permissions'\n",
    '[project.scripts]\nkms-permissions = "kms_permissions.cli:main"\n',
    "[project]\ndependencies = [\n  'kms-permissions>=1', # the checker\n  \"x\",\n]\n",
    "[tool.ruff]\nexclude = ['kms-permissions']\n[tool.other]\nkms-permissions = 1\n",
    "[tool.hatch]\nx = '''\n[tool.kms-permissions.check]\n'''\n",
    'x = """\n[tool.kms-permissions.check]\\"""\n"""\n',
    "y = {a = 'kms-permissions', b.c = [1, 2.5, true, 1979-05-27T07:32:00Z]}\n",
    "# [tool.kms-permissions.check]\n[tool.mypy]\nstrict = true\n",
    "[tool.kms-permissions-extra]\nx = 1\n",
]


@pytest.mark.parametrize("text", HOLDING)
def test_every_spelling_of_the_table_is_parsed(text: str) -> None:
    assert _holds(text) is True, "the example is not the table"
    assert may_hold(text, TABLE)


@pytest.mark.parametrize("text", WITHOUT)
def test_a_file_that_only_names_the_project_is_not_parsed(text: str) -> None:
    assert _holds(text) is False, "the example holds the table"
    assert not may_hold(text, TABLE)


def test_this_repositorys_pyproject_names_the_project_and_holds_no_table() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "kms-permissions" in text and _holds(text) is False
    assert not may_hold(text, TABLE)


@pytest.mark.parametrize(
    "text",
    [
        "[tool\n",
        "x = \n",
        "x = 'open\n",
        'x = """never closed\n',
        "x = [1, 2\n",
        "x = {a = 1\n",
        "x = 1979-05-27 07:32:00\n",  # a space in a date-time: left to tomllib
        "\ufeffx = 1\n",
        "x = 1 y = 2\n",
        "x = 1\r[tool.kms-permissions.check]\n",
    ],
)
def test_what_the_scan_does_not_recognise_is_left_to_tomllib(text: str) -> None:
    assert may_hold(text + "# tool, kms-permissions\n", TABLE)


# Pieces of pyproject.toml files: headers, keys and values of every kind, some holding the
# table, some only mentioning it in strings or comments, some not TOML.
PIECES = [
    "[tool]",
    "[tool.ruff]",
    "[[tool]]",
    "[project.scripts]",
    "[ tool . 'kms-permissions' ]",
    '[tool."kms-permissions".check]',
    "[tool.kms-permissions.check]",
    "kms-permissions = 'kms_permissions.cli:main'",
    'name = "kms-permissions"',
    "check = {select = ['ALL']}",
    "kms-permissions.check.select = []",
    "'kms-permissions' = {check = {}}",
    "tool.kms-permissions = {}",
    "tool = {kms-permissions = {}}",
    "x = '''\n[tool.kms-permissions.check]\n'''",
    'y = """\n[tool]\nkms-permissions = 1\\"""\n"""',
    'z = """""kms-permissions"""""',
    "a = [\n  'kms-permissions', # [tool.kms-permissions]\n  [1, 2],\n]",
    "b = 'kms-permissions' # [tool.kms-permissions.check]",
    'c = "\\"[tool.kms-permissions.check]\\""',
    "d = 1979-05-27T07:32:00-08:00",
    "e = {f = 1, g.h = [true, 0x1f]}",
    "# kms-permissions",
    "",
    "kms-permissions",
    "x = [",
    '"kms\\u002dpermissions" = 1',
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_a_file_that_holds_the_table_is_always_parsed(pieces: list[str], newline: str) -> None:
    text = newline.join(piece.replace("\n", newline) for piece in pieces) + newline
    if _holds(text):
        assert may_hold(text, TABLE)


def test_the_scan_is_linear_in_the_text() -> None:
    # Many escapes in a long string, many strings, deep arrays: each character read a bounded
    # number of times (the scan finds no table; nothing quadratic can run 400 KB in time).
    text = 'x = """' + "\\a" * 100_000 + '"""\n' + "y = ['kms-permissions', " * 2000
    text += "]" * 2000 + "\n" + "z = 1\n" * 20_000
    assert not may_hold(text, TABLE)


def test_a_table_written_in_an_unrecognised_file_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "when = 1979-05-27 07:32:00\n[tool.kms-permissions.check]\nignore = ['KMS105']\n"
    )
    policy = tmp_path / "policy.json"
    policy.write_bytes(POLICY.read_bytes())
    assert main(["check", str(policy), "--select", "KMS105"]) == 0


def test_a_table_of_ours_that_is_not_a_table_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\nkms-permissions = [1]\n")
    policy = tmp_path / "policy.json"
    policy.write_bytes(POLICY.read_bytes())
    assert main(["check", str(policy)]) == 2
    err = capsys.readouterr().err
    where = tmp_path / "pyproject.toml"
    assert err == f"kms-permissions check: {where}: [tool.kms-permissions] is not a table\n"


# Pieces of configuration files, in the simple kind `read_simple` takes and outside it.
SIMPLE_PIECES = [
    "[tool.kms-permissions.check]",
    "[tool.kms-permissions]",
    "[tool]",
    "[ tool . 'kms-permissions' . check ]",
    '[tool."kms-permissions".check]',
    "[tool.ruff]",
    "[[tool.x]]",
    "select = ['ALL']",
    "ignore = [\"KMS044\", 'KMS105']",
    "fail-on = 'warning'",
    'account = "111122223333" # ours',
    'per-file-kinds = { "endpoints/*.json" = "vpc-endpoint-policy" }',
    "per-file-ignores = {'legacy/*.json' = ['KMS090'], \"a\" = []}",
    "per-sid-ignores = {}",
    "check = {select = []}",
    "kms-permissions = {check = {fail-on = 'error'}}",
    "check.select = []",
    "x = [\n  'a', # one\n  ['b', true],\n]",
    "y = false",
    "z = 1",
    "w = 'é \t ok'",
    'v = "a\\tb"',
    "u = '''x'''",
    "select = ['KMS0']",
    "{a = 1,}",
    "t = {a = 'x',}",
    "s = {a = 'x', a = 'y'}",
    "r = truex",
    "# a comment with 'quotes' and [brackets]",
    "",
    "q = 'unterminated",
    'p = "x" = 1',
    '"" = "empty key"',
]


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from(SIMPLE_PIECES), min_size=1, max_size=7),
    st.sampled_from(["\n", "\r\n"]),
)
def test_a_simple_file_reads_as_tomllib_reads_it(pieces: list[str], newline: str) -> None:
    text = newline.join(piece.replace("\n", newline) for piece in pieces) + newline
    read = read_simple(text)
    if read is None:
        return  # left to tomllib
    assert read == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "[tool.kms-permissions.check]\n",
        (ROOT / "tests" / "realworld" / "pyproject.toml").read_text(encoding="utf-8"),
        "[tool.kms-permissions.check]\nselect = ['KMS0', \"KMS1\"]\nfail-on = 'warning'\n"
        "per-file-kinds = { 'endpoints/*.json' = 'vpc-endpoint-policy' }\n"
        "per-file-ignores = { \"legacy/*.json\" = ['KMS090'] }\nper-sid-ignores = {}\n",
        "[tool.kms-permissions.check]\r\nignore = [\r\n  'KMS044', # why\r\n]\r\n",
        "[a.b]\n[a]\nc = true\n",
    ],
)
def test_the_usual_configuration_is_read_without_tomllib(text: str) -> None:
    assert read_simple(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\n",  # numbers, dates: tomllib's
        "a = 'x'\n[a.b]\n",
        "a = []\n[a]\n",
        "a = {}\n[a]\nb = 'x'\n",
        "[a]\n[a]\n",
        "[a]\nb = 'x'\nb = 'y'\n",
        "[a.b]\n[a]\nb = 'x'\n",
        'a = "\\u0041"\n',
        "a = 'x' b = 'y'\n",
        "a = 'x\x01'\n",
        "a = 'x'\r[b]\n",
        "t = {a = 'x',}\n",
        "a.b = 'x'\n",
        "[[a]]\n",
    ],
)
def test_anything_else_is_left_to_tomllib(text: str) -> None:
    assert read_simple(text) is None


def test_a_cold_check_reads_the_usual_configuration_without_tomllib(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n[tool.kms-permissions.check]\nignore = ['KMS105']\n"
    )
    policy = tmp_path / "policy.json"
    policy.write_bytes(POLICY.read_bytes())
    code = (
        "import sys\nfrom kms_permissions.cli import main\n"
        "status = main(['check', 'policy.json'])\n"
        "print(status, 'tomllib' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert "KMS105" not in done.stdout and "KMS044" in done.stdout
    assert done.stderr.split() == ["0", "False"]
