"""Network faults end to end: a real loopback server serving real pages with injected faults.

Each fault ends in retries where they make sense, then a clear FetchError or ParseError; no
cache entry or output file is left half-written; a later healthy run succeeds and reuses what
was good (ETag revalidation).
"""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from kms_permissions.errors import FetchError, ParseError
from kms_permissions.scraper import kinds
from kms_permissions.scraper.http import Cache, Fetcher, FetchPolicy
from kms_permissions.scraper.scrape import scrape, write_json
from kms_permissions.scraper.sources import GitHubArchiveSource, HttpSource

from .conftest import FIXTURES
from .http_server import Reply, Script, serve

PERMISSIONS = "/kms/latest/developerguide/kms-api-permissions-reference.md"
SAR = "/service-authorization/latest/reference/list_awskeymanagementservice.html"
MD = {"Content-Type": "text/markdown; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def good(corpus: Path) -> dict[str, list[Reply]]:
    current = corpus / "kms-devguide-current-md" / "kms-api-permissions-reference.md"
    sar = corpus / "sar-html" / "list_awskeymanagementservice" / "2026-06-14.html"
    return {
        PERMISSIONS: [Reply(200, current.read_bytes(), {**MD, "ETag": '"perm-1"'})],
        SAR: [Reply(200, sar.read_bytes(), {**HTML, "ETag": '"sar-1"'})],
    }


def source(base: str, cache: Path | None, timeout: float = 60.0) -> HttpSource:
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        timeout=timeout,
        attempts=3,
        backoff=0.01,
    )
    fetcher = Fetcher(cache, policy, sleep=lambda _: None)
    return HttpSource(fetcher, (base + PERMISSIONS, base + SAR))


def cached(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("*.json"))


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Reply(503), FetchError, "gave up after 3 attempts (HTTP 503)"),
        (Reply(fault="reset"), FetchError, "gave up after 3 attempts (ConnectionError"),
        # The server answers after two minutes; the deadline is 5 s (the good page, on loopback,
        # comes well within it however loaded the machine).
        pytest.param(
            Reply(200, b"<html>", HTML, delay=120.0),
            FetchError,
            "no whole reply within 5 s",
            marks=pytest.mark.slow,
        ),
        (Reply(200, b"<html><title>", HTML, fault="truncate"), FetchError, "cut off"),
        (Reply(200, b"# md", MD), FetchError, "content type 'text/markdown'"),
        (
            Reply(200, b"<html><h1>Service Unavailable</h1></html>", HTML),
            ParseError,
            "no 'AWS Key Management Service' title",
        ),
        (
            Reply(302, headers={"Location": "https://evil.example/sar.html"}),
            FetchError,
            "'evil.example' is not on the allow-list",
        ),
        (Reply(200, b"x" * 9_000_000, HTML), FetchError, "over the 8388608-byte cap"),
        (
            Reply(200, b"x" * 9_000_000, HTML, fault="no-length"),
            FetchError,
            "body is over the 8388608-byte cap",
        ),
    ],
    ids=[
        "503-run",
        "reset",
        "timeout",
        "truncated",
        "wrong-type",
        "error-page-200",
        "redirect-off-list",
        "too-big",
        "too-big-unannounced",
    ],
)
def test_fault_then_recovery(
    corpus: Path, tmp_path: Path, fault: Reply, error: type[Exception], message: str
) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / "records.json"
    script = Script({**good(corpus), SAR: [fault]})
    with serve(script) as base:
        with pytest.raises(error) as info:
            write_json(scrape(source(base, cache, timeout=5.0)), out)
        assert message in str(info.value)
        assert not out.exists()
        # Only the page that parsed is cached; nothing of the faulty one.
        assert len(cached(cache)) == 1
        assert Cache(cache).read(base + SAR) is None
        assert not list(cache.glob(".*tmp"))
        script.routes[SAR] = good(corpus)[SAR]
        script.routes[PERMISSIONS] = [Reply(304, headers={"ETag": '"perm-1"'})]
        result = scrape(source(base, cache))
        write_json(result, out)
    assert len(result.of(kinds.PERMISSIONS)[0].operations) == 54
    assert len(result.of(kinds.SAR)[0].actions) == 56
    revalidation = [h for p, h in script.requests if p == PERMISSIONS][-1]
    assert revalidation.get("If-None-Match") == '"perm-1"'
    assert len(cached(cache)) == 2


def test_retry_after_is_honoured_end_to_end(corpus: Path, tmp_path: Path) -> None:
    waits: list[float] = []
    script = Script(
        {**good(corpus), SAR: [Reply(429, headers={"Retry-After": "2"}), *good(corpus)[SAR]]}
    )
    with serve(script) as base:
        http = source(base, None)
        http.fetcher.sleep = waits.append
        result = scrape(http)
    assert waits == [2.0] and len(result.of(kinds.SAR)) == 1


def _scrape_loop(base: str, cache: str, rounds: int) -> int:
    done = 0
    for _ in range(rounds):
        result = scrape(source(base, Path(cache)))
        done += len(result.of(kinds.SAR)[0].actions)
    return done


def test_two_scrapes_share_one_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pages = good(corpus)
    # Every fetch returns a fresh body (no 304), so both processes keep rewriting the entries.
    script = Script(pages)
    with serve(script) as base:
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            counts = pool.starmap(_scrape_loop, [(base, str(cache), 6), (base, str(cache), 6)])
        assert counts == [56 * 6, 56 * 6]
        store = Cache(cache)
        for path in (PERMISSIONS, SAR):
            entry = store.read(base + path)
            assert entry is not None and entry.body == pages[path][0].body
    assert not list(cache.glob(".*tmp"))


def test_fixture_pages_parse_from_the_server(tmp_path: Path) -> None:
    script = Script(
        {
            PERMISSIONS: [Reply(200, (FIXTURES / "permissions-mini.md").read_bytes(), MD)],
            SAR: [Reply(200, (FIXTURES / "sar-mini.html").read_bytes(), HTML)],
        }
    )
    with serve(script) as base:
        result = scrape(source(base, tmp_path / "cache"))
    assert result.of(kinds.PERMISSIONS)[0].operations[0].name == "CreateAlias"
    assert result.of(kinds.PERMISSIONS)[0].provenance.fetched_at.endswith("Z")


def _write_loop(cache: str, url: str, rounds: int) -> None:
    from kms_permissions.scraper.http import Response

    store = Cache(Path(cache))
    for number in range(rounds):
        body = bytes([65 + number % 2]) * 4_000_000
        store.write(url, Response(url, body, "text/html", f'"{number}"', None, "", False))


def test_cache_readers_never_see_a_mix(tmp_path: Path) -> None:
    url = "https://docs.aws.amazon.com/x.html"
    store = Cache(tmp_path)
    _write_loop(str(tmp_path), url, 1)
    writer = multiprocessing.get_context("spawn").Process(
        target=_write_loop, args=(str(tmp_path), url, 40)
    )
    writer.start()
    seen = 0
    while writer.is_alive():
        entry = store.read(url)
        assert entry is not None, "a reader saw a half-written entry"
        assert entry.body in (b"A" * 4_000_000, b"B" * 4_000_000)
        seen += 1
    writer.join()
    assert writer.exitcode == 0 and seen > 0


def test_github_archive_at_a_commit(corpus: Path) -> None:
    commit = "980f865" + "0" * 33
    snapshot = corpus / "kms-devguide-github" / "2017-11-15_980f865" / "doc_source"
    api = f"/repos/awsdocs/aws-kms-developer-guide/commits/{commit}"
    raw = f"/awsdocs/aws-kms-developer-guide/{commit}/doc_source"
    meta = {"sha": commit, "commit": {"committer": {"date": "2017-11-15T20:00:00Z"}}}
    routes = {api: [Reply(200, json.dumps(meta).encode(), {"Content-Type": "application/json"})]}
    for page in snapshot.iterdir():
        routes[f"{raw}/{page.name}"] = [Reply(200, page.read_bytes(), MD)]
    with serve(Script(routes)) as base:
        fetcher = source(base, None).fetcher
        archive = GitHubArchiveSource(fetcher, commit, api_base=base, raw_base=base)
        result = scrape(archive)
    (keys,) = result.of(kinds.CONDITION_KEYS)
    assert keys.provenance.revision == commit
    assert keys.provenance.revision_date == "2017-11-15"
    assert len(keys.condition_keys) == 9
    assert result.of(kinds.PERMISSIONS) == []  # the archived page links to the website's table
