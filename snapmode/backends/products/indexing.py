"""What every product index does the same way, whatever the technology: words of a text query, weights of
the text fields, category paths, price buckets and facet sizes. Both backends must give the same answers."""

from __future__ import annotations

import math
import re

FACET_LIMIT = 30
MAX_QUERY_TERMS = 32
# Text fields and their weights: a hit in the name counts most.
FIELD_WEIGHTS = {"name": 10.0, "brand": 4.0, "description": 1.0, "categories": 2.0}
# (label, exclusive upper bound); each bucket starts where the previous one ends.
PRICE_BUCKETS = (("0-25", 25), ("25-50", 50), ("50-100", 100), ("100+", None))

_WORD = re.compile(r"[^\W_]+")


def query_words(q: str) -> list[str]:
    """The words of a text query (letters and digits only, so no query syntax gets through)."""
    words = _WORD.findall(q)
    if len(words) > MAX_QUERY_TERMS:
        raise ValueError(f"query has {len(words)} words; at most {MAX_QUERY_TERMS} are supported")
    return words


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
