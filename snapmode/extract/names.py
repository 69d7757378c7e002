"""Which text names the product: the title the page shows, or a title written for sharing or search.

OpenGraph and Twitter titles are the page's title for a link preview, which shops fill with their own name
and search words ("… Waschmaschine kaufen | MediaMarkt") or cut short; the page's own title (its ``<h1>``)
is the name a shopper reads. Where both speak of the same product (they start alike), the shown title wins.
A shown title that is only the brand (a brand link as the heading, the product's name in a line below)
gives way to the document's title without the shop's name.
"""

from __future__ import annotations

import re
from os.path import commonprefix
from urllib.parse import urlsplit

from snapmode.extract.normalize import clean_text
from snapmode.extract.page import Page

# Layers whose name is a page title for sharing, not a product's declared name.
SHARING_TITLE_SOURCES = frozenset({"opengraph", "twitter-card"})
# Layers whose name is the text of an element, as a parser joins its pieces ("Kapuzenpullove r" across a <wbr>).
ELEMENT_TEXT_SOURCES = frozenset({"microdata", "rdfa"})
MIN_SHARED_START = 0.6  # of the shorter title's letters and digits, for two titles to be about one product
MIN_SHOWN_WORDS = 2  # a one-word heading is a brand or a section, too little to say two titles agree
# What separates a title from the shop's name after it ("Linen dress | Maison", "Ring • de Bijenkorf").
TITLE_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s+::\s+")
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def settle_name(name: str | None, source: str | None, shown: str | None, brand: str | None, page: Page) -> str | None:
    """The product's name from the name the layers found (and the layer it came from), the page's shown
    title (its ``<h1>``, None when not read) and the brand."""
    if not name:
        return name
    if (
        shown
        and source in SHARING_TITLE_SOURCES
        and (start_alike(name, shown) or holds_title(name, shown))
        and not same_text(shown, brand)
    ):
        return shown
    if shown and source in ELEMENT_TEXT_SOURCES and holds_shown_title(name, shown):
        return shown
    if source == "heuristics" and same_text(name, brand):
        return titled_name(page, name) or name
    if source in SHARING_TITLE_SOURCES:
        return without_shop_name(name, page)
    return name


def key(text: str | None) -> str:
    return NOT_ALPHANUMERIC.sub("", text or "").casefold()


def same_text(text: str | None, other: str | None) -> bool:
    return bool(key(text)) and key(text) == key(other)


def holds_shown_title(name: str, shown: str) -> bool:
    """Whether a name read as an element's text is the shown title, or starts with it and goes on with the
    lines the element also holds (a microdata name around the ``<h1>`` and "código do produto: 96453")."""
    if same_text(name, shown):
        return True
    return len(shown.split()) >= MIN_SHOWN_WORDS and key(name).startswith(key(shown))


def holds_title(title: str, shown: str) -> bool:
    """Whether a sharing title holds the whole shown title among what it adds before and after ("€97.39 40%
    OFF|<the heading>|Cell Phones - AliExpress")."""
    return len(shown.split()) >= MIN_SHOWN_WORDS and key(shown) in key(title)


def start_alike(title: str, shown: str) -> bool:
    """Whether a sharing title and the shown title name one product: they start with the same letters and
    digits over most of the shorter one ("GORENJE WNEI 74 SAPS Waschmaschine kaufen" and "GORENJE WNEI74SAPS
    Waschmaschine (7 kg)"; a title cut short; a title with the shop's name after it)."""
    if len(shown.split()) < MIN_SHOWN_WORDS:
        return False
    mine, theirs = key(title), key(shown)
    shorter = min(len(mine), len(theirs))
    return shorter > 0 and len(commonprefix([mine, theirs])) >= MIN_SHARED_START * shorter


def titled_name(page: Page, brand: str) -> str | None:
    """The og:title or document title without the shop's name, when it starts with the brand and holds more:
    "Seafolly Splendour bikinitop", not a title that only mentions it among search words ("Comprar Absolut
    Vodka 50 cl en …", where the heading read as the brand was the product's name all along)."""
    for name in document_titles(page):
        if key(name).startswith(key(brand)) and len(key(name)) > len(key(brand)):
            return name
    return None


def document_titles(page: Page) -> list[str]:
    """The page's og:title and ``<title>`` (not an SVG's), each without the shop's name."""
    raw = page.selector.xpath("//meta[@property='og:title']/@content | //title[not(ancestor::svg)]/text()").getall()
    return [title for text in raw if (title := without_shop_name(clean_text(text) or "", page))]


def without_shop_name(title: str, page: Page) -> str:
    """The title without a last or first part naming the shop (its og:site_name, or its host: "… | eBay",
    "retrosixty - …")."""
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    site = key(page.selector.xpath("//meta[@property='og:site_name']/@content").get())
    host = key(urlsplit(page.url).hostname)

    def names_shop(part: str) -> bool:
        return bool(key(part)) and (key(part) == site or key(part) in host)

    if names_shop(parts[-1]):
        return title[: title.rfind(parts[-1])].rstrip(" |•·–—-:").strip() or title
    if names_shop(parts[0]):
        return title[len(parts[0]) :].lstrip(" |•·–—-:").strip() or title
    return title
