"""Rules found on the dev pages of the fifteenth batch of real shop pages (mango, pharmacyonline, koton)."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product
from snapmode.extract.normalize import image_url

URL = "https://shop.example/p/textured-shift-dress-81070185"
PHOTO = '<img src="/media/81070185.jpg" width="600" height="800">'


def page(block: str) -> str:
    return (
        "<html><head><title>Textured shift dress | Shop</title></head>"
        f"<body><main><div>{PHOTO}<h1>Textured shift dress</h1>{block}</div></main></body></html>"
    )


SIZE_MENU = (
    '<select name="size"><option value="2">2</option><option value="4">4</option>'
    '<option value="8" disabled>8 - Not available</option></select>'
    '<button class="button-addCart">Add to bag</button>'
)


@pytest.mark.parametrize("marked", ["stock_true actionContainer", "priceSelector__container"])
def test_a_block_marked_stock_or_price_around_a_size_menu_states_the_options_not_the_product(marked: str):
    block = f'<p class="price">$39.99</p><div class="{marked}">Choose your size {SIZE_MENU}</div>'
    assert extract_product(page(block), URL).availability == "InStock"


def test_a_block_marked_stock_without_a_menu_still_states_the_products_stock():
    block = '<p class="price">$39.99</p><div class="stock-status">Not available</div>'
    assert extract_product(page(block), URL).availability == "OutOfStock"


def test_a_price_set_in_pieces_is_read_whole_with_its_currency():
    block = (
        '<span itemprop="price"><span class="strikethrough">$</span><span class="strikethrough">79.</span>'
        '<span class="strikethrough">99</span><span class="sale">$</span><span class="sale">39.</span>'
        '<span class="sale decimal">99</span></span>'
    )
    product = extract_product(page(block), URL)
    assert (product.price, product.regular_price, product.currency) == ("39.99", "79.99", "USD")


def test_a_link_to_the_brands_other_products_names_the_brand():
    block = '<p class="price">$9.95</p><div class="product-brand"><a href="/neutrogena">See other products by: Neutrogena</a></div>'
    assert extract_product(page(block), URL).brand == "Neutrogena"


@pytest.mark.parametrize(
    ("link", "url"),
    [
        (  # a CDN's scheme-relative link glued to the shop's address
            "http://www.shop.example//img-cdn.example.net/static/p/6YAL31423-large1.jpg",
            "http://img-cdn.example.net/static/p/6YAL31423-large1.jpg",
        ),
        ("http://www.shop.example//media/catalog/p/1.jpg", "http://www.shop.example//media/catalog/p/1.jpg"),
    ],
)
def test_a_photo_on_a_cdn_glued_to_the_shops_address_is_read_on_the_cdn(link: str, url: str):
    assert image_url(link, "http://www.shop.example/p/1") == url
