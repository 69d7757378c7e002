"""The persisted URL frontier: what to fetch, when, and what came of it.

SQLite in WAL mode with short transactions and a busy timeout, so several processes
(spouts, bolts, the CLI) can share one file. A claimed URL carries a lease: if its worker
dies before ``complete``, the URL is due again when the lease runs out, so nothing is lost.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel

from snapmode.ids import canonical
from snapmode.sqlite import connect

Kind = Literal["sitemap", "listing", "product", "unknown"]
Status = Literal["discovered", "in_flight", "fetched", "redirect", "transient_error", "error"]
Outcome = Literal["fetched", "redirect", "transient_error", "error"]

KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)
OUTCOMES: tuple[str, ...] = get_args(Outcome)

_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS frontier (
        url TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        depth INTEGER NOT NULL CHECK (depth >= 0),
        kind TEXT NOT NULL CHECK (kind IN {KINDS}),
        status TEXT NOT NULL CHECK (status IN {STATUSES}),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_fetch_at REAL NOT NULL DEFAULT 0,  -- due time, or the end of the lease while in_flight
        last_error TEXT,
        etag TEXT,
        last_modified TEXT,
        updated_at REAL NOT NULL
    ) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS frontier_due ON frontier (depth, next_fetch_at)
        WHERE status IN ('discovered', 'transient_error')""",
    "CREATE INDEX IF NOT EXISTS frontier_leases ON frontier (next_fetch_at) WHERE status = 'in_flight'",
    "CREATE INDEX IF NOT EXISTS frontier_site ON frontier (site_id, status)",
)


class FrontierEntry(BaseModel):
    url: str
    site_id: str
    depth: int
    kind: Kind
    status: Status
    attempts: int
    next_fetch_at: float
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    updated_at: float


class SqliteFrontier:
    """URLs keyed by their canonical form. ``attempts`` counts claims, so a URL that keeps
    killing its worker is given up after ``max_attempts`` like any failing one."""

    def __init__(
        self,
        path: Path,
        *,
        max_attempts: int = 4,
        backoff_base: float = 30.0,
        backoff_max: float = 6 * 3600.0,
    ) -> None:
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        # Autocommit; multi-statement work takes BEGIN IMMEDIATE so writers queue on busy_timeout.
        self._db = connect(path)
        self._db.row_factory = sqlite3.Row
        with self._transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)

    def add(self, site_id: str, urls: Iterable[tuple[str, int, str]]) -> int:
        """Insert (url, depth, kind) rows not known yet; returns how many were new."""
        now = time.time()
        rows = []
        for url, depth, kind in urls:
            if kind not in KINDS:
                raise ValueError(f"kind {kind!r} is not one of {KINDS}")
            if depth < 0:
                raise ValueError(f"negative depth {depth} for {url}")
            rows.append((canonical(url), site_id, depth, kind, now))
        with self._transaction():
            cursor = self._db.executemany(
                "INSERT OR IGNORE INTO frontier (url, site_id, depth, kind, status, updated_at)"
                " VALUES (?, ?, ?, ?, 'discovered', ?)",
                rows,
            )
        return cursor.rowcount

    def claim_due(self, limit: int, now: float, lease_seconds: float) -> list[FrontierEntry]:
        """Lease up to ``limit`` due URLs, shallowest first, marking them in_flight until ``now + lease_seconds``."""
        with self._transaction():
            # A lease that ran out means the worker died: a transient error, or the end on the last attempt.
            self._db.execute(
                "UPDATE frontier SET updated_at = :now, last_error = 'lease expired',"
                " status = CASE WHEN attempts >= :max THEN 'error' ELSE 'transient_error' END"
                " WHERE status = 'in_flight' AND next_fetch_at <= :now",
                {"now": now, "max": self._max_attempts},
            )
            rows = self._db.execute(
                "UPDATE frontier SET status = 'in_flight', attempts = attempts + 1,"
                " next_fetch_at = :lease_end, updated_at = :now"
                " WHERE url IN (SELECT url FROM frontier"
                "   WHERE status IN ('discovered', 'transient_error')"
                "   AND next_fetch_at <= :now AND attempts < :max"
                "   ORDER BY depth, next_fetch_at LIMIT :limit)"
                " RETURNING *",
                {"now": now, "lease_end": now + lease_seconds, "max": self._max_attempts, "limit": limit},
            ).fetchall()
        entries = [FrontierEntry(**dict(row)) for row in rows]
        return sorted(entries, key=lambda entry: (entry.depth, entry.url))

    def complete(
        self,
        url: str,
        status: Outcome,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        retry_at: float | None = None,
        *,
        now: float | None = None,
    ) -> Status:
        """Record the outcome of a fetch; returns the status stored.

        A transient error is retried after an exponential backoff (or at ``retry_at`` when
        later, e.g. from Retry-After) until the attempts run out; then it is an error.
        """
        if status not in OUTCOMES:
            raise ValueError(f"status {status!r} is not one of {OUTCOMES}")
        now = time.time() if now is None else now
        key = canonical(url)
        with self._transaction():
            row = self._db.execute("SELECT attempts, next_fetch_at FROM frontier WHERE url = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(f"{url} is not in the frontier")
            stored: Status = status
            next_fetch_at = row["next_fetch_at"]
            if status == "transient_error":
                if row["attempts"] >= self._max_attempts:
                    stored = "error"
                else:
                    backoff = min(self._backoff_max, self._backoff_base * 2 ** max(row["attempts"] - 1, 0))
                    next_fetch_at = max(now + backoff, retry_at or 0.0)
            self._db.execute(
                "UPDATE frontier SET status = ?, last_error = ?, etag = coalesce(?, etag),"
                " last_modified = coalesce(?, last_modified), next_fetch_at = ?, updated_at = ?"
                " WHERE url = ?",
                (stored, error, etag, last_modified, next_fetch_at, now, key),
            )
        return stored

    def get(self, url: str) -> FrontierEntry | None:
        row = self._db.execute("SELECT * FROM frontier WHERE url = ?", (canonical(url),)).fetchone()
        return FrontierEntry(**dict(row)) if row else None

    def counts(self, site_id: str | None = None) -> dict[str, int]:
        """URLs per status (every status present, zeros included)."""
        query = "SELECT status, count(*) FROM frontier"
        params: tuple[str, ...] = ()
        if site_id is not None:
            query, params = query + " WHERE site_id = ?", (site_id,)
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(dict(self._db.execute(query + " GROUP BY status", params).fetchall()))
        return counts

    def outstanding(self, site_id: str | None = None, *, now: float | None = None) -> int:
        """URLs still to be settled: discovered, retryable, or in flight with a live or renewable lease."""
        query = (
            "SELECT count(*) FROM frontier WHERE (status IN ('discovered', 'transient_error')"
            " OR (status = 'in_flight' AND (attempts < :max OR next_fetch_at > :now)))"
        )
        params: dict[str, object] = {"max": self._max_attempts, "now": time.time() if now is None else now}
        if site_id is not None:
            query += " AND site_id = :site"
            params["site"] = site_id
        return self._db.execute(query, params).fetchone()[0]

    def reset_in_flight(self) -> int:
        """Make every in_flight URL due now; for a single worker restarting after a crash."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE frontier SET"
                " status = CASE WHEN attempts >= :max THEN 'error' ELSE 'discovered' END,"
                " last_error = CASE WHEN attempts >= :max THEN 'interrupted (attempts exhausted)' ELSE last_error END,"
                " next_fetch_at = 0, updated_at = :now"
                " WHERE status = 'in_flight'",
                {"max": self._max_attempts, "now": time.time()},
            )
        return cursor.rowcount

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqliteFrontier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
