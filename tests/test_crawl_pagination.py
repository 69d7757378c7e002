"""A listing's next pages followed to its end whatever their depth, and the guards against pagination traps,
in whole crawls (embedded runner) of scripted local shops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from launch.runner.local import run_crawl
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.pipeline.operators import crawl_status
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer

MAX_DEPTH = 2


def page(*links: tuple[str, str], text: str = "") -> bytes:
    anchors = "".join(f'<a href="{href}">{words}</a> ' for href, words in links)
    return f"<html><body><p>{text}</p>{anchors}</body></html>".encode()


def product(name: str, body: str = "") -> bytes:
    data = {"@context": "https://schema.org", "@type": "Product", "name": name}
    data["offers"] = {"@type": "Offer", "price": "10.00", "priceCurrency": "EUR"}
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return f"<html><head>{script}</head><body>{body}</body></html>".encode()


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        running.serve("/robots.txt", b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        yield running


def crawl(server: CrawlServer, home: Path, **crawl_settings: object) -> tuple[Services, str]:
    settings = Settings(
        home=home,
        crawl={"allow_hosts": [server.host], "no_delay_hosts": [server.host], "max_depth": MAX_DEPTH} | crawl_settings,
    )
    services = Services.shared(settings)
    site = register_site(services, server.url("/"))
    run_crawl(settings, site_ids=[site.id])
    return services, site.id


def fetched(server: CrawlServer, prefix: str) -> int:
    return sum(1 for path, hits in server.hits.items() if path.startswith(prefix) and hits)


def test_a_listing_is_followed_to_its_end_past_the_depth_limit(server: CrawlServer, tmp_path: Path) -> None:
    pages = 12
    server.serve("/", page(("/shirts", "Shirts"), ("/more/1", "More")))
    for number in range(1, pages + 1):
        path = "/shirts" if number == 1 else f"/shirts?page={number}"
        links = [(f"/p/{number}-{i}", f"Shirt {number}-{i}") for i in (1, 2)]
        links += [(f"/shirts?page={number + 1}", "Next ›")] if number < pages else []
        server.serve(path, page(*links, text=f"Showing {2 * number - 1}–{2 * number} of {2 * pages} results"))
        for i in (1, 2):
            server.serve(f"/p/{number}-{i}", product(f"Shirt {number}-{i}"))
    for number in range(1, 6):  # an ordinary chain of links: the depth limit still holds
        server.serve(f"/more/{number}", page((f"/more/{number + 1}", "More")))
    services, site_id = crawl(server, tmp_path)
    try:
        assert fetched(server, "/shirts") == pages
        assert fetched(server, "/p/") == 2 * pages
        assert sorted(path for path in server.hits if path.startswith("/more/")) == ["/more/1", "/more/2"]
        status = crawl_status(services, site_id)
        assert (status.product_pages, status.stated_products) == (2 * pages, 2 * pages)
        assert services.frontier.get(server.url(f"/shirts?page={pages}")).depth == 1  # the first page's depth
    finally:
        services.close()


def test_a_product_page_s_next_link_is_an_ordinary_link(server: CrawlServer, tmp_path: Path) -> None:
    server.serve("/", page(("/p/1", "First product")))
    for number in range(1, 8):
        server.serve(f"/p/{number}", product(f"Product {number}", f'<a href="/p/{number + 1}">Next »</a>'))
    services, _ = crawl(server, tmp_path)
    services.close()
    assert sorted(path for path in server.hits if path.startswith("/p/")) == ["/p/1", "/p/2"]


def test_a_calendar_of_empty_months_stops_where_its_pages_repeat(server: CrawlServer, tmp_path: Path) -> None:
    server.serve("/", page(("/events", "Events")))
    server.serve("/events", page(("/event/launch", "Launch party"), ("/events?month=1", "Next")))
    for month in range(1, 200):  # as good as endless: every month links to the next
        previous = f"/events?month={month - 1}" if month > 1 else "/events"
        links = [("/", "Home"), (f"/events?month={month + 1}", "Next"), (previous, "Previous")]
        server.serve(f"/events?month={month}", page(*links, text="No events this month."))
    services, _ = crawl(server, tmp_path)
    services.close()
    # month 1 lists other links than the first page; month 2 lists what month 1 did: the chain stops there
    assert fetched(server, "/events?month=") == 2


def test_the_pagination_cap_stops_a_long_chain(server: CrawlServer, tmp_path: Path) -> None:
    server.serve("/", page(("/all", "All")))
    for number in range(1, 40):
        path = "/all" if number == 1 else f"/all?page={number}"
        server.serve(path, page((f"/p/{number}", f"Product {number}"), (f"/all?page={number + 1}", "Next")))
    services, _ = crawl(server, tmp_path, max_pagination_pages=5)
    services.close()
    assert fetched(server, "/all") == 6  # the first page and 5 next pages


def test_next_pages_that_redirect_stay_in_their_chain(server: CrawlServer, tmp_path: Path) -> None:
    server.serve("/", page(("/all", "All")))
    server.serve("/all", page(("/p/1", "Product 1"), ("/all?page=2", "Next")))
    for number in range(2, 40):  # each next page answers from an address of its own
        server.serve(f"/all?page={number}", status=301, headers={"Location": f"/all/{number}"})
        links = [(f"/p/{number}", f"Product {number}"), (f"/all?page={number + 1}", "Next")]
        server.serve(f"/all/{number}", page(*links))
    services, _ = crawl(server, tmp_path, max_pagination_pages=3)
    try:
        assert sorted(path for path in server.hits if path.startswith("/all/")) == ["/all/2", "/all/3", "/all/4"]
        assert services.frontier.get(server.url("/all/3")).chain == 2  # type: ignore[union-attr]
    finally:
        services.close()
