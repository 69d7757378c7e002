from __future__ import annotations

import time
from pathlib import Path

from snapmode.backends.rejects.base import Reject
from snapmode.sqlite import connect


class SqliteRejectLog:
    def __init__(self, path: Path) -> None:
        self._db = connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS rejects ("
            " stage TEXT NOT NULL, subject TEXT NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL,"
            " PRIMARY KEY (stage, subject))"
        )

    def record(self, stage: str, subject: str, reason: str) -> None:
        self._db.execute(
            "INSERT INTO rejects (stage, subject, reason, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(stage, subject) DO UPDATE SET reason = excluded.reason, at = excluded.at",
            (stage, subject, reason, time.time()),
        )

    def recent(self, limit: int = 50) -> list[Reject]:
        rows = self._db.execute("SELECT stage, subject, reason, at FROM rejects ORDER BY at DESC LIMIT ?", (limit,))
        return [Reject(stage=s, subject=u, reason=r, at=a) for s, u, r, a in rows]

    def count(self, stage: str | None = None) -> int:
        if stage is None:
            return self._db.execute("SELECT COUNT(*) FROM rejects").fetchone()[0]
        return self._db.execute("SELECT COUNT(*) FROM rejects WHERE stage = ?", (stage,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()
