"""Botocore's KMS service model as a source: the copy installed here, or a release on GitHub.

`installed-botocore` reads the model of the botocore installed in this Python environment,
with no network: a user with a fresh boto3 gets the newest facts offline. Its revision is the
installed release; it has no date of its own unless one is given, so it joins the newest version.
`github-botocore:TAG` fetches the model at a release tag from raw.githubusercontent.com and dates
it by the tag's commit (api.github.com), as `github:COMMIT` does for the archived guide.
`pypi-botocore:VERSION` reads the model from the release's distribution on the package index
(`pypi_botocore`) and dates it by the release's upload.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from kms_permissions.errors import FetchError, SourceError
from kms_permissions.scraper import api_reference_json
from kms_permissions.scraper.http import Fetcher
from kms_permissions.scraper.sources import Page

INSTALLED = "installed-botocore"
GITHUB_PREFIX = "github-botocore:"
MODEL = "data/kms/2014-11-01/service-2.json"
REPOSITORY = "boto/botocore"
_TAG = re.compile(r"\d+\.\d+\.\d+")


def _page(
    body: bytes,
    location: str,
    revision: str,
    date: str | None,
    time: str = "",
    fetched_at: str | None = None,
) -> Page:
    if not api_reference_json.recognise(body.decode("utf-8", errors="replace")):
        raise SourceError(f"{location}: not botocore's KMS service model")
    release = revision.removeprefix("botocore ")
    return Page(
        kind=api_reference_json.KIND,
        rendering=api_reference_json.RENDERING,
        name="kms",
        location=location,
        revision=revision,
        revision_date=date,
        fetched_at=fetched_at,
        content_type="application/json",
        body=body,
        revision_time=time,
        release=release,
    )


class InstalledBotocoreSource:
    """The KMS model of the botocore installed in this environment (no network)."""

    def __init__(
        self,
        revision_date: str | None = None,
        package: Path | None = None,
        release: str | None = None,
    ) -> None:
        self.revision_date = revision_date
        self.package = package
        self.release = release

    def _package(self) -> Path:
        if self.package is not None:
            return self.package
        spec = importlib.util.find_spec("botocore")
        if spec is None or spec.origin is None:
            raise SourceError(
                "installed-botocore: botocore is not installed in this environment "
                "(pip install botocore, or boto3)"
            )
        return Path(spec.origin).parent

    def pages(self) -> Iterator[Page]:
        """The one model, read from the package folder (plain or gzip-compressed)."""
        from importlib.metadata import PackageNotFoundError, version

        package = self._package()
        plain = package / MODEL
        packed = plain.with_name(plain.name + ".gz")
        try:
            body = plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(f"{packed}: botocore's KMS model cannot be read ({exc})") from None
        try:
            installed = self.release or version("botocore")
        except PackageNotFoundError:
            installed = f"sha256:{hashlib.sha256(body).hexdigest()}"
        yield _page(body, f"{INSTALLED}:{installed}", f"botocore {installed}", self.revision_date)


class GitHubBotocoreSource:
    """The KMS model at a botocore release tag on GitHub, dated by the tag's commit."""

    def __init__(
        self,
        fetcher: Fetcher,
        tag: str,
        api_base: str = "https://api.github.com",
        raw_base: str = "https://raw.githubusercontent.com",
    ) -> None:
        if not _TAG.fullmatch(tag):
            raise SourceError(f"{GITHUB_PREFIX}{tag}: not a botocore release tag such as 1.44.8")
        self.fetcher = fetcher
        self.tag = tag
        self.api_base = api_base
        self.url = f"{raw_base}/{REPOSITORY}/{tag}/botocore/{MODEL}"

    def pages(self) -> Iterator[Page]:
        """The model at the tag."""
        from kms_permissions import jsonfast

        api = f"{self.api_base}/repos/{REPOSITORY}/commits/{self.tag}"
        response = self.fetcher.get(api, ("application/json",))
        try:
            data = jsonfast.loads(response.body)
            time = str(data["commit"]["committer"]["date"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"{api}: not a GitHub commit ({exc})") from None
        model = self.fetcher.get(
            self.url, ("text/plain", "application/json", "application/octet-stream")
        )
        yield _page(model.body, self.url, f"botocore {self.tag}", time[:10], time, model.fetched_at)


class PypiBotocoreSource:
    """The KMS model of a botocore release on the package index, dated by its upload."""

    def __init__(
        self, fetcher: Fetcher, version: str, mirrors: Mapping[str, str] | None = None
    ) -> None:
        from kms_permissions.scraper.pypi_botocore import PREFIX, release_key

        if not release_key(version):
            raise SourceError(f"{PREFIX}{version}: not a botocore release such as 1.44.8")
        self.fetcher = fetcher
        self.version = version
        self.mirrors = mirrors or {}

    def pages(self) -> Iterator[Page]:
        """The model of the release."""
        from kms_permissions.scraper.corpus import mirrored
        from kms_permissions.scraper.pypi_botocore import (
            INDEX,
            PREFIX,
            located,
            read_model,
            release_of,
            releases,
        )

        listed = releases(self.fetcher, mirrored(INDEX, self.mirrors))
        release = release_of(listed, self.version)
        model = read_model(self.fetcher, located(release, self.mirrors))
        if model is None:
            raise SourceError(f"{PREFIX}{self.version}: this release holds no KMS model")
        time = release.upload_time
        location = f"{PREFIX}{self.version}"
        yield _page(model.body, location, f"botocore {self.version}", time[:10], time)
