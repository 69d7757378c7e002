"""One polite, bounded HTTP GET: every network or HTTP problem becomes ``FetchResult.error``."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Collection
from datetime import datetime, timezone
from typing import Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from snapmode.config import CrawlSettings
from snapmode.crawl.content_encoding import ACCEPT_ENCODING, DecodingError, decode_body
from snapmode.crawl.ssrf import MalformedURLError, UnsafeURLError, check_url_form
from snapmode.crawl.transport import GuardedTransport, deadline

ErrorKind = Literal[
    "invalid_url",
    "ssrf",
    "timeout",
    "connect",
    "network",
    "protocol",
    "decoding",
    "too_large",
    "redirect_loop",
    "too_many_redirects",
    "bad_redirect",
    "http_4xx",
    "http_5xx",
    "bad_content_type",
]

TRANSIENT_ERRORS: frozenset[str] = frozenset({"timeout", "connect", "network", "protocol", "http_5xx"})
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_DECLARED_ENCODING_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/xml", "application/xml"})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class FetchResult(BaseModel):
    # base64 keeps the body intact when a result crosses a process boundary as JSON.
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    url: str = Field(description="The URL asked for")
    final_url: str = Field(description="The URL that gave the final answer, after redirects")
    status: int | None = None
    headers: dict[str, str] = Field(default_factory=dict, description="Final response; lower-case names")
    body: bytes = b""
    content_type: str | None = Field(None, description="Media type without parameters, lower-case")
    encoding: str | None = Field(None, description="From BOM, Content-Type charset or in-document declaration")
    elapsed: float = 0.0
    redirects: list[str] = Field(default_factory=list, description="URLs that answered with a redirect, in order")
    error: ErrorKind | None = None
    error_detail: str | None = None
    retry_after: float | None = Field(None, description="Seconds, from Retry-After on 429/503")
    truncated: bool = Field(False, description="Body cut at the caller's truncate_at")

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def transient(self) -> bool:
        """Worth retrying later (network trouble, 5xx, 408/425/429)."""
        return self.error in TRANSIENT_ERRORS or self.status in _TRANSIENT_STATUSES

    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")


class BadLocationError(ValueError):
    """A redirect whose Location is not a URL at all (httpx would call it a protocol error, which is transient)."""


class Fetcher:
    """Synchronous fetcher, shared by a worker's threads: each thread gets its own httpx client
    (connections and cookie jar), so one redirect chain's cookies never reach another. Call
    ``close()`` when done."""

    def __init__(self, settings: CrawlSettings, *, total_timeout: float | None = None) -> None:
        self._settings = settings
        # Bounds the whole fetch, redirects included: per-read timeouts alone let slow-drip servers hang us.
        self._total_timeout = (
            total_timeout if total_timeout is not None else settings.connect_timeout + 2 * settings.read_timeout
        )
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._clients_lock = threading.Lock()

    @property
    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._new_client()
            with self._clients_lock:
                self._clients.append(client)
        return client

    def _new_client(self) -> httpx.Client:
        settings = self._settings
        return httpx.Client(
            transport=GuardedTransport(settings.allow_hosts),
            headers={"User-Agent": settings.user_agent, "Accept": _ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            event_hooks={"response": [_vet_location]},
        )

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_types: Collection[str] | None = None,
        truncate_at: int | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects by hand (each hop is vetted at connect time).

        ``accept_types``: media types to read (others end as ``bad_content_type`` unread).
        ``truncate_at``: keep only this many body bytes instead of failing with ``too_large``.
        ``max_bytes``: the body limit for this call (default ``max_body_bytes``), e.g. for photos.
        """
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url)
        conditional = {}
        # Validators travel with every hop: they were stored for whatever answered last time.
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        # Cookies live for one redirect chain only (some shops set one, then redirect back).
        self._client.cookies.clear()
        try:
            with deadline(self._total_timeout):
                limit = max_bytes if max_bytes is not None else self._settings.max_body_bytes
                self._follow(result, conditional, accept_types, truncate_at, limit)
        except BadLocationError as exc:
            _fail(result, "bad_redirect", exc)
        except MalformedURLError as exc:
            _fail(result, "invalid_url", exc)
        except UnsafeURLError as exc:
            _fail(result, "ssrf", exc)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            _fail(result, "invalid_url", exc)
        except httpx.TimeoutException as exc:
            _fail(result, "timeout", exc)
        except httpx.ConnectError as exc:
            _fail(result, "connect", exc)
        except httpx.NetworkError as exc:
            _fail(result, "network", exc)
        except DecodingError as exc:
            _fail(result, "decoding", exc)
        except httpx.ProtocolError as exc:
            _fail(result, "protocol", exc)
        result.elapsed = time.monotonic() - started
        return result

    def _follow(
        self,
        result: FetchResult,
        conditional: dict[str, str],
        accept_types: Collection[str] | None,
        truncate_at: int | None,
        max_bytes: int,
    ) -> None:
        current = result.url
        seen: set[tuple[str, tuple[tuple[str, str, str, str | None], ...]]] = set()
        for _ in range(self._settings.max_redirects + 1):
            target = check_url_form(httpx.URL(current))
            # A URL coming round again with the same cookies can only loop forever.
            visit = (str(target), self._cookie_state())
            if visit in seen:
                result.error, result.error_detail = "redirect_loop", f"{target} redirects back to itself"
                return
            seen.add(visit)
            request = self._client.build_request("GET", target, headers=conditional)
            response = self._client.send(request, stream=True)
            try:
                result.final_url, result.status = str(response.url), response.status_code
                # httpx resolves a 3xx Location into next_request even when it does not follow it.
                if response.next_request is not None:
                    result.redirects.append(result.final_url)
                    current = str(response.next_request.url)
                    continue
                self._read(response, result, accept_types, truncate_at, max_bytes)
                return
            finally:
                response.close()
        result.error = "too_many_redirects"
        result.error_detail = f"more than {self._settings.max_redirects} redirects"

    def _read(
        self,
        response: httpx.Response,
        result: FetchResult,
        accept_types: Collection[str] | None,
        truncate_at: int | None,
        max_bytes: int,
    ) -> None:
        status = response.status_code
        result.headers = dict(response.headers.items())
        content_type_header = response.headers.get("content-type", "")
        result.content_type = content_type_header.split(";", 1)[0].strip().lower() or None
        if status in _RETRY_AFTER_STATUSES:
            result.retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status >= 400:
            result.error = "http_5xx" if status >= 500 else "http_4xx"
            result.error_detail = f"HTTP {status}"
            return
        if status == 304:
            return
        if status >= 300:
            result.error, result.error_detail = "bad_redirect", f"HTTP {status} without a usable Location"
            return
        if accept_types is not None and result.content_type not in accept_types:
            result.error, result.error_detail = "bad_content_type", f"unexpected content type {result.content_type}"
            return
        limit = truncate_at if truncate_at is not None else max_bytes
        declared = response.headers.get("content-length", "")
        if truncate_at is None and declared.isdigit() and int(declared) > limit:
            result.error, result.error_detail = "too_large", f"Content-Length {declared} > {limit}"
            return
        chunks: list[bytes] = []
        size = 0
        # Counts decoded bytes as they come, so a small gzip or brotli bomb stops at the limit.
        for chunk in decode_body(response.iter_raw(), response.headers.get("content-encoding", "")):
            size += len(chunk)
            if size > limit:
                if truncate_at is None:
                    result.error, result.error_detail = "too_large", f"body exceeds {limit} bytes"
                    return
                chunks.append(chunk[: len(chunk) - (size - limit)])
                result.truncated = True
                break
            chunks.append(chunk)
        result.body = b"".join(chunks)
        result.encoding = detect_encoding(content_type_header, result.content_type, result.body)

    def _cookie_state(self) -> tuple[tuple[str, str, str, str | None], ...]:
        return tuple(sorted((c.domain, c.path, c.name, c.value) for c in self._client.cookies.jar))

    def close(self) -> None:
        with self._clients_lock:
            for client in self._clients:
                client.close()
            self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def detect_encoding(content_type_header: str, media_type: str | None, body: bytes) -> str | None:
    """BOM first (it wins in browsers), then the HTTP charset, then a <meta>/XML declaration."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding:
        return bom_encoding
    declared = http_content_type_encoding(content_type_header)
    if declared:
        return declared
    if media_type in _DECLARED_ENCODING_TYPES:
        return html_body_declared_encoding(body[:4096])
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if absent or unreadable."""
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
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _vet_location(response: httpx.Response) -> None:
    # Runs before httpx resolves the Location, which it cannot do for a malformed one.
    if response.has_redirect_location:
        location = response.headers["location"]
        try:
            httpx.URL(location)
        except httpx.InvalidURL as exc:
            raise BadLocationError(f"redirect to {location!r}: {exc}") from exc


def _fail(result: FetchResult, kind: ErrorKind, exc: Exception) -> None:
    result.error = kind
    result.error_detail = str(exc) or type(exc).__name__
