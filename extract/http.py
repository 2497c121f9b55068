"""The one HTTP layer every live fetch goes through (on `requests`).

- connect and read timeouts on every request;
- retries with exponential backoff and full jitter on timeouts, dropped connections, truncated
  bodies and HTTP 429/500/502/503/504, honouring `Retry-After` on 429 and 503 (capped);
- a descriptive User-Agent; TLS verification always on (no option turns it off). Plain http is
  accepted for loopback hosts only, where the test publishers run;
- conditional requests: the caller passes the ETag / Last-Modified it last saw, a 304 comes
  back as `not_modified`;
- a cap on the body size, and a Content-Length check (a body shorter than announced is
  truncated, whatever the transport said).

Errors are `FetchError`s naming the source, the URL and the fault. Checking what the body *is*
(HTML served with 200, a changed schema, ...) happens in `extract.checks`.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

__all__ = [
    "RETRY_STATUSES",
    "FetchError",
    "HttpClient",
    "HttpConfig",
    "HttpResponse",
    "check_url_allowed",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
RETRY_AFTER_STATUSES = frozenset({429, 503})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Operators add a contact address through the live config's http.user_agent.
USER_AGENT = (
    f"limburg-warehouse/0.1 (open-source regional statistics warehouse; nightly refresh) "
    f"python-requests/{requests.__version__}"
)


class FetchError(RuntimeError):
    """A fetch that failed after its retries, or a response that was rejected.

    `fault` is a short kind (timeout, connection, http-status, truncated, html, schema, ...),
    `problem` the human sentence. The message names the source, the URL and the fault.
    """

    def __init__(
        self, source_id: str, url: str, fault: str, problem: str, http_status: int | None = None
    ) -> None:
        self.source_id = source_id
        self.url = url
        self.fault = fault
        self.problem = problem
        self.http_status = http_status  # the status of a refused answer (404, ...), if any
        super().__init__(f"source {source_id!r}, {url}: {fault}: {problem}")


@dataclass(frozen=True)
class HttpConfig:
    """Timeouts and retry policy. Production uses the defaults; tests shorten them."""

    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    attempts: int = 5  # first try included
    backoff_base: float = 2.0  # seconds; attempt n waits up to base * 2**(n-1)
    backoff_max: float = 120.0  # cap on one wait, Retry-After included
    max_bytes: int = 512 * 1024 * 1024
    user_agent: str = USER_AGENT

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> HttpConfig:
        if not raw:
            return cls()
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown HTTP setting(s) {', '.join(unknown)}")
        return replace(cls(), **dict(raw))


@dataclass(frozen=True)
class HttpResponse:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    attempts: int
    elapsed_seconds: float
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")


def check_url_allowed(source_id: str, url: str) -> None:
    """https everywhere; plain http only on loopback (the test publishers)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return
    raise FetchError(
        source_id, url, "config", "only https URLs are fetched (plain http on loopback only)"
    )


@dataclass
class HttpClient:
    config: HttpConfig = field(default_factory=HttpConfig)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    session: requests.Session | None = None

    def __post_init__(self) -> None:
        if self.session is None:
            self.session = requests.Session()
        self.session.headers["User-Agent"] = self.config.user_agent

    def close(self) -> None:
        if self.session is not None:
            self.session.close()

    def get(
        self,
        source_id: str,
        url: str,
        *,
        accept: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """GET with retries; returns a 200 (or 304 when conditional) response, or raises."""
        check_url_allowed(source_id, url)
        headers = dict(extra_headers or {})
        headers.update({"Accept": accept or "*/*", "Accept-Encoding": "gzip, deflate"})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        last: FetchError | None = None
        for attempt in range(1, self.config.attempts + 1):
            wait: float | None = None
            try:
                response = self._once(source_id, url, headers)
            except _Retryable as exc:
                last = exc.error
                wait = exc.retry_after
            else:
                elapsed = round(time.monotonic() - started, 3)
                return replace(response, attempts=attempt, elapsed_seconds=elapsed)
            if attempt == self.config.attempts:
                break
            self.sleep(self._backoff(attempt, wait))
        assert last is not None
        raise FetchError(
            source_id,
            url,
            last.fault,
            f"{last.problem} (gave up after {self.config.attempts} attempt"
            f"{'s' if self.config.attempts != 1 else ''})",
        )

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        cap = self.config.backoff_max
        if retry_after is not None:
            return min(max(retry_after, 0.0), cap)
        ceiling = min(cap, self.config.backoff_base * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)  # full jitter

    def _once(self, source_id: str, url: str, headers: dict[str, str]) -> HttpResponse:
        """One request, following redirects by hand: every hop must pass the URL policy."""
        hops = [url]
        while True:
            response = self._hop(source_id, hops[-1], headers)
            if not isinstance(response, str):
                if len(hops) > 1:
                    response = replace(response, url=hops[-1])
                return response
            target = urljoin(hops[-1], response)
            if len(hops) > MAX_REDIRECTS:
                raise FetchError(
                    source_id, url, "redirect", f"more than {MAX_REDIRECTS} redirects ({target})"
                )
            try:
                check_url_allowed(source_id, target)
            except FetchError as exc:
                raise FetchError(
                    source_id, url, "redirect", f"redirected to {target}: {exc.problem}"
                ) from None
            hops.append(target)

    def _hop(self, source_id: str, url: str, headers: dict[str, str]) -> HttpResponse | str:
        """The response, or the Location a redirect points to."""
        assert self.session is not None
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        try:
            # A proxy from the environment is used for the publishers, never for loopback.
            host = (urlsplit(url).hostname or "").lower()
            proxies = {"http": None, "https": None} if host in LOOPBACK_HOSTS else None
            with self.session.get(
                url,
                headers=headers,
                timeout=timeout,
                stream=True,
                verify=True,
                proxies=proxies,
                allow_redirects=False,
            ) as r:
                status = r.status_code
                if status in REDIRECT_STATUSES and r.headers.get("Location"):
                    return r.headers["Location"]
                if status in RETRY_STATUSES:
                    retry_after = None
                    if status in RETRY_AFTER_STATUSES:
                        retry_after = parse_retry_after(r.headers.get("Retry-After"))
                    raise _Retryable(
                        FetchError(
                            source_id, url, "http-status", f"HTTP {status} {r.reason or ''}".strip()
                        ),
                        retry_after,
                    )
                if status == 304:
                    return HttpResponse(url, status, dict(r.headers), b"", 0, 0.0, True)
                if status != 200:
                    raise FetchError(
                        source_id,
                        url,
                        "http-status",
                        f"HTTP {status} {r.reason or ''}".strip() + _snippet(r),
                        http_status=status,
                    )
                body = self._read(source_id, url, r)
                return HttpResponse(url, status, dict(r.headers), body, 0, 0.0)
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout) as exc:
            raise _Retryable(FetchError(source_id, url, "timeout", _describe(exc)), None) from None
        except requests.exceptions.ConnectionError as exc:
            kind = "timeout" if "timed out" in str(exc).lower() else "connection"
            raise _Retryable(FetchError(source_id, url, kind, _describe(exc)), None) from None
        except requests.exceptions.ChunkedEncodingError as exc:
            kind = "connection" if "reset" in str(exc).lower() else "truncated"
            raise _Retryable(
                FetchError(source_id, url, kind, f"body cut off: {_describe(exc)}"), None
            ) from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(source_id, url, "request", _describe(exc)) from None

    def _read(self, source_id: str, url: str, r: requests.Response) -> bytes:
        limit = self.config.max_bytes
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_content(chunk_size=1 << 16):
            size += len(chunk)
            if size > limit:
                raise FetchError(source_id, url, "too-large", f"body exceeds {limit:,} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        announced = r.headers.get("Content-Length")
        encoded = r.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if announced and announced.isdigit() and not encoded and len(body) < int(announced):
            raise _Retryable(
                FetchError(
                    source_id,
                    url,
                    "truncated",
                    f"body has {len(body):,} bytes, Content-Length announced {int(announced):,}",
                ),
                None,
            )
        return body


class _Retryable(Exception):
    def __init__(self, error: FetchError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _describe(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 nests the cause: keep the innermost, readable part.
    for marker in ("Caused by ", "(Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1].rstrip(")")
    return f"{type(exc).__name__}: {text[:300]}"


def _snippet(r: requests.Response) -> str:
    try:
        text = r.raw.read(300, decode_content=True).decode("utf-8", "replace")
    except Exception:
        return ""
    text = " ".join(text.split())
    return f"; body starts {text[:120]!r}" if text else ""
