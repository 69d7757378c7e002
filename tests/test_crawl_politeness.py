from __future__ import annotations

import pytest

from snapmode.crawl.politeness import HostSlots, host_key


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
