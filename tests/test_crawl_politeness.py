from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from launch.runner.local import run_crawl
from snapmode.config import Settings
from snapmode.crawl.politeness import NO_DELAY_CONCURRENCY, HostSlots, host_key
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from tests.support.crawl_server import CrawlServer, respond


def test_unknown_host_may_go_now() -> None:
    assert HostSlots(default_delay=1.0).wait_time("shop.test", now=100.0) == 0.0


def test_default_delay_applies_when_robots_names_none() -> None:
    slots = HostSlots(default_delay=1.0)
    assert slots.record("shop.test", now=100.0, latency=0.1, crawl_delay=None) == 1.0
    assert slots.wait_time("shop.test", now=100.25) == pytest.approx(0.75)
    assert slots.wait_time("shop.test", now=101.0) == 0.0
    assert slots.wait_time("other.test", now=100.25) == 0.0


def test_crawl_delay_replaces_the_default() -> None:
    slots = HostSlots(default_delay=1.0)
    assert slots.record("shop.test", now=0.0, latency=0.1, crawl_delay=5.0) == 5.0
    assert slots.record("shop.test", now=10.0, latency=0.1, crawl_delay=0.2) == 0.2


def test_slow_server_is_given_room() -> None:
    slots = HostSlots(default_delay=0.5)
    assert slots.record("slow.test", now=0.0, latency=4.0, crawl_delay=None) == 4.0
    # Halfway towards the new latency, like AutoThrottle.
    assert slots.record("slow.test", now=10.0, latency=0.0, crawl_delay=None) == 2.0
    assert slots.record("slow.test", now=20.0, latency=0.0, crawl_delay=None) == 1.0
    assert slots.record("slow.test", now=30.0, latency=0.0, crawl_delay=None) == 0.5
    assert HostSlots(default_delay=0.5, max_adaptive_delay=3.0).record("slow.test", 0.0, 100.0, None) == 3.0


def test_retry_after_wins_when_longer() -> None:
    slots = HostSlots(default_delay=1.0)
    assert slots.record("busy.test", now=0.0, latency=0.1, crawl_delay=2.0, retry_after=120.0) == 120.0
    assert slots.wait_time("busy.test", now=60.0) == 60.0


def test_allow_listed_hosts_can_skip_delays() -> None:
    slots = HostSlots(default_delay=1.0, no_delay_hosts=["127.0.0.1", "demo.test:8080"])
    for host in ("127.0.0.1:8000", "127.0.0.1", "demo.test:8080"):
        assert slots.record(host, now=0.0, latency=2.0, crawl_delay=10.0) == 0.0
        assert slots.wait_time(host, now=0.0) == 0.0
    assert slots.record("demo.test:9090", now=0.0, latency=0.1, crawl_delay=None) == 1.0


def test_host_key() -> None:
    assert host_key("https://Shop.Test/a?b") == "shop.test"
    assert host_key("http://127.0.0.1:8000/x") == "127.0.0.1:8000"
    assert host_key("http://[::1]:8000/") == "[::1]:8000"


def test_one_request_at_a_time_unless_the_host_has_no_delay() -> None:
    slots = HostSlots(default_delay=1.0, no_delay_hosts=["127.0.0.1:8000"], no_delay_concurrency=4)
    assert slots.concurrency("127.0.0.1:8000") == 4
    assert slots.concurrency("127.0.0.1:9000") == 1
    assert slots.concurrency("shop.test") == 1
    with pytest.raises(ValueError, match="at least 1"):
        HostSlots(default_delay=1.0, no_delay_concurrency=0)


PAGES = 12


def _crawl_counting_concurrency(tmp_path: Path, *, no_delay: bool) -> tuple[int, int]:
    """Crawl a root page linking to slow pages; return (pages fetched, most requests in flight at once)."""
    lock = threading.Lock()
    in_flight = peak = 0

    def slow_page(request) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.05)
        with lock:
            in_flight -= 1
        respond(request, body=b"<html><body><p>a page</p></body></html>")

    with CrawlServer() as server:
        links = "".join(f'<a href="/p{n}">p{n}</a>' for n in range(PAGES))
        server.serve("/", f"<html><body>{links}</body></html>".encode())
        for n in range(PAGES):
            server.routes[f"/p{n}"] = slow_page
        crawl = {"allow_hosts": [server.host], "delay": 0.01, "no_delay_hosts": [server.host] if no_delay else []}
        settings = Settings(home=tmp_path, crawl=crawl)
        services = Services.shared(settings)
        try:
            register_site(services, server.url("/"))
            stats = run_crawl(settings)
        finally:
            services.close()
    return stats.pages_fetched, peak


def test_fetches_overlap_only_on_no_delay_hosts(tmp_path: Path) -> None:
    fetched, peak = _crawl_counting_concurrency(tmp_path / "fast", no_delay=True)
    assert fetched == PAGES + 1
    assert 1 < peak <= NO_DELAY_CONCURRENCY
    fetched, peak = _crawl_counting_concurrency(tmp_path / "polite", no_delay=False)
    assert fetched == PAGES + 1
    assert peak == 1
