"""The Frontier protocol's behaviour, asserted on every backend: SQLite and a real Solr core."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from snapmode.backends.frontier.base import Completion, Continuation, Frontier, PageKinds
from snapmode.backends.frontier.schedule import FrontierSchedule
from snapmode.backends.frontier.solr import SolrFrontier
from snapmode.backends.frontier.sqlite import SqliteFrontier
from snapmode.backends.solr_client import SolrCore
from snapmode.config import RecrawlPolicy, SolrSettings
from snapmode.errors import BackendUnavailable
from tests.support.tiers import on_server

SITE = "site-1"

Opener = Callable[..., Frontier]  # keyword options of FrontierSchedule (recrawl, max_attempts, backoff_*)


@pytest.fixture(params=["sqlite", on_server("solr")])
def open_frontier(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens frontiers on one store, empty at the start of the test; a second one sees the first's URLs."""
    opened: list[Frontier] = []
    if request.param == "solr":
        settings = SolrSettings(url=request.getfixturevalue("solr_server"))
        SolrCore(settings, settings.frontier_core).delete_all()

        def opener(**options: Any) -> Frontier:
            opened.append(SolrFrontier(settings, FrontierSchedule(**options)))
            return opened[-1]
    else:

        def opener(**options: Any) -> Frontier:
            opened.append(SqliteFrontier(tmp_path / "frontier.db", FrontierSchedule(**options)))
            return opened[-1]

    yield opener
    for frontier in opened:
        frontier.close()


@pytest.fixture
def frontier(open_frontier: Opener) -> Frontier:
    return open_frontier(max_attempts=3, backoff_base=10.0, backoff_max=25.0)


def test_add_is_idempotent_on_canonical_urls(frontier: Frontier) -> None:
    first = [("https://shop.test/a?y=2&x=1", 1, "product"), ("https://shop.test/b", 1, "listing")]
    assert frontier.add(SITE, first) == 2
    # The same page written differently is not new; only /c is.
    again = [("https://shop.test/a?x=1&y=2#frag", 3, "unknown"), ("https://shop.test/c", 2, "product")]
    assert frontier.add(SITE, again) == 1
    assert frontier.counts(SITE)["discovered"] == 3
    entry = frontier.get("https://shop.test/a?y=2&x=1")
    assert entry is not None and entry.depth == 1 and entry.kind == "product"  # the first sighting stays


def test_add_rejects_unknown_kinds(frontier: Frontier) -> None:
    with pytest.raises(ValueError, match="kind"):
        frontier.add(SITE, [("https://shop.test/a", 0, "video")])
    assert frontier.counts()["discovered"] == 0


def test_claim_takes_shallow_urls_first_and_leases_them(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/deep", 3, "product"), ("https://shop.test/sitemap.xml", 0, "sitemap")])
    frontier.add(SITE, [("https://shop.test/mid", 1, "listing")])
    claimed = frontier.claim_due(limit=2, now=100.0, lease_seconds=60.0)
    assert [entry.url for entry in claimed] == ["https://shop.test/sitemap.xml", "https://shop.test/mid"]
    assert all(entry.status == "in_flight" and entry.attempts == 1 for entry in claimed)
    assert frontier.get("https://shop.test/mid") == claimed[1]  # what a claim returns is what is stored
    rest = frontier.claim_due(limit=10, now=101.0, lease_seconds=60.0)
    assert [entry.url for entry in rest] == ["https://shop.test/deep"]
    assert frontier.claim_due(limit=10, now=102.0, lease_seconds=60.0) == []


def test_expired_lease_makes_a_url_due_again(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/a", 0, "listing")])
    assert len(frontier.claim_due(10, now=0.0, lease_seconds=30.0)) == 1
    assert frontier.claim_due(10, now=29.0, lease_seconds=30.0) == []  # worker still holds it
    again = frontier.claim_due(10, now=30.0, lease_seconds=30.0)  # worker died: nothing is lost
    assert [entry.attempts for entry in again] == [2]
    assert frontier.outstanding(now=31.0) == 1


def test_lease_expiry_on_the_last_attempt_ends_in_error(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/poison", 0, "product")])
    for attempt in range(3):
        assert len(frontier.claim_due(10, now=attempt * 100.0, lease_seconds=10.0)) == 1
    assert frontier.outstanding(now=305.0) == 0  # lease gone, no attempts left
    assert frontier.claim_due(10, now=400.0, lease_seconds=10.0) == []
    entry = frontier.get("https://shop.test/poison")
    assert entry is not None and entry.status == "error" and "lease_expired" in (entry.last_error or "")


def test_complete_records_outcome_and_validators(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/a", 0, "product"), ("https://shop.test/old", 0, "product")])
    frontier.add("site-2", [("https://other.test/x", 0, "product")])
    frontier.claim_due(10, now=0.0, lease_seconds=60.0)
    stored = frontier.complete(
        Completion(url="https://shop.test/a", status="fetched", etag='"v1"', last_modified="Mon, 01 Jan 2024"), now=1.0
    )
    assert stored == "fetched"
    assert (
        frontier.complete(
            Completion(url="https://shop.test/old", status="redirect", redirect_to="https://shop.test/new"), now=1.0
        )
        == "redirect"
    )
    assert frontier.get("https://shop.test/old").redirect_to == "https://shop.test/new"  # type: ignore[union-attr]
    entry = frontier.get("https://shop.test/a")
    assert entry is not None and entry.etag == '"v1"' and entry.last_modified == "Mon, 01 Jan 2024"
    frontier.complete(
        Completion(url="https://shop.test/a", status="fetched"), now=2.0
    )  # a 304 brings no new validators
    assert frontier.get("https://shop.test/a").etag == '"v1"'  # type: ignore[union-attr]
    assert frontier.counts(SITE) == {
        "discovered": 0,
        "in_flight": 0,
        "fetched": 1,
        "redirect": 1,
        "transient_error": 0,
        "error": 0,
    }
    assert frontier.counts()["in_flight"] == 1
    assert frontier.outstanding(SITE) == 0 and frontier.outstanding() == 1


def test_transient_errors_back_off_exponentially_then_give_up(frontier: Frontier) -> None:
    url = "https://shop.test/flaky"
    frontier.add(SITE, [(url, 0, "product")])
    now = 0.0
    for backoff in (10.0, 20.0):  # base 10 s, doubling
        assert len(frontier.claim_due(10, now=now, lease_seconds=5.0)) == 1
        assert (
            frontier.complete(Completion(url=url, status="transient_error", error="timeout"), now=now)
            == "transient_error"
        )
        assert frontier.claim_due(10, now=now + backoff - 0.1, lease_seconds=5.0) == []
        assert frontier.outstanding(now=now) == 1
        now += backoff
    assert len(frontier.claim_due(10, now=now, lease_seconds=5.0)) == 1
    assert (
        frontier.complete(Completion(url=url, status="transient_error", error="timeout"), now=now) == "error"
    )  # third attempt of 3
    entry = frontier.get(url)
    assert entry is not None and entry.status == "error" and entry.last_error == "timeout" and entry.attempts == 3
    assert frontier.outstanding() == 0


def test_retry_at_postpones_beyond_the_backoff(frontier: Frontier) -> None:
    url = "https://shop.test/busy"
    frontier.add(SITE, [(url, 0, "product")])
    frontier.claim_due(10, now=0.0, lease_seconds=5.0)
    frontier.complete(Completion(url=url, status="transient_error", error="http 429", retry_at=500.0), now=0.0)
    assert frontier.claim_due(10, now=499.0, lease_seconds=5.0) == []
    assert len(frontier.claim_due(10, now=500.0, lease_seconds=5.0)) == 1


def test_complete_rejects_bad_input(frontier: Frontier) -> None:
    with pytest.raises(KeyError):
        frontier.complete(Completion(url="https://shop.test/never-added", status="fetched"))
    frontier.add(SITE, [("https://shop.test/a", 0, "product")])
    with pytest.raises(ValueError):
        frontier.complete(Completion(url="https://shop.test/a", status="in_flight"))  # type: ignore[arg-type]


def test_reset_in_flight_after_a_crash(open_frontier: Opener) -> None:
    first_run = open_frontier(max_attempts=2)
    first_run.add(SITE, [("https://shop.test/a", 0, "listing"), ("https://shop.test/b", 1, "listing")])
    first_run.claim_due(1, now=0.0, lease_seconds=3600.0)
    first_run.claim_due(1, now=0.0, lease_seconds=3600.0)
    first_run.complete(Completion(url="https://shop.test/a", status="transient_error"), now=0.0)
    first_run.claim_due(1, now=1000.0, lease_seconds=3600.0)  # a's second and last attempt
    first_run.close()
    second_run = open_frontier(max_attempts=2)
    assert second_run.counts()["in_flight"] == 2
    assert second_run.reset_in_flight() == 2
    interrupted = second_run.get("https://shop.test/a")
    assert interrupted is not None and interrupted.status == "error" and interrupted.last_error == "interrupted"
    assert [entry.url for entry in second_run.claim_due(10, now=1.0, lease_seconds=60.0)] == ["https://shop.test/b"]


def test_another_processs_searches_see_each_write_at_once(open_frontier: Opener) -> None:
    writer, reader = open_frontier(), open_frontier()  # each its own connection, as a bolt and a spout have
    writer.add(SITE, [("https://shop.test/a", 0, "listing"), ("https://shop.test/b", 1, "product")])
    assert reader.due(now=0.0) == 2 and reader.outstanding(now=0.0) == 2
    assert [entry.url for entry in writer.claim_due(1, now=0.0, lease_seconds=60.0)] == ["https://shop.test/a"]
    assert [entry.url for entry in reader.claim_due(10, now=0.0, lease_seconds=60.0)] == ["https://shop.test/b"]
    writer.complete(Completion(url="https://shop.test/a", status="fetched"), now=1.0)
    assert reader.counts()["fetched"] == 1 and reader.finished_since(0.5) == 1
    reader.complete(Completion(url="https://shop.test/b", status="fetched"), now=2.0)
    assert writer.outstanding(now=2.0) == 0 and writer.page_kinds(SITE).product_pages == 1


def test_claimers_never_lease_the_same_url(open_frontier: Opener) -> None:
    urls = [f"https://shop.test/p{i}" for i in range(150)]
    open_frontier().add(SITE, [(url, 0, "product") for url in urls])
    claimers = [open_frontier() for _ in range(3)]  # each its own connection, as separate spouts have
    start = threading.Barrier(len(claimers))
    claimed: list[list[str]] = [[] for _ in claimers]

    def claim_all(index: int) -> None:
        start.wait()
        while batch := claimers[index].claim_due(4, now=0.0, lease_seconds=3600.0):
            claimed[index].extend(entry.url for entry in batch)

    threads = [threading.Thread(target=claim_all, args=(index,)) for index in range(len(claimers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    every_claim = [url for urls_of_one in claimed for url in urls_of_one]
    assert sorted(every_claim) == sorted(urls)  # every URL exactly once
    assert claimers[0].counts()["in_flight"] == len(urls)


def _fetch(frontier: Frontier, url: str, now: float, fingerprint: str | None, **fields: str) -> None:
    claimed = frontier.claim_due(10, now=now, lease_seconds=60.0)
    assert [entry.url for entry in claimed] == [url]
    frontier.complete(Completion(url=url, status="fetched", fingerprint=fingerprint, **fields), now=now)


def test_recrawl_comes_sooner_when_a_page_changes_and_later_when_it_does_not(open_frontier: Opener) -> None:
    frontier = open_frontier(recrawl=RecrawlPolicy(initial=100.0, minimum=30.0, maximum=400.0))
    url = "https://shop.test/p"
    frontier.add(SITE, [(url, 1, "unknown")])
    _fetch(frontier, url, now=0.0, fingerprint="a", etag='"1"')
    assert frontier.outstanding(now=0.0) == 0  # a scheduled recrawl is not unfinished work
    assert frontier.due(99.0) == 0 and frontier.claim_due(10, now=99.0, lease_seconds=60.0) == []
    assert frontier.due(100.0) == 1
    _fetch(frontier, url, now=100.0, fingerprint="a")  # unchanged: twice as long
    assert frontier.get(url).interval == 200.0  # type: ignore[union-attr]
    _fetch(frontier, url, now=300.0, fingerprint=None)  # a 304: unchanged, validators kept
    entry = frontier.get(url)
    assert entry is not None and entry.interval == 400.0 and entry.etag == '"1"' and entry.fingerprint == "a"
    _fetch(frontier, url, now=700.0, fingerprint="b")  # changed: half
    _fetch(frontier, url, now=900.0, fingerprint="c")
    _fetch(frontier, url, now=1000.0, fingerprint="d")
    _fetch(frontier, url, now=1050.0, fingerprint="e")  # 400 → 200 → 100 → 50 → 25, held at 30
    entry = frontier.get(url)
    assert entry is not None and entry.interval == 30.0
    assert (entry.fetches, entry.changes, entry.next_fetch_at) == (7, 4, 1080.0)


def test_recrawl_can_be_switched_off(open_frontier: Opener) -> None:
    frontier = open_frontier(recrawl=RecrawlPolicy(enabled=False))
    url = "https://shop.test/p"
    frontier.add(SITE, [(url, 0, "product")])
    _fetch(frontier, url, now=0.0, fingerprint="a")
    assert frontier.due(1e12) == 0 and frontier.claim_due(10, now=1e12, lease_seconds=60.0) == []


def test_kind_is_what_the_page_turned_out_to_be(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/p", 1, "unknown")])
    frontier.claim_due(10, now=0.0, lease_seconds=60.0)
    frontier.complete(Completion(url="https://shop.test/p", status="fetched", kind="product"), now=0.0)
    assert frontier.get("https://shop.test/p").kind == "product"  # type: ignore[union-attr]


def test_next_pages_carry_their_listing_chain(frontier: Frontier) -> None:
    chain = Continuation(listing="https://shop.test/c/tops", chain=3, previous_links="ab12")
    assert frontier.add(SITE, [("https://shop.test/c/tops?page=4", 1, "listing")], continues=chain) == 1
    assert frontier.add(SITE, [("https://shop.test/c/tops?page=4", 5, "unknown")]) == 0  # the first sighting stays
    entry = frontier.get("https://shop.test/c/tops?page=4")
    assert entry is not None
    assert (entry.depth, entry.chain, entry.listing, entry.previous_links) == (1, 3, "https://shop.test/c/tops", "ab12")
    [task] = frontier.claim_due(1, now=0.0, lease_seconds=60.0)
    assert (task.chain, task.listing, task.previous_links) == (3, "https://shop.test/c/tops", "ab12")


def test_page_kinds_count_fetched_pages_and_the_products_each_listing_states(frontier: Frontier) -> None:
    assert frontier.page_kinds(SITE) == PageKinds(product_pages=0, listing_pages=0, stated_products=None)
    pages = {
        "https://shop.test/c/tops": ("listing", "https://shop.test/c/tops", 40),
        "https://shop.test/c/tops?page=2": ("listing", "https://shop.test/c/tops", 41),  # the most a page says
        "https://shop.test/c/shoes": ("listing", "https://shop.test/c/shoes", 7),
        "https://shop.test/search?q=tee": ("listing", None, 5),  # names no listing: one of its own
        "https://shop.test/": ("listing", None, None),
        "https://shop.test/p/1": ("product", None, None),
        "https://shop.test/p/2": ("product", None, None),
    }
    frontier.add(SITE, [(url, 1, "unknown") for url in pages])
    frontier.add("site-2", [("https://other.test/c/all", 1, "listing")])
    frontier.claim_due(10, now=0.0, lease_seconds=60.0)
    for url, (kind, listing, stated) in pages.items():
        done = Completion(url=url, status="fetched", kind=kind, listing=listing, stated_products=stated)
        frontier.complete(done, now=0.0)
    done = Completion(url="https://other.test/c/all", status="fetched", kind="listing", stated_products=900)
    frontier.complete(done, now=0.0)
    assert frontier.page_kinds(SITE) == PageKinds(product_pages=2, listing_pages=5, stated_products=53)
    # a 304 on recrawl keeps what the page said; a page that no longer says it is not counted
    frontier.complete(Completion(url="https://shop.test/c/shoes", status="fetched"), now=1.0)
    assert frontier.page_kinds(SITE).stated_products == 53
    gone = Completion(url="https://shop.test/c/shoes", status="fetched", kind="listing", fingerprint="x")
    frontier.complete(gone, now=2.0)
    assert frontier.page_kinds(SITE).stated_products == 46


def test_release_gives_back_unworked_leases_without_spending_an_attempt(open_frontier: Opener) -> None:
    frontier = open_frontier(recrawl=RecrawlPolicy(initial=10.0, minimum=10.0))
    frontier.add(SITE, [("https://shop.test/new", 0, "listing")])
    frontier.claim_due(1, now=0.0, lease_seconds=60.0)
    frontier.complete(Completion(url="https://shop.test/new", status="fetched"), now=0.0)
    frontier.add(SITE, [("https://shop.test/old", 0, "product")])
    claimed = frontier.claim_due(10, now=20.0, lease_seconds=600.0)  # /old, and /new for its recrawl
    assert sorted(entry.url for entry in claimed) == ["https://shop.test/new", "https://shop.test/old"]
    assert frontier.release(entry.url for entry in claimed) == 2
    assert frontier.release(["https://shop.test/old"]) == 0  # no lease left to give back
    new, old = frontier.get("https://shop.test/new"), frontier.get("https://shop.test/old")
    assert new is not None and new.status == "fetched" and new.attempts == 0  # still a fetched page
    assert old is not None and old.status == "discovered" and old.attempts == 0
    assert len(frontier.claim_due(10, now=21.0, lease_seconds=60.0)) == 2  # both due at once


def test_claims_can_be_limited_to_some_sites(frontier: Frontier) -> None:
    frontier.add("a", [("https://a.test/", 0, "listing")])
    frontier.add("b", [("https://b.test/", 0, "listing")])
    assert frontier.claim_due(10, now=0.0, lease_seconds=60.0, site_ids=[]) == []
    assert [entry.site_id for entry in frontier.claim_due(10, now=0.0, lease_seconds=60.0, site_ids=["b"])] == ["b"]
    assert frontier.due(0.0, "a") == 1 and frontier.due(0.0, "b") == 0


def test_errors_by_kind_and_queue_per_host(frontier: Frontier) -> None:
    frontier.add(SITE, [(f"https://shop.test/{i}", 1, "unknown") for i in range(3)])
    frontier.add(SITE, [(url, 2, "unknown") for url in ("https://shop.test/3", "https://www.shop.test/x")])
    frontier.add(SITE, [("https://shop.test:8443/y", 2, "unknown")])
    assert frontier.queued_by_host() == {"shop.test": 4, "shop.test:8443": 1, "www.shop.test": 1}
    assert list(frontier.queued_by_host()) == ["shop.test", "shop.test:8443", "www.shop.test"]  # largest first
    assert len(frontier.claim_due(3, now=0.0, lease_seconds=60.0)) == 3  # /0, /1, /2: the shallowest
    frontier.complete(Completion(url="https://shop.test/0", status="error", error="http_4xx"), now=0.0)
    frontier.complete(Completion(url="https://shop.test/1", status="error", error="http_4xx"), now=0.0)
    frontier.complete(Completion(url="https://shop.test/2", status="transient_error", error="timeout"), now=0.0)
    assert frontier.error_counts() == {"http_4xx": 2, "timeout": 1}
    assert frontier.error_counts("other-site") == {}
    assert frontier.queued_by_host(SITE)["shop.test"] == 2  # /3, and /2 waiting for its retry


# -- Solr only: a server or core that cannot serve is a clear error, not a hang ------------------------


def test_solr_down_is_a_clear_error() -> None:
    settings = SolrSettings(url="http://127.0.0.1:9/solr", timeout=2.0)  # nothing listens on port 9
    with SolrFrontier(settings) as frontier, pytest.raises(BackendUnavailable, match=r"Solr at http://127\.0\.0\.1:9"):
        frontier.counts()


def test_missing_core_is_a_clear_error(solr_server: str) -> None:
    settings = SolrSettings(url=solr_server, frontier_core="no-such-core")
    with SolrFrontier(settings) as frontier, pytest.raises(BackendUnavailable, match="no-such-core.*404"):
        frontier.add(SITE, [("https://shop.test/a", 0, "listing")])


# -- what operators see and do: paused sites, recent failures, recrawls, removal --------------------------


def test_claims_leave_excluded_sites_alone(frontier: Frontier) -> None:
    frontier.add("a", [("https://a.test/", 0, "listing")])
    frontier.add("b", [("https://b.test/", 0, "listing"), ("https://b.test/x", 1, "product")])
    claimed = frontier.claim_due(10, now=0.0, lease_seconds=60.0, exclude_sites=["b"])
    assert [entry.url for entry in claimed] == ["https://a.test/"]
    assert frontier.claim_due(10, now=1.0, lease_seconds=60.0, exclude_sites=["a", "b"]) == []
    assert len(frontier.claim_due(10, now=2.0, lease_seconds=60.0, site_ids=["b"], exclude_sites=["a"])) == 2


def test_finished_pages_and_failures_latest_first(frontier: Frontier) -> None:
    frontier.add(SITE, [(f"https://shop.test/{i}", 1, "unknown") for i in range(4)])
    frontier.add("other", [("https://other.test/", 0, "listing")])
    frontier.claim_due(10, now=0.0, lease_seconds=600.0)
    frontier.complete(Completion(url="https://shop.test/0", status="fetched"), now=10.0)
    frontier.complete(Completion(url="https://shop.test/1", status="error", error="http_4xx"), now=20.0)
    frontier.complete(Completion(url="https://shop.test/2", status="transient_error", error="timeout"), now=30.0)
    frontier.complete(Completion(url="https://other.test/", status="error", error="ssrf"), now=40.0)
    assert frontier.finished_since(15.0, SITE) == 2 and frontier.finished_since(0.0, SITE) == 3
    assert frontier.finished_since(15.0) == 3
    failures = frontier.failures(SITE, limit=10)
    assert [(entry.url, entry.last_error) for entry in failures] == [
        ("https://shop.test/2", "timeout"),
        ("https://shop.test/1", "http_4xx"),
    ]
    assert [entry.url for entry in frontier.failures(limit=1)] == ["https://other.test/"]


def test_recrawl_site_makes_its_settled_pages_due_with_fresh_attempts(open_frontier: Opener) -> None:
    frontier = open_frontier(max_attempts=1, recrawl=RecrawlPolicy(initial=1000.0, minimum=1000.0))
    frontier.add(SITE, [("https://shop.test/ok", 0, "listing"), ("https://shop.test/bad", 0, "product")])
    frontier.add("other", [("https://other.test/", 0, "listing")])
    frontier.claim_due(10, now=0.0, lease_seconds=60.0)
    for url, status in (("https://shop.test/ok", "fetched"), ("https://shop.test/bad", "transient_error")):
        frontier.complete(Completion(url=url, status=status, error=None if status == "fetched" else "timeout"), now=1.0)
    frontier.complete(Completion(url="https://other.test/", status="fetched"), now=1.0)
    assert frontier.get("https://shop.test/bad").status == "error"  # its only attempt spent
    assert frontier.due(now=2.0) == 0
    assert frontier.recrawl_site(SITE, now=2.0) == 2
    assert frontier.due(now=2.0, site_id=SITE) == 2 and frontier.due(now=2.0, site_id="other") == 0
    again = frontier.claim_due(10, now=3.0, lease_seconds=60.0)
    assert sorted(entry.url for entry in again) == ["https://shop.test/bad", "https://shop.test/ok"]


def test_remove_site_forgets_only_its_urls(frontier: Frontier) -> None:
    frontier.add(SITE, [("https://shop.test/a", 0, "listing"), ("https://shop.test/b", 1, "product")])
    frontier.add("other", [("https://other.test/", 0, "listing")])
    assert frontier.remove_site(SITE) == 2
    assert frontier.get("https://shop.test/a") is None
    assert sum(frontier.counts(SITE).values()) == 0 and frontier.counts()["discovered"] == 1
