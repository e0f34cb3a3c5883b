"""The command line as people use it: versions, completion, did-you-mean, terminal output."""

from __future__ import annotations

import io
import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import kms_permissions
from kms_permissions.cli import main
from kms_permissions.model import SCHEMA_VERSION

from .conftest import ROOT


def test_version_names_the_package_the_dataset_and_the_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--version"]) == 0
    manifest = json.loads((ROOT / "kms_permissions/data/manifest.json").read_text())
    assert capsys.readouterr().out == (
        f"kms-permissions {kms_permissions.__version__} (bundled dataset "
        f"{manifest['dataset_version']}, schema {SCHEMA_VERSION})\n"
    )


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["lokup", "kms:Decrypt"], "invalid choice: 'lokup'; did you mean lookup?"),
        (["export", "--format", "cvs"], "invalid choice: 'cvs'; did you mean csv?"),
        (["lookup", "--jsn", "kms:Decrypt"], "unrecognized arguments: --jsn; did you mean --json?"),
        (
            ["export", "--tabel", "actions"],
            "unrecognized arguments: --tabel actions; did you mean --table?",
        ),
        (["export", "--table", "acions"], "no such table (did you mean actions?)"),
    ],
    ids=["verb", "choice", "option", "option-of-the-verb", "table"],
)
def test_a_mistyped_word_gets_the_close_one(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert hint in line


def test_an_unknown_word_far_from_any_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "xlsx"]) == 2
    assert "did you mean" not in capsys.readouterr().err


class _Terminal(io.StringIO):
    """Standard output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _lookup_text(
    name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, terminal: bool = True
) -> str:
    for key in ("COLUMNS", "NO_COLOR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in {"NO_COLOR": "1", **env}.items():
        monkeypatch.setenv(key, value)
    out = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["lookup", name]) == 0
    return out.getvalue()


def test_text_is_wrapped_to_the_width_under_its_column(monkeypatch: pytest.MonkeyPatch) -> None:
    # A pipe gets one line per fact, whatever COLUMNS says.
    wide = _lookup_text("kms:CreateGrant", {"COLUMNS": "80"}, monkeypatch, terminal=False)
    narrow = _lookup_text("kms:CreateGrant", {"COLUMNS": "80"}, monkeypatch)
    assert max(map(len, wide.splitlines())) > 200
    # Only a word longer than a line (a URL) passes the width, on a line of its own.
    for line in narrow.splitlines():
        assert len(line) <= 80 or (" " not in line.strip() and line.startswith(" " * 19)), line
    # Wrapping only moves words: the same words in the same order.
    assert narrow.split() == wide.split()
    continued = [line for line in narrow.splitlines() if line.startswith(" " * 19)]
    assert continued and "\x1b[" not in narrow


def _on_a_terminal(env: dict[str, str]) -> str:
    """`lookup kms:Decrypt` run with a pseudo-terminal as its standard output."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "TERM")}
    done = subprocess.run(
        [sys.executable, "-m", "kms_permissions", "lookup", "kms:Decrypt"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**base, "TERM": "xterm", **env},
        timeout=120,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    coloured = _on_a_terminal({"COLUMNS": "100"})
    assert "\x1b[1mkms:Decrypt  (action)\x1b[0m" in coloured
    assert "\x1b[2m  operation        \x1b[0mDecrypt" in coloured
    plain = _on_a_terminal({"COLUMNS": "100", "NO_COLOR": "1"})
    assert "\x1b[" not in plain and "kms:Decrypt  (action)" in plain


def _script(shell: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["completion", shell]) == 0
    path = tmp_path / f"completion.{shell}"
    path.write_text(capsys.readouterr().out)
    return path


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


# (words typed so far, the last one being completed) -> what the shell offers.
CASES = [
    (["exp"], ["expand", "explain", "export"]),
    (["export", "--format", "c"], ["csv"]),
    (["corpus", "ex"], ["extract"]),
    (["lookup", "--js"], ["--json"]),
    (["--vers"], ["--version"]),
    (["completion", ""], ["bash", "fish", "zsh"]),
]


def test_bash_completes_verbs_options_and_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script("bash", tmp_path, capsys)
    for words, expected in CASES:
        program = (
            f"source {script}; COMP_WORDS=(kms-permissions {' '.join(map(repr, words))}); "
            f"COMP_CWORD={len(words)}; _kms_permissions; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        )
        done = subprocess.run([_shell("bash"), "-c", program], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert sorted(done.stdout.split()) == expected, words


def test_fish_completes_verbs_options_and_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script("fish", tmp_path, capsys)
    for words, expected in CASES:
        line = "kms-permissions " + " ".join(words)
        program = f"source {script}; complete -C {shlex.quote(line)}"
        done = subprocess.run([_shell("fish"), "-c", program], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        offered = sorted(entry.split("\t")[0] for entry in done.stdout.splitlines())
        assert offered == expected, words


def test_zsh_offers_verbs_options_and_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script run by zsh, with the completion system's output functions printing what they
    are given (zsh itself filters by what was typed)."""
    script = _script("zsh", tmp_path, capsys)
    printing = (
        'compdef() { :; }; _describe() { print -l -- "${(@P)${@[-1]}}"; }; '
        "compadd() { shift; print -l -- \"$@\"; }; _files() { print -- '<files>'; }; "
    )
    for words, expected in CASES:
        program = (
            f"{printing} source {script}; words=(kms-permissions {' '.join(map(repr, words))}); "
            f"CURRENT={len(words) + 1}; _kms_permissions"
        )
        done = subprocess.run([_shell("zsh"), "-f", "-c", program], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        typed = words[-1]
        offered = sorted(
            name
            for name in (e.split(":")[0] for e in done.stdout.splitlines())
            if name.startswith(typed)
        )
        assert offered == expected, words
    check = (
        f"{printing} source {script}; words=(kms-permissions check ''); CURRENT=3; _kms_permissions"
    )
    files = subprocess.run([_shell("zsh"), "-f", "-c", check], capture_output=True, text=True)
    assert files.stdout == "<files>\n"


README_FORMATS = {
    ("lookup", "kms:Decrypt"),
    ("expand", "kms:Get*"),
    ("actions",),
    ("keys",),
    ("info",),
    ("verify", str(ROOT / "kms_permissions" / "data")),
}


def test_the_readme_names_the_json_format_each_verb_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import re

    table = dict(
        re.findall(r"^\| `([a-z-]+)` \| `(kms-permissions-[a-z-]+/\d+)` \|", _readme(), re.M)
    )
    for verb, *rest in sorted(README_FORMATS):
        assert main([verb, "--json", *rest]) == 0
        printed = json.loads(capsys.readouterr().out)["format"]
        assert printed == table[verb], verb


def _readme() -> str:
    return (ROOT / "README.md").read_text()
