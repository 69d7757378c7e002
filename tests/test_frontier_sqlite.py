"""What only the SQLite frontier has to show: several processes sharing one file, files of older versions.

The behaviour every frontier shares is asserted in test_frontier_contract.py.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from snapmode.backends.frontier.base import Continuation
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


def test_a_frontier_file_from_before_listing_chains_gains_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "frontier.db"
    with sqlite3.connect(path) as db:  # the table as it was before next pages kept their listing's chain
        db.execute(
            "CREATE TABLE frontier (url TEXT PRIMARY KEY, site_id TEXT NOT NULL, host TEXT NOT NULL,"
            " depth INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " next_fetch_at REAL NOT NULL DEFAULT 0, last_error TEXT, etag TEXT, last_modified TEXT,"
            " redirect_to TEXT, fingerprint TEXT, interval REAL, fetches INTEGER NOT NULL DEFAULT 0,"
            " changes INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL) WITHOUT ROWID"
        )
        db.execute(
            "INSERT INTO frontier (url, site_id, host, depth, kind, status, updated_at)"
            " VALUES ('https://shop.test/', 's', 'shop.test', 0, 'listing', 'discovered', 0)"
        )
    with SqliteFrontier(path) as frontier:
        old = frontier.get("https://shop.test/")
        assert old is not None and (old.chain, old.listing, old.stated_products) == (0, None, None)
        chain = Continuation(listing="https://shop.test/c", chain=1, previous_links="f")
        frontier.add("s", [("https://shop.test/c?page=2", 1, "listing")], continues=chain)
        assert frontier.get("https://shop.test/c?page=2").chain == 1  # type: ignore[union-attr]
