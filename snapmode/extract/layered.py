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
STRUCTURED_LAYERS: tuple[Callable[[Page], ExtractedProduct], ...] = (
    json_ld_layer,
    microdata_layer,
    rdfa_layer,
    opengraph_layer,
    twitter_card_layer,
)


def extract_product(
    html: str | bytes, url: str, rules: SiteRules | None = None, encoding: str | None = None
) -> ExtractedProduct:
    """Everything the page says about its product. Never raises on bad HTML: a layer that
    fails is logged and skipped, and an unparsable page gives an empty result."""
    try:
        page = parse_page(html, url, encoding)
    except Exception:  # noqa: BLE001 - a page lxml cannot take at all is simply not a product page
        log.warning("unparsable page %s skipped", url, exc_info=True)
        return ExtractedProduct()
    layers = [(layer.__name__, layer) for layer in STRUCTURED_LAYERS]
    if rules is not None:
        layers.append(("site rules", rules.apply))
    found = ExtractedProduct()
    for name, layer in layers:
        found = merge(found, run_layer(name, layer, page))
    found = merge(found, run_layer("heuristics", partial(heuristic_layer, found_so_far=found), page))
    return consistent(found)


def run_layer(name: str, layer: Callable[[Page], ExtractedProduct], page: Page) -> ExtractedProduct:
    try:
        return layer(page)
    except Exception:  # noqa: BLE001 - third-party parsers on hostile markup: keep what the other layers found
        log.warning("extraction layer %s failed on %s", name, page.url or "a page without URL", exc_info=True)
        return ExtractedProduct()


def merge(earlier: ExtractedProduct, later: ExtractedProduct) -> ExtractedProduct:
    fields: dict[str, Any] = {name: getattr(earlier, name) or getattr(later, name) for name in SCALAR_FIELDS}
    fields |= {name: getattr(earlier, name) or getattr(later, name) for name in LIST_FIELDS}
    fields["images"] = list(dict.fromkeys(earlier.images + later.images))[:MAX_IMAGES]
    return ExtractedProduct(**fields)


def consistent(product: ExtractedProduct) -> ExtractedProduct:
    """A struck-through price is only one if it is above what the shopper pays now."""
    if product.regular_price and (not product.price or Decimal(product.regular_price) <= Decimal(product.price)):
        return product.model_copy(update={"regular_price": None})
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
