from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from snapmode.config import CrawlSettings
from snapmode.crawl.fetcher import Fetcher
from snapmode.crawl.robots import MAX_ROBOTS_BYTES, RobotsCache
from tests.support.crawl_server import CrawlServer

USER_AGENT = "SnapModeBot/0.1 (+https://github.com/snapmode/snapmode)"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def robots(server: CrawlServer, clock: FakeClock) -> Iterator[RobotsCache]:
    # A tiny body limit shows robots.txt reading is bounded by the RFC's 500 KiB, not by it.
    settings = CrawlSettings(allow_hosts=["127.0.0.1"], connect_timeout=2, read_timeout=2, max_body_bytes=1000)
    with Fetcher(settings) as fetcher:
        yield RobotsCache(fetcher, USER_AGENT, clock=clock)


def test_rules_for_our_product_token(server: CrawlServer, robots: RobotsCache) -> None:
    server.serve(
        "/robots.txt",
        b"User-agent: *\nDisallow: /\n\n"
        b"User-agent: SnapModeBot\nDisallow: /checkout\nCrawl-delay: 3\n\n"
        b"Sitemap: http://127.0.0.1/sitemap.xml\n",
        headers={"Content-Type": "text/plain"},
    )
    assert robots.allowed(server.url("/women/tops.html"))
    assert not robots.allowed(server.url("/checkout/cart"))
    assert robots.crawl_delay(server.url("/")) == 3.0
    assert robots.sitemaps(server.url("/")) == ["http://127.0.0.1/sitemap.xml"]
    assert server.hits["/robots.txt"] == 1  # one fetch per origin


def test_request_rate_counts_as_a_delay(server: CrawlServer, robots: RobotsCache) -> None:
    server.serve("/robots.txt", b"User-agent: *\nCrawl-delay: 1\nRequest-rate: 1/5\n")
    assert robots.crawl_delay(server.url("/")) == 5.0


def test_missing_robots_allows_everything(server: CrawlServer, robots: RobotsCache) -> None:
    assert robots.allowed(server.url("/anything"))  # the server answers 404
    assert robots.crawl_delay(server.url("/")) is None
    assert robots.sitemaps(server.url("/")) == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_error_disallows_then_retries_later(
    server: CrawlServer, robots: RobotsCache, clock: FakeClock, status: int
) -> None:
    server.serve("/robots.txt", status=status)
    assert not robots.allowed(server.url("/page"))
    assert robots.allowed(server.url("/robots.txt"))
    clock.now += 60
    assert not robots.allowed(server.url("/page"))
    assert server.hits["/robots.txt"] == 1  # the verdict is cached...
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /private\n")
    clock.now += 600
    assert robots.allowed(server.url("/page"))  # ...and revisited after ten minutes
    assert server.hits["/robots.txt"] == 2


def test_unreachable_host_disallows(clock: FakeClock) -> None:
    with CrawlServer() as stopped:
        url = stopped.url("/page")
    settings = CrawlSettings(allow_hosts=["127.0.0.1"], connect_timeout=2, read_timeout=2)
    with Fetcher(settings) as fetcher:
        assert not RobotsCache(fetcher, USER_AGENT, clock=clock).allowed(url)


def test_successful_rules_expire_after_a_day(server: CrawlServer, robots: RobotsCache, clock: FakeClock) -> None:
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /a\n")
    assert not robots.allowed(server.url("/a"))
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /b\n")
    clock.now += 23 * 3600
    assert not robots.allowed(server.url("/a"))
    clock.now += 3600
    assert robots.allowed(server.url("/a")) and not robots.allowed(server.url("/b"))


def test_garbage_keeps_what_parses(server: CrawlServer, robots: RobotsCache) -> None:
    noise = random.Random(7).randbytes(20_000)
    server.serve("/robots.txt", noise + b"\nUser-agent: *\nDisallow: /private\n" + noise)
    assert robots.allowed(server.url("/public"))
    assert not robots.allowed(server.url("/private/1"))


def test_huge_robots_is_read_up_to_500_kib(server: CrawlServer, robots: RobotsCache) -> None:
    head = b"User-agent: *\nDisallow: /early\n"
    padding = b"# " + b"x" * 98 + b"\n"
    body = head + padding * (MAX_ROBOTS_BYTES // len(padding) + 10) + b"Disallow: /late\n"
    server.serve("/robots.txt", body)
    assert not robots.allowed(server.url("/early"))
    assert robots.allowed(server.url("/late"))  # beyond 500 KiB: never read


def test_each_origin_has_its_own_rules(server: CrawlServer, robots: RobotsCache) -> None:
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /\n")
    with CrawlServer() as other:
        assert not robots.allowed(server.url("/x"))
        assert robots.allowed(other.url("/x"))
    assert not robots.allowed("mailto:someone@example.com")
