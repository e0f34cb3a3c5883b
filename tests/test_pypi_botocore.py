"""The package index as a source of botocore's KMS models, on the loopback server.

The index is a PEP 691 JSON page written here; the wheels and sdists are real archives built
here around real models from the corpus, so that what is read by ranges, by whole download or
from a tarball is checked byte for byte against the model put in.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kms_permissions.errors import FetchError, SourceError
from kms_permissions.scraper.corpus_botocore import LISTING, plan, write
from kms_permissions.scraper.http import Fetcher, FetchPolicy
from kms_permissions.scraper.pypi_botocore import (
    SIMPLE_JSON,
    Release,
    changes,
    located,
    read_model,
    release_of,
    releases,
)

from .http_server import Script, serve
from .pypi_index import FILES, INDEX_PATH, MEMBER, OLD_MEMBER, Index, mirrors, sdist, wheel

pytestmark = pytest.mark.loopback

# Three real models of the corpus, in the order botocore published them.
MODELS = ("2026-04-27_59d6b63.json", "2026-05-20_3830c65.json", "2026-11-20_pypi-1.44.8.json")


def fetcher() -> Fetcher:
    policy = FetchPolicy(
        allowed_hosts=frozenset({"127.0.0.1"}),
        allow_http_hosts=frozenset({"127.0.0.1"}),
        timeout=5.0,
        attempts=1,
    )
    return Fetcher(None, policy)


@pytest.fixture(scope="module")
def models(corpus: Path) -> list[bytes]:
    return [(corpus / "botocore-kms" / name).read_bytes() for name in MODELS]


@pytest.fixture(scope="module")
def built(models: list[bytes]) -> dict[str, bytes]:
    """One wheel per model (built once: they are the slow part)."""
    return {name: wheel(model) for name, model in zip(MODELS, models, strict=True)}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[tuple[Script, str]]:
    script = Script()
    with serve(script) as base:
        yield script, base


def test_releases_are_final_ones_dated_by_their_first_upload(
    server: tuple[Script, str], models: list[bytes]
) -> None:
    script, base = server
    index = Index()
    index.add("botocore-1.10.0.tar.gz", b"sdist", "2026-01-02T10:00:00.5Z")
    index.add("botocore-1.10.0-py3-none-any.whl", b"wheel", "2026-01-02T10:00:09.1Z")
    index.add("botocore-1.9.0-py3-none-any.whl", b"old", "2026-01-01T09:00:00Z")
    index.add("botocore-1.11.0rc1-py3-none-any.whl", b"pre", "2026-01-03T00:00:00Z")
    index.add("botocore-1.12.0-py3-none-any.whl", b"gone", "2026-01-04T00:00:00Z", yanked="bad")
    script.routes.update(index.served())
    listed = releases(fetcher(), f"{base}{INDEX_PATH}")
    assert [r.version for r in listed] == ["1.9.0", "1.10.0"]  # numeric order, finals only
    assert listed[1].upload_time == "2026-01-02T10:00:00+00:00"  # the earliest of its files
    assert listed[1].distribution().filename.endswith(".whl")
    (_, headers) = script.requests[0]
    assert headers["Accept"] == SIMPLE_JSON


def test_a_wheel_is_read_by_ranges(
    server: tuple[Script, str], models: list[bytes], built: dict[str, bytes]
) -> None:
    script, base = server
    index = Index()
    path = index.add("botocore-1.44.8-py3-none-any.whl", built[MODELS[2]], "2026-11-20T19:57:00Z")
    script.routes.update(index.served())
    release = release_of(releases(fetcher(), f"{base}{INDEX_PATH}"), "1.44.8")
    through = located(release, mirrors(base))
    model = read_model(fetcher(), through)
    assert model is not None and model.body == models[2] and model.member == MEMBER
    assert model.ranged and model.requests == 2
    # The end record and central directory, then the member: not the 2 MB in between.
    assert model.fetched < len(built[MODELS[2]]) // 4
    ranges = [h.get("Range", "") for p, h in script.requests if p == path]
    assert len(ranges) == 2 and all(r.startswith("bytes=") for r in ranges)


def test_a_server_without_ranges_gets_the_whole_wheel_checked(
    server: tuple[Script, str], models: list[bytes], built: dict[str, bytes]
) -> None:
    script, base = server
    index = Index()
    whole = built[MODELS[0]]
    index.add("botocore-1.42.97-py3-none-any.whl", whole, "2026-04-27T20:39:01Z", ranges=False)
    script.routes.update(index.served())
    (release,) = releases(fetcher(), f"{base}{INDEX_PATH}")
    model = read_model(fetcher(), located(release, mirrors(base)))
    assert model is not None and model.body == models[0]
    assert not model.ranged and model.fetched == len(whole)
    # A whole download is checked against the index's sha256: another wheel is refused.
    other = Index()
    other.add("botocore-1.42.97-py3-none-any.whl", whole, "2026-04-27T20:39:01Z", ranges=False)
    other.files[0]["hashes"] = {"sha256": hashlib.sha256(b"another wheel").hexdigest()}
    script.routes.update(other.served())
    (release,) = releases(fetcher(), f"{base}{INDEX_PATH}")
    with pytest.raises(FetchError, match=r"sha256 [0-9a-f]{64}, the index says"):
        read_model(fetcher(), located(release, mirrors(base)))


def test_an_old_release_is_read_from_its_sdist(server: tuple[Script, str], corpus: Path) -> None:
    script, base = server
    old = (corpus / "botocore-kms" / "2015-04-27_f1317df.json").read_bytes()
    index = Index()
    index.add("botocore-0.85.0.tar.gz", sdist(old, "0.85.0"), "2015-01-27T19:57:25Z")
    index.add("botocore-0.70.0.tar.gz", _no_kms(), "2014-11-01T00:00:00Z")
    script.routes.update(index.served())
    listed = releases(fetcher(), f"{base}{INDEX_PATH}")
    first, second = (located(r, mirrors(base)) for r in listed)
    assert read_model(fetcher(), first) is None  # before the KMS model existed
    model = read_model(fetcher(), second)
    assert model is not None and model.body == old and model.member == OLD_MEMBER


def _no_kms() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("botocore-0.70.0/setup.py")
        archive.addfile(info, io.BytesIO(b""))
    return buffer.getvalue()


def test_bisection_reads_a_logarithmic_number_of_releases() -> None:
    ordered = [Release(f"1.0.{n}", "", ()) for n in range(1000)]
    change_at = (137, 600, 601)
    reads: list[int] = []

    def model_of(index: int) -> str:
        return str(sum(index >= at for at in change_at))

    def read(release: Release) -> str:
        index = ordered.index(release)
        reads.append(index)
        return model_of(index)

    found = changes(ordered, model_of(0), model_of(999), read)
    assert found == list(change_at)
    assert len(reads) <= 3 * 10 and 0 not in reads and 999 not in reads
    # Equal ends: nothing read at all (the stated assumption).
    assert changes(ordered, "a", "a", read) == []


def _layout(tmp_path: Path, corpus: Path, entries: list[dict[str, Any]]) -> Path:
    layout = tmp_path / "corpus"
    (layout / "botocore-kms").mkdir(parents=True)
    for entry in entries:
        source = corpus / "botocore-kms" / str(entry.pop("source"))
        (layout / "botocore-kms" / str(entry["file"])).write_bytes(source.read_bytes())
    document = {"repository": "https://github.com/boto/botocore", "revisions": entries}
    (layout / LISTING).write_text(json.dumps(document))
    return layout


def _releases(index: Index, built: dict[str, bytes], counts: tuple[int, ...]) -> list[str]:
    """Releases 1.50.0, 1.50.1, ...: `counts[i]` releases in a row with model i; each uploaded
    on its own day of December 2026."""
    versions: list[str] = []
    for number, count in enumerate(counts):
        for _ in range(count):
            version = f"1.50.{len(versions)}"
            day = f"2026-12-{len(versions) + 1:02d}T12:00:00Z"
            index.add(f"botocore-{version}-py3-none-any.whl", built[MODELS[number]], day)
            versions.append(version)
    return versions


def test_update_dates_each_change_to_the_release_that_published_it(
    server: tuple[Script, str], corpus: Path, built: dict[str, bytes], tmp_path: Path
) -> None:
    script, base = server
    index = Index()
    versions = _releases(index, built, (5, 9, 12))  # changes at 1.50.5 and 1.50.14
    script.routes.update(index.served())
    sha0 = hashlib.sha256((corpus / "botocore-kms" / MODELS[0]).read_bytes()).hexdigest()
    held = {
        "file": "2026-11-30_0000000.json",
        "source": MODELS[0],
        "commit": "0" * 40,
        "commit_time": "2026-11-30T08:00:00+00:00",
        "first_release": "1.50.0",
        "sha256": sha0,
    }
    layout = _layout(tmp_path, corpus, [held])
    found = plan(layout, fetcher(), mirrors=mirrors(base))
    assert [m.release.version for m in found.added] == ["1.50.5", "1.50.14"]
    assert [m.release.upload_time for m in found.added] == [
        "2026-12-06T12:00:00+00:00",
        "2026-12-15T12:00:00+00:00",
    ]
    wheels_read = {p for p, h in script.requests if "Range" in h}
    assert len(wheels_read) < len(versions) // 2  # bisection, not every release
    write(layout, found.files)
    listing = json.loads((layout / LISTING).read_text())["revisions"]
    newest = listing[0]
    assert newest["file"] == "2026-12-15_pypi-1.50.14.json" and newest["commit"] is None
    assert newest["distribution_url"].startswith(FILES)  # the index's URL, not the mirror's
    assert newest["upload_time"] == newest["commit_time"] == "2026-12-15T12:00:00+00:00"
    body = (layout / "botocore-kms" / newest["file"]).read_bytes()
    assert hashlib.sha256(body).hexdigest() == newest["sha256"]
    # Again: nothing new.
    assert plan(layout, fetcher(), mirrors=mirrors(base)).files == {}


def test_fill_redates_by_upload_and_fills_a_gap_before_a_copy_from_the_index(
    server: tuple[Script, str], corpus: Path, built: dict[str, bytes], tmp_path: Path
) -> None:
    script, base = server
    index = Index()
    _releases(index, built, (3, 4, 6))  # changes at 1.50.3 and 1.50.7
    script.routes.update(index.served())
    shas = [hashlib.sha256((corpus / "botocore-kms" / m).read_bytes()).hexdigest() for m in MODELS]
    git = {
        "file": "2026-11-29_0000000.json",
        "source": MODELS[0],
        "commit": "0" * 40,
        "commit_time": "2026-11-29T08:00:00+00:00",
        "first_release": "1.50.0",
        "sha256": shas[0],
    }
    wheel_copy = {
        "file": "2026-12-20_pypi-1.50.12.json",
        "source": MODELS[2],
        "commit": None,
        "commit_time": "2026-12-20T00:00:00+00:00",
        "first_release": "1.50.12",
        "sha256": shas[2],
    }
    layout = _layout(tmp_path, corpus, [wheel_copy, git])
    found = plan(layout, fetcher(), fill=True, mirrors=mirrors(base))
    assert [m.release.version for m in found.added] == ["1.50.3", "1.50.7"]
    write(layout, found.files)
    revisions = json.loads((layout / LISTING).read_text())["revisions"]
    listing = {r["first_release"]: r for r in revisions}
    assert listing["1.50.0"]["upload_time"] == "2026-12-01T12:00:00+00:00"
    assert listing["1.50.0"]["commit_time"] == "2026-11-29T08:00:00+00:00"  # kept
    assert listing["1.50.12"]["commit_time"] == "2026-12-13T12:00:00+00:00"  # was a guess
    assert listing["1.50.12"]["distribution"] == "botocore-1.50.12-py3-none-any.whl"
    assert listing["1.50.7"]["sha256"] == shas[2]  # the first release with the model


def test_a_release_as_a_source_is_dated_by_its_upload(
    server: tuple[Script, str], models: list[bytes], built: dict[str, bytes]
) -> None:
    from kms_permissions.scraper.botocore_sources import PypiBotocoreSource

    script, base = server
    index = Index()
    index.add("botocore-1.44.8-py3-none-any.whl", built[MODELS[2]], "2026-11-20T21:09:17Z")
    script.routes.update(index.served())
    (page,) = PypiBotocoreSource(fetcher(), "1.44.8", mirrors(base)).pages()
    assert page.body == models[2] and page.location == "pypi-botocore:1.44.8"
    assert (page.revision_date, page.release) == ("2026-11-20", "1.44.8")
    with pytest.raises(SourceError, match=r"pypi-botocore:1\.44\.9: no such final release"):
        list(PypiBotocoreSource(fetcher(), "1.44.9", mirrors(base)).pages())


def test_a_distribution_over_the_cap_is_refused_before_any_read(
    server: tuple[Script, str], built: dict[str, bytes]
) -> None:
    script, base = server
    index = Index()
    path = index.add("botocore-1.44.8-py3-none-any.whl", built[MODELS[2]], "2026-11-20T21:09:17Z")
    index.files[0]["size"] = 10 * 1024**3  # the index says 10 GiB
    script.routes.update(index.served())
    (release,) = releases(fetcher(), f"{base}{INDEX_PATH}")
    with pytest.raises(FetchError, match="over the 67108864-byte cap"):
        read_model(fetcher(), located(release, mirrors(base)))
    assert script.hits(path) == 0
