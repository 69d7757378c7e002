from __future__ import annotations

from pathlib import Path

from snapmode.domain import STORED_SITE, Site
from snapmode.sqlite import connect


class SqliteSiteRegistry:
    def __init__(self, path: Path) -> None:
        self._db = connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        # learned templates change every few seconds while a site is crawled: apart from the operator's record
        self._db.execute("CREATE TABLE IF NOT EXISTS site_templates (id TEXT PRIMARY KEY, template TEXT NOT NULL)")

    def upsert(self, site: Site) -> None:
        self._db.execute(
            "INSERT INTO sites (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            (site.id, site.model_dump_json()),
        )

    def get(self, site_id: str) -> Site | None:
        row = self._db.execute("SELECT doc FROM sites WHERE id = ?", (site_id,)).fetchone()
        return Site.model_validate_json(row[0], context=STORED_SITE) if row else None

    def all(self) -> list[Site]:
        rows = self._db.execute("SELECT doc FROM sites ORDER BY id")
        return [Site.model_validate_json(doc, context=STORED_SITE) for (doc,) in rows]

    def delete(self, site_id: str) -> bool:
        self._db.execute("DELETE FROM site_templates WHERE id = ?", (site_id,))
        return self._db.execute("DELETE FROM sites WHERE id = ?", (site_id,)).rowcount > 0

    def template(self, site_id: str) -> str | None:
        row = self._db.execute("SELECT template FROM site_templates WHERE id = ?", (site_id,)).fetchone()
        return row[0] if row else None

    def save_template(self, site_id: str, template: str) -> None:
        self._db.execute(
            "INSERT INTO site_templates (id, template) SELECT id, ? FROM sites WHERE id = ?"
            " ON CONFLICT(id) DO UPDATE SET template = excluded.template",
            (template, site_id),
        )

    def close(self) -> None:
        self._db.close()
