"""Product index in a Solr core (solr/configsets/products): products and their price points side by side.

Same semantics as ``SqliteProductIndex``. An upsert reads the stored products by realtime get and writes
them back with their ``_version_``: when another process wrote one in between, Solr refuses the batch
(409) and the upsert starts over, so "newer observation wins" holds across processes without a lock.
A crawl upserts every page and searches seldom, so writes go without a commit and every search commits first
(``snapmode.backends.solr_client``): each search still sees every product written before it, by any process.

Product documents carry the ``text_version`` of the text fields they were indexed with; the first search or
upsert of each ``SolrProductIndex`` rewrites those of an older version from their stored JSON (as the SQLite
index rebuilds its full-text table), so an upgraded configset finds colours and SKUs in products indexed before.
Documents without the coverage fields of ``COVERAGE_VERSION`` (indexed before them) are rewritten the same way.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

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
    present_fields,
    price_value,
    source_entries,
    text_fields,
)
from snapmode.backends.products.query import AnyOf, Node, Term, parse_query
from snapmode.backends.solr_client import SolrCore, VersionConflict
from snapmode.config import SolrSettings
from snapmode.domain import PricePoint, Product
from snapmode.errors import BackendUnavailable

# The Solr field of each SQLite full-text column.
_TEXT_FIELDS = {
    "name": "name",
    "brand": "brand_text",
    "description": "description",
    "categories": "categories",
    "colours": "colours",
    "skus": "skus",
}
_POINT_FIELDS = ("price", "regular_price", "currency", "availability")
_UPSERT_ATTEMPTS = 8
_REWRITE_BATCH = 500
_SORT = "score desc, name_sort asc, id asc"
# What the coverage fields (present_fields, field_sources) of a product document hold; older ones are rewritten.
COVERAGE_VERSION = 1


class SolrProductIndex:
    """The cluster ``ProductIndex``; safe to share between threads and processes."""

    def __init__(self, settings: SolrSettings) -> None:
        self._core = SolrCore(settings, settings.products_core)
        self._text_current = False
        self._text_lock = threading.Lock()

    def upsert(self, products: list[Product]) -> None:
        self._update_text_fields()
        self._write(products)

    def _update_text_fields(self) -> None:
        """Rewrites, once per index object, the products indexed with older text fields (see the module's doc)."""
        if self._text_current:
            return
        with self._text_lock:
            if self._text_current:
                return
            stale = self._core.query_all(
                {
                    "query": "type:product",
                    "filter": [f"-(+text_version:{TEXT_VERSION} +coverage_version:{COVERAGE_VERSION})"],
                    "sort": "id asc",
                    "fields": "data",
                },
                fresh=True,
            )
            batch: list[Product] = []
            for doc in stale:
                batch.append(Product.model_validate_json(doc["data"]))
                if len(batch) == _REWRITE_BATCH:
                    self._write(batch)
                    batch = []
            self._write(batch)
            self._text_current = True

    def _write(self, products: list[Product]) -> None:
        if not products:
            return
        for attempt in range(_UPSERT_ATTEMPTS):
            try:
                self._core.update(self._changes(products), commit=False)
                return
            except VersionConflict:
                time.sleep(0.05 * attempt)
        raise BackendUnavailable(f"Solr at {self._core.url}: products kept changing under {_UPSERT_ATTEMPTS} upserts")

    def _changes(self, products: list[Product]) -> list[dict[str, Any]]:
        """Product and point documents to write, each product guarded by the version it was read at."""
        stored = {
            doc["id"]: doc
            for doc in self._core.get(
                sorted({p.id for p in products}), "id,type,fetched_at,point_at,point_values,_version_"
            )
            if doc.get("type") == "product"
        }
        versions = {pid: doc["_version_"] for pid, doc in stored.items()}
        changes: dict[str, dict[str, Any]] = {}  # the last write per product wins, as in a sequential replay
        points: list[dict[str, Any]] = []
        for product in products:
            latest = stored.get(product.id)
            # A replay of an older observation (a redelivered tuple) must not undo a newer one.
            if latest is not None and product.fetched_at < latest["fetched_at"]:
                continue
            point = PricePoint(observed_at=product.fetched_at, **product.model_dump(include=set(_POINT_FIELDS)))
            values = json.dumps([getattr(point, field) for field in _POINT_FIELDS])
            doc = _product_doc(product)
            if latest is None or (latest["point_at"] < point.observed_at and latest["point_values"] != values):
                doc |= {"point_at": point.observed_at, "point_values": values}
                points.append(_point_doc(product.id, point))
            else:
                doc |= {"point_at": latest["point_at"], "point_values": latest["point_values"]}
            stored[product.id] = doc
            changes[product.id] = doc | {"_version_": versions.get(product.id, -1)}  # -1: must not exist yet
        return [*changes.values(), *points]

    def history(self, product_id: str) -> list[PricePoint]:
        docs = self._core.query_all(
            {
                "query": "{!term f=product_id v=$product}",
                "filter": ["type:point"],
                "sort": "observed_at asc, id asc",
                "fields": "data",
                "params": {"product": product_id},
            },
            fresh=True,
        )
        return [PricePoint.model_validate_json(doc["data"]) for doc in docs]

    def get_many(self, product_ids: list[str]) -> dict[str, Product]:
        docs = self._core.get(product_ids, "id,type,data")
        return {doc["id"]: Product.model_validate_json(doc["data"]) for doc in docs if doc["type"] == "product"}

    def search(self, q: str | None, filters: ProductFilters, offset: int = 0, limit: int = 20) -> ProductPage:
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must be >= 0, got offset={offset} limit={limit}")
        text = parse_query(q)
        filter_queries, params = _filters(filters)
        self._update_text_fields()
        answer = self._core.query(
            {
                "query": "*:*" if text is None else _text_query(text),
                "filter": ["type:product", *filter_queries],
                "offset": offset,
                "limit": limit,
                "sort": _SORT,
                "fields": "data",
                "facet": _FACETS,
                "params": params,
            },
            fresh=True,
        )
        facets = answer.get("facets", {})
        return ProductPage(
            total=answer["response"]["numFound"],
            items=[Product.model_validate_json(doc["data"]) for doc in answer["response"]["docs"]],
            facets={
                "brand": _buckets(facets, "brand"),
                "category": _buckets(facets, "category"),
                "price": [
                    FacetCount(value=label, count=facets[f"price {label}"]["count"])
                    for label, _ in PRICE_BUCKETS
                    if facets.get(f"price {label}", {}).get("count")
                ],
                "site": _buckets(facets, "site"),
                "availability": _buckets(facets, "availability"),
            },
        )

    def count(self) -> int:
        return self._core.query({"query": "type:product", "limit": 0}, fresh=True)["response"]["numFound"]

    def coverage(self, site: str) -> Coverage:
        self._update_text_fields()
        answer = self._core.query(
            {
                "query": "type:product",
                "filter": ["{!term f=site v=$site}"],
                "limit": 0,
                "facet": {
                    "present": {"type": "terms", "field": "present_fields", "limit": -1},
                    "sources": {"type": "terms", "field": "field_sources", "limit": -1},
                },
                "params": {"site": site},
            },
            fresh=True,
        )
        facets = answer.get("facets", {})
        fields = {field: FieldCoverage(products=0) for field in COVERAGE_FIELDS}
        for bucket in _buckets(facets, "present"):
            if bucket.value in fields:
                fields[bucket.value].products = bucket.count
        for bucket in _buckets(facets, "sources"):
            field, _, source = bucket.value.partition("=")
            if field in fields:
                fields[field].sources[source] = bucket.count
        return Coverage(products=answer["response"]["numFound"], fields=fields)

    def close(self) -> None:
        self._core.close()


def _product_doc(product: Product) -> dict[str, Any]:
    text = {_TEXT_FIELDS[column]: value for column, value in text_fields(product).items() if value}
    return text | {
        "id": product.id,
        "type": "product",
        "data": product.model_dump_json(),
        "text_version": TEXT_VERSION,
        "brand": product.brand,
        "name_sort": (product.name or "").lower(),
        "category_path": sorted({path for category in product.categories for path in category_paths(category)}),
        "site": product.site,
        "price": price_value(product.price),
        "availability": product.availability,
        "fetched_at": product.fetched_at,
        "present_fields": present_fields(product),
        "field_sources": source_entries(product),
        "coverage_version": COVERAGE_VERSION,
    }


def _point_doc(product_id: str, point: PricePoint) -> dict[str, Any]:
    return {
        "id": f"{product_id}@{point.observed_at!r}",
        "type": "point",
        "product_id": product_id,
        "observed_at": point.observed_at,
        "data": point.model_dump_json(),
    }


def _text_query(node: Node) -> str:
    """A parsed text query in Solr's standard syntax; a word matches any text field, with its SQLite weight.

    Words hold letters and digits only, folded to lower case, and go in quotes unless they are a prefix: user
    text cannot reach the query syntax, and AND/OR/NOT never read as operators. The schema stems a prefix as
    SQLite does. A pure negative group needs ``*:*`` to exclude from: Lucene matches nothing with MUST_NOT alone.
    """
    if isinstance(node, Term):
        phrase = " ".join(node.words)
        return (
            "("
            + " ".join(
                f'{_TEXT_FIELDS[column]}:"{phrase}"^{weight}'
                + (f" {_TEXT_FIELDS[column]}:{phrase}*^{weight}" if node.prefix else "")
                for column, weight in FIELD_WEIGHTS.items()
            )
            + ")"
        )
    if isinstance(node, AnyOf):
        return "(" + " ".join(_text_query(option) for option in node.options) + ")"
    clauses = [f"+{_text_query(part)}" for part in node.required] + [f"-{_text_query(part)}" for part in node.excluded]
    return "(" + " ".join(clauses if node.required else ["*:*", *clauses]) + ")"


def _filters(filters: ProductFilters) -> tuple[list[str], dict[str, Any]]:
    """Filter queries, with user values passed as parameters so they are never parsed as syntax."""
    queries: list[str] = []
    params: dict[str, Any] = {}
    paths = category_paths(filters.category or "")
    if paths:  # a blank category is the root: every product is under it
        queries.append("{!field f=category_path_ci v=$category}")
        params["category"] = paths[-1]
    if filters.brand is not None:
        queries.append("{!field f=brand_ci v=$brand}")
        params["brand"] = filters.brand
    if filters.site is not None:
        queries.append("{!term f=site v=$site}")
        params["site"] = filters.site
    if filters.min_price is not None or filters.max_price is not None:
        low = "*" if filters.min_price is None else repr(filters.min_price)
        high = "*" if filters.max_price is None else repr(filters.max_price)
        queries.append(f"price:[{low} TO {high}]")
    if filters.in_stock is not None:
        # Unknown availability counts as not in stock.
        queries.append("availability:InStock" if filters.in_stock else "-availability:InStock")
    return queries, params


def _price_facets() -> dict[str, dict[str, str]]:
    facets, low = {}, "*"
    for label, upper in PRICE_BUCKETS:
        high = "*]" if upper is None else f"{upper}}}"
        facets[f"price {label}"] = {"type": "query", "q": f"price:[{low} TO {high}"}
        low = str(upper)
    return facets


_FACETS = {
    "brand": {"type": "terms", "field": "brand", "limit": FACET_LIMIT, "sort": "count desc"},
    "category": {"type": "terms", "field": "category_path", "limit": FACET_LIMIT, "sort": "count desc"},
    "site": {"type": "terms", "field": "site", "limit": FACET_LIMIT, "sort": "count desc"},
    "availability": {"type": "terms", "field": "availability", "limit": FACET_LIMIT, "sort": "count desc"},
    **_price_facets(),
}


def _buckets(facets: dict[str, Any], name: str) -> list[FacetCount]:
    return [
        FacetCount(value=bucket["val"], count=bucket["count"]) for bucket in facets.get(name, {}).get("buckets", [])
    ]
