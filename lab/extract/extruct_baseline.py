"""The "extruct alone" baseline the extractor is compared with on real pages.

extruct's own output (JSON-LD, microdata, RDFa, OpenGraph) read with the simplest sensible
mapping, and nothing else: no price-parser, no page heuristics, no reference resolution.

- extruct runs with ``uniform=True`` (microdata and OpenGraph in JSON-LD shape).
- The product is the first top-level item typed Product (JSON-LD, members of a JSON-LD @graph
  included, then microdata, then RDFa); a field it does not give is taken from OpenGraph.
- name, sku: the item's ``name`` / ``sku``; brand: ``brand`` as text, or its ``name``.
- offers: the first offer (``offers`` may be one object or a list); price is its ``price`` (else
  ``lowPrice``) when that is a plain number ("19.99", 19.99), currency its ``priceCurrency``,
  availability the last part of its ``availability`` URL when that is InStock or OutOfStock.
- images: the item's ``image`` values (text, or an ImageObject's ``url``/``contentUrl``), made
  absolute against the page URL.
- OpenGraph: og:title, product:price:amount / og:price:amount, product:price:currency /
  og:price:currency, product:brand, product:retailer_item_id, og:image.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urljoin

import extruct

log = logging.getLogger(__name__)

SYNTAXES = ["json-ld", "microdata", "rdfa", "opengraph"]
PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
STATES = ("InStock", "OutOfStock")


def local(term: object) -> str:
    return re.split(r"[/#:]", str(term))[-1]


def first(value: Any) -> Any:
    while isinstance(value, list):
        value = value[0] if value else None
    return value


def rdfa_as_items(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expanded RDFa nodes with properties under local names; a referenced node (an offer, a brand) is
    inlined one level deep."""
    by_id = {node.get("@id"): node for node in nodes}
    return [rdfa_item(node, by_id, inline=True) for node in nodes]


def rdfa_item(node: dict[str, Any], by_id: dict[Any, dict[str, Any]], inline: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": [local(term) for term in node.get("@type", [])]}
    for key, values in node.items():
        if not key.startswith("@") and isinstance(values, list):
            item[local(key)] = [rdfa_value(value, by_id, inline) for value in values if isinstance(value, dict)]
    return item


def rdfa_value(value: dict[str, Any], by_id: dict[Any, dict[str, Any]], inline: bool) -> Any:
    if "@value" in value:
        return value["@value"]
    if inline and value.get("@id") in by_id:
        return rdfa_item(by_id[value["@id"]], by_id, inline=False)
    return value.get("@id")


def is_product(item: dict[str, Any]) -> bool:
    types = item.get("@type", [])
    return "Product" in [local(term) for term in (types if isinstance(types, list) else [types])]


def plain_price(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value).strip() if value is not None else ""
    return text if PLAIN_NUMBER.fullmatch(text) else None


def text(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, dict):
        value = first(value.get("name"))
    if value is None or isinstance(value, dict):
        return None
    return str(value).strip() or None


def image_list(value: Any) -> list[str]:
    urls = []
    for image in value if isinstance(value, list) else [value]:
        if isinstance(image, dict):
            image = first(image.get("url") or image.get("contentUrl"))
        if isinstance(image, str) and image.strip():
            urls.append(image.strip())
    return urls


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    offer = first(item.get("offers"))
    offer = offer if isinstance(offer, dict) else {}
    state = local(first(offer.get("availability")) or "")
    return {
        "name": text(item.get("name")),
        "brand": text(item.get("brand")),
        "sku": text(item.get("sku")),
        "price": plain_price(offer.get("price")) or plain_price(offer.get("lowPrice")),
        "currency": text(offer.get("priceCurrency")),
        "availability": state if state in STATES else None,
        "images": image_list(item.get("image")),
    }


def from_opengraph(tags: dict[str, Any]) -> dict[str, Any]:
    def tag(*names: str) -> str | None:
        return next((text(tags[name]) for name in names if text(tags.get(name))), None)

    return {
        "name": tag("og:title"),
        "brand": tag("product:brand"),
        "sku": tag("product:retailer_item_id"),
        "price": plain_price(tag("product:price:amount", "og:price:amount")),
        "currency": tag("product:price:currency", "og:price:currency"),
        "availability": None,
        "images": image_list(tags.get("og:image")),
    }


def top_level(items: list[Any]) -> list[dict[str, Any]]:
    """The items of one syntax, with a JSON-LD @graph's members counted as top-level items."""
    flat = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item)
            flat.extend(node for node in item.get("@graph", []) if isinstance(node, dict))
    return flat


def extruct_alone(html: str | bytes, url: str) -> dict[str, Any]:
    """The fields extruct's output gives with the mapping above; an empty dict when extruct fails."""
    try:
        data = extruct.extract(html, base_url=url or None, syntaxes=SYNTAXES, uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - a baseline that cannot read a page simply finds nothing there
        log.warning("extruct failed on %s", url, exc_info=True)
        return {}
    syntaxes = (top_level(data.get("json-ld", [])), data.get("microdata", []), rdfa_as_items(data.get("rdfa", [])))
    products = [item for items in syntaxes for item in items if isinstance(item, dict) and is_product(item)]
    opengraph = next((item for item in data.get("opengraph", []) if isinstance(item, dict)), {})
    found: dict[str, Any] = {}
    for fields in [from_item(item) for item in products[:1]] + [from_opengraph(opengraph)]:
        for key, value in fields.items():
            if not found.get(key) and value:
                found[key] = value
    if found.get("images"):  # relative links resolved against the page, as any consumer would
        found["images"] = [urljoin(url, link) for link in found["images"]]
    return found
