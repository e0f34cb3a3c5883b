"""Random argument vectors and random bytes at every verb: never a traceback, never a write
outside the test's folder.

Each verb of the registry (`cli.VERBS`) gets argument vectors drawn from its own parser's options
(values from its choices, from a pool of files with random or damaged contents, and junk text),
junk words mixed in, and random bytes on standard input. Every run must end in an exit status of
0, 1 or 2 with no traceback and no "internal error", and nothing outside the test's folder may
change. The fuzz is kept inside the sandbox by a few rules (SANDBOX): no network, no server, no
write into the source tree; each rule is the narrowest that does it.

Examples per verb: FUZZ_EXAMPLES (default 20, deterministic); set KMS_PERMISSIONS_FUZZ_EXAMPLES
for a longer, random run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kms_permissions.cli import VERBS, build_parser, main

from .conftest import ROOT

EXAMPLES = int(os.environ.get("KMS_PERMISSIONS_FUZZ_EXAMPLES", "20"))
RANDOM = "KMS_PERMISSIONS_FUZZ_EXAMPLES" in os.environ
SECONDS_PER_RUN = 60

# Verbs not fuzzed here, and why.
NOT_FUZZED = {
    "update": "fetches the live site and rewrites the source tree by design (tests/test_update.py)",
}
# Per verb (or "verb action"): options always given, options and actions never drawn. Each rule
# keeps a run inside the sandbox; see the reason beside it.
SANDBOX: dict[str, dict[str, Any]] = {
    # No network: a source is always named (the default is the live site).
    "scrape": {"always": ["--source"]},
    "build": {"always": ["--source"]},
    # Never writes the source tree: --check writes nothing.
    "generate": {"always": ["--check"]},
    # No server, and no mkdocs run (seconds each): only refusals before mkdocs starts.
    "site": {"actions": ["build"], "never": ["--force"], "always": ["--out"]},
    # No network (refetch, fill-botocore), and the vendored corpus is never the one written.
    "corpus": {"actions": ["list", "verify", "extract", "create"], "always": ["--vendored"]},
    # Its one action is drawn; --out only inside the sandbox, never --force (the pool's files
    # are not its own: refused).
    "key-policy": {"actions": ["new"], "never": ["--force"]},
}
# Values that keep a run in the sandbox: where output goes, where a site is "served".
FORCED_VALUES = {
    ("site", "--out"): ["site-out"],  # a folder of the user's: refused before mkdocs
    ("corpus", "--vendored"): ["vendored", "folder", "nope"],
    ("key-policy", "--out"): ["key-policy.json", "folder/junk.txt", "folder"],
}

REAL_POLICY = ROOT / "tests" / "realworld" / "27-kms-guide-example-console-key-policy.json"
REAL_TEMPLATE = ROOT / "tests" / "realworld" / "09-cfn-templates-s3-replication-destination.yaml"


def _alias_bomb(levels: int, as_keys: bool) -> bytes:
    """Aliases of aliases, nine each: as mapping keys, or as nested Fn::If branches."""
    if as_keys:
        lines = ["k:", "  ? &a0 [x, x, x, x, x, x, x, x, x]", "  : 0"]
        for i in range(1, levels):
            lines += [f"  ? &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]", f"  : {i}"]
    else:
        lines = [
            "Resources: {Key: {Type: 'AWS::KMS::Key', Properties: {KeyPolicy: {Statement: [",
            "  &s0 {Effect: Allow, Principal: '*', Action: 'kms:*', Resource: '*'},",
        ]
        lines += [f"  &s{i} {{'Fn::If': [c, *s{i - 1}, *s{i - 1}]}}," for i in range(1, levels)]
        lines.append("]}}}}")
    return ("\n".join(lines) + "\n").encode()


DATA = ROOT / "kms_permissions" / "data"


def test_every_verb_is_fuzzed_or_says_why_not() -> None:
    assert set(dict(VERBS)) == set(FUZZED) | set(NOT_FUZZED)


FUZZED = [verb for verb, _ in VERBS if verb not in NOT_FUZZED]


def _subparser(verb: str) -> argparse.ArgumentParser:
    parser = build_parser()
    (verbs,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    sub: argparse.ArgumentParser = verbs.choices[verb]
    return sub


def _nested(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


# Pool files (relative to the sandbox): rewritten with random or damaged bytes for each run.
POOL = [
    "junk.bin",
    "junk.json",
    "damaged.json",
    "damaged.html",
    "empty.txt",
    "policy.json",
    "damaged.yaml",
    "aliases.yaml",
]
# loop.json: a link to itself; annexed: a folder whose page is a link out of it (git-annex).
PATHS = [
    *POOL,
    "folder",
    "data",
    "sar.html",
    "nope/none.json",
    "-",
    "/dev/null",
    "vendored",
    "loop.json",
    "annexed",
]
# Arguments as a terminal passes them: any text, and undecodable bytes as lone surrogates.
JUNK_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
    st.sampled_from(["\udcff", "kms:\udc80Decrypt", "-", "--", "kms:*", "*"]),
).filter(lambda t: not t.startswith(("/", "~")) and ".." not in t)
URLS = st.sampled_from(
    [
        "https://someone:hunter2@docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.md",
        "http://docs.aws.amazon.com/x.md",
        "https://example.com/list_awskeymanagementservice.html",
        "github:zzz",
        "git:nope@HEAD",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def value_for(verb: str, action: argparse.Action) -> st.SearchStrategy[str]:
    """Values for one option: its choices, pool paths, junk, URLs (never the network)."""
    option = action.option_strings[0] if action.option_strings else action.dest
    if (verb, option) in FORCED_VALUES:
        return st.sampled_from(FORCED_VALUES[(verb, option)])
    choices = [str(c) for c in action.choices or ()]
    kinds = [st.sampled_from(PATHS), JUNK_TEXT, URLS]
    if choices:
        kinds.insert(0, st.sampled_from(choices))
    return st.one_of(*kinds)


@st.composite
def argv_for(draw: st.DrawFn, verb: str) -> list[str]:
    """An argument vector for `verb`: its options in random order, some junk."""
    rules = SANDBOX.get(verb, {})
    parser = _subparser(verb)
    argv = [verb]
    nested = _nested(parser)
    if nested:
        allowed = [a for a in nested if a in rules.get("actions", nested)]
        name = draw(st.sampled_from(allowed))
        argv.append(name)
        parser = nested[name]
    actions = [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]
    options = [a for a in actions if a.option_strings]
    positionals = [a for a in actions if not a.option_strings]
    never: list[str] = rules.get("never", [])
    forced: list[str] = rules.get("always", [])
    drawable = [a for a in options if a.option_strings[0] not in [*never, *forced]]
    chosen = draw(st.lists(st.sampled_from(drawable), max_size=4)) if drawable else []
    words: list[str] = []
    if verb == "site":  # the action itself, drawn from the allowed ones
        words.append(draw(st.sampled_from(rules["actions"])))
        positionals = []
    for action in chosen:
        words.append(action.option_strings[0])
        if _takes_value(action):
            words.append(draw(value_for(verb, action)))
    for action in positionals:
        count = draw(st.integers(1, 3)) if action.nargs in ("+", "*") else 1
        words += [draw(value_for(verb, action)) for _ in range(count)]
    words += draw(st.lists(JUNK_TEXT, max_size=2))
    # The sandbox's options last, so that nothing drawn before can override them.
    for action in (a for a in options if a.option_strings[0] in forced):
        words += [action.option_strings[0], draw(value_for(verb, action))]
    return argv + words


def _pool_contents(data: st.DataObject) -> dict[str, bytes]:
    """Random and damaged contents for the pool files of one run."""
    draw = data.draw

    def damaged(data: bytes) -> bytes:
        cut = draw(st.integers(0, len(data)))
        flips = draw(st.lists(st.integers(0, max(cut - 1, 0)), max_size=4))
        body = bytearray(data[:cut])
        for at in flips:
            if body:
                body[at] ^= 0xFF
        return bytes(body)

    import json

    return {
        "junk.bin": draw(st.binary(max_size=200)),
        "junk.json": json.dumps(draw(JSON)).encode(),
        "damaged.json": damaged(REAL_POLICY.read_bytes()),
        "damaged.html": damaged(SAR_BYTES[:20_000]),
        "empty.txt": b"",
        "policy.json": REAL_POLICY.read_bytes(),
        "damaged.yaml": damaged(REAL_TEMPLATE.read_bytes()),
        "aliases.yaml": _alias_bomb(draw(st.integers(1, 12)), draw(st.booleans())),
    }


SAR_BYTES = b""


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """The folder runs happen in, with the pool: a copy of the bundled dataset, a SAR page."""
    global SAR_BYTES
    root = tmp_path_factory.mktemp("fuzz")
    SAR_BYTES = (corpus / "sar-html/list_awskeymanagementservice/2026-06-14.html").read_bytes()
    (root / "sar.html").write_bytes(SAR_BYTES)
    shutil.copytree(DATA, root / "data")
    (root / "folder").mkdir()
    (root / "folder" / "junk.txt").write_text("junk\n")
    (root / "vendored").mkdir()
    (root / "site-out").mkdir()
    (root / "site-out" / "thesis.tex").write_text("mine\n")
    (root / "loop.json").symlink_to(root / "loop.json")
    (root / "annexed").mkdir()
    (root / "annexed" / "list_awskeymanagementservice.html").symlink_to(root / "sar.html")
    return root


class Hung(BaseException):
    """A run that did not end in SECONDS_PER_RUN (not an Exception: nothing may catch it)."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hung(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str], stdin: bytes) -> tuple[int, str, str]:
    """main() with real text streams over bytes (strict UTF-8, as a terminal's)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    streams = (sys.stdin, sys.stdout, sys.stderr)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        with time_limit(SECONDS_PER_RUN):
            status = main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))
    return status, texts[0], texts[1]


# Where the verbs write when no output is named: the places a stray run would change.
DEFAULT_OUTPUTS = (
    "kms_permissions/data",
    "kms_permissions/constants.py",
    "kms_permissions/_version.py",
    "site",
    "corpus",
)


# The names writers stage, retire and lock under beside a target (kms_permissions.files).
STAGED = re.compile(r"\..+\.kms-permissions(-.+\.(tmp|old)|\.lock)")


def fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every entry under the source tree's default outputs."""
    found = {}
    for name in DEFAULT_OUTPUTS:
        for folder, dirs, files in os.walk(root / name):
            for entry in [folder, *(os.path.join(folder, f) for f in [*dirs, *files])]:
                with contextlib.suppress(OSError):
                    info = os.lstat(entry)
                    found[os.path.relpath(entry, root)] = (info.st_size, info.st_mtime_ns)
        with contextlib.suppress(OSError):
            info = os.lstat(root / name)
            found[name] = (info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def source_tree() -> Iterator[None]:
    """The source tree and the home folder are left as they were by every fuzzed run."""
    before = fingerprint(ROOT)
    yield
    after = fingerprint(ROOT)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"written outside the test's folder: {changed[:10]}"


@pytest.mark.parametrize("verb", FUZZED)
def test_random_arguments_and_bytes_never_end_in_a_traceback(
    verb: str, sandbox: Path, source_tree: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sandbox)
    home = sandbox / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    for proxy in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")  # nothing listens there: no network

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        for name, body in _pool_contents(data).items():
            (sandbox / name).write_bytes(body)
        argv = data.draw(argv_for(verb), label="argv")
        stdin = data.draw(st.binary(max_size=300), label="stdin")
        status, out, err = run(argv, stdin)
        assert "Traceback" not in out + err, err
        assert "internal error" not in err, err
        assert status in (0, 1, 2), (status, err)
        # A run that ended, however it failed, leaves nothing staged, retired or locked.
        left = [p.name for p in sandbox.rglob(".*") if STAGED.fullmatch(p.name)]
        assert not left, (argv, left)

    fuzz()


def test_the_sandbox_rules_leave_each_verb_something_to_draw() -> None:
    for verb in FUZZED:
        parser = _subparser(verb)
        for option in SANDBOX.get(verb, {}).get("always", []):
            candidates = [parser, *_nested(parser).values()]
            assert any(option in p._option_string_actions for p in candidates), (verb, option)
