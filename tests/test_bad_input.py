"""Hostile input, end to end: a scripted server plays a shop with one bad URL among good pages.

Each case drives the crawl use cases (``snapmode.pipeline.crawling``) over a fresh home and
checks that the run ends within a bound, the bad URL ends with the right status and error kind
in the frontier, the good pages are still fetched and indexed, and nothing raises.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import brotli
import pytest
from backports import zstd
from PIL import Image

from launch.runner.local import run_crawl
from snapmode import ids
from snapmode.config import CrawlSettings, Settings
from snapmode.crawl.robots import MAX_ROBOTS_BYTES
from snapmode.errors import BadImage
from snapmode.pipeline import crawling, imaging
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer

GOOD_PAGES = ("/p/1.html", "/p/2.html")
TOTAL_TIMEOUT = 2.0
MAX_BODY = 1_000_000


def product_html(name: str, *, images: tuple[str, ...] = ("/img/a.jpg",), charset: str = "utf-8") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "image": list(images),
        "offers": {"@type": "Offer", "price": "19.90", "priceCurrency": "EUR"},
    }
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{name}</title>'
        f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
        f"</head><body><h1>{name}</h1></body></html>"
    )


@dataclass
class Shop:
    """A shop on the scripted server: a root page linking to good product pages and to ``extra`` paths."""

    server: CrawlServer
    services: Services

    def url(self, path: str) -> str:
        return self.server.url(path)

    def crawl(self, *extra: str, within: float = 10.0) -> None:
        """Register the shop and crawl what is due, in under ``within`` seconds."""
        links = "".join(f'<a href="{path}">x</a>' for path in (*GOOD_PAGES, *extra))
        self.server.serve("/", f"<html><body>{links}</body></html>".encode())
        started = time.monotonic()
        crawling.register_site(self.services, self.url("/"))
        crawl_due_urls(self.services)
        assert time.monotonic() - started < within

    def entry(self, path: str) -> tuple[str, str | None]:
        entry = self.services.frontier.get(self.url(path))
        assert entry is not None, f"{path} never reached the frontier"
        return entry.status, entry.last_error

    def product_name(self, path: str) -> str | None:
        product_id = ids.product_id(ids.canonical(self.url(path)))
        product = self.services.products.get_many([product_id]).get(product_id)
        return product.name if product else None

    def assert_good_pages_indexed(self) -> None:
        for path in GOOD_PAGES:
            assert self.entry(path) == ("fetched", None), path
            assert self.product_name(path) == f"Good {path}"


def crawl_due_urls(services: Services) -> None:
    """Run every URL due now through the crawler topology's use cases, in its order.

    Transient errors are rescheduled minutes ahead, so the loop ends once only they remain.
    """
    while entries := services.frontier.claim_due(16, time.time(), lease_seconds=60):
        for entry in entries:
            task = crawling.CrawlTask.from_entry(entry)
            fetched = crawling.fetch(services, task)
            if isinstance(fetched, crawling.UrlOutcome):
                crawling.record_outcome(services, fetched)
                continue
            parsed = crawling.parse(services, fetched)
            if parsed.product is not None:
                crawling.index_product(services, parsed.product)
                crawling.publish_images(services, parsed.product)
            crawling.record_outcome(services, parsed.outcome)


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        for path in GOOD_PAGES:
            running.serve(path, product_html(f"Good {path}").encode())
        yield running


def make_settings(home: Path, server: CrawlServer) -> Settings:
    return Settings(
        home=home,
        crawl=CrawlSettings(
            allow_hosts=[server.host],
            delay=0,
            connect_timeout=1,
            read_timeout=1,
            total_timeout=TOTAL_TIMEOUT,
            max_body_bytes=MAX_BODY,
        ),
    )


@pytest.fixture
def shop(tmp_path: Path, server: CrawlServer) -> Iterator[Shop]:
    services = Services(make_settings(tmp_path / "home", server))
    yield Shop(server, services)
    services.close()


# --- malformed and enormous HTML ---

MALFORMED = {
    "unclosed tags": b"<html><head><title>T</title><body><div><h1>Half<span class=price>$3<img src=/a.jpg",
    "binary junk": os.urandom(200_000),
    "NUL bytes": b"\x00<html>\x00<h1>Na\x00me</h1>\x00" * 1000,
    "100k nested divs": b"<html><body>" + b"<div>" * 100_000 + b"<h1>deep</h1>",
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_html_is_parsed_and_the_rest_of_the_site_crawled(shop: Shop, body: bytes) -> None:
    shop.server.serve("/bad.html", body)
    shop.crawl("/bad.html")
    assert shop.entry("/bad.html") == ("fetched", None)
    shop.assert_good_pages_indexed()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_html_over_the_body_limit_is_too_large(shop: Shop, chunked: bool) -> None:
    body = b"<html><body>" + b"<p>filler</p>" * (MAX_BODY // 13) + b"</body></html>"
    if chunked:
        pieces = [body[i : i + 65536] for i in range(0, len(body), 65536)]
        shop.server.routes["/huge.html"] = lambda request: send_chunked(request, pieces)
    else:
        shop.server.serve("/huge.html", body)
    shop.crawl("/huge.html")
    assert shop.entry("/huge.html") == ("error", "too_large")
    shop.assert_good_pages_indexed()


def test_html_just_under_the_limit_is_parsed_in_bounded_time(shop: Shop) -> None:
    page = product_html("Big page").encode()
    filler = b"<p>" + b"lorem ipsum " * 80 + b"</p>\n"
    body = page.replace(b"</body>", filler * ((MAX_BODY - len(page) - 1000) // len(filler)) + b"</body>")
    assert MAX_BODY - 2000 < len(body) <= MAX_BODY
    shop.server.serve("/big.html", body)
    shop.crawl("/big.html", within=10)
    assert shop.entry("/big.html") == ("fetched", None)
    assert shop.product_name("/big.html") == "Big page"
    shop.assert_good_pages_indexed()


# --- a slow-drip server ---


def send_chunked(request: BaseHTTPRequestHandler, pieces: list[bytes], pause: float = 0.0) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    for piece in pieces:
        request.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        request.wfile.flush()
        time.sleep(pause)
    request.wfile.write(b"0\r\n\r\n")


def test_slow_drip_times_out_within_the_deadline(shop: Shop) -> None:
    page = product_html("Never complete").encode()
    # A byte every half second, under the 1 s read timeout: only the total deadline can end the fetch.
    shop.server.routes["/drip.html"] = lambda request: send_chunked(request, [bytes([b]) for b in page], pause=0.5)
    started = time.monotonic()
    shop.crawl("/drip.html", within=TOTAL_TIMEOUT + 5)
    assert time.monotonic() - started >= TOTAL_TIMEOUT  # it was waited for, up to the deadline
    assert shop.entry("/drip.html") == ("transient_error", "timeout")
    shop.assert_good_pages_indexed()


# --- redirects ---


def test_redirect_loop(shop: Shop) -> None:
    shop.server.serve("/loop-a.html", status=302, headers={"Location": "/loop-b.html"})
    shop.server.serve("/loop-b.html", status=301, headers={"Location": "/loop-a.html"})
    shop.crawl("/loop-a.html")
    assert shop.entry("/loop-a.html") == ("error", "redirect_loop")
    assert shop.server.hits["/loop-a.html"] == 1 and shop.server.hits["/loop-b.html"] == 1
    shop.assert_good_pages_indexed()


def test_redirect_chain_over_the_limit(shop: Shop) -> None:
    for hop in range(10):
        shop.server.serve(f"/hop{hop}.html", status=307, headers={"Location": f"/hop{hop + 1}.html"})
    shop.crawl("/hop0.html")
    assert shop.entry("/hop0.html") == ("error", "too_many_redirects")
    max_redirects = shop.services.settings.crawl.max_redirects
    assert shop.server.hits[f"/hop{max_redirects}.html"] == 1 and shop.server.hits[f"/hop{max_redirects + 1}.html"] == 0
    shop.assert_good_pages_indexed()


@pytest.fixture
def private_target() -> Iterator[CrawlServer]:
    """A server on another loopback address that nobody allow-listed: it must never be reached."""
    with CrawlServer("127.0.0.2") as running:
        running.serve("/secret", b"secret")
        yield running


REDIRECT_TARGETS: dict[str, tuple[Callable[[CrawlServer, CrawlServer], str], str]] = {
    "127.0.0.2": (lambda shop, target: target.url("/secret"), "ssrf"),
    "loopback, other port": (lambda shop, target: f"http://127.0.0.1:{target.port}/secret", "ssrf"),
    "IPv4-mapped IPv6 loopback": (lambda shop, target: f"http://[::ffff:127.0.0.1]:{shop.port}/secret", "ssrf"),
    "[::1]": (lambda shop, target: f"http://[::1]:{shop.port}/secret", "ssrf"),
    "cloud metadata": (lambda shop, target: "http://169.254.169.254/latest/meta-data/", "ssrf"),
    "file://": (lambda shop, target: "file:///etc/passwd", "ssrf"),
    "gopher://": (lambda shop, target: f"gopher://127.0.0.2:{target.port}/_secret", "ssrf"),
    "no host (resolves to port 80)": (lambda shop, target: "http:///secret", "ssrf"),
    "bad port": (lambda shop, target: "http://127.0.0.2:99999/secret", "invalid_url"),
    "not a URL": (lambda shop, target: "http://[::1/secret", "bad_redirect"),
}


@pytest.mark.parametrize("target", REDIRECT_TARGETS.values(), ids=REDIRECT_TARGETS.keys())
def test_redirect_to_a_private_or_non_http_target_is_refused(
    shop: Shop, private_target: CrawlServer, target: tuple[Callable[[CrawlServer, CrawlServer], str], str]
) -> None:
    location, kind = target
    shop.server.serve("/moved.html", status=302, headers={"Location": location(shop.server, private_target)})
    shop.server.serve("/secret", b"secret")
    shop.crawl("/moved.html")
    assert shop.entry("/moved.html") == ("error", kind)
    assert private_target.hits["/secret"] == 0 and shop.server.hits["/secret"] == 0
    shop.assert_good_pages_indexed()


# --- robots.txt ---


def test_huge_robots_is_read_up_to_500_kib(shop: Shop) -> None:
    head = b"User-agent: *\nDisallow: /private\n"
    padding = b"# " + b"x" * 1000 + b"\n"
    body = head + padding * (5_000_000 // len(padding)) + b"Disallow: /p/\n"
    assert body.index(b"/p/") > MAX_ROBOTS_BYTES
    shop.server.serve("/robots.txt", body)
    shop.crawl("/private/1.html", within=10)
    assert shop.entry("/") == ("fetched", None)
    assert shop.server.hits["/private/1.html"] == 0
    shop.assert_good_pages_indexed()  # "Disallow: /p/" lies beyond the 500 KiB read


def test_garbage_robots_keeps_what_parses(shop: Shop) -> None:
    noise = bytes(range(256)) * 200 + os.urandom(50_000)
    shop.server.serve("/robots.txt", noise + b"\nUser-agent: *\nDisallow: /private\n" + noise)
    shop.crawl("/private/1.html")
    assert shop.server.hits["/private/1.html"] == 0
    assert shop.services.frontier.get(shop.url("/private/1.html")) is None  # links robots forbids are not kept
    shop.assert_good_pages_indexed()


def test_missing_robots_allows_everything(shop: Shop) -> None:
    shop.crawl()
    assert shop.server.hits["/robots.txt"] == 1
    shop.assert_good_pages_indexed()


def test_robots_server_error_disallows_everything_for_now(shop: Shop) -> None:
    shop.server.serve("/robots.txt", b"oops", status=500)
    shop.crawl()
    assert shop.server.hits["/"] == 0
    status, error = shop.entry("/")
    assert (status, error) == ("transient_error", "robots_unreachable")  # retried later, not given up
    entry = shop.services.frontier.get(shop.url("/"))
    assert entry is not None and entry.next_fetch_at > time.time() + 60


@pytest.mark.parametrize(("redirects", "followed"), [(5, True), (6, False)])
def test_redirected_robots_is_followed_five_times(shop: Shop, redirects: int, followed: bool) -> None:
    hops = ["/robots.txt", *(f"/r{hop}/robots.txt" for hop in range(1, redirects + 1))]
    for here, there in zip(hops, hops[1:]):
        shop.server.serve(here, status=301, headers={"Location": there})
    shop.server.serve(hops[-1], b"User-agent: *\nDisallow: /p/\n", headers={"Content-Type": "text/plain"})
    shop.crawl()
    assert shop.server.hits[hops[-1]] == int(followed)
    if followed:
        assert all(shop.server.hits[path] == 0 for path in GOOD_PAGES)
    else:  # RFC 9309: past five redirects, crawl as if there were no robots.txt
        shop.assert_good_pages_indexed()


# --- charsets ---

CHARSETS = {
    "windows-1252": ("Crème brûlée – 20 €", "windows-1252", "text/html; charset=windows-1252", None),
    "shift_jis": ("浴衣セット", "shift_jis", "text/html; charset=Shift_JIS", None),
    "gb18030": ("连衣裙 𠀀", "gb18030", "text/html; charset=GB18030", None),
    "latin-1 only in <meta>": ("Café à la française", "latin-1", "text/html", "iso-8859-1"),
    "wrong charsets, UTF-8 BOM": ("Ærøskøbing – ✓", "utf-8-sig", "text/html; charset=iso-8859-1", "iso-8859-1"),
}


def serve_charset_page(server: CrawlServer, path: str, case: tuple[str, str, str, str | None]) -> None:
    name, codec, content_type, meta = case
    server.serve(path, product_html(name, charset=meta or codec).encode(codec), headers={"Content-Type": content_type})


@pytest.mark.parametrize("case", CHARSETS.values(), ids=CHARSETS.keys())
def test_non_utf8_pages_give_the_right_product_name(shop: Shop, case: tuple[str, str, str, str | None]) -> None:
    serve_charset_page(shop.server, "/p/x.html", case)
    shop.crawl("/p/x.html")
    assert shop.entry("/p/x.html") == ("fetched", None)
    assert shop.product_name("/p/x.html") == case[0]
    shop.assert_good_pages_indexed()


# --- content encodings ---

ENCODINGS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": ("gzip", gzip.compress),
    "deflate": ("deflate", zlib.compress),
    "raw deflate": ("deflate", lambda data: zlib.compress(data, wbits=-15)),
    "brotli": ("br", brotli.compress),
    "zstd": ("zstd", zstd.compress),
    "zstd, two frames": ("zstd", lambda data: zstd.compress(data[:100]) + zstd.compress(data[100:])),
    "gzip then brotli": ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
}


@pytest.mark.parametrize("case", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_compressed_pages_are_decoded(shop: Shop, case: tuple[str, Callable[[bytes], bytes]]) -> None:
    coding, compress = case
    body = product_html("Packed – ✓").encode() + b"<!-- padding -->" * 2000
    shop.server.serve("/p/packed.html", compress(body), headers={"Content-Encoding": coding})
    shop.crawl("/p/packed.html")
    assert shop.entry("/p/packed.html") == ("fetched", None)
    assert shop.product_name("/p/packed.html") == "Packed – ✓"
    assert set(shop.server.request_headers["/p/packed.html"]["accept-encoding"].split(", ")) >= {"gzip", "br", "zstd"}
    shop.assert_good_pages_indexed()


Engine = Callable[[], tuple[Callable[[bytes], bytes], Callable[[], bytes]]]


def _gzip() -> tuple[Callable[[bytes], bytes], Callable[[], bytes]]:
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return engine.compress, engine.flush


def _brotli() -> tuple[Callable[[bytes], bytes], Callable[[], bytes]]:
    engine = brotli.Compressor(quality=5)
    return engine.process, engine.finish


def _zstd() -> tuple[Callable[[bytes], bytes], Callable[[], bytes]]:
    engine = zstd.ZstdCompressor()
    return engine.compress, engine.flush


BOMBS: dict[str, Engine] = {"gzip": _gzip, "br": _brotli, "zstd": _zstd}


def _bomb(engine: Engine, size: int) -> bytes:
    """``size`` zero bytes, compressed without ever holding them in memory."""
    compress, finish = engine()
    block = bytes(1024 * 1024)
    return b"".join(compress(block) for _ in range(size // len(block))) + finish()


@pytest.mark.parametrize("coding", BOMBS)
def test_compression_bomb_is_too_large_with_bounded_memory(shop: Shop, coding: str) -> None:
    bomb = _bomb(BOMBS[coding], 256 * 1024 * 1024)
    assert len(bomb) < 300_000
    shop.server.serve("/bomb.html", bomb, headers={"Content-Encoding": coding})
    tracemalloc.start()
    try:
        shop.crawl("/bomb.html")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert shop.entry("/bomb.html") == ("error", "too_large")
    assert peak < 8 * MAX_BODY  # 256 MB decoded in full would show here
    shop.assert_good_pages_indexed()


def test_corrupt_compressed_body_is_a_decoding_error(shop: Shop) -> None:
    shop.server.serve("/broken.html", b"\x1f\x8b\x08\x00" + os.urandom(5000), headers={"Content-Encoding": "gzip"})
    shop.crawl("/broken.html")
    assert shop.entry("/broken.html") == ("error", "decoding")
    shop.assert_good_pages_indexed()


# --- images that are not images ---


def _jpeg(size: tuple[int, int] = (200, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_image_urls_that_are_not_images_are_rejected_with_a_reason(shop: Shop) -> None:
    images = {
        "/img/good.jpg": (_jpeg(), "image/jpeg"),
        "/img/page.jpg": (b"<html><body>Sign in to see this photo</body></html>", "text/html"),
        "/img/truncated.jpg": (_jpeg()[:400], "image/jpeg"),
        "/img/vector": (b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"/>', "image/svg+xml"),
        "/img/other.png": (_png(), "image/png"),
    }
    for path, (body, content_type) in images.items():
        shop.server.serve(path, body, headers={"Content-Type": content_type})
    shop.server.serve("/p/photos.html", product_html("Photos", images=tuple(images)).encode())
    shop.crawl("/p/photos.html")
    assert shop.product_name("/p/photos.html") == "Photos"

    downloaded, rejected = validate_queued_images(shop.services)
    assert shop.services.queue.pending() == 0
    assert {shop.url("/img/good.jpg"), shop.url("/img/other.png")} <= set(downloaded)
    reasons = {url: reason for url, reason in rejected.items() if "/img/a.jpg" not in url}  # good pages' 404s
    assert reasons == {
        shop.url("/img/page.jpg"): "not a decodable image: unknown format (served as text/html)",
        shop.url("/img/truncated.jpg"): reasons[shop.url("/img/truncated.jpg")],
        shop.url("/img/vector"): "not a decodable image: unknown format (served as image/svg+xml)",
    }
    assert reasons[shop.url("/img/truncated.jpg")].startswith("corrupt image")
    assert {reject.subject: reject.reason for reject in shop.services.rejects.recent()} == rejected


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def validate_queued_images(services: Services) -> tuple[list[str], dict[str, str]]:
    """The imaging topology's first step (ImageFetchBolt, RejectBolt) over every queued image."""
    downloaded: list[str] = []
    rejected: dict[str, str] = {}
    while messages := services.queue.poll(max_messages=16, lease_seconds=60):
        for message in messages:
            try:
                downloaded.append(imaging.download(services, message.task).task.image_url)
            except BadImage as exc:
                services.rejects.record("image", message.task.image_url, exc.reason)
                rejected[message.task.image_url] = exc.reason
            services.queue.ack([message.id])
    return downloaded, rejected


# --- sitemaps ---


def test_bad_sitemaps_are_errors_and_the_crawl_goes_on_from_the_root(shop: Shop) -> None:
    shop.server.serve("/robots.txt", f"Sitemap: {shop.url('/sitemap.xml.gz')}\n".encode())
    shop.server.serve("/sitemap.xml", b"\x00\x01 this is { not [ xml", headers={"Content-Type": "application/xml"})
    corrupt_gzip = b"\x1f\x8b\x08\x00" + os.urandom(3000)
    shop.server.serve("/sitemap.xml.gz", corrupt_gzip, headers={"Content-Type": "application/gzip"})
    shop.crawl()
    assert shop.entry("/sitemap.xml") == ("error", "bad_sitemap")
    assert shop.entry("/sitemap.xml.gz") == ("error", "bad_sitemap")
    assert shop.entry("/") == ("fetched", None)
    shop.assert_good_pages_indexed()



# --- all at once, through the crawler topology ---


def test_one_crawl_of_every_permanent_case_through_the_topology(
    tmp_path: Path, server: CrawlServer, private_target: CrawlServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The same cases in one site, crawled by ``run_crawl`` (spout, bolts, embedded runner): no bolt raises."""
    expected: dict[str, tuple[str, str | None]] = {}
    for i, body in enumerate(MALFORMED.values()):
        server.serve(f"/malformed/{i}", body)
        expected[f"/malformed/{i}"] = ("fetched", None)
    server.serve("/huge.html", b"<p>" * MAX_BODY)
    expected["/huge.html"] = ("error", "too_large")
    server.serve("/loop-a.html", status=302, headers={"Location": "/loop-b.html"})
    server.serve("/loop-b.html", status=302, headers={"Location": "/loop-a.html"})
    expected["/loop-a.html"] = ("error", "redirect_loop")
    for hop in range(10):
        server.serve(f"/hop{hop}.html", status=307, headers={"Location": f"/hop{hop + 1}.html"})
    expected["/hop0.html"] = ("error", "too_many_redirects")
    for i, (location, kind) in enumerate(REDIRECT_TARGETS.values()):
        server.serve(f"/moved/{i}", status=302, headers={"Location": location(server, private_target)})
        expected[f"/moved/{i}"] = ("error", kind)
    for coding, engine in BOMBS.items():
        server.serve(f"/bomb/{coding}", _bomb(engine, 64 * 1024 * 1024), headers={"Content-Encoding": coding})
        expected[f"/bomb/{coding}"] = ("error", "too_large")
    for i, case in enumerate(CHARSETS.values()):
        serve_charset_page(server, f"/p/cs{i}", case)
        expected[f"/p/cs{i}"] = ("fetched", None)
    server.serve("/robots.txt", os.urandom(20_000) + b"\nUser-agent: *\nDisallow: /private\n")
    server.serve("/sitemap.xml", b"\x00\x01 not { xml", headers={"Content-Type": "application/xml"})
    expected["/sitemap.xml"] = ("error", "bad_sitemap")
    links = "".join(f'<a href="{path}">x</a>' for path in (*GOOD_PAGES, *expected, "/private/1.html"))
    server.serve("/", f"<html><body>{links}</body></html>".encode())

    settings = make_settings(tmp_path / "home", server)
    services = Services.shared(settings)
    try:
        crawling.register_site(services, server.url("/"))
        started = time.monotonic()
        stats = run_crawl(settings)
        assert time.monotonic() - started < 20
        shop = Shop(server, services)
        assert {path: shop.entry(path) for path in expected} == expected
        for i, (name, *_) in enumerate(CHARSETS.values()):
            assert shop.product_name(f"/p/cs{i}") == name
        shop.assert_good_pages_indexed()
    finally:
        services.close()
    assert stats.pages_outstanding == 0
    assert private_target.hits["/secret"] == 0 and server.hits["/secret"] == 0 and server.hits["/private/1.html"] == 0
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
