"""The one way SnapMode opens an SQLite file: shared by every embedded store."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000  # several processes (workers, CLI, API) may write one file
WAL_RETRY_SECONDS = 0.02


def connect(path: Path, page_size: int | None = None) -> sqlite3.Connection:
    """Autocommit connection in WAL mode (readers never block the writer), usable from any thread; ``page_size``
    applies to a file this call creates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if page_size is not None:
        db.execute(f"PRAGMA page_size = {int(page_size)}")
    _switch_to_wal(db)
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on a connection of ``connect``: BEGIN IMMEDIATE (writers queue on busy_timeout
    rather than fail on upgrading a read lock), committed, or rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _switch_to_wal(db: sqlite3.Connection) -> None:
    """Processes opening a new file at once both read it, then both ask for the exclusive lock the switch needs:
    SQLite fails one of them at once rather than call the busy handler (it would deadlock), so retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)
