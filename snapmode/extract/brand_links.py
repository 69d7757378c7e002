"""A brand a page names only at the start of its title, confirmed by a link to the brand's own page.

Many shops print no brand field: the title starts with it ("Tignanello Multi Pocket Organizer", "Calvin Klein
Animal-Print Dress") and a link elsewhere on the page, showing the same words, leads to the brand's page
("/brands/nerf/", "/shop/featured-brands/calvin-klein", "/samsung"). Together they name the brand; either alone
does not: a title may start with a category word, and most links lead to categories.
"""

from __future__ import annotations

import unicodedata
from itertools import islice
from urllib.parse import unquote, urlsplit

from lxml import etree

from snapmode.extract.normalize import inline_text, normalize_brand
from snapmode.extract.page import Page

MAX_BRAND_WORDS = 3
MAX_LINKS = 3000
# Path segments that lead to a brand's own page ("/brand/marshall", "/featured-brands/calvin-klein").
BRAND_PATH_WORDS = frozenset(
    {
        "brand",
        "brands",
        "featuredbrands",
        "shopbybrand",
        "designer",
        "designers",
        "marke",
        "marken",
        "marque",
        "marques",
        "marca",
        "marcas",
        "marchio",
        "marchi",
        "merk",
        "merken",
    }
)
LINKS = etree.XPath("//a[@href]")


def linked_title_brand(page: Page, name: str | None) -> str | None:
    """The first one to three words of ``name`` when a link shows them as its text and leads to their own page:
    a path of that one segment, or that segment after a brand word ("/brands/nerf/"). The name must go on after
    them, or the link would be to the product itself."""
    words = (name or "").split()
    starts = {}
    for count in range(1, min(MAX_BRAND_WORDS, len(words) - 1) + 1):
        start = " ".join(words[:count])
        if len(key := compact(start)) >= 2:
            starts[key] = start
    if not starts:
        return None
    for link in islice(LINKS(page.selector.root), MAX_LINKS):
        shown = compact(inline_text(link) or "")
        if shown not in starts:
            continue
        segments = path_keys(link.get("href", ""))
        if segments and segments[-1] == shown and (len(segments) == 1 or segments[-2] in BRAND_PATH_WORDS):
            return normalize_brand(starts[shown])
    return None


def leads_to_a_brand(href: str) -> bool:
    """Whether a link's path goes through a brand word: "/en/brands/3.1-phillip-lim/495", "/brand/john-lewis/…"."""
    return any(segment in BRAND_PATH_WORDS for segment in path_keys(href))


def path_keys(href: str) -> list[str]:
    """The link's path segments, each ``compact``; none for a link ``urlsplit`` cannot read."""
    try:
        path = urlsplit(href).path
    except ValueError:
        return []
    return [compact(unquote(segment)) for segment in path.split("/") if segment]


def compact(text: str) -> str:
    """Letters and digits only, lower case, accents and marks dropped: "L’Action" and "/brand/laction" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())
