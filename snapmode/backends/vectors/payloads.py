"""What a compact vector store keeps of each region beside the vector index: its product, photo, box, label and
category, its re-ranking coordinates and its packed colour and article types (snapmode.backends.vectors.compact).

An SQLite file on disk, read a few hundred rows per search by primary key: the vector index keeps only what it
searches and filters by in memory. A row is written after the region's index entry, so a row here means the region
is searchable; an index entry without a row (a crash in between) is never returned and is written again.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from snapmode import sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS regions (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    image_url TEXT NOT NULL,
    label TEXT NOT NULL,
    category TEXT,
    box TEXT NOT NULL,
    coordinates BLOB NOT NULL,
    colour BLOB NOT NULL,
    article_types BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS regions_by_image ON regions (image_url, label);
CREATE INDEX IF NOT EXISTS regions_by_product ON regions (product_id);
CREATE TABLE IF NOT EXISTS layout (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Regions per label, kept with every write: counting millions of rows takes seconds, a status page asks often.
CREATE TABLE IF NOT EXISTS counts (label TEXT PRIMARY KEY, regions INTEGER NOT NULL);
"""
COLUMNS = "key, id, product_id, image_url, label, category, box, coordinates, colour, article_types"
KEYS_PER_QUERY = 30_000  # below SQLite's limit of 32,766 bound parameters
# A row is about 1.4 KB: 4 KB pages hold two and leave a third of each page empty, 16 KB pages hold eleven.
PAGE_SIZE = 16_384


@dataclass(frozen=True)
class Payload:
    key: int
    id: str
    product_id: str
    image_url: str
    label: str
    category: str | None
    box: tuple[int, int, int, int]
    coordinates: bytes
    colour: bytes
    article_types: bytes

    def row(self) -> tuple:
        return (
            self.key, self.id, self.product_id, self.image_url, self.label, self.category,
            json.dumps(self.box), self.coordinates, self.colour, self.article_types,
        )  # fmt: skip

    @classmethod
    def of(cls, row: tuple) -> Payload:
        key, id_, product_id, image_url, label, category, box, coordinates, colour, article_types = row
        return cls(
            key, id_, product_id, image_url, label, category, tuple(json.loads(box)), coordinates, colour,
            article_types,
        )  # fmt: skip


class SqlitePayloads:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite.connect(path, page_size=PAGE_SIZE)
        self._db.executescript(SCHEMA)
        self._writing = threading.Lock()

    def layout(self) -> dict[str, str]:
        """What the coordinates were made with (the projection's digest, their dimensions)."""
        return dict(self._db.execute("SELECT name, value FROM layout").fetchall())

    def set_layout(self, layout: dict[str, str]) -> None:
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO layout VALUES (?, ?)", layout.items())

    def put(self, payloads: list[Payload]) -> None:
        with self._transaction() as db:
            replaced = dict(self._labels(db, [payload.key for payload in payloads]))
            added = Counter(payload.label for payload in {p.key: p for p in payloads}.values())
            added.subtract(Counter(replaced.values()))
            db.executemany(f"INSERT OR REPLACE INTO regions ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [p.row() for p in payloads])  # fmt: skip
            db.executemany(
                "INSERT INTO counts VALUES (?, ?) ON CONFLICT (label) DO UPDATE SET regions = regions + excluded.regions",
                [(label, change) for label, change in added.items() if change],
            )

    @staticmethod
    def _labels(db: sqlite3.Connection, keys: list[int]) -> list[tuple[int, str]]:
        found = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = keys[start : start + KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            found += db.execute(f"SELECT key, label FROM regions WHERE key IN ({marks})", chunk).fetchall()
        return found

    def get(self, keys: Collection[int]) -> dict[int, Payload]:
        found: dict[int, Payload] = {}
        keys = list(keys)
        for start in range(0, len(keys), KEYS_PER_QUERY):
            chunk = keys[start : start + KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT {COLUMNS} FROM regions WHERE key IN ({marks})", chunk):
                found[row[0]] = Payload.of(row)
        return found

    def for_image(self, image_url: str) -> list[Payload]:
        return [
            Payload.of(row)
            for row in self._db.execute(f"SELECT {COLUMNS} FROM regions WHERE image_url = ?", (image_url,))
        ]

    def ids_for_image(self, image_url: str, label: str | None = None) -> list[str]:
        if label is None:
            rows = self._db.execute("SELECT id FROM regions WHERE image_url = ?", (image_url,))
        else:
            rows = self._db.execute("SELECT id FROM regions WHERE image_url = ? AND label = ?", (image_url, label))
        return [row[0] for row in rows]

    def article_types(self, image_urls: Collection[str], label: str) -> dict[str, bytes]:
        urls = list(image_urls)
        found: dict[str, bytes] = {}
        for start in range(0, len(urls), KEYS_PER_QUERY):
            chunk = urls[start : start + KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT image_url, article_types FROM regions WHERE label = ? AND image_url IN ({marks})"
            found.update(self._db.execute(query, [label, *chunk]).fetchall())
        return found

    def count(self, label: str | None = None) -> int:
        if label is None:
            return self._db.execute("SELECT coalesce(sum(regions), 0) FROM counts").fetchone()[0]
        found = self._db.execute("SELECT regions FROM counts WHERE label = ?", (label,)).fetchone()
        return found[0] if found else 0

    def count_for_products(self, product_ids: list[str]) -> int:
        total = 0
        for start in range(0, len(product_ids), KEYS_PER_QUERY):
            chunk = product_ids[start : start + KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            total += self._db.execute(f"SELECT count(*) FROM regions WHERE product_id IN ({marks})", chunk).fetchone()[
                0
            ]
        return total

    def scan(self, after: int | None, limit: int) -> list[Payload]:
        """Rows in key order after ``after`` (None: from the first), ``limit`` at most: a resumable walk."""
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM regions WHERE key > ? ORDER BY key LIMIT ?",
            (-(2**63) if after is None else after, limit),
        )
        return [Payload.of(row) for row in rows]

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # One connection serves the process's threads (the API's, a worker's): one transaction at a time on it.
        with self._writing:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


def walk(payloads: SqlitePayloads, batch: int, after: int | None = None) -> Iterator[list[Payload]]:
    while rows := payloads.scan(after, batch):
        yield rows
        after = rows[-1].key
