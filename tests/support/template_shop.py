"""Product pages of one made-up shop layout, for learning templates: the same DOM on every product page, JSON-LD
on some pages only, and a price written as a bare amount ("48.48") in a block no class calls a price, so the
page-level layers read the labelled pages and miss the price (and with it the product) on the others."""

from __future__ import annotations

import json
from decimal import Decimal

SHOP_NAME = "Atelier Nord"
COLOURS = ("Navy", "Ochre", "Sage", "Plum", "Rust", "Ivory", "Slate", "Coral", "Teal", "Sand")
GARMENTS = ("linen shirt", "wool coat", "denim jacket", "silk scarf", "knit jumper", "cord trousers", "rain parka")


def product_name(number: int) -> str:
    return f"{COLOURS[number % len(COLOURS)]} {GARMENTS[number % len(GARMENTS)]} no. {number}"


def product_price(number: int) -> str:
    return str(Decimal(19) + Decimal(number * 137 % 9000) / 100)


def product_sku(number: int) -> str:
    return f"AN-{4000 + number}"


def product_page(number: int, *, labelled: bool, layout: str = "classic") -> str:
    """Product ``number``'s page; ``labelled`` adds its JSON-LD; ``layout`` "classic" or "renewed" (other
    class names and nesting: the shop's new template)."""
    declared = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product_name(number),
        "sku": product_sku(number),
        "offers": {"@type": "Offer", "price": product_price(number), "priceCurrency": "EUR"},
    }
    head = f'<script type="application/ld+json">{json.dumps(declared)}</script>' if labelled else ""
    if layout == "classic":
        block = f"""
        <div class="sheet" id="sheet-{number}">
          <div class="pictures"><img src="/photos/{number}.jpg" width="600" height="800" alt=""></div>
          <div class="summary">
            <h2 class="label">{product_name(number)}</h2>
            <div class="tag"><span class="figure">{product_price(number)}</span></div>
            <p class="ref">{product_sku(number)}</p>
            <p class="note">Ships within two days</p>
          </div>
        </div>"""
    else:
        block = f"""
        <section class="pdp">
          <figure class="media"><img src="/photos/{number}.jpg" width="600" height="800" alt=""></figure>
          <div class="details"><div class="heading"><h3>{product_name(number)}</h3></div>
            <div class="amount-row"><b class="value">{product_price(number)}</b></div>
            <small class="code">{product_sku(number)}</small>
          </div>
        </section>"""
    return f"""<!doctype html><html><head><title>{product_name(number)} | {SHOP_NAME}</title>{head}</head>
    <body><div class="banner"><a href="/">{SHOP_NAME}</a></div>
    <main>{block}</main>
    <div class="foot"><p>Free returns</p></div></body></html>"""


def listing_page(numbers: range) -> str:
    """A category page: one card per product, each with the product block's classes."""
    cards = "".join(
        f"""<div class="summary"><h2 class="label"><a href="/p/{number}">{product_name(number)}</a></h2>
        <div class="tag"><span class="figure">{product_price(number)}</span></div></div>"""
        for number in numbers
    )
    return f"""<!doctype html><html><head><title>Coats | {SHOP_NAME}</title></head>
    <body><div class="banner"><a href="/">{SHOP_NAME}</a></div><main><h1>Coats</h1>{cards}</main></body></html>"""
