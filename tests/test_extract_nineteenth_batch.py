"""Rules found on the dev pages of the nineteenth batch of real shop pages (Bloomingdale's, csmegastore.no, myskin.md,
alcomarket.md, bcoutlet): a price labelled "Orig" is a former price, a delivery option's price is not the product's,
a sign the shop's market reads as its own currency ("kr" on a .no shop, "лей" on a .md shop, "$" on a .ca shop),
and a buy control named in camelCase ids, a link that runs a script among them."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product, market
from snapmode.extract.layered import extract_with_sources

PHOTO = '<img src="/media/1.jpg" width="600" height="800">'


def test_a_price_labelled_orig_beside_a_now_price_is_the_former_price():
    html = (
        f"<html><body><div>{PHOTO}<h1>Theodora &amp; Callum Flats - Primaballet</h1><div id='PriceDisplay'>"
        "<div class='priceSale'><div><span>Orig </span><span class='priceBig'>$235.00</span></div>"
        "<div><span>Was </span><span class='priceBig'>$164.50</span></div>"
        "<div><span class='priceSale'>Now $115.15</span></div></div></div></div></body></html>"
    )
    product = extract_product(html, "https://shop.example/shop/product/flats?ID=596838")
    assert (product.price, product.regular_price, product.currency) == ("115.15", "235.00", "USD")


def test_a_delivery_options_price_is_not_the_products():
    html = (
        f"<html><body><div>{PHOTO}<h1>Ombyggingssett til Luna babyseng</h1>"
        "<div class='shipv5box'><div class='shipv5box__price'>375,00</div></div>"
        "<div class='v-product-details__price-wrap'><span class='v-product-details__price'>NOK 1.399,00</span></div>"
        "</div></body></html>"
    )
    product = extract_product(html, "https://www.shop.example/ombyggingssett-luna")
    assert (product.price, product.currency) == ("1399.00", "NOK")


@pytest.mark.parametrize(
    ("url", "price_html", "currency"),
    [
        ("https://www.barn.example.no/p/luna", "<p class='price'>1 399,00 kr</p>", "NOK"),
        ("https://www.barn.example.se/p/luna", "<p class='price'>1 399,00 kr</p>", "SEK"),
        ("https://myskin.example.md/ru/product/1144", "<p class='price'><span>145</span> лей</p>", "MDL"),
        ("https://shop.example.ca/p/luna", "<p class='price'>$49.99</p>", "CAD"),
        # The same signs elsewhere keep their usual reading, or none.
        ("https://shop.example.com/p/luna", "<p class='price'>$49.99</p>", "USD"),
        ("https://shop.example.ca/p/luna", "<p class='price'>US$49.99</p>", "USD"),  # a sign naming another market
        ("https://www.barn.example.com/p/luna", "<p class='price'>1 399,00 kr</p>", None),
    ],
)
def test_a_sign_reads_as_the_currency_of_the_shops_market(url: str, price_html: str, currency: str | None):
    html = f"<html><body><div>{PHOTO}<h1>Ombyggingssett til Luna babyseng</h1>{price_html}</div></body></html>"
    product, sources = extract_with_sources(html, url)
    assert product.currency == currency
    if currency not in (None, "USD"):  # read by the market, from the page's text: the layout layer's source
        assert sources["currency"] == "heuristics"


def test_a_declared_currency_is_never_replaced_by_the_markets():
    html = (
        '<html><head><script type="application/ld+json">{"@type": "Product", "name": "Luna kit", "offers": '
        '{"@type": "Offer", "price": "49.99", "priceCurrency": "USD"}}</script></head>'
        f"<body><div>{PHOTO}<h1>Luna kit</h1><p class='price'>$49.99</p></div></body></html>"
    )
    assert extract_product(html, "https://shop.example.ca/p/luna").currency == "USD"


def test_the_market_reads_a_bounded_number_of_lines_of_a_huge_page(monkeypatch):
    # 20,000 amounts like the price, all in one block: each is read at most twice (alone and with its block, which
    # is too long to be a line and is given up after a few pieces), and only the first MAX_PRICE_TEXTS of them.
    parsed = []
    real = market.Price.fromstring
    monkeypatch.setattr(market.Price, "fromstring", lambda text: parsed.append(text) or real(text))
    noise = "<span>1399</span>" * 20_000
    html = (
        f"<html><body><div>{PHOTO}<h1>Luna kit</h1><p class='price'>1 399,00</p><div>{noise}</div></div></body></html>"
    )
    product = extract_product(html, "https://www.barn.example.no/p/luna")
    assert product.price == "1399.00"
    assert len(parsed) <= 2 * market.MAX_PRICE_TEXTS
    assert all(len(text) < market.MAX_PRICE_LINE for text in parsed)


@pytest.mark.parametrize(
    ("control", "availability"),
    [
        # An ASP.NET page's add-to-cart link: camelCase ids name it, its href runs a script, its face is an image.
        (
            (
                '<a id="ctl00_UcAddToCartButton_lnkButtonAddToCart" href="javascript:__doPostBack(&#39;add&#39;)">'
                '<img src="/images/btn-add.gif"></a>'
            ),
            "InStock",
        ),
        ('<button class="btnAddToBag">Add</button>', "InStock"),
        # A link to another page is no buy control, whatever its id says.
        ('<a id="UcAddToCartButton" href="/cart/view"><img src="/images/btn-add.gif"></a>', None),
    ],
)
def test_a_buy_control_named_in_camel_case(control: str, availability: str | None):
    html = f"<html><body><div>{PHOTO}<h1>Tignanello Organizer Crossbody</h1><p class='price'>$89.00</p>{control}</div></body></html>"
    assert extract_product(html, "https://www.shop.example/product/tignanello/p/1338439").availability == availability
