from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from snapmode.crawl.frontier import SqliteFrontier

SITE = "site-1"


@pytest.fixture
def frontier(tmp_path: Path) -> Iterator[SqliteFrontier]:
    with SqliteFrontier(tmp_path / "frontier.db", max_attempts=3, backoff_base=10.0, backoff_max=25.0) as opened:
        yield opened


def test_add_is_idempotent_on_canonical_urls(frontier: SqliteFrontier) -> None:
    first = [("https://shop.test/a?y=2&x=1", 1, "product"), ("https://shop.test/b", 1, "listing")]
    assert frontier.add(SITE, first) == 2
    # The same page written differently is not new; only /c is.
    again = [("https://shop.test/a?x=1&y=2#frag", 3, "unknown"), ("https://shop.test/c", 2, "product")]
    assert frontier.add(SITE, again) == 1
    assert frontier.counts(SITE)["discovered"] == 3
    entry = frontier.get("https://shop.test/a?y=2&x=1")
    assert entry is not None and entry.depth == 1 and entry.kind == "product"  # the first sighting stays


def test_add_rejects_unknown_kinds(frontier: SqliteFrontier) -> None:
    with pytest.raises(ValueError, match="kind"):
        frontier.add(SITE, [("https://shop.test/a", 0, "video")])
    assert frontier.counts()["discovered"] == 0


def test_claim_takes_shallow_urls_first_and_leases_them(frontier: SqliteFrontier) -> None:
    frontier.add(SITE, [("https://shop.test/deep", 3, "product"), ("https://shop.test/sitemap.xml", 0, "sitemap")])
    frontier.add(SITE, [("https://shop.test/mid", 1, "listing")])
    claimed = frontier.claim_due(limit=2, now=100.0, lease_seconds=60.0)
    assert [entry.url for entry in claimed] == ["https://shop.test/sitemap.xml", "https://shop.test/mid"]
    assert all(entry.status == "in_flight" and entry.attempts == 1 for entry in claimed)
    rest = frontier.claim_due(limit=10, now=101.0, lease_seconds=60.0)
    assert [entry.url for entry in rest] == ["https://shop.test/deep"]
    assert frontier.claim_due(limit=10, now=102.0, lease_seconds=60.0) == []


def test_expired_lease_makes_a_url_due_again(frontier: SqliteFrontier) -> None:
    frontier.add(SITE, [("https://shop.test/a", 0, "listing")])
    assert len(frontier.claim_due(10, now=0.0, lease_seconds=30.0)) == 1
    assert frontier.claim_due(10, now=29.0, lease_seconds=30.0) == []  # worker still holds it
    again = frontier.claim_due(10, now=30.0, lease_seconds=30.0)  # worker died: nothing is lost
    assert [entry.attempts for entry in again] == [2]
    assert frontier.outstanding(now=31.0) == 1


def test_lease_expiry_on_the_last_attempt_ends_in_error(frontier: SqliteFrontier) -> None:
    frontier.add(SITE, [("https://shop.test/poison", 0, "product")])
    for attempt in range(3):
        assert len(frontier.claim_due(10, now=attempt * 100.0, lease_seconds=10.0)) == 1
    assert frontier.outstanding(now=305.0) == 0  # lease gone, no attempts left
    assert frontier.claim_due(10, now=400.0, lease_seconds=10.0) == []
    entry = frontier.get("https://shop.test/poison")
    assert entry is not None and entry.status == "error" and "lease expired" in (entry.last_error or "")


def test_complete_records_outcome_and_validators(frontier: SqliteFrontier) -> None:
    frontier.add(SITE, [("https://shop.test/a", 0, "product"), ("https://shop.test/old", 0, "product")])
    frontier.add("site-2", [("https://other.test/x", 0, "product")])
    frontier.claim_due(10, now=0.0, lease_seconds=60.0)
    stored = frontier.complete("https://shop.test/a", "fetched", etag='"v1"', last_modified="Mon, 01 Jan 2024", now=1.0)
    assert stored == "fetched"
    assert frontier.complete("https://shop.test/old", "redirect", now=1.0) == "redirect"
    entry = frontier.get("https://shop.test/a")
    assert entry is not None and entry.etag == '"v1"' and entry.last_modified == "Mon, 01 Jan 2024"
    frontier.complete("https://shop.test/a", "fetched", now=2.0)  # a 304 brings no new validators
    assert frontier.get("https://shop.test/a").etag == '"v1"'  # type: ignore[union-attr]
    assert frontier.counts(SITE) == {
        "discovered": 0, "in_flight": 0, "fetched": 1, "redirect": 1, "transient_error": 0, "error": 0
    }
    assert frontier.counts()["in_flight"] == 1
    assert frontier.outstanding(SITE) == 0 and frontier.outstanding() == 1


def test_transient_errors_back_off_exponentially_then_give_up(frontier: SqliteFrontier) -> None:
    url = "https://shop.test/flaky"
    frontier.add(SITE, [(url, 0, "product")])
    now = 0.0
    for backoff in (10.0, 20.0):  # base 10 s, doubling
        assert len(frontier.claim_due(10, now=now, lease_seconds=5.0)) == 1
        assert frontier.complete(url, "transient_error", error="timeout", now=now) == "transient_error"
        assert frontier.claim_due(10, now=now + backoff - 0.1, lease_seconds=5.0) == []
        assert frontier.outstanding(now=now) == 1
        now += backoff
    assert len(frontier.claim_due(10, now=now, lease_seconds=5.0)) == 1
    assert frontier.complete(url, "transient_error", error="timeout", now=now) == "error"  # third attempt of 3
    entry = frontier.get(url)
    assert entry is not None and entry.status == "error" and entry.last_error == "timeout" and entry.attempts == 3
    assert frontier.outstanding() == 0


def test_retry_at_postpones_beyond_the_backoff(frontier: SqliteFrontier) -> None:
    url = "https://shop.test/busy"
    frontier.add(SITE, [(url, 0, "product")])
    frontier.claim_due(10, now=0.0, lease_seconds=5.0)
    frontier.complete(url, "transient_error", error="http 429", retry_at=500.0, now=0.0)
    assert frontier.claim_due(10, now=499.0, lease_seconds=5.0) == []
    assert len(frontier.claim_due(10, now=500.0, lease_seconds=5.0)) == 1


def test_complete_rejects_bad_input(frontier: SqliteFrontier) -> None:
    with pytest.raises(KeyError):
        frontier.complete("https://shop.test/never-added", "fetched")
    frontier.add(SITE, [("https://shop.test/a", 0, "product")])
    with pytest.raises(ValueError):
        frontier.complete("https://shop.test/a", "in_flight")  # type: ignore[arg-type]


def test_reset_in_flight_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "frontier.db"
    with SqliteFrontier(path, max_attempts=2) as first_run:
        first_run.add(SITE, [("https://shop.test/a", 0, "listing"), ("https://shop.test/b", 1, "listing")])
        first_run.claim_due(1, now=0.0, lease_seconds=3600.0)
        first_run.claim_due(1, now=0.0, lease_seconds=3600.0)
        first_run.complete("https://shop.test/a", "transient_error", now=0.0)
        first_run.claim_due(1, now=1000.0, lease_seconds=3600.0)  # a's second and last attempt
    with SqliteFrontier(path, max_attempts=2) as second_run:
        assert second_run.counts()["in_flight"] == 2
        assert second_run.reset_in_flight() == 2
        assert second_run.get("https://shop.test/a").status == "error"  # type: ignore[union-attr]
        assert [entry.url for entry in second_run.claim_due(10, now=1.0, lease_seconds=60.0)] == ["https://shop.test/b"]


def _claim_all(path: Path, queue: multiprocessing.Queue) -> None:
    with SqliteFrontier(path) as frontier:
        claimed: list[str] = []
        while batch := frontier.claim_due(3, now=0.0, lease_seconds=3600.0):
            claimed.extend(entry.url for entry in batch)
        queue.put(claimed)


def test_processes_never_claim_the_same_url(tmp_path: Path) -> None:
    path = tmp_path / "frontier.db"
    urls = [f"https://shop.test/p{i}" for i in range(300)]
    with SqliteFrontier(path) as frontier:
        frontier.add(SITE, [(url, 0, "product") for url in urls])
    context = multiprocessing.get_context("fork")  # each worker opens its own connection
    queue = context.Queue()
    workers = [context.Process(target=_claim_all, args=(path, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    claimed = [url for result in results for url in result]
    assert sorted(claimed) == sorted(urls)  # every URL exactly once
