"""Durable at-least-once image queue in one SQLite file, shared by several processes.

A message is a row: ``queued`` (leased while ``lease_until`` is in the future) or
``failed`` (dead-lettered with its error). Acking deletes the row, so a task acked
once can be published again, while a partial unique index keeps one queued row
per (product_id, image_url). Claims run in ``BEGIN IMMEDIATE`` so two consumers
never lease the same row.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from snapmode.backends.queue.base import Message
from snapmode.domain import ImageTask
from snapmode.sqlite import connect


_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a stale ack cannot hit a newer message
    product_id TEXT NOT NULL,
    image_url TEXT NOT NULL,
    task TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until REAL NOT NULL DEFAULT 0,
    error TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_queued_task ON messages (product_id, image_url) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS messages_claimable ON messages (lease_until, id) WHERE state = 'queued';
"""


class SqliteImageQueue:
    """The embedded ``ImageQueue``; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = connect(path)
        with self._lock, self._db:
            self._db.executescript("BEGIN IMMEDIATE;" + _SCHEMA)

    def publish(self, tasks: list[ImageTask]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO messages (product_id, image_url, task, state) VALUES (?, ?, ?, 'queued') "
                "ON CONFLICT DO NOTHING",
                [(task.product_id, task.image_url, task.model_dump_json()) for task in tasks],
            )

    def poll(self, max_messages: int = 16, lease_seconds: float = 300.0) -> list[Message]:
        if max_messages < 1 or lease_seconds <= 0:
            raise ValueError(f"need max_messages >= 1 and lease_seconds > 0, got {max_messages}, {lease_seconds}")
        now = time.time()
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            rows = self._db.execute(
                """
                UPDATE messages SET lease_until = ?, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM messages WHERE state = 'queued' AND lease_until <= ? ORDER BY id LIMIT ?
                )
                RETURNING id, task, attempts
                """,
                (now + lease_seconds, now, max_messages),
            ).fetchall()
        return [
            Message(id=str(message_id), task=ImageTask.model_validate_json(task), attempts=attempts)
            for message_id, task, attempts in sorted(rows)
        ]

    def ack(self, message_ids: list[str]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "DELETE FROM messages WHERE state = 'queued' AND id IN (SELECT value FROM json_each(?))",
                (json.dumps([_row_id(message_id) for message_id in message_ids]),),
            )

    def fail(self, message_id: str, error: str) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE messages SET state = 'failed', error = ? WHERE id = ? AND state = 'queued'",
                (error, _row_id(message_id)),
            )

    def failed(self) -> list[tuple[ImageTask, str]]:
        """Dead-lettered tasks with their errors, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT task, error FROM messages WHERE state = 'failed' ORDER BY id").fetchall()
        return [(ImageTask.model_validate_json(task), error) for task, error in rows]

    def pending(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT count(*) FROM messages WHERE state = 'queued'").fetchone()
        return n

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _row_id(message_id: str) -> int:
    try:
        return int(message_id)
    except ValueError:
        raise ValueError(f"not a message id of this queue: {message_id!r}") from None
