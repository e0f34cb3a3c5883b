"""Live fetching: HTTPS only, allow-listed hosts, retries with backoff, a size cap and a cache."""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from filelock import FileLock

from kms_permissions.errors import FetchError
from kms_permissions.files import atomic_write
from kms_permissions.scraper.deadline import Deadline, DeadlineAdapter

ALLOWED_HOSTS = frozenset(
    {
        "docs.aws.amazon.com",
        "raw.githubusercontent.com",
        "api.github.com",
        "pypi.org",  # the package index's simple API (PEP 691), for botocore's releases
        "files.pythonhosted.org",  # the index's distributions (wheels and sdists)
    }
)
USER_AGENT = "kms-permissions (+https://pypi.org/project/kms-permissions/)"
MAX_BODY_BYTES = 8 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Response:
    """A fetched body with the headers that matter for provenance."""

    url: str
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: str
    from_cache: bool


@dataclass
class FetchPolicy:
    """Limits of live fetching; tests loosen `allowed_hosts`/`allow_http_hosts` for loopback."""

    allowed_hosts: frozenset[str] = ALLOWED_HOSTS
    allow_http_hosts: frozenset[str] = frozenset()
    timeout: float = 20.0
    attempts: int = 4
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_body_bytes: int = MAX_BODY_BYTES
    max_redirects: int = 5


class Fetcher:
    """Fetch pages over HTTPS with retries, revalidating an on-disk cache."""

    def __init__(
        self,
        cache_dir: Path | None,
        policy: FetchPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.cache = Cache(cache_dir) if cache_dir else None
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        for scheme in ("https://", "http://"):
            self.session.mount(scheme, DeadlineAdapter())
        self.sleep = sleep

    def get(
        self,
        url: str,
        accept: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """Fetch `url`; `accept` lists acceptable content types (prefixes); `headers` are sent
        as they are (an index's `Accept`); `max_bytes` replaces the policy's size cap."""
        self._check_url(url)
        cached = self.cache.read(url) if self.cache else None
        headers = dict(headers or {})
        if cached:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        response, final_url, deadline = self._get_with_retries(url, headers)
        fetched_at = _now()
        if response.status_code == 304 and cached:
            response.close()
            deadline.cancel()
            return Response(
                final_url,
                cached.body,
                cached.content_type,
                cached.etag,
                cached.last_modified,
                fetched_at,
                True,
            )
        if response.status_code != 200:
            response.close()
            deadline.cancel()
            raise FetchError(f"{redact(url)}: HTTP {response.status_code}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if accept and not any(content_type.startswith(a) for a in accept):
            response.close()
            deadline.cancel()
            raise FetchError(
                f"{redact(url)}: content type {content_type or 'none'!r}, "
                f"expected {' or '.join(accept)}"
            )
        body = self._read_body(response, url, deadline, max_bytes)
        result = Response(
            final_url,
            body,
            content_type,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            fetched_at,
            False,
        )
        return result

    def get_range(self, url: str, start: int, end: int, max_bytes: int) -> tuple[bytes, bool]:
        """Bytes `start` to `end` (exclusive) of `url`, and True; or, from a server that does
        not honour ranges, the whole body (up to `max_bytes`) and False. Never cached."""
        self._check_url(url)
        if not 0 <= start < end:
            raise FetchError(f"{redact(url)}: an empty byte range {start}-{end}")
        # identity: a range of a compressed rendering would be a range of other bytes.
        headers = {"Range": f"bytes={start}-{end - 1}", "Accept-Encoding": "identity"}
        response, _, deadline = self._get_with_retries(url, headers)
        if response.status_code == 200:
            return self._read_body(response, url, deadline, max_bytes), False
        if response.status_code != 206:
            response.close()
            deadline.cancel()
            raise FetchError(f"{redact(url)}: HTTP {response.status_code} to a range request")
        content_range = response.headers.get("Content-Range", "")
        body = self._read_body(response, url, deadline, end - start)
        expected = f"bytes {start}-{start + len(body) - 1}/"
        if not content_range.startswith(expected) or len(body) != end - start:
            raise FetchError(
                f"{redact(url)}: asked for bytes {start}-{end - 1}, got "
                f"{len(body)} bytes ({content_range or 'no Content-Range'})"
            )
        return body, True

    def store(self, url: str, response: Response) -> None:
        """Keep a response that parsed cleanly, for revalidation next time."""
        if self.cache and not response.from_cache:
            self.cache.write(url, response)

    def _check_url(self, url: str) -> None:
        if has_credentials(url):
            # Refused before any request, and never retried: the password goes nowhere.
            raise FetchError(f"{redact(url)}: a URL with credentials (user:password@) is refused")
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError as exc:
            raise FetchError(f"{redact(url)}: not a valid URL ({exc})") from None
        if parts.scheme == "http" and host in self.policy.allow_http_hosts:
            return
        if parts.scheme != "https":
            raise FetchError(f"{redact(url)}: only HTTPS URLs are fetched")
        if host not in self.policy.allowed_hosts:
            allowed = ", ".join(sorted(self.policy.allowed_hosts))
            raise FetchError(f"{redact(url)}: host {host!r} is not on the allow-list ({allowed})")

    def _get_with_retries(
        self, url: str, headers: dict[str, str]
    ) -> tuple[requests.Response, str, Deadline]:
        """The response of the first attempt that is not retried, its URL after redirects, and
        the attempt's deadline, still running for the body (`timeout` from the attempt's
        start, for connect, headers, redirects and body together). An attempt cut off by its
        deadline is not retried: a server that drips would only be given the time again."""
        last_problem = "no attempt made"
        for attempt in range(1, self.policy.attempts + 1):
            watchdog = Deadline(self.policy.timeout).start()
            try:
                response, final_url = self._follow(url, headers)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if watchdog.cancel():
                    raise self._cut_off(url) from None
                last_problem = f"{type(exc).__name__}: {_reason(exc)}"
                delay = self.policy.backoff * 2 ** (attempt - 1)
            except BaseException:
                watchdog.cancel()
                raise
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response, final_url, watchdog
                response.close()
                if watchdog.cancel():
                    raise self._cut_off(url)
                last_problem = f"HTTP {response.status_code}"
                delay = self._retry_after(response) or self.policy.backoff * 2 ** (attempt - 1)
            if attempt < self.policy.attempts:
                self.sleep(delay)
        raise FetchError(
            f"{redact(url)}: gave up after {self.policy.attempts} attempts ({last_problem})"
        )

    def _cut_off(self, url: str) -> FetchError:
        return FetchError(
            f"{redact(url)}: no whole reply within {self.policy.timeout:g} s; cut off"
        )

    def _follow(self, url: str, headers: dict[str, str]) -> tuple[requests.Response, str]:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            response = self.session.get(
                current,
                headers=headers,
                timeout=self.policy.timeout,
                allow_redirects=False,
                stream=True,
            )
            if response.status_code not in (301, 302, 303, 307, 308):
                return response, current
            target = urljoin(current, response.headers.get("Location", ""))
            response.close()
            self._check_url(target)
            current = target
        raise FetchError(f"{redact(url)}: more than {self.policy.max_redirects} redirects")

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is None:
                return None
            seconds = (parsed - datetime.now(UTC)).total_seconds()
        return max(0.0, min(seconds, self.policy.max_retry_after))

    def _read_body(
        self,
        response: requests.Response,
        url: str,
        deadline: Deadline,
        max_bytes: int | None = None,
    ) -> bytes:
        """The body, decoded, within the cap (`max_bytes`, else the policy's) and by the
        request's deadline (the watchdog shuts the socket: a server sending a byte a second is
        cut off when it passes), its length checked against Content-Length as sent (the
        compressed size under a Content-Encoding). The deadline is over when this returns."""
        failure = None
        try:
            body, sent = self._read_limited(response, url, max_bytes)
        except FetchError as exc:
            failure = exc
        finally:
            response.close()
            expired = deadline.cancel()
        if expired:  # an end of the body the watchdog caused is no end: refused whatever came
            raise self._cut_off(url) from None
        if failure is not None:
            raise failure
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) != sent:
            raise FetchError(f"{redact(url)}: body cut off ({sent} of {declared} bytes)")
        return body

    def _read_limited(
        self, response: requests.Response, url: str, max_bytes: int | None
    ) -> tuple[bytes, int]:
        cap = self.policy.max_body_bytes if max_bytes is None else max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError(f"{redact(url)}: body of {declared} bytes is over the {cap}-byte cap")
        raw = response.raw
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := raw.read1(_READ_SIZE, decode_content=True):
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"{redact(url)}: body is over the {cap}-byte cap")
                chunks.append(chunk)
            sent = raw.tell()  # bytes as they came over the wire, before decoding
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"{redact(url)}: body cut off ({type(exc).__name__})") from None
        return b"".join(chunks), sent


# Bytes asked of each read; a compressed read decodes to this much at most (urllib3 2 keeps
# the rest for the next read), so a compression bomb never goes far past the cap.
_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class CachedPage:
    """A cache entry."""

    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


class Cache:
    """An on-disk cache, one body and one metadata file per URL, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, url: str) -> tuple[Path, Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        return (
            self.root / f"{key}.body",
            self.root / f"{key}.json",
            self.root / f"{key}.lock",
        )

    def read(self, url: str) -> CachedPage | None:
        """The entry for `url`, or None when absent or inconsistent."""
        body_path, meta_path, lock_path = self._paths(url)
        if not meta_path.exists():
            return None
        with FileLock(str(lock_path)):
            try:
                meta = json.loads(meta_path.read_text())
                body = body_path.read_bytes()
            except (OSError, ValueError):
                return None
        if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None
        return CachedPage(body, meta["content_type"], meta.get("etag"), meta.get("last_modified"))

    def write(self, url: str, response: Response) -> None:
        """Store a response; readers see the old entry or the new one, never a mix."""
        self.root.mkdir(parents=True, exist_ok=True)
        body_path, meta_path, lock_path = self._paths(url)
        meta = {
            "url": url,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "content_type": response.content_type,
            "etag": response.etag,
            "last_modified": response.last_modified,
        }
        with FileLock(str(lock_path)):
            atomic_write(body_path, response.body)
            atomic_write(meta_path, json.dumps(meta, sort_keys=True).encode())


# The user information of a URL: from `//` up to the last `@` before the path, query or fragment.
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)[^/?#]*@")


def has_credentials(url: str) -> bool:
    """Whether a URL carries a user name or password (`https://user:pass@host/...`)."""
    return _USERINFO.match(url) is not None


def redact(url: str) -> str:
    """The URL as messages print it: without the user name and password it may carry."""
    return _USERINFO.sub(r"\1", url)


def _reason(exc: requests.RequestException) -> str:
    """What went wrong, short: urllib3's innermost reason without the connection pool's name
    ("Failed to resolve 'docs.aws.amazon.com' (...)" rather than three nested messages)."""
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", None) or reason
    return re.sub(r"^<?\w*Connection(?:Pool)?\([^)]*\)>?: ", "", str(reason))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def default_cache_dir() -> Path:
    """The per-user cache folder (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("kms-permissions"))
