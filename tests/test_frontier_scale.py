"""The SQLite frontier's claim at scale: what it reads does not grow with the URLs already fetched.

Work is counted in SQLite virtual-machine steps (a progress handler), not in seconds: the same count on any
machine. bench/frontier.py has the latencies.
"""

from __future__ import annotations

from pathlib import Path

from snapmode.backends.frontier.base import Completion
from snapmode.backends.frontier.sqlite import SqliteFrontier

SITE = "site-1"
NOW = 1_000.0
LEASE = 600.0


def fill(frontier: SqliteFrontier, fetched: int, waiting: int) -> None:
    """``fetched`` URLs at depths 0-2 fetched (recrawls not due yet), ``waiting`` new URLs at depth 3."""
    frontier.add(SITE, [(f"https://shop.test/done/{n}", n % 3, "product") for n in range(fetched)])
    while batch := frontier.claim_due(500, NOW, LEASE):
        for entry in batch:
            frontier.complete(Completion(url=entry.url, status="fetched", fingerprint="f"), now=NOW)
    frontier.add(SITE, [(f"https://shop.test/new/{n}", 3, "product") for n in range(waiting)])


def claim_steps(frontier: SqliteFrontier, every: int = 100) -> int:
    """SQLite VM steps (in units of ``every``) of one claim of 16, as the spout makes it."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    frontier._db.set_progress_handler(count, every)
    try:
        claimed = frontier.claim_due(16, NOW + 1, LEASE)
    finally:
        frontier._db.set_progress_handler(None, every)
    assert len(claimed) == 16 and {entry.depth for entry in claimed} == {3}
    return steps


def test_a_claim_reads_as_much_with_ten_times_the_fetched_urls(tmp_path: Path):
    with SqliteFrontier(tmp_path / "small.db") as small, SqliteFrontier(tmp_path / "large.db") as large:
        fill(small, fetched=1_000, waiting=100)
        fill(large, fetched=10_000, waiting=100)
        small_steps, large_steps = claim_steps(small), claim_steps(large)
    # A scan of every waiting URL would take ten times the steps; seeking each depth takes about the same.
    assert large_steps <= 2 * small_steps + 5, (small_steps, large_steps)


def test_a_claim_takes_the_shallowest_due_urls_past_fetched_ones(tmp_path: Path):
    with SqliteFrontier(tmp_path / "frontier.db") as frontier:
        fill(frontier, fetched=300, waiting=50)
        frontier.add(SITE, [("https://shop.test/deep", 5, "product"), ("https://shop.test/shallow", 1, "product")])
        # Two fetched pages at depth 0 and 2 are due again for their recrawl.
        frontier.recrawl_site(SITE, now=NOW)
        first = frontier.claim_due(3, NOW + 1, LEASE)
        assert [entry.depth for entry in first] == [0, 0, 0]
        assert all(entry.url.startswith("https://shop.test/done/") for entry in first)

    with SqliteFrontier(tmp_path / "fresh.db") as frontier:
        fill(frontier, fetched=300, waiting=50)
        frontier.add(SITE, [("https://shop.test/deep", 5, "product"), ("https://shop.test/shallow", 1, "product")])
        claimed = frontier.claim_due(60, NOW + 1, LEASE)
        assert claimed[0].url == "https://shop.test/shallow"
        assert [entry.depth for entry in claimed] == [1] + [3] * 50 + [5]
        assert frontier.claim_due(16, NOW + 1, LEASE) == []  # the fetched ones are not due until their recrawl
        assert len(frontier.claim_due(16, NOW + 10 * 86_400, LEASE)) == 16  # then they are
