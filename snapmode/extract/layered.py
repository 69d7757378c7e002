"""The extractor: structured data first (schema.org, OpenGraph, Twitter cards), then per-site rules, then heuristics.

Earlier layers win field by field and later ones only fill what is still missing; photos
are merged from every layer (structured data first, then page order), since shops often
declare one photo in their metadata and show the rest in a gallery.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from snapmode.domain import ExtractedProduct
from snapmode.extract.heuristics import heuristic_layer
from snapmode.extract.market import market_currency, unwritten_currency
from snapmode.extract.names import settle_name
from snapmode.extract.page import MAX_IMAGES, Page, parse_page
from snapmode.extract.rules import SiteRules
from snapmode.extract.structured import (
    json_ld_layer,
    microdata_layer,
    opengraph_layer,
    rdfa_layer,
    twitter_card_layer,
)

log = logging.getLogger(__name__)

SCALAR_FIELDS = ("name", "price", "regular_price", "currency", "brand", "sku", "availability", "description")
LIST_FIELDS = ("categories", "variants")
# (source, layer) in precedence order; the source names what an extraction preview reports per field.
STRUCTURED_LAYERS: tuple[tuple[str, Callable[[Page], ExtractedProduct]], ...] = (
    ("json-ld", json_ld_layer),
    ("microdata", microdata_layer),
    ("rdfa", rdfa_layer),
    ("opengraph", opengraph_layer),
    ("twitter-card", twitter_card_layer),
)
STRUCTURED_SOURCES = frozenset(source for source, _ in STRUCTURED_LAYERS)


def extract_product(
    html: str | bytes, url: str, rules: SiteRules | None = None, encoding: str | None = None
) -> ExtractedProduct:
    """Everything the page says about its product. Never raises on bad HTML: a layer that
    fails is logged and skipped, and an unparsable page gives an empty result."""
    page = read_page(html, url, encoding)
    if page is None:
        return ExtractedProduct()
    return extract_page_with_sources(page, rules)[0]


def read_page(html: str | bytes, url: str, encoding: str | None = None) -> Page | None:
    """The parsed page, or None for a page lxml cannot take at all (simply not a product page)."""
    try:
        return parse_page(html, url, encoding)
    except Exception:  # hostile markup must not stop a crawl
        log.warning("unparsable page %s skipped", url, exc_info=True)
        return None


def extract_with_sources(
    html: str | bytes, url: str, rules: SiteRules | None = None, encoding: str | None = None
) -> tuple[ExtractedProduct, dict[str, str]]:
    """``extract_product`` plus, for each field found, the layer it came from (json-ld, rules, heuristics...)."""
    page = read_page(html, url, encoding)
    if page is None:
        return ExtractedProduct(), {}
    return extract_page_with_sources(page, rules)


def extract_page_with_sources(page: Page, rules: SiteRules | None = None) -> tuple[ExtractedProduct, dict[str, str]]:
    """``extract_with_sources`` of a page already parsed (the crawler reads the same page again for templates)."""
    found, sources = ExtractedProduct(), {}
    result = ExtractedProduct()
    for source, layer in [*_declared_layers(rules), ("heuristics", None)]:
        result = run_layer(source, layer or partial(heuristic_layer, found_so_far=found), page)
        for name in ExtractedProduct.model_fields:
            if getattr(result, name) and not getattr(found, name):
                sources[name] = source
        found = merge(found, result)
    name = settle_name(found.name, sources.get("name"), result.name, found.brand, page)
    if name != found.name:
        found = found.model_copy(update={"name": name})
        if name == result.name:  # the page's shown title, as the layout reads it
            sources["name"] = "heuristics"
    currency = market_currency(page, found.price, found.currency, sources.get("currency") in STRUCTURED_SOURCES)
    if found.price and not currency:
        currency = unwritten_currency(page)
    if currency != found.currency:
        found, sources["currency"] = found.model_copy(update={"currency": currency}), "heuristics"
    if result.availability and result.availability != found.availability:
        # Structured data left at "sold out" while the offer block says in words that it is in stock, or left at
        # "in stock" while the block offers only an alert for when it is back.
        found, sources["availability"] = found.model_copy(update={"availability": result.availability}), "heuristics"
    product = consistent(found)
    return product, {name: source for name, source in sources.items() if getattr(product, name)}


def _declared_layers(rules: SiteRules | None) -> list[tuple[str, Callable[[Page], ExtractedProduct]]]:
    return [*STRUCTURED_LAYERS, *([("rules", rules.apply)] if rules is not None else [])]


def run_layer(name: str, layer: Callable[[Page], ExtractedProduct], page: Page) -> ExtractedProduct:
    try:
        return layer(page)
    except Exception:  # third-party parsers on hostile markup: keep what the other layers found
        log.warning("extraction layer %s failed on %s", name, page.url or "a page without URL", exc_info=True)
        return ExtractedProduct()


def merge(earlier: ExtractedProduct, later: ExtractedProduct) -> ExtractedProduct:
    fields: dict[str, Any] = {name: getattr(earlier, name) or getattr(later, name) for name in SCALAR_FIELDS}
    fields |= {name: getattr(earlier, name) or getattr(later, name) for name in LIST_FIELDS}
    fields["images"] = list(dict.fromkeys(earlier.images + later.images))[:MAX_IMAGES]
    return ExtractedProduct(**fields)


def consistent(product: ExtractedProduct) -> ExtractedProduct:
    """A struck-through price is only one if it is above what the shopper pays now; a currency is only
    one of a price (an offer declaring its currency but no amount gives neither)."""
    if product.regular_price and (not product.price or Decimal(product.regular_price) <= Decimal(product.price)):
        product = product.model_copy(update={"regular_price": None})
    if product.currency and not product.price:
        product = product.model_copy(update={"currency": None})
    return product


def extract_file(path: Path, url: str | None = None, rules_path: Path | None = None) -> dict[str, Any]:
    """The product in a saved HTML file as a JSON-able dict (prices as decimal strings, null when missing).

    Without ``url``, links resolve against the page's canonical URL (or og:url) when it declares one.
    Raises ValueError for unreadable files or invalid rules.
    """
    rules = SiteRules.from_file(rules_path) if rules_path is not None else None
    try:
        body = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    product = extract_product(body, url or "", rules)
    return json.loads(product.model_dump_json()) | {"is_product": product.is_product}
