"""Stored regions as a release before the current layout wrote them (snapmode.backends.vectors.payloads)."""

import sqlite3
from pathlib import Path

from snapmode.backends.vectors.payloads import SELECT

EARLIER_LAYOUT = """
CREATE TABLE regions (key INTEGER PRIMARY KEY, id TEXT NOT NULL, product_id TEXT NOT NULL, image_url TEXT NOT NULL,
    label TEXT NOT NULL, category TEXT, box TEXT NOT NULL, coordinates BLOB NOT NULL, colour BLOB NOT NULL,
    article_types BLOB NOT NULL);
CREATE INDEX regions_by_image ON regions (image_url, label);
CREATE INDEX regions_by_product ON regions (product_id);
CREATE TABLE layout (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counts (label TEXT PRIMARY KEY, regions INTEGER NOT NULL);
"""


def write_earlier_layout(stored: Path, earlier: Path) -> None:
    """The regions of ``stored`` as the release before the photos table wrote them."""
    with sqlite3.connect(earlier) as db:
        db.executescript(EARLIER_LAYOUT)
        db.execute("ATTACH DATABASE ? AS stored", (str(stored),))
        select = SELECT.replace("FROM regions", "FROM stored.regions").replace("JOIN photos", "JOIN stored.photos")
        db.execute(f"INSERT INTO regions {select}")
        db.execute("INSERT INTO layout SELECT * FROM stored.layout")
        db.execute("INSERT INTO counts SELECT * FROM stored.counts")
