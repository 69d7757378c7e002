"""Which element of a page is the product's shown title, for the layout layer (snapmode.extract.heuristics).

Most shops head the product with an ``<h1>``. Where a page has several, the one that agrees with the document's
title (its ``<title>`` or og:title, the shop's name taken off) is the product's: the others are a menu's label or a
section's. Pages without one (older shops, table layouts, themes that head the product with an ``<h2>`` or a
styled ``<span>``) show the product's name elsewhere: an element whose text *is* the document's title, else one
whose class or id calls it the product's title or name ("product-title", "ProductNameLabel") or the page's heading
("pageHeading": old table layouts head the product that way, under a ``<title>`` of search words).
Some shops print the price inside the heading (``<h1>Linen Dress <span class="price">49,90</span></h1>``): the
name is the heading's text without it. Others set the brand in it as its own element, often a link to the brand's
page styled on a line of its own (``<h1><a class="title__brand">Maison Francis Kurkdjian</a><span>Gentle Fluidity
Gold</span></h1>``): read as one text the two run together ("KurkdjianGentle"), so the name is the rest. Others
head the product with the brand alone and set its name in the heading below (``<h1>Kryptonite</h1><h2>KryptoLok
Series 2</h2>``): where the document's title reads the two as one, so does the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice

from lxml import etree

from snapmode.extract.brand_links import MAX_BRAND_WORDS, leads_to_a_brand
from snapmode.extract.lines import is_block
from snapmode.extract.names import MIN_SHOWN_WORDS, document_titles, key, start_alike
from snapmode.extract.normalize import VISIBLE_TEXT, clean_text, inline_text, parse_price
from snapmode.extract.page import Page

MAX_HEADINGS = 50  # <h1> elements looked at for the page's title
MAX_ELEMENTS = 5_000  # body elements looked at for a title without an <h1> (bounds hostile pages)
MAX_TITLE_LENGTH = 200  # of an element's text to be a title, not a block of copy
MAX_RAW_TITLE_LENGTH = 10 * MAX_TITLE_LENGTH  # its characters as written, spaces included, before cleaning
TITLE_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "span", "div", "td", "p", "strong", "b", "font", "label"})
SUBHEADING_TAGS = frozenset({"h2", "h3"})
MAX_BRAND_WRAPPERS = 3  # elements around a brand-only heading holding nothing else (its link, the brand's block)
MIN_TITLE_KEY = 6  # letters and digits of a text that can show a title ("Ref #:" does not)
WORD = re.compile(r"\w+")
# Class or id words naming a product's title: "product-title", "productName", "item_name", "TopNameLabel", or the
# page's own heading where it has no <h1>: "pageHeading" (osCommerce's product heading), "page-title".
NAME_WORDS = frozenset({"title", "name", "heading"})
ITEM_WORDS = frozenset({"product", "item", "page"})
CLASS_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
PRICE_MARK = re.compile(r"price", re.IGNORECASE)
BRAND_MARK = re.compile(r"brand", re.IGNORECASE)

Skip = Callable[[etree._Element], bool]


def product_heading(page: Page, skip_heading: Skip, skip_other: Skip) -> etree._Element | None:
    """The product's title element: an ``<h1>`` (the one agreeing with the document's title where the first
    does not), else an element showing the document's title, else one named the product's title. ``skip_heading``
    rules an ``<h1>`` out (navigation, an overlay, the logo); ``skip_other`` any other element (a product card
    too: a listing names each card's product)."""
    titles = document_titles(page)
    headings = [
        h1 for h1 in islice(page.selector.root.iter("h1"), MAX_HEADINGS) if inline_text(h1) and not skip_heading(h1)
    ]
    if headings:
        if titles and not shared_words(headings[0], titles):
            return next((h1 for h1 in headings[1:] if shared_words(h1, titles)), headings[0])
        return headings[0]
    shown = showing_title(page, titles, skip_other)
    return shown if shown is not None else named_title(page, skip_other)


def heading_name(heading: etree._Element) -> str | None:
    """The heading's text without a price slot it wraps (an element marked "price" showing an amount) or a brand
    slot (an element marked "brand", class, id or itemprop); the whole text where nothing else is left."""
    # The elements themselves, not their id(): lxml makes a node's Python proxy afresh once none is referenced,
    # so an id taken from a dropped proxy can come back on another node.
    slots = {element for element in heading.iterdescendants() if shows_price(element) or is_brand_slot(element)}
    if not slots:
        return inline_text(heading)
    kept = [text for text in VISIBLE_TEXT(heading) if not inside(text_owner(text), slots)]
    return clean_text("".join(kept)) or inline_text(heading)


def brand_heading(heading: etree._Element, page: Page) -> tuple[str, str] | None:
    """The brand and the whole name, where the heading is only the brand and the heading after it the rest of the
    name, as the document's title shows them ("Kryptonite KryptoLok Series 2 w/ Key"); a section's heading below a
    one-word title is not in that title."""
    brand = inline_text(heading)
    if not brand or len(brand.split()) > MAX_BRAND_WORDS:
        return None
    below = next_element(heading)
    if len(brand.split()) < MIN_SHOWN_WORDS and below is not None and below.tag in SUBHEADING_TAGS:
        whole = f"{brand} {inline_text(below) or ''}".strip()
        if whole != brand and any(key(title).startswith(key(whole)) for title in document_titles(page)):
            return brand, whole
    return linked_brand_heading(heading, brand)


def linked_brand_heading(heading: etree._Element, brand: str) -> tuple[str, str] | None:
    """The brand and the whole name, where the heading is only the brand, marked so, inside a link to the brand's
    page or in a block marked brand (``<h1 class="b-product_custom-value--brand">Lanvin</h1>``, ``<a
    href="/brands/3.1-phillip-lim/495"><h1>3.1 Phillip Lim</h1></a>``, ``<a href="/brand/john-lewis-partners/…">
    <h1>John Lewis</h1></a>``) and the line after it names the product."""
    wrapper, marked = heading, is_brand_slot(heading)
    for node in islice(heading.iterancestors(), MAX_BRAND_WRAPPERS):
        if key(inline_text(node) or "") != key(brand):
            break
        wrapper = node
        marked = marked or is_brand_slot(node) or (node.tag == "a" and leads_to_a_brand(node.get("href", "")))
    after = next_element(wrapper) if marked else None
    shown = inline_text(after) if after is not None else None
    if not shown or len(shown) > MAX_TITLE_LENGTH or shows_price(after):
        return None
    return brand, shown if key(shown).startswith(key(brand)) else f"{brand} {shown}"


def next_element(element: etree._Element) -> etree._Element | None:
    return next((sibling for sibling in element.itersiblings() if isinstance(sibling.tag, str)), None)


def shows_price(element: etree._Element) -> bool:
    return bool(PRICE_MARK.search(marks(element))) and parse_price(inline_text(element))[0] is not None


def is_brand_slot(element: etree._Element) -> bool:
    return bool(BRAND_MARK.search(marks(element))) and bool(inline_text(element))


def marks(element: etree._Element) -> str:
    return " ".join(element.get(name) or "" for name in ("class", "id", "itemprop"))


def text_owner(text: etree._ElementUnicodeResult) -> etree._Element | None:
    """The element a text node sits in: a tail follows its element, inside that element's parent."""
    parent = text.getparent()
    return parent.getparent() if text.is_tail and parent is not None else parent


def inside(element: etree._Element | None, slots: set[etree._Element]) -> bool:
    """Whether the element is one of the slots or lies inside one."""
    return element is not None and any(node in slots for node in [element, *element.iterancestors()])


def shared_words(element: etree._Element, titles: list[str]) -> int:
    words = {word.casefold() for word in WORD.findall(inline_text(element) or "")}
    return max(len(words & {word.casefold() for word in WORD.findall(title)}) for title in titles)


def showing_title(page: Page, titles: list[str], skip: Skip) -> etree._Element | None:
    """The first body element whose text is the document's title (or starts as it does), the innermost of those
    nested in it: a block holding the title and the price shows the title too."""
    if not titles:
        return None

    title_keys = {key(title) for title in titles}

    def shows_title(element: etree._Element) -> bool:
        text = inline_text(element) or ""
        text_key = key(text)
        return len(text_key) >= MIN_TITLE_KEY and (
            text_key in title_keys or any(start_alike(title, text) for title in titles)
        )

    for element in _title_like(page.selector.root.find("body")):
        if shows_title(element) and not skip(element):
            inner = element
            while (
                deeper := next((child for child in _title_like(inner, below=True) if shows_title(child)), None)
            ) is not None:
                inner = deeper
            return inner
    return None


def named_title(page: Page, skip: Skip) -> etree._Element | None:
    """The first body element whose class or id names the product's (or item's) title or name."""
    for element in _title_like(page.selector.root.find("body")):
        words = {
            word.casefold()
            for value in (element.get("class"), element.get("id"))
            for word in CLASS_WORDS.findall(value or "")
        }
        if words & NAME_WORDS and words & ITEM_WORDS and inline_text(element) and not skip(element):
            return element
    return None


def _title_like(root: etree._Element | None, below: bool = False) -> Iterator[etree._Element]:
    """Elements of ``root`` (or only below it) short enough to be a title, in page order. Neither a block's text
    (snapmode.extract.lines) nor a long text is cleaned: the wrappers around a page's text would each be read
    whole."""
    if root is None:
        return
    elements = root.iterdescendants(*TITLE_TAGS) if below else root.iter(*TITLE_TAGS)
    for element in islice(elements, MAX_ELEMENTS):
        if is_block(element) or sum(map(len, element.itertext())) > MAX_RAW_TITLE_LENGTH:
            continue
        text = inline_text(element)
        if text and len(text) <= MAX_TITLE_LENGTH:
            yield element
