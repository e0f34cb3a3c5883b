"""A plain `check` command line read without argparse means what argparse makes of it (issue 21:
the cold start of `check`); anything else is left to argparse."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kms_permissions.cli import build_parser, main
from kms_permissions.commands import check
from kms_permissions.commands.options import Option, Positionals, plain

from .conftest import ROOT

# Words a command line is made of: every option, values right and wrong, files, and what only
# argparse reads (--help, --opt=value, --, abbreviations, short options, negative numbers).
WORDS = (
    *(option.flag for option in check.OPTIONS),
    *check.KINDS,
    "text",
    "json",
    "sarif",
    "github",
    "error",
    "warning",
    "key-polcy",
    "111122223333",
    "KMS04,KMS101",
    "KMS040",
    "a.json",
    "b.yaml",
    "-",
    "",
    "--",
    "-h",
    "--help",
    "--kind=scp",
    "--jso",
    "-1",
    "-x",
    "--version",
)


def _argparse(argv: list[str]) -> dict[str, object] | None:
    """What argparse gives for `check ARGV...`, or None when it refuses the line."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            parsed = build_parser("check").parse_args(["check", *argv])
        except SystemExit:
            return None
    return {k: v for k, v in vars(parsed).items() if k not in ("run", "build_parser")}


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=9))
def test_a_plain_line_means_what_argparse_reads_in_it(argv: list[str]) -> None:
    values = check.parse_plain(argv)
    if values is None:
        return  # argparse reads it, as before
    assert _argparse(argv) == {"version": None, "verb": "check", **values}


def _option_words(option: Option) -> st.SearchStrategy[list[str]]:
    if option.action == "store_true":
        return st.just([option.flag])
    values = st.sampled_from(option.choices or ("111122223333", "KMS04,KMS1", "x y", "-", ""))
    return values.map(lambda value: [option.flag, value])


@st.composite
def _lines(draw: st.DrawFn) -> list[str]:
    """Options with values of the right kind (mostly) around one or two blocks of files."""
    options = st.lists(st.sampled_from(check.OPTIONS).flatmap(_option_words), max_size=4)
    files = st.lists(st.sampled_from(("a.json", "b.yaml", "-", "")), max_size=3)
    line = [word for words in draw(options) for word in words] + draw(files)
    line += [word for words in draw(options) for word in words]
    return line + (draw(files) if draw(st.booleans()) else [])


@settings(max_examples=600, deadline=None)
@given(_lines())
def test_a_line_of_real_options_means_what_argparse_reads_in_it(argv: list[str]) -> None:
    values = check.parse_plain(argv)
    parsed = _argparse(argv)
    if values is None:
        return
    assert parsed == {"version": None, "verb": "check", **values}


@pytest.mark.parametrize(
    "argv",
    [
        ["a.json"],
        ["a.json", "b.yaml", "-"],
        ["--ignore-unrecognized", "a.json", "b.yaml"],
        ["--json", "--kind", "iam-policy", "--account", "111122223333", "a.json"],
        ["--select", "KMS04", "--select", "KMS101", "--ignore", "KMS040", "a.json", "--sarif"],
        ["--format", "github", "--fail-on", "warning", "--show-basis", "a.json"],
        ["--list-rules", "--json"],
        ["--dataset", "data", "a.json", "--json", "--json"],
        [],
    ],
)
def test_the_lines_people_write_are_read_without_argparse(argv: list[str]) -> None:
    values = check.parse_plain(argv)
    assert values is not None
    assert _argparse(argv) == {"version": None, "verb": "check", **values}


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["-h", "a.json"],
        ["a.json", "--json", "b.json"],  # a second block of files: argparse refuses it
        ["--kind=iam-policy", "a.json"],
        ["--kind", "key-polcy", "a.json"],  # argparse names the close choice
        ["--json", "--sarif", "a.json"],  # exclusive
        ["--format", "json", "--json", "a.json"],
        ["--account"],
        ["--account", "-1", "a.json"],
        ["--", "-x"],
        ["--jso", "a.json"],
        ["-1"],
    ],
)
def test_what_only_argparse_reads_is_left_to_it(argv: list[str]) -> None:
    assert check.parse_plain(argv) is None


def test_options_reach_argparse_as_declared() -> None:
    """The declaration builds argparse's options: each flag, its action, choices and default."""
    parser = build_parser("check")
    sub = next(a for a in parser._actions if a.dest == "verb").choices["check"]  # type: ignore[index]
    by_flag = {a.option_strings[0]: a for a in sub._actions if a.option_strings}
    for option in check.OPTIONS:
        action = by_flag[option.flag]
        assert action.dest == option.dest
        assert action.default == option.default()
        assert action.choices == option.choices
    assert {g._group_actions[0].dest for g in sub._mutually_exclusive_groups} == {"json"}


def test_an_unknown_action_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="--x: action 'count'"):
        Option("--x", "help", action="count")


def test_a_declared_verb_other_than_check_reads_the_same_way() -> None:
    files = Positionals("files", "FILE", "files")
    options = (Option("--n", "n", choices=("1", "2")), Option("--v", "v", action="store_true"))
    assert plain(["--n", "2", "x", "--v"], files, options) == {
        "n": "2",
        "v": True,
        "files": ["x"],
    }
    assert plain(["--n", "3", "x"], files, options) is None


def test_a_plain_check_runs_as_the_parsed_one(tmp_path: Path) -> None:
    policy = ROOT / "tests" / "realworld" / "06-cwlogs-guide-key-policy-account-condition.json"
    outputs = []
    for argv in (["check", str(policy), "--json"], ["check", "--json", "--", str(policy)]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(argv)
        outputs.append((status, out.getvalue()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and '"rule_id": "KMS105"' in outputs[0][1]


def test_a_plain_check_does_not_import_argparse() -> None:
    policy = ROOT / "tests" / "realworld" / "06-cwlogs-guide-key-policy-account-condition.json"
    code = (
        "import sys\nfrom kms_permissions.cli import main\n"
        f"status = main(['check', '--json', {str(policy)!r}])\n"
        "print(status, 'argparse' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stderr.split() == ["1", "False"]
