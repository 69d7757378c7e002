"""What every product index does the same way, whatever the technology: the searchable text of a product,
weights of the text fields, category paths, price buckets and facet sizes. Both backends must give the same
answers (the text query language is in ``query``)."""

from __future__ import annotations

import math

from snapmode.backends.products.base import COVERAGE_FIELDS
from snapmode.backends.products.query import searchable
from snapmode.domain import Product

FACET_LIMIT = 30
# What ``text_fields`` makes of a product; a change to it (or to ``query.searchable``) takes a new version, and
# both indexes then rebuild their text from the stored products.
TEXT_VERSION = 2
# Text fields and their weights: a hit in the name counts most, then an exact code (SKU) and the brand.
FIELD_WEIGHTS = {"name": 10.0, "brand": 4.0, "description": 1.0, "categories": 2.0, "colours": 3.0, "skus": 5.0}
# (label, exclusive upper bound); each bucket starts where the previous one ends.
PRICE_BUCKETS = (("0-25", 25), ("25-50", 50), ("50-100", 100), ("100+", None))


def text_fields(product: Product) -> dict[str, str]:
    """The searchable text of a product per field of ``FIELD_WEIGHTS`` (``query.searchable``), one value a line.

    Colours and SKUs come from the variants too (a shop often lists its colours and codes only there).
    """
    values = {
        "name": [product.name],
        "brand": [product.brand],
        "description": [product.description],
        "categories": product.categories,
        "colours": [variant.color for variant in product.variants],
        "skus": [product.sku, *(variant.sku for variant in product.variants)],
    }
    return {
        field: searchable("\n".join(dict.fromkeys(value for value in values[field] if value))) for field in FIELD_WEIGHTS
    }


def present_fields(product: Product) -> list[str]:
    """The fields of ``COVERAGE_FIELDS`` the product has a non-empty value for: what coverage counts, in both
    indexes (the SQLite one fills its table for older files with the same rule in SQL)."""
    return [field for field in COVERAGE_FIELDS if getattr(product, field)]


def source_entries(product: Product) -> list[str]:
    """``field=source`` for each field the product has and whose source was recorded."""
    return sorted(
        f"{field}={source}" for field, source in product.field_sources.items() if getattr(product, field, None)
    )


def category_segments(category: str) -> list[str]:
    return [segment.strip() for segment in category.split("/") if segment.strip()]


def category_paths(category: str) -> list[str]:
    """``"Men/Tops/Jackets"`` → ``["Men", "Men/Tops", "Men/Tops/Jackets"]`` (blank segments dropped)."""
    segments = category_segments(category)
    return ["/".join(segments[: depth + 1]) for depth in range(len(segments))]


def price_value(price: str | None) -> float | None:
    """A price as a number to filter and facet on; None when it is not a finite, non-negative number."""
    try:
        value = float(price) if price is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value >= 0 else None
