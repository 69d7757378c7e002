"""The frontier in one SQLite file.

WAL mode with short transactions and a busy timeout, so several processes (spouts, bolts,
the CLI) can share it. A claimed URL carries a lease: if its worker dies before
``complete``, the URL is due again when the lease runs out, so nothing is lost.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from snapmode.backends.frontier.base import (
    KINDS,
    OUTCOMES,
    STATUSES,
    Completion,
    Continuation,
    FrontierEntry,
    PageKinds,
    Status,
)
from snapmode.backends.frontier.schedule import FrontierSchedule
from snapmode.crawl.politeness import host_key
from snapmode.ids import canonical
from snapmode.sqlite import connect, immediate

_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS frontier (
        url TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        host TEXT NOT NULL,
        depth INTEGER NOT NULL CHECK (depth >= 0),
        kind TEXT NOT NULL CHECK (kind IN {KINDS}),
        status TEXT NOT NULL CHECK (status IN {STATUSES}),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_fetch_at REAL NOT NULL DEFAULT 0,
        last_error TEXT,
        etag TEXT,
        last_modified TEXT,
        redirect_to TEXT,
        fingerprint TEXT,
        interval REAL,
        fetches INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL,
        chain INTEGER NOT NULL DEFAULT 0,
        listing TEXT,
        previous_links TEXT,
        stated_products INTEGER
    ) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS frontier_due ON frontier (depth, next_fetch_at)
        WHERE status IN ('discovered', 'transient_error', 'fetched')""",
    "CREATE INDEX IF NOT EXISTS frontier_leases ON frontier (next_fetch_at) WHERE status = 'in_flight'",
    "CREATE INDEX IF NOT EXISTS frontier_site ON frontier (site_id, status)",
)
# A fetched URL is due again for its recrawl; its status while waiting stays 'fetched'.
_DUE = (
    "((status IN ('discovered', 'transient_error') AND attempts < :max)"
    " OR (status = 'fetched' AND :recrawl)) AND next_fetch_at <= :now"
)
# The statuses of frontier_due, spelled as its WHERE clause: a query with this term can use the partial index.
_WAITING = "status IN ('discovered', 'transient_error', 'fetched')"
# A claim seeks each depth's due URLs in frontier_due, (depth, next_fetch_at) from the shallowest depth, so its
# cost does not grow with the URLs already fetched (one ORDER BY over the table read all of them at each claim).
_NEXT_DEPTH = f"SELECT min(depth) FROM frontier WHERE {_WAITING} AND depth > :depth"
_DUE_AT_DEPTH = f"SELECT url FROM frontier WHERE {_WAITING} AND depth = :depth AND {_DUE}"
# An interrupted recrawl goes back to 'fetched' (due now), not to 'discovered'.
_UNCLAIMED = "CASE WHEN fetches > 0 THEN 'fetched' ELSE 'discovered' END"
# Columns a frontier file written before them lacks: added on opening it.
_ADDED_COLUMNS = {
    "chain": "INTEGER NOT NULL DEFAULT 0",
    "listing": "TEXT",
    "previous_links": "TEXT",
    "stated_products": "INTEGER",
}
_SETTLED = "('fetched', 'redirect', 'transient_error', 'error')"
_FAILED = "('transient_error', 'error')"


class SqliteFrontier:
    """URLs keyed by their canonical form. ``attempts`` counts claims since the last success,
    so a URL that keeps killing its worker is given up after ``max_attempts`` like any failing one."""

    def __init__(
        self,
        path: Path,
        schedule: FrontierSchedule | None = None,
    ) -> None:
        self._schedule = schedule or FrontierSchedule()
        # One connection shared by the threads of a process (the API and its crawl worker): one user at a time.
        self._lock = threading.RLock()
        # Autocommit; multi-statement work takes BEGIN IMMEDIATE so writers queue on busy_timeout.
        self._db = connect(path)
        self._db.row_factory = sqlite3.Row
        with self._transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(frontier)")}
            for column, definition in _ADDED_COLUMNS.items():
                if column not in present:
                    self._db.execute(f"ALTER TABLE frontier ADD COLUMN {column} {definition}")

    def add(self, site_id: str, urls: Iterable[tuple[str, int, str]], *, continues: Continuation | None = None) -> int:
        now = time.time()
        chain = (continues.chain, continues.listing, continues.previous_links) if continues else (0, None, None)
        rows = []
        for url, depth, kind in urls:
            if kind not in KINDS:
                raise ValueError(f"kind {kind!r} is not one of {KINDS}")
            if depth < 0:
                raise ValueError(f"negative depth {depth} for {url}")
            key = canonical(url)
            rows.append((key, site_id, host_key(key), depth, kind, now, *chain))
        with self._transaction():
            cursor = self._db.executemany(
                "INSERT OR IGNORE INTO frontier"
                " (url, site_id, host, depth, kind, status, updated_at, chain, listing, previous_links)"
                " VALUES (?, ?, ?, ?, ?, 'discovered', ?, ?, ?, ?)",
                rows,
            )
        return cursor.rowcount

    def claim_due(
        self,
        limit: int,
        now: float,
        lease_seconds: float,
        site_ids: Collection[str] | None = None,
        exclude_sites: Collection[str] = (),
    ) -> list[FrontierEntry]:
        params: dict[str, object] = {
            "now": now,
            "lease_end": now + lease_seconds,
            "max": self._schedule.max_attempts,
            "limit": limit,
            "recrawl": self._schedule.recrawl.enabled,
        }
        site_filter = ""
        if site_ids is not None:
            names = [f":site{i}" for i in range(len(site_ids))]
            params |= {name[1:]: site for name, site in zip(names, site_ids, strict=True)}
            site_filter = f" AND site_id IN ({', '.join(names) or 'NULL'})"
        if exclude_sites:
            params["excluded"] = json.dumps(list(exclude_sites))
            site_filter += " AND site_id NOT IN (SELECT value FROM json_each(:excluded))"
        with self._transaction():
            # A lease that ran out means the worker died: a transient error, or the end on the last attempt.
            self._db.execute(
                "UPDATE frontier SET updated_at = :now, last_error = 'lease_expired',"
                " status = CASE WHEN attempts >= :max THEN 'error' ELSE 'transient_error' END"
                " WHERE status = 'in_flight' AND next_fetch_at <= :now",
                params,
            )
            urls: list[str] = []
            depth = -1
            while len(urls) < limit:
                depth = self._db.execute(_NEXT_DEPTH, {"depth": depth}).fetchone()[0]
                if depth is None:
                    break
                found = self._db.execute(
                    f"{_DUE_AT_DEPTH}{site_filter} ORDER BY next_fetch_at LIMIT :limit",
                    params | {"depth": depth, "limit": limit - len(urls)},
                )
                urls += [row[0] for row in found]
            rows = self._db.execute(
                "UPDATE frontier SET status = 'in_flight', attempts = attempts + 1,"
                " next_fetch_at = :lease_end, updated_at = :now"
                " WHERE url IN (SELECT value FROM json_each(:urls)) RETURNING *",
                params | {"urls": json.dumps(urls)},
            ).fetchall()
        entries = [FrontierEntry(**dict(row)) for row in rows]
        return sorted(entries, key=lambda entry: (entry.depth, entry.url))

    def release(self, urls: Iterable[str]) -> int:
        keys = [(canonical(url),) for url in urls]
        with self._transaction():
            cursor = self._db.executemany(
                f"UPDATE frontier SET status = {_UNCLAIMED}, attempts = max(attempts - 1, 0), next_fetch_at = 0"
                " WHERE url = ? AND status = 'in_flight'",
                keys,
            )
        return cursor.rowcount

    def complete(self, completion: Completion, *, now: float | None = None) -> Status:
        if completion.status not in OUTCOMES:
            raise ValueError(f"status {completion.status!r} is not one of {OUTCOMES}")
        now = time.time() if now is None else now
        key = canonical(completion.url)
        with self._transaction():
            row = self._db.execute("SELECT * FROM frontier WHERE url = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(f"{completion.url} is not in the frontier")
            update = self._schedule.after(FrontierEntry(**dict(row)), completion, now)
            assignments = ", ".join(f"{column} = :{column}" for column in update)
            self._db.execute(f"UPDATE frontier SET {assignments} WHERE url = :url", update | {"url": key})
        return update["status"]  # type: ignore[return-value]

    def get(self, url: str) -> FrontierEntry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM frontier WHERE url = ?", (canonical(url),)).fetchone()
        return FrontierEntry(**dict(row)) if row else None

    def counts(self, site_id: str | None = None) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self._grouped("status", "1", site_id))
        return counts

    def error_counts(self, site_id: str | None = None) -> dict[str, int]:
        return self._grouped("last_error", "status IN ('error', 'transient_error')", site_id)

    def page_kinds(self, site_id: str) -> PageKinds:
        kinds = self._grouped("kind", "status = 'fetched'", site_id)
        with self._lock:
            # A listing's pages each say how many products it holds: the most any says counts, once per listing.
            stated = self._db.execute(
                "SELECT sum(most) FROM (SELECT max(stated_products) AS most FROM frontier"
                " WHERE site_id = ? AND status = 'fetched' AND kind = 'listing' AND stated_products IS NOT NULL"
                " GROUP BY coalesce(listing, url))",
                (site_id,),
            ).fetchone()[0]
        return PageKinds(
            product_pages=kinds.get("product", 0), listing_pages=kinds.get("listing", 0), stated_products=stated
        )

    def queued_by_host(self, site_id: str | None = None) -> dict[str, int]:
        return self._grouped("host", "status IN ('discovered', 'transient_error')", site_id)

    def outstanding(self, site_id: str | None = None, *, now: float | None = None) -> int:
        query = (
            "SELECT count(*) FROM frontier WHERE ((status IN ('discovered', 'transient_error') AND attempts < :max)"
            " OR (status = 'in_flight' AND (attempts < :max OR next_fetch_at > :now)))"
        )
        params: dict[str, object] = {"max": self._schedule.max_attempts, "now": time.time() if now is None else now}
        if site_id is not None:
            query += " AND site_id = :site"
            params["site"] = site_id
        with self._lock:
            return self._db.execute(query, params).fetchone()[0]

    def due(self, now: float, site_id: str | None = None) -> int:
        query = f"SELECT count(*) FROM frontier WHERE {_DUE}"
        params: dict[str, object] = {
            "now": now,
            "max": self._schedule.max_attempts,
            "recrawl": self._schedule.recrawl.enabled,
        }
        if site_id is not None:
            query += " AND site_id = :site"
            params["site"] = site_id
        with self._lock:
            return self._db.execute(query, params).fetchone()[0]

    def reset_in_flight(self) -> int:
        with self._transaction():
            cursor = self._db.execute(
                f"UPDATE frontier SET status = CASE WHEN attempts >= :max THEN 'error' ELSE {_UNCLAIMED} END,"
                " last_error = CASE WHEN attempts >= :max THEN 'interrupted' ELSE last_error END,"
                " next_fetch_at = 0, updated_at = :now"
                " WHERE status = 'in_flight'",
                {"max": self._schedule.max_attempts, "now": time.time()},
            )
        return cursor.rowcount

    def finished_since(self, since: float, site_id: str | None = None) -> int:
        query = f"SELECT count(*) FROM frontier WHERE status IN {_SETTLED} AND updated_at >= ?"
        params: tuple[object, ...] = (since,)
        if site_id is not None:
            query, params = query + " AND site_id = ?", (since, site_id)
        with self._lock:
            return self._db.execute(query, params).fetchone()[0]

    def failures(self, site_id: str | None = None, limit: int = 50) -> list[FrontierEntry]:
        query = f"SELECT * FROM frontier WHERE status IN {_FAILED}"
        params: tuple[object, ...] = (limit,)
        if site_id is not None:
            query, params = query + " AND site_id = ?", (site_id, limit)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY updated_at DESC, url LIMIT ?", params).fetchall()
        return [FrontierEntry(**dict(row)) for row in rows]

    def recrawl_site(self, site_id: str, now: float | None = None) -> int:
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE frontier SET next_fetch_at = 0, updated_at = :now,"
                " attempts = CASE WHEN status = 'fetched' THEN attempts ELSE 0 END,"
                " status = CASE WHEN status = 'error' THEN 'transient_error' ELSE status END"
                " WHERE site_id = :site AND status IN ('fetched', 'transient_error', 'error')",
                {"site": site_id, "now": time.time() if now is None else now},
            )
        return cursor.rowcount

    def remove_site(self, site_id: str) -> int:
        with self._transaction():
            return self._db.execute("DELETE FROM frontier WHERE site_id = ?", (site_id,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteFrontier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _grouped(self, column: str, condition: str, site_id: str | None) -> dict[str, int]:
        query = f"SELECT {column}, count(*) AS n FROM frontier WHERE {condition}"
        params: tuple[str, ...] = ()
        if site_id is not None:
            query, params = query + " AND site_id = ?", (site_id,)
        with self._lock:
            rows = self._db.execute(query + f" GROUP BY {column} ORDER BY n DESC, {column}", params).fetchall()
        return {row[0]: row[1] for row in rows if row[0] is not None}

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock, immediate(self._db):
            yield
