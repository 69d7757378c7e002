"""Structured-data layers: schema.org Product in JSON-LD, microdata and RDFa; OpenGraph and Twitter product tags.

JSON-LD is parsed here (Decimal prices, one broken script does not hide the others);
microdata, RDFa and OpenGraph come from extruct. Microdata and RDFa are first brought
into the JSON-LD shape so one reader understands all three.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from os.path import commonprefix
from typing import Any
from urllib.parse import urlsplit

from extruct.jsonld import JsonLdExtractor
from extruct.opengraph import OpenGraphExtractor
from extruct.rdfa import RDFaExtractor
from extruct.uniform import _umicrodata_microformat, _uopengraph
from extruct.utils import parse_xmldom_html
from extruct.w3cmicrodata import MicrodataExtractor
from lxml import etree
from w3lib.url import canonicalize_url

from snapmode.domain import Availability, ExtractedProduct, Variant
from snapmode.extract.normalize import (
    clean_text,
    image_url,
    normalize_availability,
    normalize_brand,
    normalize_currency,
    parse_price,
)
from snapmode.extract.page import Page
from snapmode.extract.specs import labelled_identifier

log = logging.getLogger(__name__)

Node = dict[str, Any]

PRODUCT_TYPES = frozenset({"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts"})
# What stands in for a missing SKU, in order of preference.
ID_SCHEME = re.compile(r"^[a-z]+[0-9]*:\s*", re.IGNORECASE)  # productID "isbn:9780316769488"
# The kind of identifier some shops write before a SKU's value ("sku:1299751", "mpn:A 668178"); only known
# kinds are cut, as a SKU may itself hold a colon.
SKU_SCHEME = re.compile(r"^(?:sku|mpn|isbn|ean|upc|gtin[0-9]*)\s*:\s*", re.IGNORECASE)
# The label a shop prints before its number, kept in a microdata SKU read from the page's text ("Item # 101095"):
# a word, then "#", ":" or "No."; a bare word is not cut, as a SKU may start with one ("MODEL123").
SKU_PRINTED_LABEL = re.compile(
    r"^(?:sku|item|art(?:ikel|icle)?|style|model|product|ref(?:erence)?)\s*(?:#|:|no\.|nr\.|number\b)\s*[:#]?\s*",
    re.IGNORECASE,
)
# "identifier" last: schema.org's generic one, and data-vocabulary.org's only one for a product ("mpn:04044499",
# "upc:..."), where shops put the item number they print.
IDENTIFIER_PROPERTIES = ("productID", "gtin13", "gtin", "gtin14", "gtin12", "gtin8", "productGroupID", "identifier")
ONE_TOKEN_WITH_DIGIT = re.compile(r"(?=[^\s]*\d)[A-Za-z0-9][A-Za-z0-9./_-]{2,40}")
REGULAR_PRICE_TYPES = frozenset({"StrikethroughPrice", "ListPrice", "SRP", "MSRP"})
SCHEMA_CONTEXT = "http://schema.org"
# Pages listing this many products, none of them the page itself, are listings, not a product page.
LISTING_MIN_PRODUCTS = 3
# What ends a shared SKU start that stops inside a part: "469506351-800-" → "469506351-800", "AB-12" of "AB-123",
# "AB-124" → "AB".
STEM_END = re.compile(r"[-_/.]?[^-_/.]*$")
MIN_SKU_STEM = 5
OFFER_PRICES = frozenset({"price", "lowPrice", "highPrice", "priceSpecification"})
MAX_CANDIDATE_DEPTH = 6  # top-level list > @graph > WebPage > mainEntity is as deep as real pages go
MAX_DEPTH = 32  # JSON-LD nesting followed; deeper data is not a product description
MISSING_COMMA = re.compile(r'("|\d|true|false|null|[}\]])([ \t]*\r?\n\s*")')
MAX_REPAIRED_JSON = 1_000_000  # characters of a broken script read again (bounds the repair's regex work)
MAX_VALUES = 1000  # values read per property (a list of thousands of images or offers is not one product's)
HOME_NAMES = frozenset({"home", "homepage", "home page", "start"})
OG_PRODUCT_TYPES = frozenset({"product", "product.item", "og:product", "product.group"})
OPENGRAPH_IN_BODY = etree.XPath("/html/body//meta[@property and @content]")


def local_name(term: object) -> str:
    """'Product' from 'Product', 'schema:Product' or 'https://schema.org/Product'."""
    return re.split(r"[/#:]", str(term))[-1]


class Graph:
    """The nodes of one structured-data document, with references ({"@id": ...}) resolved."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.by_id: dict[str, Node] = {}
        for node in walk(items):
            node_id = node.get("@id")
            if isinstance(node_id, str) and set(node) - {"@id", "@type", "@context"}:
                self.by_id.setdefault(node_id, node)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            return self.by_id.get(str(value.get("@id")), value)
        return value

    def values(self, node: Node, name: str) -> list[Any]:
        """Every value of a property, lists flattened and references resolved."""
        raw = node.get(name)
        if raw is None:
            # Prefixed ("schema:price") or miscased ("pricecurrency") names: pages write both, and no two schema.org
            # properties differ by case alone.
            wanted = name.casefold()
            raw = next((value for key, value in node.items() if local_name(key).casefold() == wanted), None)
        return [self.resolve(value) for value in islice(flatten(raw), MAX_VALUES)]

    def nodes(self, node: Node, name: str) -> list[Node]:
        return [value for value in self.values(node, name) if isinstance(value, dict)]

    def text(self, node: Node, name: str) -> str | None:
        for value in self.values(node, name):
            text = clean_text(plain_value(value))
            if text:
                return text
        return None


def flatten(value: Any, depth: int = 0) -> Iterator[Any]:
    if isinstance(value, list):
        if depth < MAX_DEPTH:
            for item in value:
                yield from flatten(item, depth + 1)
    elif value is not None:
        yield value


def walk(value: Any, depth: int = 0) -> Iterator[Node]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from walk(child, depth + 1)


def plain_value(value: Any) -> Any:
    """The scalar behind a JSON-LD value object ({"@value": ...}) or a named thing ({"name": ...})."""
    if isinstance(value, dict):
        for key in ("@value", "name", "value"):
            if key in value:
                return plain_value(value[key][0] if isinstance(value[key], list) and value[key] else value[key])
        return None
    return value


def types_of(node: Node) -> set[str]:
    declared = node.get("@type", [])
    return {local_name(term) for term in (declared if isinstance(declared, list) else [declared])}


# --- the three syntaxes, as lists of JSON-LD-shaped nodes ---


def json_ld_items(page: Page) -> list[Any]:
    items: list[Any] = []
    for script in page.selector.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        text = script.xpath("string()").get() or ""
        try:
            data = json.loads(text, strict=False, parse_float=Decimal)
        except (ValueError, RecursionError):
            data = _with_missing_commas(text)
            if data is None:
                data = _lenient_json_ld(script.root)
        items.extend(data if isinstance(data, list) else [data])
    return items


def _with_missing_commas(text: str) -> Any:
    """The script read again with a comma put where a line ends a value and the next starts a property:
    shops that fill JSON-LD templates by hand drop the comma when an optional property is left out."""
    if len(text) > MAX_REPAIRED_JSON:
        return None
    try:
        return json.loads(MISSING_COMMA.sub(r"\1,\2", text), strict=False, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None


def _lenient_json_ld(script: Any) -> list[Any]:
    # extruct's reader forgives comments, CDATA wrappers and trailing commas; anything worse is skipped.
    try:
        return JsonLdExtractor().extract_items(script)
    except Exception as error:  # noqa: BLE001 - a hand-broken script must not hide the rest of the page
        log.debug("unreadable JSON-LD script skipped: %s", error)
        return []


def microdata_items(page: Page) -> list[Any]:
    if not page.selector.xpath("//*[@itemscope][1]"):
        return []
    items = MicrodataExtractor().extract_items(page.selector.root, page.base_url or None)
    return _umicrodata_microformat(items, SCHEMA_CONTEXT)


def rdfa_items(page: Page) -> list[Any]:
    """schema.org RDFa nodes, compacted to JSON-LD shape. Only run where RDFa types exist: pyRdfa is slow."""
    if not page.selector.xpath("//*[@typeof][1]"):
        return []
    tree = parse_xmldom_html(page.text.encode("utf-8"), encoding="utf-8")
    expanded = RDFaExtractor().extract_items(tree, base_url=page.base_url or None)
    return compact_rdfa(expanded)


def compact_rdfa(expanded: list[Node]) -> list[Node]:
    by_id = {node["@id"]: node for node in expanded if "@id" in node}
    referenced = {
        value["@id"]
        for node in expanded
        for values in node.values()
        if isinstance(values, list)
        for value in values
        if isinstance(value, dict) and "@id" in value
    }

    def compact(node: Node, seen: frozenset[str]) -> Node:
        out: Node = {"@type": [local_name(term) for term in node.get("@type", [])]}
        if not str(node.get("@id", "_:")).startswith("_:"):
            out["@id"] = node["@id"]
        for key, values in node.items():
            if key.startswith("@") or not isinstance(values, list) or "schema.org" not in key:
                continue
            converted = []
            for value in values:
                if "@value" in value:
                    converted.append(value["@value"])
                elif value.get("@id") in by_id and value["@id"] not in seen:
                    converted.append(compact(by_id[value["@id"]], seen | {value["@id"]}))
                elif "@id" in value:
                    converted.append(value["@id"])
            out[local_name(key)] = converted[0] if len(converted) == 1 else converted
        return out

    return [compact(node, frozenset({node.get("@id", "")})) for node in expanded if node.get("@id") not in referenced]


# --- reading a schema.org Product ---


def product_from_items(items: list[Any], page: Page) -> ExtractedProduct:
    if not items:
        return ExtractedProduct()
    graph = Graph(items)
    product = main_product(product_candidates(graph), graph, page)
    if product is None:
        return ExtractedProduct()
    found = read_product(product, graph, page)
    for part in same_product_parts(product, graph):
        found = fill_missing(found, read_product(part, graph, page))
    if not found.categories:
        found.categories = breadcrumb_categories(graph, page, found.name)
    return found


def product_candidates(graph: Graph) -> list[Node]:
    """Products the document is about: top-level, in @graph, a page's mainEntity or the object of an action
    the page offers ({"@type": "BuyAction", "object": {"@type": "Product", ...}}); not those in lists."""
    candidates: list[Node] = []

    def visit(value: Any, depth: int) -> None:
        if depth > MAX_CANDIDATE_DEPTH:
            return
        if isinstance(value, list):
            for item in value:
                visit(item, depth + 1)
            return
        value = graph.resolve(value)
        if not isinstance(value, dict):
            return
        if types_of(value) & PRODUCT_TYPES:
            if not any(candidate is value for candidate in candidates):
                candidates.append(value)
            return
        visit(value.get("@graph"), depth + 1)
        for entity in graph.values(value, "mainEntity"):
            visit(entity, depth + 1)
            # Marketplaces declare the page's main entity as a listing whose offer names the product it sells
            # (mainEntity > offers > itemOffered); related products are never declared that way.
            if isinstance(entity, dict) and not types_of(entity) & PRODUCT_TYPES:
                for offer in graph.nodes(entity, "offers"):
                    visit(graph.values(offer, "itemOffered"), depth + 1)
        if any(kind.endswith("Action") for kind in types_of(value)):
            for entity in graph.values(value, "object"):
                visit(entity, depth + 1)

    visit(graph.items, 0)
    return candidates


def main_product(candidates: list[Node], graph: Graph, page: Page) -> Node | None:
    if not candidates:
        return None
    page_urls = {same_page_key(url) for url in (page.url, canonical_link(page)) if url}
    for candidate in candidates:
        declared = [page.link(graph.text(candidate, "url")), page.link(candidate.get("@id"))]
        if any(url and same_page_key(url) in page_urls for url in declared):
            return candidate
    if (variants := variants_as_one(candidates, graph)) is not None:
        return variants
    return candidates[0] if len(candidates) < LISTING_MIN_PRODUCTS else None


def variants_as_one(candidates: list[Node], graph: Graph) -> Node | None:
    """Several top-level Products of one name are the sizes or colours of one product (a shop declaring each size
    as a Product, not a listing): one node with the first one's fields, all their offers (their price only where
    they agree), and the part of their SKUs they share ("469506351" of "469506351-800-32", "469506351-406-34"), or
    no SKU where they share none."""
    names = {graph.text(candidate, "name") for candidate in candidates}
    if len(candidates) < 2 or len(names) != 1 or None in names:
        return None
    offers = [offer for candidate in candidates for offer in graph.nodes(candidate, "offers")]
    if len({read_offer(offer, graph).price for offer in offers}) > 1:
        # Which colour or size the page shows, its structured data does not say: the price it shows decides.
        offers = [{key: value for key, value in offer.items() if key not in OFFER_PRICES} for offer in offers]
    return {**candidates[0], "offers": offers, "sku": shared_stem([sku_of(c, graph) for c in candidates])}


def shared_stem(skus: list[str | None]) -> str | None:
    """The one SKU the Products declare (a product declared twice), else their common start, cut after its last
    whole part (before a "-", "_", "/" or "." that all go on with), when it is an identifier of its own (five
    characters or more, with a digit)."""
    declared = [sku for sku in skus if sku]
    if len(set(declared)) <= 1:
        return declared[0] if declared else None
    stem = STEM_END.sub("", commonprefix(declared))
    return stem if len(stem) >= MIN_SKU_STEM and any(char.isdigit() for char in stem) else None


def same_product_parts(product: Node, graph: Graph) -> list[Node]:
    """Products in the product's own ``@graph`` with its name (or none): the same product described in
    two nodes, one with the name and brand, the other with the SKU and offers."""
    name = graph.text(product, "name")
    return [
        node
        for node in graph.nodes(product, "@graph")
        if types_of(node) & PRODUCT_TYPES and graph.text(node, "name") in (None, name)
    ]


def fill_missing(found: ExtractedProduct, other: ExtractedProduct) -> ExtractedProduct:
    return found.model_copy(
        update={name: getattr(other, name) for name in ExtractedProduct.model_fields if not getattr(found, name)}
    )


def same_page_key(url: str | None) -> str:
    """Host and path: links to a product page differ in tracking and variant parameters, not in these."""
    parts = urlsplit(canonicalize_url(url)) if url else None
    return f"{parts.netloc}{parts.path.rstrip('/')}" if parts else ""


def canonical_link(page: Page) -> str | None:
    return page.link(page.selector.xpath("//link[@rel='canonical']/@href").get())


def read_product(node: Node, graph: Graph, page: Page) -> ExtractedProduct:
    variants = [variant for variant in graph.nodes(node, "hasVariant") if types_of(variant) & PRODUCT_TYPES]
    offers = offer_nodes(node, graph) or [offer for variant in variants for offer in offer_nodes(variant, graph)]
    price = read_offers(offers, graph)
    images = [url for item in [node, *variants] for url in image_urls(graph.values(item, "image"), graph, page)]
    return ExtractedProduct(
        name=name_of(node, graph),
        price=price.price,
        regular_price=price.regular_price,
        currency=price.currency,
        brand=brand_name(graph.values(node, "brand"), graph),
        sku=sku_of(node, graph) or price.sku or fallback_sku(node, offers, graph),
        availability=price.availability or availability_of(node, graph),
        description=graph.text(node, "description"),
        categories=unique(filter(None, (clean_text(plain_value(v)) for v in graph.values(node, "category")))),
        images=unique(images),
        variants=[
            Variant(sku=sku_of(v, graph), color=graph.text(v, "color"), size=graph.text(v, "size")) for v in variants
        ],
    )


def offer_nodes(node: Node, graph: Graph) -> list[Node]:
    offers = []
    # "offerDetails": data-vocabulary.org's name for a product's offer.
    for offer in graph.nodes(node, "offers") or graph.nodes(node, "offerDetails"):
        offers.append(offer)
        if "AggregateOffer" in types_of(offer):
            offers.extend(graph.nodes(offer, "offers"))
    return offers


@dataclass
class OfferPrice:
    price: str | None = None
    regular_price: str | None = None
    currency: str | None = None
    availability: Availability | None = None
    sku: str | None = None


def read_offer(offer: Node, graph: Graph) -> OfferPrice:
    price, price_currency = first_price(graph.values(offer, "price") + graph.values(offer, "lowPrice"))
    regular = None
    # "currency": data-vocabulary.org's name for it, still on pages of its era.
    currency = normalize_currency(graph.text(offer, "priceCurrency") or graph.text(offer, "currency"))
    for spec in graph.nodes(offer, "priceSpecification"):
        amount, spec_currency = first_price(graph.values(spec, "price"))
        if local_name(graph.text(spec, "priceType") or "") in REGULAR_PRICE_TYPES:
            regular = regular or amount
        elif price is None:
            price = amount
        currency = currency or normalize_currency(graph.text(spec, "priceCurrency")) or spec_currency
    return OfferPrice(
        price=price,
        regular_price=regular,
        currency=currency or price_currency,
        availability=availability_of(offer, graph),
        sku=sku_of(offer, graph),
    )


def availability_of(node: Node, graph: Graph) -> Availability | None:
    """A node's availability, written as a schema.org URL, a short name, text or a reference ({"@id": URL})."""
    for value in graph.values(node, "availability"):
        state = normalize_availability(value.get("@id") or plain_value(value) if isinstance(value, dict) else value)
        if state:
            return state
    return None


def sku_of(node: Node, graph: Graph) -> str | None:
    """A node's SKU without the kind of identifier or the label written before it ("sku:1299751" is 1299751,
    "Item # 101095" is 101095, "(Cód. Item 462100)" is 462100)."""
    sku = SKU_PRINTED_LABEL.sub("", SKU_SCHEME.sub("", graph.text(node, "sku") or ""))
    return labelled_identifier(sku) or sku or None


def name_of(node: Node, graph: Graph) -> str | None:
    """A node's name, without a labelled SKU printed inside the element that holds it: microdata reads the name
    as all of its element's text, and some shops set "Item # 101095" in the title's heading."""
    name, printed_sku = graph.text(node, "name"), graph.text(node, "sku")
    if name and printed_sku and printed_sku != sku_of(node, graph) and name.endswith(f" {printed_sku}"):
        return name.removesuffix(printed_sku).rstrip(" -|,")
    return name


def fallback_sku(node: Node, offers: list[Node], graph: Graph) -> str | None:
    """An identifier standing in for a missing SKU: another offer's SKU, the productID, a GTIN, the product
    group's ID, a generic identifier that is one token with a digit (not a URL). A manufacturer part number (mpn)
    is not taken: it names the maker's part, not the shop's item."""
    for offer in offers:
        sku = sku_of(offer, graph)
        if sku:
            return sku
    for item in (node, *offers):
        for name in IDENTIFIER_PROPERTIES:
            value = ID_SCHEME.sub("", graph.text(item, name) or "")
            value = labelled_identifier(value) or value
            if value and (name != "identifier" or ONE_TOKEN_WITH_DIGIT.fullmatch(value)):
                return value
    return None


def first_price(values: list[Any]) -> tuple[str | None, str | None]:
    for value in values:
        amount, currency = parse_price(plain_value(value), machine=True)
        if amount is not None:
            return amount, currency
    return None, None


def read_offers(offers: list[Node], graph: Graph) -> OfferPrice:
    """One price for the page: the cheapest offer a shopper can buy now (in the first offer's currency)."""
    parsed = [read_offer(offer, graph) for offer in offers]
    states = {offer.availability for offer in parsed}
    availability: Availability | None = (
        "InStock" if "InStock" in states else "OutOfStock" if "OutOfStock" in states else None
    )
    priced = [offer for offer in parsed if offer.price is not None]
    if not priced:
        return OfferPrice(availability=availability, currency=next((o.currency for o in parsed if o.currency), None))
    buyable = [offer for offer in priced if offer.availability != "OutOfStock"] or priced
    currency = buyable[0].currency
    chosen = min((offer for offer in buyable if offer.currency == currency), key=lambda offer: Decimal(offer.price))
    chosen.availability = availability
    return chosen


def image_urls(values: list[Any], graph: Graph, page: Page) -> list[str]:
    urls = []
    for value in values:
        if isinstance(value, dict):  # ImageObject
            links = graph.values(value, "contentUrl") + graph.values(value, "url") + [value.get("@id")]
            value = next((link for link in links if isinstance(link, str)), None)
        url = image_url(value, page.base_url)
        # An <img itemprop=image> without src resolves to the page itself: no photo.
        if url and url not in (page.url, page.base_url):
            urls.append(url)
    return urls


def brand_name(values: list[Any], graph: Graph) -> str | None:
    for value in values:
        name = normalize_brand(graph.text(value, "name") if isinstance(value, dict) else value)
        if name:
            return name
    return None


def breadcrumb_categories(graph: Graph, page: Page, product_name: str | None) -> list[str]:
    """The category trail of a schema.org BreadcrumbList, as one "Men/Tops/Jackets" path."""
    for node in walk(graph.items):
        if "BreadcrumbList" not in types_of(node):
            continue
        crumbs = []
        for element in graph.nodes(node, "itemListElement"):
            item = next(iter(graph.values(element, "item")), None)
            name = graph.text(element, "name")
            if isinstance(item, dict):
                name = name or graph.text(item, "name")
                item = item.get("@id") or graph.text(item, "url")
            position = plain_value(next(iter(graph.values(element, "position")), None))
            crumbs.append((_position(position), name, page.link(item)))
        crumbs.sort(key=lambda crumb: crumb[0])
        return category_path([(name, link) for _, name, link in crumbs], page, product_name)
    return []


def _position(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def category_path(crumbs: list[tuple[str | None, str | None]], page: Page, product_name: str | None) -> list[str]:
    """Breadcrumb (name, url) pairs → one category path, without the home page and the product itself."""
    names = []
    for name, link in crumbs:
        is_home = (name or "").lower() in HOME_NAMES or (link is not None and urlsplit(link).path in ("", "/"))
        is_product = name == product_name or (link is not None and same_page_key(link) == same_page_key(page.url))
        if name and not is_home and not is_product:
            names.append(name)
    return ["/".join(names)] if names else []


def unique(values: Any) -> list[Any]:
    return list(dict.fromkeys(values))


# --- the layers ---


def json_ld_layer(page: Page) -> ExtractedProduct:
    return product_from_items(json_ld_items(page), page)


def microdata_layer(page: Page) -> ExtractedProduct:
    return product_from_items(microdata_items(page), page)


def rdfa_layer(page: Page) -> ExtractedProduct:
    return product_from_items(rdfa_items(page), page)


def opengraph_layer(page: Page) -> ExtractedProduct:
    """OpenGraph product tags; pages that do not declare a product give nothing (every page has og:title)."""
    tags: dict[str, list[str]] = {}
    items = [*OpenGraphExtractor().extract_items(page.selector.root), opengraph_outside_head(page)]
    for item in _uopengraph(items, with_og_array=True):
        for key, value in item.items():
            if not key.startswith("@") or key == "@type":
                tags.setdefault(key, []).extend(value if isinstance(value, list) else [value])

    def tag(*names: str) -> str | None:
        return next((clean_text(v) for name in names for v in tags.get(name, []) if clean_text(v)), None)

    og_type = (tag("@type") or "").lower()
    amount, amount_currency = parse_price(tag("product:price:amount", "og:price:amount"), machine=True)
    if og_type not in OG_PRODUCT_TYPES and amount is None:
        return ExtractedProduct()
    sale, _ = parse_price(tag("product:sale_price:amount"), machine=True)
    images = [
        image_url(value, page.base_url)
        for name in ("og:image", "og:image:secure_url", "og:image:url")
        for value in tags.get(name, [])
    ]
    return ExtractedProduct(
        name=tag("og:title"),
        price=sale or amount,
        regular_price=amount if sale else None,
        currency=normalize_currency(tag("product:price:currency", "og:price:currency")) or amount_currency,
        brand=normalize_brand(tag("product:brand", "og:brand")),
        sku=tag("product:retailer_item_id"),
        availability=normalize_availability(tag("product:availability", "og:availability")),
        description=tag("og:description"),
        images=unique(url for url in images if url),
    )


def opengraph_outside_head(page: Page) -> dict[str, Any]:
    """OpenGraph tags written in <body> (extruct reads <head> only): a template that prints its tags after some
    body markup, or a parser that closed <head> early at a stray element, leaves them there."""
    properties = [
        (meta.get("property"), meta.get("content"))
        for meta in OPENGRAPH_IN_BODY(page.selector.root)[:MAX_VALUES]
        if meta.get("property", "").partition(":")[0] in ("og", "product")
    ]
    return {"namespace": {}, "properties": properties}


def twitter_card_layer(page: Page) -> ExtractedProduct:
    """Twitter product cards: "twitter:labelN" names what "twitter:dataN" holds (PRICE, AVAILABILITY, BRAND).
    Pages whose cards declare no price give nothing, as every page has a twitter:title."""
    tags: dict[str, list[str]] = {}
    for meta in page.selector.xpath("//meta[starts-with(@name, 'twitter:') or starts-with(@property, 'twitter:')]"):
        key = (meta.attrib.get("name") or meta.attrib.get("property") or "").lower()
        value = clean_text(meta.attrib.get("content"))
        if value:
            tags.setdefault(key, []).append(value)
    labelled: dict[str, str] = {}
    for key, labels in tags.items():
        data = tags.get(key.replace("label", "data"), [])
        if key.startswith("twitter:label") and data:
            labelled[labels[0].upper()] = data[0]
    price, currency = parse_price(labelled.get("PRICE"))
    if price is None:
        return ExtractedProduct()
    return ExtractedProduct(
        name=next(iter(tags.get("twitter:title", [])), None),
        price=price,
        currency=currency,
        availability=normalize_availability(labelled.get("AVAILABILITY") or labelled.get("PRODUCT AVAILABILITY")),
        brand=normalize_brand(labelled.get("BRAND")),
        description=next(iter(tags.get("twitter:description", [])), None),
        images=unique(url for value in tags.get("twitter:image", []) if (url := image_url(value, page.base_url))),
    )
