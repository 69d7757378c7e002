"""What a compact vector store keeps of each region beside the vector index: its product, photo, box, label and
category, its re-ranking coordinates and its packed colour and article types (snapmode.backends.vectors.compact).

An SQLite file on disk, read a few hundred rows per search by key: the vector index keeps only what it searches
and filters by in memory. A row is written after the region's index entry, so a row here means the region is
searchable; an index entry without a row (a crash in between) is never returned and is written again.

A photo's URL and product are kept once, in ``photos``, not in each of its regions (about 9). Regions are stored in
the order they are written, under a row number, and found by their key through an index: rows keyed by the key
itself, a hash, land on random pages, which then split and stay a third empty (16.6 GB at a million photos where
the rows hold 12.5). Files written before this layout are converted by `snapmode vectors migrate` (``convert``).

The vector index names a region by its row number, so a search reads its candidates with one descent of the
table's B-tree each, not two (through the key's index first): 9.5 -> 4.8 ms for 1,360 candidates at a million
photos. A region's row is taken before its index entry is written (``rows_for``): the region's own row when it is
stored already, else a number never given before, from ``last_row``. A crash in between leaves a number unused.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from snapmode import sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS photos (
    photo INTEGER PRIMARY KEY,
    image_url TEXT NOT NULL UNIQUE,
    product_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS photos_by_product ON photos (product_id);
CREATE TABLE IF NOT EXISTS regions (
    row INTEGER PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    id TEXT NOT NULL,
    photo INTEGER NOT NULL REFERENCES photos (photo),
    label TEXT NOT NULL,
    category TEXT,
    box TEXT NOT NULL,
    coordinates BLOB NOT NULL,
    colour BLOB NOT NULL,
    article_types BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS regions_by_photo ON regions (photo, label);
CREATE TABLE IF NOT EXISTS layout (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Regions per label, kept with every write: counting millions of rows takes seconds, a status page asks often.
CREATE TABLE IF NOT EXISTS counts (label TEXT PRIMARY KEY, regions INTEGER NOT NULL);
-- The last row number given to a region (rows_for), written or not: a number is never given twice.
CREATE TABLE IF NOT EXISTS last_row (id INTEGER PRIMARY KEY CHECK (id = 0), row INTEGER NOT NULL);
"""
REGION_COLUMNS = "key, id, photo, label, category, box, coordinates, colour, article_types"
WRITTEN_COLUMNS = f"row, {REGION_COLUMNS}"
# Rows written by a conversion (convert) or by a release before ``last_row`` count as given too.
LAST_ROW = "SELECT max(coalesce((SELECT row FROM last_row), 0), coalesce((SELECT max(row) FROM regions), 0))"
PAYLOAD_COLUMNS = (
    "r.key, r.id, p.product_id, p.image_url, r.label, r.category, r.box, r.coordinates, r.colour, r.article_types"
)
JOINED = "regions r JOIN photos p ON p.photo = r.photo"
SELECT = f"SELECT {PAYLOAD_COLUMNS} FROM {JOINED}"
# A photo written again (or moved to another product) keeps its number: its regions point at it.
PHOTO_UPSERT = "ON CONFLICT (image_url) DO UPDATE SET product_id = excluded.product_id"
CONVERT_BATCH = 50_000
KEYS_PER_QUERY = 30_000  # below SQLite's limit of 32,766 bound parameters
# A row is about 1.3 KB: 4 KB pages hold two and leave a third of each page empty, 16 KB pages hold twelve.
PAGE_SIZE = 16_384
MIGRATE_HINT = "`snapmode vectors migrate` converts it"
INDEX_KEYS_LAYOUT = "index_keys"  # the layout's entry of what the vector index names regions by


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

    def row(self, row: int, photo: int) -> tuple:
        return (
            row, self.key, self.id, photo, self.label, self.category, json.dumps(self.box), self.coordinates,
            self.colour, self.article_types,
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
        if _is_earlier_layout(self._db):
            self._db.close()
            raise ValueError(f"the regions in {path} are in the layout of an earlier release: {MIGRATE_HINT}")
        self._db.executescript(SCHEMA)
        self._writing = threading.Lock()

    def layout(self) -> dict[str, str]:
        """What the coordinates were made with (the projection's digest, their dimensions)."""
        return dict(self._db.execute("SELECT name, value FROM layout").fetchall())

    def set_layout(self, layout: dict[str, str]) -> None:
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO layout VALUES (?, ?)", layout.items())

    def rows_for(self, keys: Collection[int]) -> dict[int, int]:
        """The row number of each key: its region's row when stored, else a new one."""
        with self._transaction() as db:
            rows = dict(_rows_in(db, "SELECT key, row FROM regions WHERE key", keys))
            new = [key for key in dict.fromkeys(keys) if key not in rows]
            (last,) = db.execute(LAST_ROW).fetchone()
            db.execute("INSERT OR REPLACE INTO last_row VALUES (0, ?)", (last + len(new),))
        return rows | {key: last + 1 + i for i, key in enumerate(new)}

    def put(self, payloads: list[Payload], rows: dict[int, int]) -> None:
        """Store the regions at their rows (``rows_for``; a region stored since under another row moves)."""
        with self._transaction() as db:
            replaced = dict(self._labels(db, [payload.key for payload in payloads]))
            added = Counter(payload.label for payload in {p.key: p for p in payloads}.values())
            added.subtract(Counter(replaced.values()))
            photos = _photo_numbers(db, {payload.image_url: payload.product_id for payload in payloads})
            db.executemany(f"INSERT OR REPLACE INTO regions ({WRITTEN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [p.row(rows[p.key], photos[p.image_url]) for p in payloads])  # fmt: skip
            db.executemany(
                "INSERT INTO counts VALUES (?, ?) ON CONFLICT (label) DO UPDATE SET regions = regions + excluded.regions",
                [(label, change) for label, change in added.items() if change],
            )

    @staticmethod
    def _labels(db: sqlite3.Connection, keys: list[int]) -> list[tuple[int, str]]:
        return list(_rows_in(db, "SELECT key, label FROM regions WHERE key", keys))

    def get(self, keys: Collection[int]) -> dict[int, Payload]:
        return {row[0]: Payload.of(row) for row in _rows_in(self._db, f"{SELECT} WHERE r.key", keys)}

    def at_rows(self, rows: Collection[int]) -> dict[int, Payload]:
        query = f"SELECT r.row, {PAYLOAD_COLUMNS} FROM {JOINED} WHERE r.row"
        return {row[0]: Payload.of(row[1:]) for row in _rows_in(self._db, query, rows)}

    def coordinates(self, rows: Collection[int]) -> dict[int, bytes]:
        """The packed coordinates of the regions at these rows: what a search re-ranks its candidates by."""
        return dict(_rows_in(self._db, "SELECT row, coordinates FROM regions WHERE row", rows))

    def for_image(self, image_url: str) -> list[Payload]:
        return [Payload.of(row) for row in self._db.execute(f"{SELECT} WHERE p.image_url = ?", (image_url,))]

    def ids_for_image(self, image_url: str, label: str | None = None) -> list[str]:
        query = f"SELECT r.id FROM {JOINED} WHERE p.image_url = ?"
        if label is None:
            return [row[0] for row in self._db.execute(query, (image_url,))]
        return [row[0] for row in self._db.execute(f"{query} AND r.label = ?", (image_url, label))]

    def article_types(self, image_urls: Collection[str], label: str) -> dict[str, bytes]:
        query = f"SELECT p.image_url, r.article_types FROM {JOINED} WHERE r.label = ? AND p.image_url"
        return dict(_rows_in(self._db, query, image_urls, label))

    def count(self, label: str | None = None) -> int:
        if label is None:
            return self._db.execute("SELECT coalesce(sum(regions), 0) FROM counts").fetchone()[0]
        found = self._db.execute("SELECT regions FROM counts WHERE label = ?", (label,)).fetchone()
        return found[0] if found else 0

    def count_for_products(self, product_ids: list[str]) -> int:
        return sum(
            count for (count,) in _rows_in(self._db, f"SELECT count(*) FROM {JOINED} WHERE p.product_id", product_ids)
        )

    def batches(self, size: int) -> Iterator[dict[int, Payload]]:
        """Every stored region by its row, ``size`` at a time, in the order they lie in the file."""
        query = f"SELECT r.row, {PAYLOAD_COLUMNS} FROM {JOINED} WHERE r.row > ? ORDER BY r.row LIMIT ?"
        after = 0
        while rows := self._db.execute(query, (after, size)).fetchall():
            yield {row[0]: Payload.of(row[1:]) for row in rows}
            after = rows[-1][0]

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # One connection serves the process's threads (the API's, a worker's): one transaction at a time on it.
        with self._writing, sqlite.immediate(self._db) as db:
            yield db


def in_earlier_layout(path: Path) -> bool:
    if not path.is_file():
        return False
    db = sqlite.connect(path)
    try:
        return _is_earlier_layout(db)
    finally:
        db.close()


def convert(path: Path, progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Rewrite a file of the earlier layout in this one, the regions moved in key order into ``<path>.converting``
    and that file then put in the earlier one's place; returns the regions converted. The earlier file is only read
    until then, so an interrupted run is run again and goes on after the last batch it committed."""
    partial = path.with_name(f"{path.name}.converting")
    earlier = sqlite.connect(path)
    earlier.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # its -wal is deleted below: nothing may be left in it
    earlier.close()
    SqlitePayloads(partial).close()
    db = sqlite.connect(partial)
    try:
        done = _convert_into(db, path, progress)
    finally:
        db.close()
    for leftover in (f"{path}-wal", f"{path}-shm"):
        Path(leftover).unlink(missing_ok=True)
    partial.replace(path)
    return done


def _convert_into(db: sqlite3.Connection, path: Path, progress: Callable[[int, int], None]) -> int:
    db.execute("ATTACH DATABASE ? AS earlier", (str(path),))
    total = db.execute("SELECT coalesce(sum(regions), 0) FROM earlier.counts").fetchone()[0]
    after, done = db.execute("SELECT max(key), count(*) FROM regions").fetchone()
    batch = f"SELECT * FROM earlier.regions WHERE key > ? ORDER BY key LIMIT {CONVERT_BATCH}"
    progress(done, total)
    while True:
        start = -(2**63) if after is None else after
        with sqlite.immediate(db):
            db.execute(
                f"INSERT INTO photos (image_url, product_id) SELECT image_url, product_id FROM ({batch}) WHERE true "
                + PHOTO_UPSERT,
                (start,),
            )
            moved = db.execute(
                f"INSERT INTO regions ({REGION_COLUMNS}) SELECT r.key, r.id, p.photo, r.label, r.category, r.box, "
                f"r.coordinates, r.colour, r.article_types FROM ({batch}) r "
                "JOIN photos p ON p.image_url = r.image_url ORDER BY r.key",
                (start,),
            ).rowcount
            after = db.execute("SELECT max(key) FROM regions").fetchone()[0]
        done += moved
        progress(done, total)
        if moved < CONVERT_BATCH:
            break
    with sqlite.immediate(db):
        # Rows are numbered anew, so an index that named the earlier ones is stale: it is to be rebuilt.
        db.execute("INSERT OR REPLACE INTO layout SELECT * FROM earlier.layout WHERE name != ?", (INDEX_KEYS_LAYOUT,))
        db.execute("INSERT OR REPLACE INTO counts SELECT * FROM earlier.counts")
    db.execute("DETACH DATABASE earlier")
    return done


def _is_earlier_layout(db: sqlite3.Connection) -> bool:
    """Written by a release that kept each region's photo URL and product in its own row."""
    return "image_url" in {row[1] for row in db.execute("PRAGMA table_info(regions)")}


def _photo_numbers(db: sqlite3.Connection, products: dict[str, str]) -> dict[str, int]:
    """Each photo URL's number, the photo recorded (or moved to this product) first."""
    db.executemany(f"INSERT INTO photos (image_url, product_id) VALUES (?, ?) {PHOTO_UPSERT}", products.items())
    return dict(_rows_in(db, "SELECT image_url, photo FROM photos WHERE image_url", products))


def _rows_in(db: sqlite3.Connection, query: str, values: Collection, *before: object) -> Iterator[tuple]:
    """The rows of ``query`` ending ``IN (values)``, ``KEYS_PER_QUERY`` values a statement; ``before``: the values
    of the query's earlier parameters."""
    values = list(values)
    for start in range(0, len(values), KEYS_PER_QUERY):
        chunk = values[start : start + KEYS_PER_QUERY]
        yield from db.execute(f"{query} IN ({','.join('?' * len(chunk))})", [*before, *chunk])
