from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import pytest

from snapmode.config import CrawlSettings
from snapmode.crawl.fetcher import Fetcher, FetchResult, parse_retry_after
from tests.support.crawl_server import CrawlServer, respond


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        yield running


def make_fetcher(server: CrawlServer, **overrides: object) -> Fetcher:
    return Fetcher(CrawlSettings(allow_hosts=[server.host], connect_timeout=2, read_timeout=2, **overrides))


@pytest.fixture
def fetcher(server: CrawlServer) -> Iterator[Fetcher]:
    with make_fetcher(server) as running:
        yield running


def test_plain_fetch_reports_headers_encoding_and_user_agent(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/page", "<p>café</p>".encode("cp1252"), headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    result = fetcher.fetch(server.url("/page"))
    assert result.ok and result.error is None
    assert result.status == 200 and result.final_url == server.url("/page")
    assert result.content_type == "text/html"
    assert result.headers["content-type"] == "text/html; charset=ISO-8859-1"
    assert result.encoding == "cp1252" and result.text() == "<p>café</p>"
    assert server.request_headers["/page"]["user-agent"].startswith("SnapModeBot/")
    assert "gzip" in server.request_headers["/page"]["accept-encoding"]


def test_encoding_from_meta_when_header_has_none(server: CrawlServer, fetcher: Fetcher) -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    server.serve("/ru", html.encode("cp1251"), headers={"Content-Type": "text/html"})
    result = fetcher.fetch(server.url("/ru"))
    assert result.encoding == "cp1251" and "Привет" in result.text()


def test_gzip_body_is_decoded(server: CrawlServer, fetcher: Fetcher) -> None:
    page = b"<html>" + b"shirt " * 5000 + b"</html>"
    server.serve("/gz", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    result = fetcher.fetch(server.url("/gz"))
    assert result.ok and result.body == page


def test_body_over_the_limit_is_refused(server: CrawlServer) -> None:
    server.serve("/big", b"x" * 5000)
    bomb = gzip.compress(b"\0" * 2_000_000)  # 2 kB on the wire, 2 MB decoded
    server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with make_fetcher(server, max_body_bytes=1000) as fetcher:
        big = fetcher.fetch(server.url("/big"))
        assert big.error == "too_large" and big.body == b""
        assert fetcher.fetch(server.url("/bomb")).error == "too_large"
        cut = fetcher.fetch(server.url("/big"), truncate_at=100)
        assert cut.ok and cut.truncated and cut.body == b"x" * 100


def _chunked_drip(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    for _ in range(100):
        request.wfile.write(b"1\r\nx\r\n")
        request.wfile.flush()
        time.sleep(0.1)


def _header_drip(request: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 100:
        request.wfile.write(bytes([byte]))
        request.wfile.flush()
        time.sleep(0.1)


@pytest.mark.parametrize("drip", [_chunked_drip, _header_drip])
def test_slow_drip_is_cut_by_the_total_deadline(
    server: CrawlServer, drip: Callable[[BaseHTTPRequestHandler], None]
) -> None:
    server.routes["/drip"] = drip
    settings = CrawlSettings(allow_hosts=[server.host], connect_timeout=2, read_timeout=2)
    with Fetcher(settings, total_timeout=1.0) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(server.url("/drip"))
        took = time.monotonic() - started
    assert result.error == "timeout"
    assert result.transient
    assert 0.9 < took < 2.0  # each byte arrives well within read_timeout; only the deadline stops it


def test_redirects_are_followed_and_recorded(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/old", status=301, headers={"Location": "/mid"})
    server.serve("/mid", status=302, headers={"Location": server.url("/new")})
    server.serve("/new", b"landed")
    result = fetcher.fetch(server.url("/old"))
    assert result.ok and result.body == b"landed"
    assert result.final_url == server.url("/new")
    assert result.redirects == [server.url("/old"), server.url("/mid")]


def test_redirect_loop(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/a", status=302, headers={"Location": "/b"})
    server.serve("/b", status=302, headers={"Location": "/a"})
    result = fetcher.fetch(server.url("/a"))
    assert result.error == "redirect_loop"
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1


def test_too_many_redirects(server: CrawlServer) -> None:
    for hop in range(10):
        server.serve(f"/r{hop}", status=307, headers={"Location": f"/r{hop + 1}"})
    with make_fetcher(server, max_redirects=3) as fetcher:
        result = fetcher.fetch(server.url("/r0"))
    assert result.error == "too_many_redirects"
    assert len(result.redirects) == 4 and server.hits["/r4"] == 0


def test_redirect_to_a_private_address_is_refused(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/metadata", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    # Same machine under another name: only the connect-time check can tell.
    server.serve("/alias", status=302, headers={"Location": f"http://localhost:{server.port}/"})
    server.serve("/file", status=302, headers={"Location": "file:///etc/passwd"})
    for path in ("/metadata", "/alias", "/file"):
        result = fetcher.fetch(server.url(path))
        assert result.error == "ssrf", (path, result.error_detail)
    assert server.hits["/"] == 0


def test_private_address_without_allow_list_is_refused(server: CrawlServer) -> None:
    server.serve("/", b"secret")
    with Fetcher(CrawlSettings()) as fetcher:
        result = fetcher.fetch(server.url("/"))
    assert result.error == "ssrf" and result.body == b""
    assert server.hits["/"] == 0


def test_429_retry_after_seconds_and_date(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/busy", status=429, headers={"Retry-After": "120"})
    later = datetime.now(timezone.utc) + timedelta(seconds=300)
    server.serve("/down", status=503, headers={"Retry-After": format_datetime(later, usegmt=True)})
    busy = fetcher.fetch(server.url("/busy"))
    assert busy.error == "http_4xx" and busy.status == 429 and busy.retry_after == 120 and busy.transient
    down = fetcher.fetch(server.url("/down"))
    assert down.error == "http_5xx" and down.transient
    assert down.retry_after is not None and 290 < down.retry_after <= 300
    assert parse_retry_after("soon") is None


def test_404_is_a_permanent_error(server: CrawlServer, fetcher: Fetcher) -> None:
    result = fetcher.fetch(server.url("/missing"))
    assert result.error == "http_4xx" and result.status == 404 and not result.transient


def test_conditional_request_gets_304(server: CrawlServer, fetcher: Fetcher) -> None:
    def conditional(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            respond(request, 304)
        else:
            respond(request, 200, b"fresh", {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    server.routes["/c"] = conditional
    first = fetcher.fetch(server.url("/c"))
    assert first.ok and first.headers["etag"] == '"v1"'
    second = fetcher.fetch(server.url("/c"), etag=first.headers["etag"], last_modified=first.headers["last-modified"])
    assert second.not_modified and second.error is None and second.body == b""
    assert server.request_headers["/c"]["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_unexpected_content_type(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/img", b"\x89PNG", headers={"Content-Type": "image/png"})
    result = fetcher.fetch(server.url("/img"), accept_types={"text/html"})
    assert result.error == "bad_content_type" and result.content_type == "image/png"


def test_connection_refused_is_a_transient_connect_error() -> None:
    with CrawlServer() as stopped:
        closed_port_url = stopped.url("/")
    settings = CrawlSettings(allow_hosts=["127.0.0.1"], connect_timeout=2, read_timeout=2)
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(closed_port_url)
    assert result.error == "connect" and result.transient


def test_invalid_url_is_an_error_not_an_exception(fetcher: Fetcher) -> None:
    for url in ("http://[bad", "http://exa mple.com/", "http:///path", "http://shop.test:99999/", "http://a\0b/"):
        assert fetcher.fetch(url).error == "invalid_url", url
    assert fetcher.fetch("mailto:someone@example.com").error == "ssrf"


def test_result_survives_json_round_trip(server: CrawlServer, fetcher: Fetcher) -> None:
    server.serve("/bin", bytes(range(256)), headers={"Content-Type": "application/octet-stream"})
    result = fetcher.fetch(server.url("/bin"))
    assert FetchResult.model_validate_json(result.model_dump_json()) == result
