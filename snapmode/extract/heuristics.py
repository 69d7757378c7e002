"""Last-resort extraction from the page's visible layout, for shops without structured data or rules.

The product's title is its <h1>; the product "scope" is the nearest block around the title
that also holds a photo. Prices, photos, stock and SKU are read inside that scope only, and
never from navigation, product cards or "related products" blocks, so listing pages do not
turn into products.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cached_property
from itertools import islice
from typing import Any

from lxml import etree

from snapmode.domain import Availability, ExtractedProduct
from snapmode.extract.images import element_image, is_photo_link
from snapmode.extract.normalize import (
    block_text,
    clean_text,
    inline_text,
    normalize_availability,
    normalize_brand,
    normalize_currency,
    parse_price,
)
from snapmode.extract.page import MAX_IMAGES, Page
from snapmode.extract.structured import category_path

MAX_SCOPE_CLIMB = 6
MAX_PHOTO_ELEMENTS = 500  # bounds the work on pages with thousands of <img>
MIN_PHOTO_SIDE = 50  # width/height attributes below this are icons, badges, tracking pixels
MAX_LABEL_LENGTH = 80
OUTSIDE_PRODUCT_TAGS = frozenset({"nav", "header", "footer", "aside", "script", "style", "noscript", "template"})
# Class or id words of blocks about *other* products (or about the shop), matched at word starts.
OTHER_PRODUCT_WORDS = re.compile(r"(?<![a-z])(?:card|tile|related|recommend|upsell|cross-?sell|similar|also|review)")
OLD_PRICE_WORDS = re.compile(r"(?<![a-z])(?:old|was|regular|compare|original|list-?price|before|strike|rrp|msrp)")
CURRENT_PRICE_WORDS = re.compile(r"(?<![a-z])(?:now|sale|special|final|current|actual|offer)")
NOT_A_PRICE_TEXT = re.compile(r"\bsave\b|\bsaving|\boff\b|discount|per month|/\s*mo\b|\bpoints?\b", re.IGNORECASE)
SKU_LABEL = re.compile(
    r"^(?:sku|item|art(?:icle)?|style|model|product code|ref(?:erence)?)\s*(?:no\.?|number|nr\.?|#)?\s*[:#]?\s*",
    re.IGNORECASE,
)
# A whole short line: label, separator, one token of an identifier.
LABELLED_IDENTIFIER = re.compile(
    r"^(?:sku|ean(?:-?13)?|isbn(?:-?1[03])?|gtin(?:-?1[234])?|upc|product code|item (?:no\.?|number|#))"
    r"\s*[:#]\s*(?P<value>[A-Za-z0-9][A-Za-z0-9./-]{2,40})$",
    re.IGNORECASE,
)
BRAND_LABEL = re.compile(r"^(?:by|brand)\s*:?\s+", re.IGNORECASE)
STRUCK_TAGS = frozenset({"s", "del", "strike"})
# What an add-to-cart control says, in the languages of the shops seen so far.
BUY_LABEL = re.compile(
    r"(?:add to (?:cart|bag|basket|trolley)|buy(?: it)? now|ajouter au panier|in den warenkorb|"
    r"a[ñn]adir al carrito|aggiungi al carrello|adicionar ao carrinho|comprar|kaufen|acheter)\b",
    re.IGNORECASE,
)
BUY_CONTROLS = etree.XPath(".//button | .//a | .//input[@type='submit' or @type='button']")
NOT_CONTENT_TAGS = frozenset({"input", "select", "option", "meta", "link", "button", "form", "script", "style"})
LOWERCASE = "translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
MARKED = etree.XPath(f".//*[contains({LOWERCASE}, $word) or @itemprop = $itemprop]")
BREADCRUMB_TRAIL = etree.XPath(
    f"//*[contains({LOWERCASE}, 'breadcrumb')"
    " or contains(translate(@aria-label, 'BREADCUM', 'breadcum'), 'breadcrumb')][.//a][1]"
)


# The layout's readers by field group, in the order their fields appear in ExtractedProduct.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("name", "brand", "sku", "categories"),
    "price": ("price", "regular_price", "currency", "availability"),
    "description": ("description",),
    "images": ("images",),
}


class Layout:
    """The page's product block: its title and the scope around it, found once and shared by the readers."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.title = product_title(page)
        self.scope = product_scope(self.title) if self.title is not None else page.selector.root.find("body")

    @cached_property
    def offer(self) -> tuple[etree._Element, tuple[str | None, str | None, str | None]]:
        """The block holding the prices, and the prices (price, regular price, currency)."""
        prices = read_prices(self.scope)
        if prices[0] is None and self.title is not None:
            return read_prices_beside(self.scope)
        return self.scope, prices

    def looks_like_product(self, found_so_far: ExtractedProduct) -> bool:
        """Only pages that look like a product page are read: earlier layers found product data,
        or a price sits next to the page's title."""
        if self.scope is None:
            return False
        earlier = bool(found_so_far.name or found_so_far.price or found_so_far.sku)
        return earlier or (self.title is not None and self.offer[1][0] is not None)

    def read(self, group: str, found_so_far: ExtractedProduct) -> dict[str, Any]:
        """One field group's values, read from the layout."""
        scope = self.scope
        if group == "identity":
            name = inline_text(self.title) if self.title is not None else None
            return {
                "name": name,
                "brand": read_brand(scope),
                "sku": read_sku(scope),
                "categories": read_breadcrumbs(self.page, name or found_so_far.name),
            }
        if group == "price":
            offer_area, (price, regular_price, currency) = self.offer
            availability = read_availability(offer_area)
            return {"price": price, "regular_price": regular_price, "currency": currency, "availability": availability}
        if group == "description":
            return {"description": read_description(self.page, scope)}
        if group == "images":
            return {"images": read_photos(scope, self.page)}
        raise ValueError(f"unknown field group {group!r}; known: {', '.join(FIELD_GROUPS)}")


def heuristic_layer(
    page: Page, found_so_far: ExtractedProduct, groups: Iterable[str] = FIELD_GROUPS
) -> ExtractedProduct:
    """Fields of the given groups read from the layout, or none when the page does not look like a product page."""
    layout = Layout(page)
    if not layout.looks_like_product(found_so_far):
        return ExtractedProduct()
    return ExtractedProduct(
        **{name: value for group in groups for name, value in layout.read(group, found_so_far).items()}
    )


def classes(element: etree._Element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


def product_title(page: Page) -> etree._Element | None:
    for h1 in page.selector.root.iter("h1"):
        if not any(ancestor.tag in OUTSIDE_PRODUCT_TAGS for ancestor in h1.iterancestors()) and inline_text(h1):
            return h1
    return None


def product_scope(title: etree._Element) -> etree._Element:
    """The nearest ancestor of the title that holds a product photo too (bounded, never past <main>)."""
    node = title
    for _ in range(MAX_SCOPE_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            break
        node = parent
        if node.tag in ("main", "body") or next(photo_elements(node), None) is not None:
            break
    return node


def read_prices_beside(scope: etree._Element) -> tuple[etree._Element, tuple[str | None, str | None, str | None]]:
    """The prices of the nearest wider block that has some (never past <main>): shops often put the
    buy box next to the title-and-gallery block, not inside it. Returns that block too."""
    area = scope
    for _ in range(MAX_SCOPE_CLIMB):
        parent = area.getparent()
        if area.tag in ("main", "body") or parent is None or parent.tag == "html":
            break
        area = parent
        prices = read_prices(area)
        if prices[0] is not None:
            return area, prices
    return scope, (None, None, None)


def about_other_things(element: etree._Element, scope: etree._Element) -> bool:
    """Whether an element inside the scope sits in navigation, a product card or a related-products block."""
    for node in [element, *element.iterancestors()]:
        if node is scope:
            return False
        if node.tag in OUTSIDE_PRODUCT_TAGS or OTHER_PRODUCT_WORDS.search(classes(node)):
            return True
    return False


def links_elsewhere(element: etree._Element) -> bool:
    """Whether an image is wrapped in a link to another page (a product card), not to its own full size."""
    for ancestor in element.iterancestors("a"):
        href = (ancestor.get("href") or "").strip()
        return bool(href) and not href.startswith(("#", "javascript:")) and not is_photo_link(href)
    return False


def photo_elements(scope: etree._Element) -> Iterator[etree._Element]:
    for img in scope.iter("img"):
        if not (about_other_things(img, scope) or links_elsewhere(img) or too_small(img)):
            yield img


def too_small(img: etree._Element) -> bool:
    for side in ("width", "height"):
        value = (img.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < MIN_PHOTO_SIDE:
            return True
    return False


def read_photos(scope: etree._Element, page: Page) -> list[str]:
    photos: dict[str, None] = {}
    for img in islice(photo_elements(scope), MAX_PHOTO_ELEMENTS):
        url = element_image(img, page)
        if url:
            photos[url] = None
            if len(photos) == MAX_IMAGES:
                break
    return list(photos)


def read_prices(scope: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(price now, struck-through price, currency) from the first price block in the scope."""
    block = price_block(scope)
    if block is None:
        return None, None, None
    current: list[str] = []
    old: list[str] = []
    currency = None
    for carrier in price_carriers(block) + struck_siblings(block):
        amount, symbol_currency = parse_price(carrier.xpath("string()"))
        if amount is None:
            continue
        currency = currency or symbol_currency
        (old if is_old_price(carrier, block) else current).append(amount)
    if not current:  # a lone price styled "regular" is simply the price
        current, old = old[:1], []
    price = current[0] if current else None
    regular = next((amount for amount in old if price is None or Decimal(amount) > Decimal(price)), None)
    declared = block.xpath("ancestor-or-self::*/@data-currency | .//*[@itemprop='priceCurrency']/@content")
    return price, regular, normalize_currency(str(declared[-1])) if declared else currency


def price_block(scope: etree._Element) -> etree._Element | None:
    """The first element marked as a price that holds one, outside list items (product cards);
    failing that, the first block marked as the product's offers (an order form "product-offers")."""
    for word, skipped_tags in (("price", NOT_CONTENT_TAGS), ("offer", NOT_CONTENT_TAGS - {"form"})):
        for element in MARKED(scope, word=word, itemprop=word):
            if element.tag in skipped_tags or about_other_things(element, scope) or element.xpath("ancestor::li"):
                continue
            if element.tag != "li" and price_carriers(element):
                return element
    return None


def price_carriers(block: etree._Element) -> list[etree._Element]:
    """The innermost elements whose text is one price (not "Save 20%"), in page order."""
    carriers = []
    for element in block.iter():
        if not isinstance(element.tag, str) or element.tag in OUTSIDE_PRODUCT_TAGS:
            continue
        text = " ".join(element.xpath("string()").split())
        if not text or NOT_A_PRICE_TEXT.search(text) or parse_price(text)[0] is None:
            continue
        carriers = [kept for kept in carriers if kept not in element.iterancestors()]
        carriers.append(element)
    return carriers


def struck_siblings(block: etree._Element) -> list[etree._Element]:
    """A was-price written next to the price block rather than inside it: <span class=price>…</span><del>…</del>."""
    return [
        carrier
        for sibling in block.itersiblings(preceding=False)
        if isinstance(sibling.tag, str) and (sibling.tag in STRUCK_TAGS or OLD_PRICE_WORDS.search(classes(sibling)))
        for carrier in price_carriers(sibling)
    ][:1]


def is_old_price(carrier: etree._Element, block: etree._Element) -> bool:
    """The nearest deciding marker wins: struck-through tags, then "now/sale" vs "was/regular" words."""
    for node in [carrier, *carrier.iterancestors()]:
        if node.tag in STRUCK_TAGS or node.get("data-price-type") == "oldPrice":
            return True
        if node.tag == "ins" or CURRENT_PRICE_WORDS.search(classes(node)):
            return False
        if OLD_PRICE_WORDS.search(classes(node)):
            return True
        if node is block:
            return False
    return False


def marked_elements(scope: etree._Element, word: str, itemprop: str) -> list[etree._Element]:
    """Elements whose class or id mentions ``word`` (or with that itemprop), outside cards and navigation."""
    return [
        element
        for element in MARKED(scope, word=word, itemprop=itemprop)
        if element.tag not in NOT_CONTENT_TAGS and not about_other_things(element, scope)
    ]


def read_sku(scope: etree._Element) -> str | None:
    for element in marked_elements(scope, "sku", "sku"):
        text = SKU_LABEL.sub("", inline_text(element) or "").strip()
        if len(text) <= MAX_LABEL_LENGTH and len(text.split()) <= 3 and any(char.isdigit() for char in text):
            return text
    return labelled_identifier(scope)


def labelled_identifier(scope: etree._Element) -> str | None:
    """An identifier written as a short "EAN13 : 9782365775717" / "SKU: AB-12" line in a list, table or paragraph."""
    for element in scope.iter("li", "tr", "p", "dd", "div", "span"):
        if about_other_things(element, scope) or len(element) > 4:
            continue
        match = LABELLED_IDENTIFIER.match(inline_text(element) or "")
        if match:
            return match.group("value")
    return None


def read_brand(scope: etree._Element) -> str | None:
    for element in marked_elements(scope, "brand", "brand"):
        text = normalize_brand(BRAND_LABEL.sub("", inline_text(element) or element.get("alt") or ""))
        if text and len(text) <= MAX_LABEL_LENGTH:
            return text
    return None


def read_availability(scope: etree._Element) -> Availability | None:
    """Stock from elements marked stock/availability; failing that, a price slot that says the product
    is gone ("No longer available" where the price would be), then a buy button the shopper can press."""
    for word in ("stock", "availability"):
        for element in marked_elements(scope, word, "availability"):
            state = normalize_availability(inline_text(element))
            if state:
                return state
    for element in marked_elements(scope, "price", "price"):
        text = inline_text(element) or ""
        if len(text) <= MAX_LABEL_LENGTH and normalize_availability(text) == "OutOfStock":
            return "OutOfStock"
    return "InStock" if next(buy_buttons(scope), None) is not None else None


def buy_buttons(scope: etree._Element) -> Iterator[etree._Element]:
    """Enabled, shown add-to-cart controls of this product (not of product cards)."""
    for element in BUY_CONTROLS(scope):
        label = inline_text(element) or element.get("value") or ""
        if (
            BUY_LABEL.match(label.strip())
            and element.get("disabled") is None
            and "disabled" not in classes(element)
            and not hidden(element)
            and not about_other_things(element, scope)
        ):
            yield element


def hidden(element: etree._Element) -> bool:
    for node in [element, *element.iterancestors()]:
        style = (node.get("style") or "").replace(" ", "").lower()
        if node.get("hidden") is not None or "display:none" in style:
            return True
    return False


def read_description(page: Page, scope: etree._Element) -> str | None:
    body = page.selector.root.find("body")
    for area in (scope, body):
        if area is None:
            continue
        for element in marked_elements(area, "description", "description"):
            text = block_text(element)
            if text:
                return text
    return clean_text(page.selector.xpath("//meta[@name='description']/@content").get())


def read_breadcrumbs(page: Page, product_name: str | None) -> list[str]:
    for trail in BREADCRUMB_TRAIL(page.selector.root):
        crumbs = [(inline_text(a), page.link(a.get("href"))) for a in trail.iter("a")]
        return category_path(crumbs, page, product_name)
    return []
