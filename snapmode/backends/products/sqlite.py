"""Product index in one SQLite file: JSON rows, filter columns, a category table and FTS5.

WAL mode plus a busy timeout lets several processes (crawler, API) share the file;
every write is one ``BEGIN IMMEDIATE`` transaction (committed or rolled back by the
connection's context manager) so readers never see half a batch.

The full-text table is derived data: opening a file whose table was made with other columns, tokenizer
or ``TEXT_VERSION`` (the file's ``user_version``; an older SnapMode) rebuilds it from the products' JSON,
once, before anything reads it. So is the per-field table that coverage counts (``product_fields``): a file
without it is given it, filled from the products' JSON, once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from snapmode.backends.products.base import (
    COVERAGE_FIELDS,
    Coverage,
    FacetCount,
    FieldCoverage,
    ProductFilters,
    ProductPage,
)
from snapmode.backends.products.indexing import (
    FACET_LIMIT,
    FIELD_WEIGHTS,
    PRICE_BUCKETS,
    TEXT_VERSION,
    category_paths,
    category_segments,
    present_fields,
    price_value,
    text_fields,
)
from snapmode.backends.products.query import AllOf, AnyOf, Node, Term, parse_query
from snapmode.domain import PricePoint, Product
from snapmode.sqlite import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    pk INTEGER PRIMARY KEY,  -- explicit so VACUUM cannot renumber the FTS rowids
    id TEXT NOT NULL UNIQUE,
    name TEXT COLLATE NOCASE,
    brand TEXT COLLATE NOCASE,
    site TEXT NOT NULL,
    price REAL,
    availability TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_brand ON products (brand);
CREATE INDEX IF NOT EXISTS products_site ON products (site);
CREATE INDEX IF NOT EXISTS products_price ON products (price);
CREATE TABLE IF NOT EXISTS product_categories (
    product_pk INTEGER NOT NULL,
    path TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (product_pk, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS product_categories_path ON product_categories (path);
CREATE TABLE IF NOT EXISTS price_history (
    product_id TEXT NOT NULL,
    observed_at REAL NOT NULL,
    price TEXT,
    regular_price TEXT,
    currency TEXT,
    availability TEXT,
    PRIMARY KEY (product_id, observed_at)
) WITHOUT ROWID;
"""
# As SQLite keeps it in sqlite_master, so a file made with other columns or tokenizer is told apart.
_FTS_TABLE = (
    f"CREATE VIRTUAL TABLE products_fts USING fts5 ({', '.join(FIELD_WEIGHTS)}, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
_FTS_INSERT = (
    f"INSERT INTO products_fts (rowid, {', '.join(FIELD_WEIGHTS)}) VALUES (?{', ?' * len(FIELD_WEIGHTS)})"
)



# The fields of COVERAGE_FIELDS each product has, with the source that supplied each (NULL: not recorded), so that
# coverage counts an index instead of reading every product's JSON. Derived data like the full-text table.
_FIELDS_TABLE = (
    """
    CREATE TABLE product_fields (
        product_pk INTEGER NOT NULL,
        field TEXT NOT NULL,
        site TEXT NOT NULL,
        source TEXT,
        PRIMARY KEY (product_pk, field)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX product_fields_site ON product_fields (site, field, source)",  # coverage counts it alone
)
# Fills the table from the stored products, once, for a file an older SnapMode wrote: a field is present when its
# value is non-empty text or a non-empty list, as ``indexing.present_fields`` decides when a product is stored.
_FIELDS_FILL = """
INSERT INTO product_fields (product_pk, field, site, source)
SELECT p.pk, f.value, p.site, json_extract(p.data, '$.field_sources.' || f.value)
FROM products p JOIN json_each(:fields) f
WHERE CASE json_type(p.data, '$.' || f.value)
    WHEN 'text' THEN json_extract(p.data, '$.' || f.value) != ''
    WHEN 'array' THEN json_array_length(p.data, '$.' || f.value) > 0
    ELSE 0 END
"""
# One statement, one snapshot: (NULL, NULL, the site's products), then (field, source or NULL, products).
_COVERAGE = """
SELECT NULL, NULL, count(*) FROM products WHERE site = :site
UNION ALL
SELECT field, source, count(*) FROM product_fields WHERE site = :site GROUP BY field, source
"""


def fts_match(node: Node) -> str:
    """A parsed text query as an FTS5 expression over every column.

    Every word goes in double quotes and holds letters and digits only, which disarms FTS5's own syntax
    (column filters, NEAR, its operators); FTS5's NOT needs something on its left, which ``AllOf`` has
    everywhere but at the top (see ``_hits_query``).
    """
    if isinstance(node, Term):
        return f'"{" ".join(node.words)}"' + ("*" if node.prefix else "")
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(fts_match(option) for option in node.options) + ")"
    required = "(" + " AND ".join(fts_match(part) for part in node.required) + ")"
    if not node.excluded:
        return required
    return f"({required} NOT {_any(node.excluded)})"


def _any(nodes: tuple[Node, ...]) -> str:
    return fts_match(nodes[0] if len(nodes) == 1 else AnyOf(nodes))


class SqliteProductIndex:
    """The embedded ``ProductIndex``; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = connect(path)
        with self._lock, self._db:
            self._db.executescript("BEGIN IMMEDIATE;" + _SCHEMA)
            self._create_fts()
            self._create_fields()

    def _create_fts(self) -> None:
        """Creates the full-text table, or rebuilds it when an older SnapMode made it another way."""
        row = self._db.execute("SELECT sql FROM sqlite_master WHERE name = 'products_fts'").fetchone()
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if row is not None and row[0] == _FTS_TABLE and version == TEXT_VERSION:
            return
        if row is not None:
            self._db.execute("DROP TABLE products_fts")
        self._db.execute(_FTS_TABLE)
        rows = self._db.execute("SELECT pk, data FROM products")  # streamed: the catalogue may not fit in memory
        self._db.executemany(_FTS_INSERT, (_fts_row(pk, Product.model_validate_json(data)) for pk, data in rows))
        self._db.execute(f"PRAGMA user_version = {TEXT_VERSION}")

    def _create_fields(self) -> None:
        """Creates the per-field table, filled from the stored products when an older SnapMode made the file."""
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'product_fields'").fetchone() is not None:
            return
        for statement in _FIELDS_TABLE:
            self._db.execute(statement)
        self._db.execute(_FIELDS_FILL, {"fields": json.dumps(COVERAGE_FIELDS)})

    def upsert(self, products: list[Product]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for product in products:
                # A replay of an older observation (a redelivered tuple) must not undo a newer one.
                row = self._db.execute(
                    """
                    INSERT INTO products (id, name, brand, site, price, availability, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        name = excluded.name, brand = excluded.brand, site = excluded.site,
                        price = excluded.price, availability = excluded.availability, data = excluded.data
                    WHERE json_extract(excluded.data, '$.fetched_at') >= json_extract(products.data, '$.fetched_at')
                    RETURNING pk
                    """,
                    (
                        product.id,
                        product.name,
                        product.brand,
                        product.site,
                        price_value(product.price),
                        product.availability,
                        product.model_dump_json(),
                    ),
                ).fetchone()
                if row is None:
                    continue
                (pk,) = row
                self._db.execute("DELETE FROM product_categories WHERE product_pk = ?", (pk,))
                self._db.executemany(
                    "INSERT OR IGNORE INTO product_categories (product_pk, path) VALUES (?, ?)",
                    [(pk, path) for category in product.categories for path in category_paths(category)],
                )
                self._db.execute("DELETE FROM product_fields WHERE product_pk = ?", (pk,))
                self._db.executemany(
                    "INSERT INTO product_fields (product_pk, field, site, source) VALUES (?, ?, ?, ?)",
                    [(pk, field, product.site, product.field_sources.get(field)) for field in present_fields(product)],
                )
                self._record_price(product)
                self._db.execute("DELETE FROM products_fts WHERE rowid = ?", (pk,))
                self._db.execute(_FTS_INSERT, _fts_row(pk, product))

    def history(self, product_id: str) -> list[PricePoint]:
        with self._lock:
            rows = self._db.execute(
                "SELECT observed_at, price, regular_price, currency, availability FROM price_history"
                " WHERE product_id = ? ORDER BY observed_at",
                (product_id,),
            ).fetchall()
        return [PricePoint(**dict(zip(_POINT_FIELDS, row, strict=True))) for row in rows]

    def _record_price(self, product: Product) -> None:
        """A new point when price or availability differ from the latest one; replays add nothing."""
        point = PricePoint(observed_at=product.fetched_at, **product.model_dump(include=set(_POINT_FIELDS[1:])))
        latest = self._db.execute(
            "SELECT observed_at, price, regular_price, currency, availability FROM price_history"
            " WHERE product_id = ? ORDER BY observed_at DESC LIMIT 1",
            (product.id,),
        ).fetchone()
        if latest is not None and (latest[0] >= point.observed_at or tuple(latest[1:]) == _values(point)):
            return
        self._db.execute(
            "INSERT INTO price_history (product_id, observed_at, price, regular_price, currency, availability)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (product.id, point.observed_at, *_values(point)),
        )

    def get_many(self, product_ids: list[str]) -> dict[str, Product]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, data FROM products WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(product_ids),),
            ).fetchall()
        return {product_id: Product.model_validate_json(data) for product_id, data in rows}

    def search(self, q: str | None, filters: ProductFilters, offset: int = 0, limit: int = 20) -> ProductPage:
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must be >= 0, got offset={offset} limit={limit}")
        hits_sql, params = _hits_query(parse_query(q), filters)
        with_hits = f"WITH hits (pk, rank) AS ({hits_sql}) "
        with self._lock, self._db:
            self._db.execute("BEGIN")  # one snapshot for the page, the total and the facets
            (total,) = self._db.execute(with_hits + "SELECT count(*) FROM hits", params).fetchone()
            page = self._db.execute(
                with_hits + "SELECT p.data FROM hits JOIN products p ON p.pk = hits.pk "
                "ORDER BY hits.rank, p.name, p.id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
            brands = self._db.execute(
                with_hits + "SELECT p.brand, count(*) AS n FROM hits JOIN products p ON p.pk = hits.pk "
                "WHERE p.brand IS NOT NULL GROUP BY p.brand ORDER BY n DESC, p.brand LIMIT ?",
                [*params, FACET_LIMIT],
            ).fetchall()
            categories = self._db.execute(
                with_hits + "SELECT c.path, count(*) AS n FROM hits "
                "JOIN product_categories c ON c.product_pk = hits.pk GROUP BY c.path ORDER BY n DESC, c.path LIMIT ?",
                [*params, FACET_LIMIT],
            ).fetchall()
            terms = {
                column: self._db.execute(
                    with_hits + f"SELECT p.{column}, count(*) AS n FROM hits JOIN products p ON p.pk = hits.pk "
                    f"WHERE p.{column} IS NOT NULL GROUP BY p.{column} ORDER BY n DESC, p.{column} LIMIT ?",
                    [*params, FACET_LIMIT],
                ).fetchall()
                for column in ("site", "availability")
            }
            buckets = dict(
                self._db.execute(
                    with_hits + f"SELECT {_price_bucket_sql()} AS bucket, count(*) FROM hits "
                    "JOIN products p ON p.pk = hits.pk WHERE p.price IS NOT NULL GROUP BY bucket",
                    params,
                ).fetchall()
            )
        return ProductPage(
            total=total,
            items=[Product.model_validate_json(data) for (data,) in page],
            facets={
                "brand": [FacetCount(value=value, count=n) for value, n in brands],
                "category": [FacetCount(value=value, count=n) for value, n in categories],
                "price": [
                    FacetCount(value=label, count=buckets[label]) for label, _ in PRICE_BUCKETS if label in buckets
                ],
                **{name: [FacetCount(value=value, count=n) for value, n in rows] for name, rows in terms.items()},
            },
        )

    def count(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT count(*) FROM products").fetchone()
        return n

    def coverage(self, site: str) -> Coverage:
        with self._lock:
            rows = self._db.execute(_COVERAGE, {"site": site}).fetchall()
        fields = {field: FieldCoverage(products=0) for field in COVERAGE_FIELDS}
        total = 0
        for field, source, n in rows:
            if field is None:
                total = n
            elif field in fields:
                fields[field].products += n
                if source is not None:
                    fields[field].sources[source] = n
        return Coverage(products=total, fields=fields)

    def close(self) -> None:
        with self._lock:
            self._db.close()


_POINT_FIELDS = ("observed_at", "price", "regular_price", "currency", "availability")


def _values(point: PricePoint) -> tuple[object, ...]:
    return point.price, point.regular_price, point.currency, point.availability


def _fts_row(pk: int, product: Product) -> tuple[object, ...]:
    return pk, *text_fields(product).values()


def _hits_query(text: Node | None, filters: ProductFilters) -> tuple[str, list[object]]:
    """SELECT (pk, rank) of the products matching text and filters; rank orders best first."""
    conditions: list[str] = []
    params: list[object] = []
    if isinstance(text, AllOf) and not text.required:  # exclusions only: every other product, unranked
        sql = "SELECT p.pk, 0.0 FROM products p"
        conditions.append("p.pk NOT IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?)")
        params.append(_any(text.excluded))
    elif text is not None:
        weights = ", ".join(str(weight) for weight in FIELD_WEIGHTS.values())
        sql = (
            f"SELECT p.pk, bm25(products_fts, {weights}) FROM products_fts "
            "JOIN products p ON p.pk = products_fts.rowid"
        )
        conditions.append("products_fts MATCH ?")
        params.append(fts_match(text))
    else:
        sql = "SELECT p.pk, 0.0 FROM products p"
    category = "/".join(category_segments(filters.category or ""))
    if category:  # a blank category is the root: every product is under it
        conditions.append("EXISTS (SELECT 1 FROM product_categories c WHERE c.product_pk = p.pk AND c.path = ?)")
        params.append(category)
    if filters.brand is not None:
        conditions.append("p.brand = ?")
        params.append(filters.brand)
    if filters.site is not None:
        conditions.append("p.site = ?")
        params.append(filters.site)
    if filters.min_price is not None:
        conditions.append("p.price >= ?")
        params.append(filters.min_price)
    if filters.max_price is not None:
        conditions.append("p.price <= ?")
        params.append(filters.max_price)
    if filters.in_stock is not None:
        # Unknown availability counts as not in stock.
        conditions.append("p.availability IS 'InStock'" if filters.in_stock else "p.availability IS NOT 'InStock'")
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return sql, params


def _price_bucket_sql() -> str:
    *bounded, (open_label, _) = PRICE_BUCKETS
    cases = " ".join(f"WHEN p.price < {upper} THEN '{label}'" for label, upper in bounded)
    return f"CASE {cases} ELSE '{open_label}' END"
