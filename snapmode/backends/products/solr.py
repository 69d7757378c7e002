"""Product index in a Solr core (solr/configsets/products): products and their price points side by side.

Same semantics as ``SqliteProductIndex``. An upsert reads the stored products by realtime get and writes
them back with their ``_version_``: when another process wrote one in between, Solr refuses the batch
(409) and the upsert starts over, so "newer observation wins" holds across processes without a lock.
"""

from __future__ import annotations

import json
import time
from typing import Any

from snapmode.backends.products.base import FacetCount, ProductFilters, ProductPage
from snapmode.backends.products.indexing import (
    FACET_LIMIT,
    FIELD_WEIGHTS,
    PRICE_BUCKETS,
    category_paths,
    price_value,
    query_words,
)
from snapmode.backends.solr_client import SolrCore, VersionConflict
from snapmode.config import SolrSettings
from snapmode.domain import PricePoint, Product
from snapmode.errors import BackendUnavailable

# Ranked (stemmed) field and its unstemmed twin for prefixes, per SQLite full-text column.
_TEXT_FIELDS = {
    "name": ("name", "name_words"),
    "brand": ("brand_text", "brand_words"),
    "description": ("description", "description_words"),
    "categories": ("categories", "categories_words"),
}
_POINT_FIELDS = ("price", "regular_price", "currency", "availability")
# Solr's standard tokenizer cuts tokens at 255 characters, so a longer prefix cannot match anything more.
_MAX_PREFIX = 255
_UPSERT_ATTEMPTS = 8
_SORT = "score desc, name_sort asc, id asc"


class SolrProductIndex:
    """The cluster ``ProductIndex``; safe to share between threads and processes."""

    def __init__(self, settings: SolrSettings) -> None:
        self._core = SolrCore(settings, settings.products_core)

    def upsert(self, products: list[Product]) -> None:
        if not products:
            return
        for attempt in range(_UPSERT_ATTEMPTS):
            try:
                self._core.update(self._changes(products))
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
            }
        )
        return [PricePoint.model_validate_json(doc["data"]) for doc in docs]

    def get_many(self, product_ids: list[str]) -> dict[str, Product]:
        docs = self._core.get(product_ids, "id,type,data")
        return {doc["id"]: Product.model_validate_json(doc["data"]) for doc in docs if doc["type"] == "product"}

    def search(self, q: str | None, filters: ProductFilters, offset: int = 0, limit: int = 20) -> ProductPage:
        if offset < 0 or limit < 0:
            raise ValueError(f"offset and limit must be >= 0, got offset={offset} limit={limit}")
        filter_queries, params = _filters(filters)
        answer = self._core.query(
            {
                "query": _text_query(q or ""),
                "filter": ["type:product", *filter_queries],
                "offset": offset,
                "limit": limit,
                "sort": _SORT,
                "fields": "data",
                "facet": _FACETS,
                "params": params,
            }
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
        return self._core.query({"query": "type:product", "limit": 0})["response"]["numFound"]

    def close(self) -> None:
        self._core.close()


def _product_doc(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "type": "product",
        "data": product.model_dump_json(),
        "name": product.name,
        "brand": product.brand,
        "description": product.description,
        "categories": product.categories,
        "name_sort": (product.name or "").lower(),
        "category_path": sorted({path for category in product.categories for path in category_paths(category)}),
        "site": product.site,
        "price": price_value(product.price),
        "availability": product.availability,
        "fetched_at": product.fetched_at,
    }


def _point_doc(product_id: str, point: PricePoint) -> dict[str, Any]:
    return {
        "id": f"{product_id}@{point.observed_at!r}",
        "type": "point",
        "product_id": product_id,
        "observed_at": point.observed_at,
        "data": point.model_dump_json(),
    }


def _text_query(q: str) -> str:
    """Every word must match a ranked field or prefix an unstemmed one; the SQLite column weights apply.

    Words hold letters and digits only, and lower case keeps AND/OR/NOT from reading as operators, so
    user text cannot reach the query syntax.
    """
    words = [word.lower() for word in query_words(q)]
    if not words:
        return "*:*"
    return " ".join(
        "+("
        + " ".join(
            f"{stemmed}:{word}^{weight} {prefix}:{word[:_MAX_PREFIX]}*^{weight}"
            for column, weight in FIELD_WEIGHTS.items()
            for stemmed, prefix in [_TEXT_FIELDS[column]]
        )
        + ")"
        for word in words
    )


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
