"""IAM wildcard matching: the same answers as a regular expression, in bounded time."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kms_permissions.query import load_index
from kms_permissions.wildcards import glob, matches, pieces_of

from .bounded import assert_bounded


def _reference(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, value, flags) is not None


@given(
    st.text("ab*?A", max_size=9),
    st.text("abAB", max_size=12),
    st.booleans(),
)
def test_matches_as_a_regular_expression_would(pattern: str, value: str, fold: bool) -> None:
    assert glob(pattern, value, ignore_case=fold) == _reference(pattern, value, fold)


@given(
    st.lists(st.sampled_from(["a", "b", "?", "?", "*", "ab", "a?b"]), max_size=14).map("".join),
    st.text("ab", max_size=30),
)
def test_question_marks_between_runs_match_as_a_regular_expression_would(
    pattern: str, value: str
) -> None:
    # Segments with several literal runs go through shift-and; one run through str.find.
    assert glob(pattern, value) == _reference(pattern, value, False)


@given(
    st.text("ab*?A\u03a3\u03c3\u0130\u00e9:", max_size=9),
    st.text("abAB\u03c3\u03c2\u03a3\u0130i\u00e9:", max_size=12),
    st.booleans(),
)
def test_a_plain_pattern_matches_as_its_pieces_do(pattern: str, value: str, fold: bool) -> None:
    # glob cuts an ASCII pattern with str.split; the pieces' path folds a character at a time.
    assert glob(pattern, value, fold) == matches(pieces_of(pattern), value, fold)


def test_examples() -> None:
    assert glob("kms:*", "kms:Decrypt")
    assert glob("kms:Re*", "kms:ReEncryptFrom")
    assert not glob("kms:Re*", "kms:Decrypt")
    assert glob("kms:?ecrypt", "kms:Decrypt")
    assert not glob("kms:?ecrypt", "kms:ecrypt")
    assert glob("KMS:DECRYPT", "kms:Decrypt", ignore_case=True)
    assert not glob("KMS:DECRYPT", "kms:Decrypt")
    assert glob("a*b*a", "aba") and not glob("a*b*a", "ab")
    assert glob("arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:eu-west-1:111122223333:key/k")
    # A star that a policy variable wrote (`${*}`) is a literal character.
    literal = (("text", "a"), ("text", "*"))
    assert matches(literal, "a*") and not matches(literal, "ab")
    assert matches(pieces_of("a*"), "ab")


def test_expand_uses_the_same_matcher() -> None:
    index = load_index()
    assert index.expand(" kms:re*crypt* ") == ["kms:ReEncryptFrom", "kms:ReEncryptTo"]
    assert index.expand("kms:?ecrypt") == ["kms:Decrypt"]


def test_a_pattern_that_backtracks_exponentially_in_a_regex_is_answered_at_once() -> None:
    # `*a*a*a*a*a*a*a*a*b` against 60 `a`s took over 120 s as a regex; 5,000 distinct patterns
    # overflowed the compiled-pattern cache. Under a 60-second CPU limit both finish here.
    out = assert_bounded(
        "from kms_permissions.wildcards import glob\n"
        "print(glob('*a' * 8 + '*b', 'a' * 60), glob('*a*a*a*a*a*a*a*a*b', 'a' * 100_000))\n"
        "print(sum(glob(f'kms:*{i}*?', f'kms:x{i}yz') for i in range(5000)))\n"
        "print(glob('*' + 'a?' * 50 + 'c*', 'a' * 20_000))\n",
        cpu_seconds=60,
    )
    assert out.split() == ["False", "False", "5000", "False"]


def test_a_pattern_of_question_marks_between_literals_costs_one_pass_over_the_value() -> None:
    # `a?a?...?b` (20,000 runs) against 100,000 `a`s: checked run by run at each place this
    # is two billion Python steps; one pass of shift-and takes well under a second of CPU.
    out = assert_bounded(
        "from kms_permissions.wildcards import glob\n"
        "pattern = 'a?' * 20_000 + 'b'\n"
        "print(glob('*' + pattern + '*', 'a' * 100_000))\n"
        "print(glob('*' + pattern + '*', 'a' * 100_000 + 'b'))\n"
        "print(glob('x*' + pattern + '*y', 'x' + 'ac' * 20_000 + 'b' * 3 + 'y'))\n",
        cpu_seconds=60,
    )
    assert out.split() == ["False", "True", "True"]
