"""What only the SQLite frontier has to show: several processes sharing one file.

The behaviour every frontier shares is asserted in test_frontier_contract.py.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from snapmode.backends.frontier.sqlite import SqliteFrontier

SITE = "site-1"


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
