"""The live fetcher against a real HTTP server on 127.0.0.1: retries, limits and the cache."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kms_permissions.cli import main
from kms_permissions.errors import FetchError
from kms_permissions.scraper.http import Cache, Fetcher, FetchPolicy

from .http_server import Reply, Script, serve

PAGE = "/kms-api-permissions-reference.md"


def fetcher(cache: Path | None = None, **limits: object) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []
    # A timeout no loaded machine reaches on loopback, unless a test is about timeouts.
    settings: dict[str, object] = {"timeout": 60.0, "attempts": 3, "backoff": 0.01, **limits}
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        **settings,  # type: ignore[arg-type]
    )
    return Fetcher(cache, policy, sleep=slept.append), slept


def test_retries_server_errors_then_succeeds() -> None:
    script = Script({PAGE: [Reply(503), Reply(500), Reply(200, b"# ok")]})
    with serve(script) as base:
        client, slept = fetcher()
        assert client.get(base + PAGE).body == b"# ok"
    assert script.hits(PAGE) == 3
    assert slept == [0.01, 0.02]


def test_honours_retry_after() -> None:
    script = Script({PAGE: [Reply(429, headers={"Retry-After": "7"}), Reply(200, b"# ok")]})
    with serve(script) as base:
        client, slept = fetcher()
        client.get(base + PAGE)
    assert slept == [7.0]


def test_gives_up_with_a_clear_error() -> None:
    script = Script({PAGE: [Reply(503)]})
    with serve(script) as base:
        client, _ = fetcher()
        with pytest.raises(FetchError, match=r"gave up after 3 attempts \(HTTP 503\)"):
            client.get(base + PAGE)


def test_connection_reset_is_retried() -> None:
    script = Script({PAGE: [Reply(fault="reset"), Reply(200, b"# ok")]})
    with serve(script) as base:
        client, _ = fetcher()
        assert client.get(base + PAGE).body == b"# ok"


def test_refuses_plain_http_and_hosts_off_the_list() -> None:
    client = Fetcher(None)
    with pytest.raises(FetchError, match="only HTTPS"):
        client.get("http://docs.aws.amazon.com/x.md")
    with pytest.raises(FetchError, match="not on the allow-list"):
        client.get("https://example.com/x.md")


def test_refuses_redirect_off_the_allow_list() -> None:
    moved = Reply(302, headers={"Location": "https://evil.example/x.md"})
    with serve(Script({PAGE: [moved]})) as base:
        client, _ = fetcher()
        with pytest.raises(FetchError, match=r"'evil\.example' is not on the allow-list"):
            client.get(base + PAGE)


def test_body_size_cap_and_truncation() -> None:
    script = Script(
        {"/big": [Reply(200, b"x" * 5000)], "/cut": [Reply(200, b"#", fault="truncate")]}
    )
    with serve(script) as base:
        client, _ = fetcher(max_body_bytes=1000)
        with pytest.raises(FetchError, match="over the 1000-byte cap"):
            client.get(base + "/big")
        client, _ = fetcher()
        with pytest.raises(FetchError, match="cut off"):
            client.get(base + "/cut")


def test_wrong_content_type() -> None:
    page = Reply(200, b"<html>error</html>", headers={"Content-Type": "text/html"})
    with serve(Script({PAGE: [page]})) as base:
        client, _ = fetcher()
        with pytest.raises(FetchError, match="content type 'text/html'"):
            client.get(base + PAGE, ("text/markdown", "text/plain"))


def test_cache_revalidates_with_etag(tmp_path: Path) -> None:
    fresh = Reply(200, b"# v1", headers={"ETag": '"v1"'})
    script = Script({PAGE: [fresh, Reply(304, headers={"ETag": '"v1"'})]})
    with serve(script) as base:
        client, _ = fetcher(tmp_path)
        first = client.get(base + PAGE)
        client.store(base + PAGE, first)
        second = client.get(base + PAGE)
    assert (second.body, second.from_cache, second.etag) == (b"# v1", True, '"v1"')
    assert script.requests[1][1].get("If-None-Match") == '"v1"'
    assert Cache(tmp_path).read(base + PAGE) is not None


def test_cli_without_network_says_how_to_use_a_local_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    status = main(["scrape", "--source", "http://127.0.0.1:9/conditions-kms.md", "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "only HTTPS" in err and "point --source at a local copy" in err
    assert not out.exists()


def test_a_server_dripping_its_body_is_cut_off_at_the_request_deadline() -> None:
    # A byte every 50 ms for 25 s: each read comes well within the 1-second timeout, so only a
    # deadline for the whole request stops it (as soon as it passes, however loaded the machine).
    script = Script({PAGE: [Reply(200, b"#" * 500, fault="drip", delay=0.05)]})
    with serve(script) as base:
        client, _ = fetcher(timeout=1.0)
        with pytest.raises(FetchError, match=r"no whole reply within 1 s; cut off"):
            client.get(base + PAGE)
    assert script.hits(PAGE) == 1


def test_a_server_dripping_its_headers_is_cut_off_at_the_request_deadline() -> None:
    # A header byte every half second for 60 s: each read comes well within the 1-second
    # timeout, so only the watchdog of the whole request stops it; it is not retried.
    script = Script({PAGE: [Reply(200, b"x" * 120, fault="drip-headers", delay=0.5)]})
    with serve(script) as base:
        client, slept = fetcher(timeout=1.0)
        began = time.monotonic()
        with pytest.raises(FetchError, match=r"no whole reply within 1 s; cut off"):
            client.get(base + PAGE)
        took = time.monotonic() - began
    assert took < 30, took  # 60 s if the headers were waited for
    assert script.hits(PAGE) == 1 and not slept


def test_redirects_share_the_request_deadline() -> None:
    # Five hops, each answered after 0.4 s: every read is within the 1-second timeout, the
    # whole chain (2 s of waiting at least) is not.
    routes = {
        f"/r{i}": [Reply(302, headers={"Location": f"/r{i + 1}"}, delay=0.4)] for i in range(5)
    }
    script = Script({**routes, "/r5": [Reply(200, b"# done")]})
    with serve(script) as base:
        client, _ = fetcher(timeout=1.0)
        with pytest.raises(FetchError, match=r"no whole reply within 1 s; cut off"):
            client.get(base + "/r0")
    assert script.hits("/r5") == 0


def test_a_request_after_one_cut_off_has_its_own_deadline() -> None:
    # The watchdog that cut the first request off is gone: the next one, on the same session,
    # is answered.
    script = Script(
        {
            PAGE: [Reply(200, b"x" * 120, fault="drip-headers", delay=0.5)],
            "/two": [Reply(200, b"# two")],
        }
    )
    with serve(script) as base:
        client, _ = fetcher(timeout=1.0)
        with pytest.raises(FetchError, match=r"cut off"):
            client.get(base + PAGE)
        client.policy.timeout = 60.0
        assert client.get(base + "/two").body == b"# two"


def test_content_length_is_the_compressed_size_under_content_encoding() -> None:
    page = b"# KMS permissions\n" * 2000
    packed = gzip.compress(page)
    script = Script({PAGE: [Reply(200, packed, headers={"Content-Encoding": "gzip"})]})
    with serve(script) as base:
        client, _ = fetcher()
        assert client.get(base + PAGE).body == page


def test_a_compressed_body_cut_short_is_still_refused() -> None:
    packed = gzip.compress(b"# KMS permissions\n" * 2000)
    reply = Reply(200, packed[:-40], headers={"Content-Encoding": "gzip"}, fault="truncate")
    with serve(Script({PAGE: [reply]})) as base:
        client, _ = fetcher()
        with pytest.raises(FetchError, match="body cut off"):
            client.get(base + PAGE)


@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(["drip-headers", "drip", None]),
    st.sampled_from([0.0, 0.05, 0.3]),
    st.integers(0, 3),
    st.integers(1, 40),
)
def test_drawn_slow_replies_end_whole_or_cut_off(
    fault: str | None, delay: float, hops: int, size: int
) -> None:
    # Whatever the server's pace, a fetch ends: the whole body, or the deadline's one error
    # (never a body the watchdog cut short taken for whole).
    body = bytes(range(65, 65 + size))
    routes = {f"/h{i}": [Reply(302, headers={"Location": f"/h{i + 1}"})] for i in range(hops)}
    routes[f"/h{hops}"] = [Reply(200, body, fault=fault, delay=delay)]
    with serve(Script(routes)) as base:
        client, _ = fetcher(timeout=1.0)
        began = time.monotonic()
        try:
            got = client.get(base + "/h0").body
        except FetchError as exc:
            assert "cut off" in str(exc), exc
        else:
            assert got == (b"" if fault == "drip-headers" else body)
        assert time.monotonic() - began < 30
