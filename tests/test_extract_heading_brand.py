"""A brand set inside the product's heading as its own element, and Japanese buy buttons.

Each page here is a few lines of hand-written HTML in that shape.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from snapmode.extract import extract_product
from snapmode.extract.titles import heading_name

PHOTO = '<img src="/media/photo-1.jpg" width="600" height="800">'
URL = "https://parfum.example/ru/product/26802"


def page(block: str, title: str = "Gentle Fluidity Gold") -> str:
    return f"<html><head><title>{title}</title></head><body><form>{block}</form></body></html>"


def product_block(heading: str, extra: str = "") -> str:
    return f'<div>{PHOTO}</div><div><h1>{heading}</h1><p class="price">22 510 ₽</p>{extra}</div>'


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        # The brand's link and the name's element with nothing between them: read as one text they run together.
        (
            '<a class="pdp-title__brand" href="/brands/mfk">Maison Francis Kurkdjian</a><span>Gentle Fluidity Gold</span>',
            "Gentle Fluidity Gold",
        ),
        ('<span itemprop="brand">Nike</span> Air Max 90', "Air Max 90"),
        ('<span id="productBrand">Levis</span><span class="name">501 Original</span>', "501 Original"),
        # No element marked "brand": the whole text, brand words included.
        ("<span>Nike</span> Air Max 90", "Nike Air Max 90"),
        ('<a href="/brands/nike">Nike</a> Air Max 90', "Nike Air Max 90"),
        # Nothing but the brand in the heading: its text stays.
        ('<span class="brand">Nike</span>', "Nike"),
    ],
)
def test_a_brand_set_inside_the_heading_is_no_part_of_the_name(heading: str, name: str):
    assert heading_name(lxml_html.fragment_fromstring(f"<h1>{heading}</h1>")) == name


def test_the_product_is_named_by_its_heading_without_the_brand_slot():
    heading = '<a class="title__brand" href="/brands/mfk">Maison Francis Kurkdjian</a><span>Gentle Fluidity Gold</span>'
    product = extract_product(page(product_block(heading)), URL)
    assert (product.name, product.price) == ("Gentle Fluidity Gold", "22510")


@pytest.mark.parametrize("label", ["カートに入れる", "カートに追加", "購入する", "今すぐ購入"])
def test_a_japanese_buy_button_says_the_product_can_be_bought(label: str):
    button = f'<button type="submit">{label}</button>'
    block = f'<div>{PHOTO}</div><div><h1>異世界おもいで食堂</h1><p class="price">1,320 円</p>{button}</div>'
    assert extract_product(page(block, "異世界おもいで食堂"), URL).availability == "InStock"
