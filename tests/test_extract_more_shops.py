"""Rules found on the dev pages of the twelfth batch of real shop pages (gittigidiyor.com)."""

from __future__ import annotations

import json

from snapmode.extract.layered import extract_product


def page_with_json_ld(data: dict) -> bytes:
    return f"""<html><head><title>Listing</title>
<script type="application/ld+json">{json.dumps(data)}</script></head>
<body><p>Listing</p></body></html>""".encode()


LISTING = {
    "@context": "https://schema.org",
    "@type": "WebPage",
    "name": "Huawei Mate 20 Lite",
    "mainEntity": {
        "@type": "WebPageElement",
        "offers": {
            "@type": "Offer",
            "itemOffered": [
                {
                    "@type": "Product",
                    "name": "Huawei Mate 20 Lite 64 GB",
                    "brand": {"@type": "Thing", "name": "Huawei"},
                    "offers": {
                        "@type": "Offer",
                        "price": "2029.00",
                        "priceCurrency": "TRY",
                        "availability": "https://schema.org/InStock",
                    },
                }
            ],
        },
    },
}


def test_the_product_a_pages_main_entity_offers_is_the_pages_product() -> None:
    product = extract_product(page_with_json_ld(LISTING), "https://shop.example/listing-1")

    assert product.name == "Huawei Mate 20 Lite 64 GB"
    assert product.brand == "Huawei"
    assert (product.price, product.currency) == ("2029.00", "TRY")


def test_a_product_outside_the_main_entity_is_still_not_the_pages() -> None:
    related = dict(
        LISTING, mainEntity=None, hasPart={"@type": "WebPageElement", "offers": LISTING["mainEntity"]["offers"]}
    )

    product = extract_product(page_with_json_ld(related), "https://shop.example/listing-1")

    assert product.brand is None


def test_a_turkish_or_polish_spec_row_marka_names_the_brand() -> None:
    page = b"""<html><body><h1>Bosch TDA3024010 Iron</h1><p class="price">258,99 TL</p>
    <table class="specs"><tr><th>Marka</th><td>Bosch</td></tr><tr><th>Renk</th><td>Blue</td></tr></table>
    </body></html>"""

    assert extract_product(page, "https://shop.example/iron").brand == "Bosch"


# Thirteenth batch (defacto.com.tr, ikebe-gakki.com).


def test_tl_as_the_currency_of_structured_data_is_the_turkish_lira() -> None:
    perfume = {
        "@context": "https://schema.org/",
        "@type": "Product",
        "name": "Black Erkek Parfüm 50 ml",
        "offers": {"@type": "Offer", "priceCurrency": "TL", "price": "49.99"},
    }

    product = extract_product(page_with_json_ld(perfume), "https://shop.example/50-ml-parfum")

    assert (product.price, product.currency) == ("49.99", "TRY")
