"""Whole crawls through the crawler topology (embedded runner) against a scripted local shop."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client import generate_latest
from prometheus_client.registry import CollectorRegistry

from launch.runner.local import run_crawl
from snapmode import metrics
from snapmode.backends.products.base import ProductFilters
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.pipeline.runs import CrawlStats
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer, respond


def product_page(name: str, price: str, availability: str = "InStock") -> bytes:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "image": f"/img/{name}.jpg",
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "EUR", "availability": availability},
    }
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return f"<html><head>{script}</head><body></body></html>".encode()


def listing(*paths: str) -> bytes:
    return ("<html><body>" + "".join(f'<a href="{path}">{path}</a>' for path in paths) + "</body></html>").encode()


class Shop:
    """A small shop whose pages answer conditional requests like a real server would."""

    def __init__(self, server: CrawlServer) -> None:
        self.server = server
        self.pages: dict[str, bytes] = {}
        server.serve("/robots.txt", b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})

    def put(self, path: str, body: bytes) -> None:
        self.pages[path] = body
        self.server.routes[path] = lambda request: self._answer(request, path)

    def _answer(self, request: BaseHTTPRequestHandler, path: str) -> None:
        etag = f'"{hash(self.pages[path]) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            respond(request, 304, b"", {"ETag": etag})
        else:
            respond(request, 200, self.pages[path], {"ETag": etag})


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        yield running


@pytest.fixture
def shop(server: CrawlServer) -> Shop:
    shop = Shop(server)
    shop.put("/", listing("/c/1", "/c/2", "/private/admin"))
    shop.put("/c/1", listing("/p/a", "/p/b", "/c/2"))
    shop.put("/c/2", listing("/p/c", "/p/a"))
    shop.put("/private/admin", listing("/p/secret"))
    shop.put("/p/secret", product_page("secret", "1.00"))
    for name, price in (("a", "10.00"), ("b", "20.00"), ("c", "30.00")):
        shop.put(f"/p/{name}", product_page(name, price))
    return shop


def settings_for(server: CrawlServer, home: Path, **recrawl: float) -> Settings:
    return Settings(
        home=home,
        crawl={
            "allow_hosts": [server.host],
            "no_delay_hosts": [server.host],
            "recrawl": {"initial": 3600.0, "minimum": 60.0, **recrawl},
        },
    )


@pytest.fixture
def services(server: CrawlServer, tmp_path: Path) -> Iterator[Services]:
    services = Services.shared(settings_for(server, tmp_path / "home"))
    yield services
    services.close()


def crawl(services: Services, site_id: str, **options) -> CrawlStats:
    return run_crawl(services.settings, site_ids=[site_id], **options)


def test_a_crawl_finds_every_product_once_and_honours_exclusions(shop: Shop, services: Services) -> None:
    site = register_site(services, shop.server.url("/"), exclude=["/private/"])
    stats = crawl(services, site.id)
    assert stats.pages_outstanding == 0 and stats.errors == {"http_4xx": 1}  # /sitemap.xml is missing
    assert stats.products == 3 and stats.images_queued == 3
    assert shop.server.hits["/private/admin"] == 0 and services.frontier.get(shop.server.url("/private/admin")) is None
    assert all(shop.server.hits[path] == 1 for path in ("/", "/c/1", "/c/2", "/p/a", "/p/b", "/p/c"))
    kinds = {path: services.frontier.get(shop.server.url(path)).kind for path in ("/", "/c/1", "/p/a")}
    assert kinds == {"/": "listing", "/c/1": "listing", "/p/a": "product"}


def test_patterns_are_checked_at_registration(shop: Shop, services: Services) -> None:
    with pytest.raises(ValueError, match="invalid pattern"):
        register_site(services, shop.server.url("/"), include=["(unclosed"])


def test_include_patterns_keep_the_crawl_on_chosen_pages(shop: Shop, services: Services) -> None:
    site = register_site(services, shop.server.url("/"), include=["/c/1$", "/p/"])
    crawl(services, site.id)
    assert services.products.count() == 2  # a and b, linked from /c/1; /c/2 is out of scope
    assert shop.server.hits["/c/2"] == 0


def test_a_page_budget_stops_the_crawl_and_the_next_run_resumes_it(shop: Shop, services: Services) -> None:
    site = register_site(services, shop.server.url("/"))
    first = crawl(services, site.id, max_pages=3)
    assert first.pages_fetched == 3 and first.pages_outstanding > 0
    assert services.frontier.counts(site.id)["in_flight"] == 0  # claimed but unsent URLs were handed back
    second = crawl(services, site.id)
    assert second.pages_outstanding == 0 and services.products.count() == 4
    assert max(count for path, count in shop.server.hits.items() if path != "/sitemap.xml") == 1


def test_an_interrupted_crawl_resumes_with_nothing_lost_or_refetched(shop: Shop, services: Services) -> None:
    site = register_site(services, shop.server.url("/"))

    def interrupt(stats: CrawlStats) -> None:
        if stats.products:
            raise KeyboardInterrupt  # what Ctrl-C raises between two steps

    with pytest.raises(KeyboardInterrupt):
        crawl(services, site.id, on_progress=interrupt, progress_every=0.0)
    assert 0 < services.products.count() < 4
    settled = [url for url, entry in _entries(services, shop).items() if entry.status == "fetched"]
    crawl(services, site.id)
    assert services.products.count() == 4
    # Pages whose outcome was recorded are not fetched again; those cut short in flight are.
    assert all(shop.server.hits[urlsplit(url).path] == 1 for url in settled)


def _entries(services: Services, shop: Shop) -> dict:
    urls = [shop.server.url(path) for path in shop.pages]
    return {url: entry for url in urls if (entry := services.frontier.get(url)) is not None}


def test_redirected_urls_are_recorded_with_their_target(shop: Shop, services: Services) -> None:
    server = shop.server
    server.serve("/old-a", status=301, headers={"Location": "/p/a"})
    shop.put("/", listing("/old-a"))
    site = register_site(services, server.url("/"))
    crawl(services, site.id)
    old = services.frontier.get(server.url("/old-a"))
    assert old is not None and old.status == "redirect" and old.redirect_to == server.url("/p/a")
    target = services.frontier.get(server.url("/p/a"))
    assert target is not None and target.status == "fetched" and target.kind == "product"
    assert server.hits["/p/a"] == 1 and services.products.count() == 1
    # A link to the target found later is nothing new: it is not fetched again.
    assert services.frontier.add(site.id, [(server.url("/p/a"), 2, "unknown")]) == 0


def test_recrawls_use_validators_and_keep_a_price_history(server: CrawlServer, shop: Shop, tmp_path: Path) -> None:
    services = Services.shared(settings_for(server, tmp_path / "recrawl", initial=0.5, minimum=0.5, maximum=8.0))
    try:
        site = register_site(services, server.url("/"), exclude=["/private/"])
        crawl(services, site.id)
        shop.put("/p/a", product_page("a", "8.50", availability="OutOfStock"))
        time.sleep(0.6)
        stats = crawl(services, site.id)
        assert stats.pages_fetched == 6  # every page again, unchanged ones as 304s
        assert server.request_headers["/p/b"]["if-none-match"]  # the validator went back
        a = services.frontier.get(server.url("/p/a"))
        b = services.frontier.get(server.url("/p/b"))
        assert a is not None and b is not None
        assert (a.changes, a.interval) == (1, 0.5) and (b.changes, b.interval) == (0, 1.0)  # sooner / later
        ids = {p.name: p.id for p in services.products.search(None, ProductFilters(), limit=10).items}
        history = services.products.history(ids["a"])
        assert [(point.price, point.availability) for point in history] == [
            ("10.00", "InStock"),
            ("8.50", "OutOfStock"),
        ]
        assert len(services.products.history(ids["b"])) == 1
        assert services.products.get_many([ids["a"]])[ids["a"]].price == "8.50"
    finally:
        services.close()


def test_metrics_count_pages_and_read_the_frontier(shop: Shop, services: Services) -> None:
    fetched_before = metrics.value(metrics.PAGES, outcome="fetched")
    site = register_site(services, shop.server.url("/"))
    crawl(services, site.id)
    assert metrics.value(metrics.PAGES, outcome="fetched") - fetched_before == 8
    registry = CollectorRegistry()
    registry.register(metrics.FrontierCollector(services.frontier))
    exposition = generate_latest(registry).decode()
    assert 'snapmode_frontier_urls{status="fetched"} 8.0' in exposition
    assert 'snapmode_frontier_urls{status="error"} 1.0' in exposition
