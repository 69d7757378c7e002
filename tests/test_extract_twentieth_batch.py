"""A rule found on the dev pages of the twentieth batch of real shop pages (Zara): several top-level JSON-LD
Products of one name are the sizes and colours of one product, not a listing."""

from __future__ import annotations

import json

from snapmode.extract import extract_product
from snapmode.extract.structured import shared_stem

PHOTO = '<img src="/media/05575029.jpg" width="600" height="800">'
URL = "https://www.shop.example/pr/es/jeans-trf-wide-leg-tiro-alto-p05575029.html"


def variant(sku: str, price: str, availability: str | None = "InStock", name: str = "JEANS TRF WIDE LEG") -> dict:
    offer = {"@type": "Offer", "priceCurrency": "USD", "price": price}
    if availability:
        offer["availability"] = f"https://schema.org/{availability}"
    return {
        "@context": "https://schema.org/",
        "@type": "Product",
        "name": name,
        "brand": "ZARA",
        "sku": sku,
        "offers": offer,
    }


def page(products: list[dict], shown_price: str = "$ 59,90") -> str:
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(products)}</script></head>'
        f"<body><div>{PHOTO}<h1>JEANS TRF WIDE LEG</h1><p class='price'>{shown_price}</p></div></body></html>"
    )


def test_sizes_declared_as_products_of_one_name_are_one_product():
    sizes = [variant("469506351-800-32", "59.9", None), *(variant(f"469506351-800-{s}", "59.9") for s in (34, 36))]
    product = extract_product(page(sizes), URL)
    assert (product.name, product.brand, product.sku) == ("JEANS TRF WIDE LEG", "ZARA", "469506351-800")
    assert (product.price, product.currency, product.availability) == ("59.9", "USD", "InStock")


def test_colours_of_different_prices_leave_the_price_to_the_one_the_page_shows():
    colours = [
        variant("469506351-800-32", "59.9"),
        variant("469506351-406-32", "35.94"),
        variant("469506351-406-34", "35.94"),
    ]
    product = extract_product(page(colours), URL)
    assert (product.price, product.currency, product.sku) == ("59.90", "USD", "469506351")


def test_every_size_sold_out_is_out_of_stock():
    sizes = [variant(f"469506351-800-{s}", "59.9", "OutOfStock") for s in (32, 34, 36)]
    assert extract_product(page(sizes), URL).availability == "OutOfStock"


def test_products_of_different_names_are_still_a_listing():
    listing = [
        variant("A-1", "10", name="Linen dress"),
        variant("B-2", "12", name="Wool coat"),
        variant("C-3", "14", name="Denim jacket"),
    ]
    assert extract_product(page(listing), URL).brand is None  # no product read from the structured data


def test_the_sku_variants_share():
    assert shared_stem(["469506351-800-32", "469506351-800-34"]) == "469506351-800"
    assert shared_stem(["ABCDE1-S", "ABCDE1-M"]) == "ABCDE1"
    assert shared_stem(["TW77-S", "TW77-M"]) is None  # too short to name the product
    assert shared_stem(["1234567", "1234568"]) is None  # a run of numbers, not parts
    assert shared_stem(["W-12", "W-12"]) == "W-12"  # one product declared twice keeps its SKU, however short
    assert shared_stem(["ABCDE1-S", None]) == "ABCDE1-S"  # the only SKU declared
