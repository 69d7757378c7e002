"""A site whose fetches fail says what failed, why and when the next try is, in plain words (crawl status
and errors), over a scripted local server and the real SQLite backends."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from snapmode.config import Settings
from snapmode.crawl.scope import SiteScope
from snapmode.domain import Site
from snapmode.pipeline import crawling, operators
from snapmode.pipeline.failures import in_words
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer


@pytest.fixture
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as running:
        yield running


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def services(server: CrawlServer, tmp_path: Path) -> Iterator[Services]:
    closed = f"127.0.0.1:{_free_port()}"  # allowed, nothing listens there
    settings = Settings(home=tmp_path, crawl={"allow_hosts": [server.host, closed], "connect_timeout": 2})
    services = Services.shared(settings)
    yield services
    services.close()


def _fetch_due(services: Services, site: Site) -> None:
    """One step of the crawler for the site's due URLs: fetch, parse, record."""
    for entry in services.frontier.claim_due(10, time.time(), 60.0, site_ids=[site.id]):
        fetched = crawling.fetch(services, crawling.CrawlTask.from_entry(entry))
        outcome = crawling.parse(services, fetched).outcome if isinstance(fetched, crawling.FetchedPage) else fetched
        crawling.record_outcome(services, outcome)


def test_a_robots_txt_answering_503_is_the_problem_with_its_next_try(services: Services, server: CrawlServer) -> None:
    server.serve("/robots.txt", b"down for maintenance", status=503)
    site = crawling.register_site(services, server.url("/"))
    _fetch_due(services, site)
    status = operators.crawl_status(services, site.id)
    assert status.errors == {"robots_unreachable": 2}  # the home page and /sitemap.xml
    assert status.problem == (
        "robots.txt could not be fetched: the server did not answer, or answered with an error; until it can be"
        " read, nothing else is fetched from it. Attempt 1 failed; next try in 10 min."
    )
    assert {error.message for error in operators.recent_errors(services, site.id)} == {status.problem}


def test_a_shop_that_refuses_connections_says_so(services: Services) -> None:
    closed = services.settings.crawl.allow_hosts[1]
    site = crawling.register_site(services, f"http://{closed}/")
    # robots.txt could not be fetched either: a connection refused is what the robots.txt failure stands for
    _fetch_due(services, site)
    assert operators.crawl_status(services, site.id).problem.startswith("robots.txt could not be fetched: ")


def test_a_host_name_that_does_not_resolve_is_named(services: Services) -> None:
    site = crawling.register_site(services, "http://shop.invalid/")  # accepted: the name may resolve later
    _fetch_due(services, site)
    problem = operators.crawl_status(services, site.id).problem
    assert problem.startswith("robots.txt could not be fetched: the host name shop.invalid does not resolve.")


def test_page_failures_are_described_and_a_healthy_site_has_no_problem(services: Services, server: CrawlServer) -> None:
    server.serve("/", b'<html><head><title>Corner Shop | Home</title></head><a href="/gone">x</a></html>')
    server.serve("/sitemap.xml", b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>",
                 headers={"Content-Type": "application/xml"})
    site = crawling.register_site(services, server.url("/"))
    _fetch_due(services, site)  # the home page and the sitemap
    _fetch_due(services, site)  # /gone, a 404
    assert services.sites.get(site.id).name == "Corner Shop"  # learned from the home page's title
    assert operators.crawl_status(services, site.id).problem is None
    [gone] = operators.recent_errors(services, site.id)
    assert gone.kind == "http_4xx" and gone.message == (
        "the page could not be fetched: the server answered with a client error (HTTP 4xx, such as 404 not found"
        " or 403 forbidden). Not retried."
    )


def test_a_site_stored_with_a_pattern_re2_cannot_run_takes_no_new_page_and_says_why(
    services: Services, server: CrawlServer
) -> None:
    site = crawling.register_site(services, server.url("/"))
    old = site.model_copy(update={"exclude": ["/p/(?!sale)"]})  # saved before patterns ran on RE2
    services.sites.upsert(old)
    assert not SiteScope(old).allows(server.url("/p/a"))
    problem = operators.crawl_status(services, site.id).problem
    assert problem.startswith("No new page is crawled until the site's patterns are changed: invalid pattern")
    assert "'/p/(?!sale)'" in problem


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(-5, "now"), (0, "now"), (20, "in under a minute"), (599.2, "in 10 min"), (3600, "in 1 h"), (7500, "in 2 h 5 min")],
)
def test_delays_in_words(seconds: float, words: str) -> None:
    assert in_words(seconds) == words
