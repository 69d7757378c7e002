"""Electronics and department-store layouts: a product declared as the object of a BuyAction, a recommended price
labelled "UVP" beside a copy of its amount for screen readers, the maker's logo beside the title, an item number
in a label element and a value element, closing the product description far below the buy box, and
data-vocabulary.org's generic identifier.

Each page here is a few lines of hand-written HTML in that shape.
"""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from snapmode.extract import extract_product
from snapmode.extract.money import label_context
from snapmode.extract.specs import labelled_line

URL = "https://elektro.example/de/product/_waschmaschine-7-kg-2805363.html"
PHOTO = '<img src="/media/waschmaschine.jpg" width="600" height="450">'


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Waschmaschine | Elektro</title>{head}</head><body>{body}</body></html>"


def test_a_product_that_is_the_object_of_a_buy_action_is_read():
    action = {
        "@context": "https://schema.org/",
        "@type": "BuyAction",
        "object": {
            "@type": "Product",
            "name": "GORENJE Waschmaschine (7 kg)",
            "brand": {"@type": "Brand", "name": "GORENJE"},
            "sku": "2805363",
            "offers": {"@type": "Offer", "priceCurrency": "EUR", "price": 333, "availability": "InStock"},
        },
    }
    head = f'<script type="application/ld+json">{json.dumps(action)}</script>'
    product = extract_product(page("<main><h1>Waschmaschine</h1></main>", head), URL)
    assert (product.name, product.brand, product.sku, product.price, product.currency) == (
        "GORENJE Waschmaschine (7 kg)",
        "GORENJE",
        "2805363",
        "333",
        "EUR",
    )


def test_a_search_action_is_no_product():
    action = {"@context": "https://schema.org", "@type": "SearchAction", "target": "https://elektro.example/?q={q}"}
    head = f'<script type="application/ld+json">{json.dumps(action)}</script>'
    assert extract_product(page("<p>Willkommen</p>", head), "https://elektro.example/").name is None


PRICE_BOX = (
    '<div class="product-price">'
    '<p><span>UVP</span> <span aria-hidden="true">539,–</span> <span class="sr-only">€539,00</span></p>'
    '<div aria-hidden="true"><span>€ <!-- --> 333,</span><div><span>–</span></div></div>'
    '<span class="sr-only">€333,00</span></div>'
)


def test_a_recommended_price_shown_twice_is_the_former_price():
    # The label sits beside the amount shown for the eye and the same amount written for screen readers.
    product = extract_product(page(f"<main><div>{PHOTO}</div><div><h1>Waschmaschine</h1>{PRICE_BOX}</div></main>"), URL)
    assert (product.price, product.regular_price, product.currency) == ("333", "539", "EUR")


@pytest.mark.parametrize(
    ("line", "context"),
    [
        ('<p><span>UVP</span> <span id="a">539,–</span> <span>€539,00</span></p>', "UVP 539,– €539,00"),
        # Another amount in the block: two lines, read apart.
        ('<p><span>UVP 599,–</span> <span id="a">539,–</span></p>', "539,–"),
    ],
)
def test_the_label_of_an_amount_reaches_past_a_copy_of_it_only(line: str, context: str):
    carrier = lxml_html.fromstring(line).get_element_by_id("a")
    assert label_context(carrier) == context


def headline(logo_alt: str, name: str = "HP Active Pen mit N-Trig Technologie") -> str:
    return (
        f'<header><img src="/gfx/shop-logo.png" alt="Elektro logo"></header><main>'
        f'<div class="headline"><div><img src="/gfx/maker_logos/x.gif" alt="{logo_alt}"></div><h1>{name}</h1></div>'
        f'<div>{PHOTO}<p class="price">49,99 €</p><button>In den Warenkorb</button></div></main>'
    )


@pytest.mark.parametrize(("logo_alt", "brand"), [("HP logo", "HP"), ("Logo HP", "HP"), ("hp-Logo", "hp")])
def test_the_makers_logo_beside_the_title_names_the_brand(logo_alt: str, brand: str):
    assert extract_product(page(headline(logo_alt)), URL).brand == brand


@pytest.mark.parametrize(
    ("logo_alt", "name"),
    [
        ("Logo der Versicherung", "HP Active Pen"),  # the logo of something else
        ("HP logo", "Stift für HP Spectre"),  # the name does not start with the logo's name
        ("Produktbild", "HP Active Pen"),  # not a logo
    ],
)
def test_other_logos_name_no_brand(logo_alt: str, name: str):
    assert extract_product(page(headline(logo_alt, name)), URL).brand is None


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("<div><span>Item No.</span> <span>1610104181</span></div>", ("Item No.", "1610104181")),
        ("<div>Art.-Nr. <span>21-2704</span></div>", ("Art.-Nr.", "21-2704")),
        ("<div><span>Item No.</span> or <span>1610104181</span></div>", None),  # words between: no pair
        ("<div><span>a</span><span>b</span><span>c</span></div>", None),
    ],
)
def test_a_label_element_and_a_value_element_are_a_labelled_line(line: str, pair: tuple[str, str] | None):
    assert labelled_line(lxml_html.fromstring(line)) == pair


def department_store(tail: str) -> str:
    buy_box = (
        f'<main><div class="product-main"><div>{PHOTO}</div><div><h1>Brazilian Knickers</h1>'
        '<p class="price">Now £10.00</p><button>Add to bag</button></div></div></main>'
    )
    return page(f"{buy_box}<div class='reviews'>No reviews yet</div>{tail}")


@pytest.mark.parametrize(
    ("label", "sku"),
    [("Item No.", "1610104181"), ("Artikelnummer:", "1610104181"), ("Référence", "1610104181"), ("SKU", "1610104181")],
)
def test_an_item_number_closing_the_product_description_is_the_sku(label: str, sku: str):
    description = (
        '<div class="product-description"><h2>Product description</h2><p>Soft mesh with satin trims.</p>'
        f'<div class="item-number"><span>{label}</span> <span>1610104181</span></div></div>'
    )
    assert extract_product(department_store(description), URL).sku == sku


@pytest.mark.parametrize("label", ["Style code", "Model number", "MPN"])
def test_a_makers_code_in_the_description_is_not_taken(label: str):
    # That far from the title, a maker's code is as likely an accessory's as the product's.
    description = f'<div class="product-description"><div><span>{label}</span> <span>AB-1234</span></div></div>'
    assert extract_product(department_store(description), URL).sku is None


def test_an_item_number_in_a_related_products_description_is_not_taken():
    related = (
        '<div class="related-products"><div class="product-description">'
        "<div><span>Item No.</span> <span>9990001111</span></div></div></div>"
    )
    assert extract_product(department_store(related), URL).sku is None


def test_a_data_vocabulary_identifier_stands_in_for_the_sku():
    item = (
        '<div itemscope itemtype="http://data-vocabulary.org/Product"><h1 itemprop="name">Kempton Small Tote</h1>'
        '<meta itemprop="identifier" content="mpn:04044499">'
        '<p class="price">$98.00</p></div>'
    )
    assert extract_product(page(item), "https://store.example/p/kempton-tote/503911007").sku == "04044499"


def test_a_link_as_identifier_is_no_sku():
    item = (
        '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kempton Small Tote</h1>'
        '<link itemprop="identifier" href="https://store.example/p/kempton-tote"></div>'
    )
    assert extract_product(page(item), "https://store.example/p/kempton-tote").sku is None
