"""Rules found on the dev pages of the sixteenth batch of real shop pages (gilt, mollusksurfshop, tiffany), and
while looking again at the dev pages whose photo is missed (cgarsltd, icone, meinwoody, play)."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product
from snapmode.extract.normalize import image_url

URL = "https://shop.example/p/floral-crown-skull-1190485849"
PHOTO = '<img src="/media/1190485849.jpg" width="600" height="800">'


def page(block: str, photo: str = PHOTO) -> str:
    return (
        "<html><head><title>Floral Crown Skull | Shop</title></head>"
        f"<body><main><div>{photo}<h1>Floral Crown Skull</h1><p class='price'>$229.00</p>{block}</div></main>"
        "</body></html>"
    )


def test_a_microdata_photo_without_src_is_no_photo_rather_than_the_page_itself():
    html = (
        '<html><head><title>Floral Crown Skull</title></head><body><div itemscope itemtype="https://schema.org/Product">'
        '<h1 itemprop="name">Floral Crown Skull</h1><img itemprop="image" srcset="//cdn.example/p/674.jpg 674w">'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">229</span>'
        '<meta itemprop="priceCurrency" content="USD"></div></div></body></html>'
    )
    assert URL not in extract_product(html, URL).images


def test_a_plug_ins_credit_styled_as_a_brand_is_no_brand():
    credit = (
        '<div class="reco-wrap"><p class="brand">powered by <a href="https://apps.example/reco">Recomatic</a></p></div>'
    )
    assert extract_product(page(credit), URL).brand is None


def test_add_to_shopping_bag_is_a_buy_button():
    assert extract_product(page("<button>Add to Shopping Bag</button>"), URL).availability == "InStock"


@pytest.mark.parametrize(
    ("link", "photo"),
    [
        ("/images/stars_0.gif", False),  # a rating's stars
        ("/graphics/starb.gif", False),
        ("/img/spaces/stars50.gif", False),
        ("/media/giftwrap/icon/default/gift_wrap_button.png", False),  # a button's face
        ("/media/catalog/product/star-1.jpg", True),  # a product called "Star", photographed
        ("/media/catalog/product/north-star-poster.png", True),
    ],
)
def test_a_ratings_stars_or_a_buttons_face_is_no_photo(link: str, photo: bool):
    assert (image_url(link, URL) is not None) is photo


def test_a_twitter_product_cards_brand_and_product_availability_rows_are_read():
    head = (
        '<meta name="twitter:title" content="7\'0 Flat Tracker"><meta name="twitter:label1" content="Price">'
        '<meta name="twitter:data1" content="$955.00 USD"><meta name="twitter:label2" content="Brand">'
        '<meta name="twitter:data2" content="Christenson"><meta name="twitter:label3" content="Product Availability">'
        '<meta name="twitter:data3" content="In stock">'
    )
    product = extract_product(f"<html><head>{head}</head><body><p>Surfboards</p></body></html>", URL)
    assert (product.brand, product.availability, product.price) == ("Christenson", "InStock", "955.00")
