"""Last-resort extraction from the page's visible layout, for shops without structured data or rules.

The product's title is its <h1>; the product "scope" is the nearest block around the title
that also holds a photo, or, on pages without photos, what a product page puts beside its title
(a price, a stock line, an add-to-cart control, a specification). Prices, photos, stock and SKU
are read inside that scope only, and never from navigation, product cards (marked as such, or
repeated blocks that each link to another page) or "related products" blocks, so listing pages
do not turn into products.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import cached_property
from itertools import chain, islice
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from snapmode.domain import Availability, ExtractedProduct
from snapmode.extract.brand_links import MAX_BRAND_WORDS, linked_title_brand
from snapmode.extract.images import declared_smaller_than, gallery_photo, is_photo_link
from snapmode.extract.lines import area_elements, line_text
from snapmode.extract.money import (
    charge_label,
    excludes_tax,
    former_price_label,
    label_context,
    money_in_line,
    withholds_price,
)
from snapmode.extract.normalize import (
    block_text,
    clean_text,
    image_url,
    inline_text,
    normalize_availability,
    normalize_brand,
    normalize_currency,
    parse_price,
)
from snapmode.extract.page import MAX_IMAGES, Page
from snapmode.extract.specs import (
    LABELLED_LINE,
    Specs,
    attribute_specs,
    identifier,
    label_kind,
    labelled_pairs,
    read_specs,
    url_identifier,
)
from snapmode.extract.stock import (
    BUY_LABEL,
    buy_control_state,
    leads_elsewhere,
    read_delivery_lines,
    read_stock_lines,
    restock_alert_state,
    stock_line_state,
)
from snapmode.extract.structured import category_path
from snapmode.extract.titles import CLASS_WORDS, brand_heading, heading_name, product_heading

MAX_SCOPE_CLIMB = 6
MAX_PHOTO_ELEMENTS = 500  # bounds the work on pages with thousands of <img>
MIN_PHOTO_SIDE = 50  # width/height attributes below this are icons, badges, tracking pixels
LOGO_MARK_DEPTH = 3  # an image and the two blocks around it, for a class or id naming it a logo
SHARE_IMAGES = etree.XPath(
    "//meta[@property='og:image' or @property='og:image:url' or @name='twitter:image' or @property='twitter:image']"
    "/@content | //link[@rel='image_src']/@href"
)
MAX_SHARE_IMAGES = 4
MAX_LABEL_LENGTH = 80
OUTSIDE_PRODUCT_TAGS = frozenset({"nav", "header", "footer", "aside", "script", "style", "noscript", "template"})
# Blocks laid over the page or about the shop, by the words of a class or id ("modal", "newsletter-popup",
# "cookie-notice", "site-logo"): a heading there is not the product's. Overlay words count only as a class's last
# word, since page frames are named after them ("dialog-off-canvas-main-canvas" wraps a whole page).
OVERLAY_LAST_WORDS = frozenset({"modal", "popup", "overlay", "lightbox", "dialog", "drawer", "flyout"})
NOT_CONTENT_WORDS = frozenset({"cookie", "cookies", "consent", "gdpr", "newsletter", "logo"})
CLASS_WORD = re.compile(r"[-_]")
NOT_CONTENT_ROLES = frozenset({"dialog", "alertdialog", "banner", "navigation", "contentinfo"})
# Class or id words of blocks about *other* products (or about the shop), matched at word starts.
OTHER_PRODUCT_WORDS = re.compile(
    r"(?<![a-z])(?:card|tile|related|recommend|upsell|cross-?sell|similar|also|review|other-?(?:items|products))"
)
# Words that, in a class naming a price ("price-block__wallet-price", "club-price"), make it some shoppers' price.
MEMBER_WORDS = re.compile(r"(?<![a-z])(?:wallet|club|member|loyalty|subscri)")
DELIVERY_WORDS = re.compile(r"(?<![a-z])(?:ship|delivery|freight|frakt|versand|livraison|postage|carriage)")
OLD_PRICE_WORDS = re.compile(r"(?<![a-z])(?:old|was|regular|compare|original|list-?price|before|strike|rrp|msrp)")
CURRENT_PRICE_WORDS = re.compile(r"(?<![a-z])(?:now|sale|special|final|current|actual|offer)")
# A price set in pieces, one element each: "$" "39." "99" (the cents styled apart).
WHOLE_PART = re.compile(r"^\d[\d.,' ]*[.,]$")
CENTS_PART = re.compile(r"^\d{1,2}$")
CURRENCY_PART = re.compile(r"^[^\w\s]{1,3}$")
NOT_A_PRICE_TEXT = re.compile(r"\bsave\b|\bsaving|\boff\b|discount|per month|/\s*mo\b|\bpoints?\b", re.IGNORECASE)
SKU_LABEL = re.compile(
    r"^(?:sku|item|art(?:icle)?|style|model|product code|ref(?:erence)?)\s*(?:no\.?|number|nr\.?|#)?\s*[:#]?\s*",
    re.IGNORECASE,
)
# "sku" starting a class or id word ("product-sku", "productSku"), not inside one: "msku-sel" is a variation menu.
SKU_MARK = re.compile(r"(?<![A-Za-z])[Ss][Kk][Uu]|(?<=[a-z])S[Kk][Uu]")
# A product's code or number named in a class or id ("productCode", "item-number", "article_code").
CODE_MARK = re.compile(r"(?<![A-Za-z])(?:product|item|article|style)[-_]?(?:code|number)(?![a-z])", re.IGNORECASE)
# The words before a brand in its slot: a label ("Brand:", "by") or a link to the brand's page ("Shop all Nike").
BRAND_LABEL = re.compile(
    r"^(?:by|brand|(?:shop|view|see) all|more from|(?:see |view )?(?:other |more |all )?(?:products|items) (?:by|from))"
    r"\s*:?\s+",
    re.IGNORECASE,
)
# Marks with "brand" that are not the product's: a block of several ("featured_brands", "topBrands": the shop's
# brand navigation) and the shop's brand colours ("brandColor_sp1", styling any element).
NOT_THE_BRAND_MARK = re.compile(r"brands|brand[-_]?colou?r", re.IGNORECASE)
# A plug-in's credit line, styled "brand" like the shop's own branding: "powered by Recomatic".
WIDGET_CREDIT = re.compile(r"(?:powered|provided|hosted|built) by\b", re.IGNORECASE)
STRUCK_TAGS = frozenset({"s", "del", "strike"})
# Struck through by its own style, as older shops write it: <font style="text-decoration: line-through;">.
STRUCK_STYLE = re.compile(r"text-decoration(?:-line)?\s*:[^;]*line-through", re.IGNORECASE)
OPTION_MENU = etree.XPath(".//select | .//input[@type='radio']")
# A logo's alt text naming whose it is: "HP logo", "ASUS-Logo", "Logo Bosch".
LOGO_ALT = re.compile(r"(?P<before>\w[\w&.' ]{0,40}?)[\s-]*logo|logo[\s:-]+(?P<after>\w[\w&.' ]{0,40})", re.IGNORECASE)
MAX_TITLE_LOGOS = 5  # images looked at in the title's block
MAX_DESCRIPTION_BLOCKS = 20  # blocks marked "description" looked at for the first one outside cards
# Labels of the shop's own number ("Item No.", "SKU", "Art.-Nr.", "Artikelnummer", "Référence"), not a maker's code.
SHOP_NUMBER_LABEL = re.compile(r"(?:item|sku|art|article|artikel\w*|r[ée]f\w*)\b", re.IGNORECASE)
MAX_CARD_CLIMB = 8  # how far above an element a product card around it is looked for
MAX_SIBLINGS_COMPARED = 30
LISTING_MIN_CARDS = 3  # this many priced cards that link elsewhere make a listing, unless the page shows more
MAX_EVIDENCE = 20
MAX_AREA_DEPTH = 100  # ancestors followed from a line up to its area
MAX_CARD_ELEMENTS = 200  # a block with more elements is a section, not a product card
CURRENCY_SIGNS = r"[$€£¥₹₽₩₺₪원円]|\b[A-Z]{3}\b|\bkr\b|zł|руб"
AMOUNT_WITH_CURRENCY = re.compile(rf"(?:{CURRENCY_SIGNS})\s?\d|\d\s?(?:{CURRENCY_SIGNS})")
MAX_PRICE_GROUP = 4  # amounts read together as one price block (now, was, excl./incl. tax)
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
        self.wide_area = top_area(self.title) if self.title is not None else self.scope
        self.price_written_as_text = False  # set when the offer's prices come from text, not a marked block

    def ignored(self, element: etree._Element, area: etree._Element | None = None) -> bool:
        """Whether an element is about other products or the shop (navigation, cards, related blocks)."""
        area = self.scope if area is None else area
        return about_other_things(element, area) or card_of(element, area) is not None

    @cached_property
    def offer(self) -> tuple[etree._Element, tuple[str | None, str | None, str | None]]:
        """The block holding the prices, and the prices (price, regular price, currency): a block marked
        "price" in the scope or beside it, else the amounts written nearest after the title."""
        prices = read_prices(self.scope)
        if prices[0] is None and self.title is not None:
            area, prices = read_prices_beside(self.scope)
            if prices[0] is None:
                return self.prices_near_title()
            return area, prices
        return self.scope, prices

    def prices_near_title(self) -> tuple[etree._Element, tuple[str | None, str | None, str | None]]:
        """Amounts written as text ("Price: £48.48", "29,90 € <s>39,90 €</s>") in the scope, else in the
        nearest wider block that has some (never past <main>)."""
        assert self.title is not None
        area = self.scope
        for _ in range(MAX_SCOPE_CLIMB + 1):
            group = money_group(self.title, area, lambda element, area=area: self.ignored(element, area))
            if group:
                self.price_written_as_text = True
                return area, prices_of(group, common_block(group, area))
            parent = area.getparent()
            if area.tag in ("main", "body") or parent is None or parent.tag == "html":
                break
            area = parent
        return self.scope, (None, None, None)

    @cached_property
    def specs(self) -> Specs:
        """Labelled facts around the title, up to the page's main area (a "Product information" table often
        sits below the title block), then what data-* attributes and loose meta tags declare, then a brand
        row anywhere in the page (a marketplace's item specifics sit in a tab far below the buy box)."""
        found = read_specs(self.wide_area, lambda element: self.ignored(element, self.wide_area))
        found.fill(attribute_specs(self.page, lambda element: self.ignored(element, self.page.selector.root)))
        body = self.page.selector.root.find("body")
        if found.brand is None and body is not None and body is not self.wide_area:
            # Only the brand: a code far from the title is as likely another product's (accessories, bundles).
            found.brand = read_specs(body, lambda element: self.ignored(element, body)).brand
        return found

    def looks_like_product(self, found_so_far: ExtractedProduct) -> bool:
        """Only pages that look like a product page are read: earlier layers found product data, or a price
        sits next to the page's title, or, without a price, a product code and a stock line do, or a line saying
        the price is shown only after login or on request. Where that price is written as text (not marked
        "price") and its block also holds several priced product cards (a category page with a "From £20" line),
        the page must show more of a product page than a price: a stock line or an identifier."""
        if self.scope is None:
            return False
        if found_so_far.name or found_so_far.price or found_so_far.sku:
            return True
        if self.title is None:
            return False
        if self.offer[1][0] is None:  # no price shown (a product no longer sold): its code and its stock line
            return (
                bool(self.specs.identifier()) and self.availability(self.scope) is not None
            ) or self.price_withheld()
        area = self.offer[0]
        if not self.price_written_as_text or priced_cards(area) < LISTING_MIN_CARDS:
            return True
        return bool(self.specs.identifier() or read_stock_lines(area, lambda element: self.ignored(element, area)))

    def price_withheld(self) -> bool:
        """Whether the title's block says its price is shown only after login or on request (a reseller's product
        page): a listing's cards saying so for each product are not read."""
        return any(
            withholds_price(line_text(element)) and not self.ignored(element) for element in area_elements(self.scope)
        )

    def identifier(self) -> str | None:
        """The SKU from specifications and declarations, else from a labelled line of the product's description,
        else the URL's identifier shown on the page (only asked for when earlier layers found none: the page's
        main area is read for it)."""
        return self.specs.identifier() or self.description_identifier() or url_identifier(self.page, self.scope)

    def description_identifier(self) -> str | None:
        """The shop's own item number labelled in the product's description ("Item No. 1610104181" closing a
        "Product description" tab far below the buy box), in the first block marked "description" outside
        navigation, cards and related products. Only an item or article number: a maker's code that far from
        the title (a style code, a model, an MPN in a marketplace's item specifics) is as likely an accessory's."""
        body = self.page.selector.root.find("body")
        if body is None:
            return None
        wide = self.wide_area
        for element in islice(marked_elements(body, "description", "description"), MAX_DESCRIPTION_BLOCKS):
            if wide is body or any(ancestor is wide for ancestor in element.iterancestors()):
                continue  # read already with the area around the title
            if card_of(element, body) is not None:
                continue
            for label, value in labelled_pairs(element, lambda line, block=element: self.ignored(line, block)):
                if (
                    label_kind(label) == "sku"
                    and SHOP_NUMBER_LABEL.match(label.strip())
                    and (found := identifier(value))
                ):
                    return found
            return None
        return None

    def availability(self, offer_area: etree._Element) -> Availability | None:
        """Stock read in the offer block, then stock lines of the scope, then the stock lines and buy controls
        of the page's main area (a page without photos can have its buy box outside the title's block)."""
        state = read_availability(offer_area, self.specs, lambda element: self.ignored(element, offer_area))
        if state is None and offer_area is not self.scope:
            state = read_stock_lines(self.scope, self.ignored)
        if state is None and self.wide_area not in (offer_area, self.scope):
            wide = self.wide_area
            state = read_stock_lines(wide, lambda element: self.ignored(element, wide)) or buy_control_state(
                wide, lambda element: self.ignored(element, wide)
            )
        return state

    def read(self, group: str, found_so_far: ExtractedProduct) -> dict[str, Any]:
        """One field group's values, read from the layout; values earlier layers found are not looked for
        again where that costs a scan of the page (identifiers, brand and stock from specifications)."""
        scope = self.scope
        if group == "identity":
            name = logo = heading_brand = None
            if self.title is not None:
                name = heading_name(self.title)
                logo = logo_brand(self.title, name)
                heading_brand, name = brand_heading(self.title, self.page) or (None, name)
            return {
                "name": name,
                "brand": read_brand(scope)
                or logo
                or heading_brand
                or (None if found_so_far.brand else self.specs.brand or linked_title_brand(self.page, name)),
                "sku": read_sku(scope) or (None if found_so_far.sku else self.identifier()),
                "categories": read_breadcrumbs(self.page, name or found_so_far.name),
            }
        if group == "price":
            offer_area, (price, regular_price, currency) = self.offer
            availability = self.availability(offer_area) if not found_so_far.availability else None
            if found_so_far.availability == "OutOfStock":  # declared sold out: what does the page say?
                availability = shown_stock(offer_area, lambda element: self.ignored(element, offer_area))
            elif found_so_far.availability == "InStock":  # declared in stock: is a restock alert all it offers?
                availability = restock_alert_state(offer_area, lambda element: self.ignored(element, offer_area))
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
    """The page's own heading (snapmode.extract.titles): not in navigation, header or footer, not in a block laid
    over the page (a cookie banner, a newsletter pop-up, a cart drawer), not the shop's logo nor, for headings
    other than an <h1>, in a product card."""
    body = page.selector.root.find("body")
    return product_heading(
        page,
        skip_heading=lambda h1: overlaid_or_outside(h1) or is_logo(h1, page),
        skip_other=lambda element: (
            overlaid_or_outside(element) or (body is not None and card_of(element, body) is not None)
        ),
    )


def overlaid_or_outside(heading: etree._Element) -> bool:
    """Whether a heading sits outside the page's content (nav, header, footer) or in a block laid over it."""
    for node in [heading, *heading.iterancestors()]:
        if node.tag in OUTSIDE_PRODUCT_TAGS or node.tag == "dialog" or (node.get("role") or "") in NOT_CONTENT_ROLES:
            return True
        if node.get("aria-modal") == "true" or any(overlay_name(name) for name in classes(node).split()):
            return True
    return False


def overlay_name(name: str) -> bool:
    words = CLASS_WORD.split(name)
    return words[-1] in OVERLAY_LAST_WORDS or not NOT_CONTENT_WORDS.isdisjoint(words)


def is_logo(heading: etree._Element, page: Page) -> bool:
    """Whether a heading is the shop's logo: all its text in one link to the home page."""
    links = heading.findall(".//a")
    if len(links) != 1:
        return False
    target = page.link(links[0].get("href"))
    return target is not None and urlsplit(target).path in ("", "/") and inline_text(links[0]) == inline_text(heading)


def product_scope(title: etree._Element) -> etree._Element:
    """The nearest ancestor of the title that holds a product photo (bounded, never past <main>); on a page
    without one, the nearest that holds what a product page shows beside its title: a price, a stock line,
    an add-to-cart control or a labelled identifier (outside product cards)."""
    node, climbed = title, []
    for _ in range(MAX_SCOPE_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            break
        node = parent
        climbed.append(node)
        if next(photo_elements(node), None) is not None:
            return node
        if node.tag in ("main", "body"):
            break
    level = {id(candidate): index for index, candidate in enumerate(climbed)}
    lowest = len(climbed)
    for element in product_evidence(node):
        for ancestor in [element, *islice(element.iterancestors(), MAX_AREA_DEPTH)]:
            if id(ancestor) in level:
                lowest = min(lowest, level[id(ancestor)])
                break
    return climbed[lowest] if lowest < len(climbed) else node


def top_area(title: etree._Element) -> etree._Element:
    """The widest block the layout reads around the title: <main>, <body>, or MAX_SCOPE_CLIMB levels up."""
    node = title
    for _ in range(MAX_SCOPE_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            break
        node = parent
        if node.tag in ("main", "body"):
            break
    return node


def product_evidence(area: etree._Element) -> list[etree._Element]:
    """Lines of the area that only a product page puts beside its title, outside product cards."""
    found: list[etree._Element] = []
    for element in area_elements(area):
        text = line_text(element)
        if (
            text
            and element.tag not in NOT_CONTENT_TAGS - {"button"}
            and is_product_line(text)
            and not (about_other_things(element, area) or card_of(element, area) is not None)
        ):
            found.append(element)
            if len(found) == MAX_EVIDENCE:
                break
    return found


def is_product_line(text: str) -> bool:
    labelled = LABELLED_LINE.match(text)
    return bool(
        money_in_line(text)
        or stock_line_state(text)
        or BUY_LABEL.match(text)
        or (labelled and label_kind(labelled.group("label")) in ("sku", "gtin", "mpn"))
    )


def card_of(element: etree._Element, area: etree._Element) -> etree._Element | None:
    """The product card an element sits in, below ``area``: one of several blocks alike (same tag and class)
    beside each other that each link elsewhere and show an amount. A single link around a price is no card:
    shops link their own price to the offers page."""
    for node in islice([element, *element.iterancestors()], MAX_CARD_CLIMB):
        if node is area:
            return None
        if isinstance(node.tag, str) and node.tag not in ("tr", "dd", "dt") and repeated_card(node):
            return node
    return None


def links_to_another_page(link: etree._Element) -> bool:
    return leads_elsewhere(link) and not is_photo_link(link.get("href"))


def repeated_card(node: etree._Element) -> bool:
    """Whether a block is one of a grid of product cards: two more like it beside it, and it and the
    next one alike each link to another page and show an amount."""
    signature = (node.tag, node.get("class"))
    alike = [
        sibling
        for sibling in islice(chain(node.itersiblings(preceding=True), node.itersiblings()), MAX_SIBLINGS_COMPARED)
        if (sibling.tag, sibling.get("class")) == signature
    ]
    return len(alike) >= 2 and all(links_elsewhere_with_amount(block) for block in (node, alike[0]))


def links_elsewhere_with_amount(block: etree._Element) -> bool:
    """Whether a small block (a card) links to another page and shows an amount with its currency."""
    if next(islice(block.iter(), MAX_CARD_ELEMENTS, None), None) is not None:
        return False
    if not any(links_to_another_page(link) for link in block.iter("a")):
        return False
    text = etree.tostring(block, method="text", encoding=str, with_tail=False)
    return bool(AMOUNT_WITH_CURRENCY.search(text))


def priced_cards(area: etree._Element) -> int:
    """How many distinct product cards with an amount the area holds (a listing's grid)."""
    cards: dict[int, None] = {}
    for element in area_elements(area):
        if money_in_line(line_text(element)):
            card = card_of(element, area)
            if card is not None:
                cards[id(card)] = None
                if len(cards) >= LISTING_MIN_CARDS:
                    break
    return len(cards)


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
        return links_to_another_page(ancestor)
    return False


def photo_elements(scope: etree._Element) -> Iterator[etree._Element]:
    for img in scope.iter("img"):
        if not (
            about_other_things(img, scope)
            or links_elsewhere(img)
            or declared_smaller_than(img, MIN_PHOTO_SIDE)
            or is_logo_image(img)
            or is_control_image(img)
        ):
            yield img


def is_control_image(img: etree._Element) -> bool:
    """Whether an image is the face of a control, not a photo: its file is named a button ("btn_add_to_cart.gif",
    "btnBuyNow.png"), as shop themes name their button graphics. (A <button> around an image is no sign: galleries
    wrap their thumbnails in buttons.)"""
    return "btn" in {word.casefold() for word in CLASS_WORDS.findall(file_stem((img.get("src") or "").strip()))}


def is_logo_image(img: etree._Element) -> bool:
    """Whether an image is a logo (the brand's or a payment badge's), not a photo of the product: its alt text ends
    in "logo" ("HP logo"), or it or a block just around it is named a logo ("brand-logo", "logo_container")."""
    if (img.get("alt") or "").lower().rstrip().endswith(" logo"):
        return True
    return any(
        "logo" in CLASS_WORD.split(name) or "logos" in CLASS_WORD.split(name)
        for node in islice([img, *img.iterancestors()], LOGO_MARK_DEPTH)
        for name in classes(node).split()
    )


def read_photos(scope: etree._Element, page: Page) -> list[str]:
    """The page's declared share image (og:image, twitter:image: the photo a shop picks to stand for the product),
    then the photos of the product's block, in page order."""
    photos: dict[str, None] = dict.fromkeys(shared_photos(page))
    for img in islice(photo_elements(scope), MAX_PHOTO_ELEMENTS):
        if photo := gallery_photo(img, page):
            photos[photo] = None
        if len(photos) >= MAX_IMAGES:
            break
    return list(photos)[:MAX_IMAGES]


def shared_photos(page: Page) -> list[str]:
    """The image the page declares for link previews, wherever its tags sit (some shops write them in <body>),
    unless its file is named a logo: shops without a photo to share declare their own logo there."""
    urls = (image_url(value, page.base_url) for value in SHARE_IMAGES(page.selector.root)[:MAX_SHARE_IMAGES])
    return list(dict.fromkeys(url for url in urls if url and "logo" not in file_words(url)))


def file_words(url: str) -> list[str]:
    return CLASS_WORD.split(file_stem(url).lower())


def file_stem(url: str) -> str:
    """The name of the URL's file without its extension."""
    return urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def read_prices(scope: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(price now, struck-through price, currency) from the first price block in the scope."""
    block = price_block(scope)
    if block is None:
        return None, None, None
    prices = prices_of(price_carriers(block) + struck_siblings(block), block)
    declared = block.xpath("ancestor-or-self::*/@data-currency | .//*[@itemprop='priceCurrency']/@content")
    return prices[0], prices[1], normalize_currency(str(declared[-1])) if declared else prices[2]


def prices_of(carriers: list[etree._Element], block: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(price now, former price, currency) from amounts read together. Struck-through or "was" amounts are
    former prices; an amount before tax gives way to the one the shopper pays; tax and shipping lines are
    no price at all."""
    current: list[tuple[str, bool]] = []
    conditional: list[str] = []
    old: list[str] = []
    currency = None
    for carrier in carriers:
        amount, symbol_currency = parse_price(carrier_text(carrier))
        if amount is None:
            continue
        context = label_context(carrier)
        if charge_label(context):
            continue
        currency = currency or symbol_currency
        if is_old_price(carrier, block) or former_price_label(context):
            old.append(amount)
        elif for_some_shoppers(carrier, block):
            conditional.append(amount)
        else:
            current.append((amount, excludes_tax(context)))
    with_tax = [amount for amount, before_tax in current if not before_tax]
    now = with_tax or [amount for amount, _ in current] or conditional
    if not now:  # a lone price styled "regular" is simply the price
        now, old = old[:1], []
    price = now[0] if now else None
    regular = next((amount for amount in old if price is None or Decimal(amount) > Decimal(price)), None)
    return price, regular, currency


def for_some_shoppers(carrier: etree._Element, block: etree._Element) -> bool:
    """Whether an amount is the price of members, of a loyalty card, of the shop's wallet or of a subscription: a
    class naming such a price ("price-block__wallet-price", "club-price"; not a bare "wallet" modifier on the
    final price), not the price every shopper pays."""
    for node in [carrier, *carrier.iterancestors()]:
        if any(MEMBER_WORDS.search(name) and "price" in name for name in classes(node).split()):
            return True
        if node is block:
            return False
    return False


def money_group(
    title: etree._Element, area: etree._Element, ignored: Callable[[etree._Element], bool]
) -> list[etree._Element]:
    """The first amounts written in the area after the title (before it if none follows), innermost
    elements only, with those that share their block: "49,90 € <s>69,90 €</s>", or the rows of a table
    giving the price excl. and incl. tax."""
    found: list[tuple[bool, etree._Element]] = []  # (after the title, innermost element with an amount)
    after_title = False
    for element in area_elements(area):
        if element is title:
            after_title = True
            continue
        if element.tag in NOT_CONTENT_TAGS or not money_in_line(line_text(element)) or ignored(element):
            continue
        ancestors = set(islice(element.iterancestors(), MAX_AREA_DEPTH))
        found = [(after, kept) for after, kept in found if kept not in ancestors]
        found.append((after_title, element))
        if sum(after for after, _ in found) > MAX_PRICE_GROUP:
            break
    amounts = [element for after, element in found if after] or [element for _, element in found]
    if not amounts:
        return []
    first = amounts[0]
    return [first, *(amount for amount in amounts[1:MAX_PRICE_GROUP] if same_block(amount, first))]


def same_block(element: etree._Element, other: etree._Element) -> bool:
    """Whether two amounts share their parent or grandparent (one price block, one table)."""
    mine = list(islice(element.iterancestors(), 2))
    return any(ancestor in mine for ancestor in islice(other.iterancestors(), 2))


def common_block(carriers: list[etree._Element], area: etree._Element) -> etree._Element:
    first = carriers[0]
    for ancestor in first.iterancestors():
        if ancestor is area or all(ancestor in carrier.iterancestors() for carrier in carriers[1:]):
            return ancestor
    return area


def price_block(scope: etree._Element) -> etree._Element | None:
    """The first element marked as a price that holds one, outside list items (product cards);
    failing that, the first block marked as the product's offers (an order form "product-offers")."""
    for word, skipped_tags in (("price", NOT_CONTENT_TAGS), ("offer", NOT_CONTENT_TAGS - {"form"})):
        for element in MARKED(scope, word=word, itemprop=word):
            if (
                element.tag in skipped_tags
                or about_other_things(element, scope)
                or about_delivery(element, scope)
                or element.xpath("ancestor::li")
                or card_of(element, scope) is not None
            ):
                continue
            if element.tag != "li" and price_carriers(element):
                return element
    return None


def about_delivery(element: etree._Element, scope: etree._Element) -> bool:
    """Whether a price element belongs to a delivery option ("shipv5box__price", "shipping-cost"), not the product."""
    for node in [element, *element.iterancestors()]:
        if node is scope:
            return False
        if DELIVERY_WORDS.search(classes(node)):
            return True
    return False


def price_carriers(block: etree._Element) -> list[etree._Element]:
    """The innermost elements whose text is one price (not "Save 20%"), in page order; an element that only
    repeats the amount of the one around it without its currency ("<div class=price><p>1912</p> <span>MDL</span>")
    gives way to that one."""
    carriers: list[etree._Element] = []
    for element in block.iter():
        if not isinstance(element.tag, str) or element.tag in OUTSIDE_PRODUCT_TAGS:
            continue
        text = carrier_text(element)
        if not text or NOT_A_PRICE_TEXT.search(text) or cents_of_a_price(element, text):
            continue
        amount, currency = parse_price(text)
        if amount is None:
            continue
        around = [kept for kept in carriers if kept in element.iterancestors()]
        if currency is None and len(around) == 1 and adds_only_a_currency(around[0], text):
            continue
        carriers = [kept for kept in carriers if kept not in around]
        carriers.append(element)
    return carriers


def adds_only_a_currency(outer: etree._Element, inner_text: str) -> bool:
    """Whether a carrier around a bare amount adds nothing to it but its currency ("1912" in "1912 MDL"), not
    another amount ("539,–" in "UVP 539,– €539,00", a copy for screen readers)."""
    outer_text = carrier_text(outer)
    rest = outer_text.replace(inner_text, " ", 1)
    return parse_price(outer_text)[1] is not None and parse_price(rest)[0] is None


def element_text(element: etree._Element | None) -> str:
    return "" if element is None else " ".join(element.xpath("string()").split())


def carrier_text(element: etree._Element) -> str:
    """An element's price as the shopper reads it: with the cents and the currency symbol its next and
    previous siblings hold when the price is set in pieces ("39." then "99")."""
    text = element_text(element)
    if WHOLE_PART.match(text) and CENTS_PART.match(element_text(element.getnext())):
        text += element_text(element.getnext())
        symbol = element_text(element.getprevious())
        text = f"{symbol}{text}" if CURRENCY_PART.match(symbol) else text
    return text


def cents_of_a_price(element: etree._Element, text: str) -> bool:
    """Whether an element, whose text is ``text``, holds the cents of the price its previous sibling starts."""
    return bool(CENTS_PART.match(text)) and bool(WHOLE_PART.match(element_text(element.getprevious())))


def struck_siblings(block: etree._Element) -> list[etree._Element]:
    """A was-price written next to the price block rather than inside it: <span class=price>…</span><del>…</del>."""
    return [
        carrier
        for sibling in block.itersiblings(preceding=False)
        if isinstance(sibling.tag, str) and (struck(sibling) or OLD_PRICE_WORDS.search(classes(sibling)))
        for carrier in price_carriers(sibling)
    ][:1]


def is_old_price(carrier: etree._Element, block: etree._Element) -> bool:
    """The nearest deciding marker wins: struck-through tags, then "now/sale" vs "was/regular" words."""
    for node in [carrier, *carrier.iterancestors()]:
        if struck(node) or node.get("data-price-type") == "oldPrice":
            return True
        if node.tag == "ins" or CURRENT_PRICE_WORDS.search(classes(node)):
            return False
        if OLD_PRICE_WORDS.search(classes(node)):
            return True
        if node is block:
            return False
    return False


def struck(element: etree._Element) -> bool:
    return element.tag in STRUCK_TAGS or bool(STRUCK_STYLE.search(element.get("style") or ""))


def marked_elements(scope: etree._Element, word: str, itemprop: str) -> list[etree._Element]:
    """Elements whose class or id mentions ``word`` (or with that itemprop), outside cards and navigation."""
    return [
        element
        for element in MARKED(scope, word=word, itemprop=itemprop)
        if element.tag not in NOT_CONTENT_TAGS and not about_other_things(element, scope)
    ]


def read_sku(scope: etree._Element) -> str | None:
    """An identifier in an element marked "sku", then one token in an element marked a product's code or number
    ("productCode", "item-number"); labels like "SKU:" or "Item #" removed."""
    for element in marked_elements(scope, "sku", "sku"):
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if element.get("itemprop") != "sku" and not SKU_MARK.search(marks):
            continue
        text = SKU_LABEL.sub("", inline_text(element) or "").strip()
        if len(text) <= MAX_LABEL_LENGTH and len(text.split()) <= 3 and any(char.isdigit() for char in text):
            return text
    for word in ("code", "number"):
        for element in marked_elements(scope, word, "sku"):
            if CODE_MARK.search(f"{element.get('class', '')} {element.get('id', '')}"):
                found = identifier(SKU_LABEL.sub("", inline_text(element) or ""))
                if found:
                    return found
    return None


def read_brand(scope: etree._Element) -> str | None:
    """The text (or logo) of an element marked "brand"; a block holding the title as well ("name_brand" around
    the ``<h1>`` and the brand's link) is not the brand's own slot, and a title marked brand is only when it is a
    brand's few words (LN-CC's ``<h1 class="b-product_custom-value--brand">Lanvin</h1>``, not Farfetch's whole
    "Jimmy Choo 'Lucy' pumps")."""
    for element in marked_elements(scope, "brand", "brand"):
        shown = inline_text(element)
        if (
            NOT_THE_BRAND_MARK.search(f"{element.get('class', '')} {element.get('id', '')}")
            or element.find(".//h1") is not None
            or (element.tag == "h1" and len((shown or "").split()) > MAX_BRAND_WORDS)
        ):
            continue
        if shown and WIDGET_CREDIT.match(shown):
            continue
        logo = element.get("alt") or next((img.get("alt") for img in element.iter("img")), None)
        text = normalize_brand(BRAND_LABEL.sub("", shown or logo or ""))
        if text and len(text) <= MAX_LABEL_LENGTH:
            return text
    return None


def logo_brand(title: etree._Element, name: str | None) -> str | None:
    """The brand a logo beside the title shows: an image in the title's own block whose alt text is "HP logo"
    or "Logo ASUS", when the product's name starts with that word (the shop's logo, a payment badge or a
    certificate's logo name something else)."""
    block = title.getparent()
    if block is None or not name:
        return None
    for img in islice(block.iter("img"), MAX_TITLE_LOGOS):
        match = LOGO_ALT.fullmatch(" ".join((img.get("alt") or "").split()))
        brand = normalize_brand(match.group("before") or match.group("after")) if match else None
        if brand and re.match(rf"{re.escape(brand)}(?!\w)", name, re.IGNORECASE):
            return brand
    return None


def read_availability(
    area: etree._Element, specs: Specs, ignored: Callable[[etree._Element], bool]
) -> Availability | None:
    """Stock from elements marked stock/availability; then an availability row of a specification table or
    a data-*/meta declaration; then a stock line ("In stock (19 available)", "Ausverkauft"); then a promise of
    delivery by a date or within a time ("Lieferung 17.06.2020 - 18.06.2020"); then a price slot that says the
    product is gone ("No longer available" where the price would be); then what the add-to-cart control allows;
    last, an alert offered instead of any buy control ("Notify me when available")."""
    state = marked_stock(area)
    if state:
        return state
    if specs.availability:
        return specs.availability
    state = read_stock_lines(area, ignored) or read_delivery_lines(area, ignored)
    if state:
        return state
    for element in marked_elements(area, "price", "price"):
        text = inline_text(element) or ""
        if len(text) <= MAX_LABEL_LENGTH and normalize_availability(text) == "OutOfStock" and not OPTION_MENU(element):
            return "OutOfStock"
    return buy_control_state(area, ignored) or restock_alert_state(area, ignored)


def marked_stock(area: etree._Element) -> Availability | None:
    """The stock an element marked stock/availability states; one holding a size or colour menu is passed
    over (here and in price slots), since its text is the options' ("8 - Not available"), not the product's."""
    for word in ("stock", "availability"):
        for element in marked_elements(area, word, "availability"):
            if OPTION_MENU(element):
                continue
            state = normalize_availability(inline_text(element))
            if state:
                return state
    return None


def shown_stock(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Availability | None:
    """The stock the offer block states in words (a marked element, a stock line, a delivery date), not what
    declarations or the buy control say."""
    return marked_stock(area) or read_stock_lines(area, ignored) or read_delivery_lines(area, ignored)


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
