"""Rules found on the dev pages of the twenty-third batch of real shop pages (pharmacyonline, Gmarket, GameStop,
Reima, Lekmer): a restock alert where the buy button was, stock lines kept hidden, the won written "원", prices
struck through by their style, a label in running text before its value's element, and a product code's element."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product, market

URL = "https://shop.example/p/amber-down-overall"
PHOTO = '<img src="/media/510144.jpg" width="600" height="800">'
MICRODATA_IN_STOCK = (
    "<div itemscope itemtype='https://schema.org/Product'><meta itemprop='name' content='Daily Scrub 125ml'>"
    "<div itemprop='offers' itemscope itemtype='https://schema.org/Offer'><meta itemprop='price' content='14.5'>"
    "<meta itemprop='priceCurrency' content='AUD'>"
    "<meta itemprop='availability' content='https://schema.org/InStock'></div></div>"
)


def page(block: str, head: str = "") -> str:
    return (
        f"<html><body>{head}<div class='product'>{PHOTO}<h1>Lasten untuvahaalari Amber</h1>"
        f"<div class='product-info-main'><span class='price'>$14.50</span>{block}</div></div></body></html>"
    )


ALERT = "<a href='/productalert/add/stock/product_id/41503/' class='action alert'>Notify when available</a>"
BUY = "<button type='submit' class='action tocart primary'>Add to Cart</button>"


@pytest.mark.parametrize(
    ("block", "head", "availability"),
    [
        # Magento's stock-alert block in place of the add form's button: sold out, whatever the microdata says.
        (f"<div class='qty-disabled'><input type='number' disabled></div>{ALERT}", MICRODATA_IN_STOCK, "OutOfStock"),
        (ALERT, "", "OutOfStock"),
        ("<button class='notify-me'>Benachrichtigen, wenn verfügbar</button>", "", "OutOfStock"),
        # An alert beside a buy button is a size's, not the product's.
        (BUY + ALERT, MICRODATA_IN_STOCK, "InStock"),
        (BUY + ALERT, "", "InStock"),
        # An alert kept hidden until a size runs out says nothing yet.
        (f"<div style='display: none'>{ALERT}</div>", MICRODATA_IN_STOCK, "InStock"),
    ],
)
def test_a_restock_alert_where_the_buy_button_was_means_sold_out(block, head, availability):
    assert extract_product(page(block, head), URL).availability == availability


def test_a_hidden_stock_line_is_not_read():
    block = (
        "<a id='btnAddToCart' class='megaButton' style='display: block;' href='#'>Bestellen</a>"
        "<a class='megaButton buyDisabled' style='display: none;' href='#'>Derzeit nicht Verfügbar</a>"
        "<p>Lieferung in 2-3 Tagen</p>"
    )
    assert extract_product(page(block), URL).availability == "InStock"


def test_the_won_written_in_hangul_is_krw():
    html = (
        f"<html><body><div>{PHOTO}<h1 class='itemtit'>오플 CJ제일제당 고메핫도그 4봉 24개</h1><p class='price'>"
        "<span class='price_original'>957,000<span class='unit'>원</span></span>"
        "<strong class='price_real'>868,480<span class='unit'>원</span></strong></p></div></body></html>"
    )
    product = extract_product(html, "http://item.gmarket.co.kr/DetailView/Item.asp?goodsCode=1155357080")
    assert (product.price, product.regular_price, product.currency) == ("868480", "957000", "KRW")


@pytest.mark.parametrize(
    "style", ["text-decoration: line-through;", "TEXT-DECORATION:LINE-THROUGH", "text-decoration-line: line-through"]
)
def test_a_price_struck_through_by_its_style_is_the_former_price(style):
    html = (
        f"<html><body><div class='prod'>{PHOTO}<h1>Lasten untuvahaalari Amber</h1><p class='big-price'>"
        f"<font style='{style}'>119,95 €</font>&nbsp;<font style='color: red;'>45,00 €</font></p></div></body></html>"
    )
    product = extract_product(html, URL)
    assert (product.price, product.regular_price, product.currency) == ("45.00", "119.95", "EUR")


def test_a_label_in_running_text_names_the_element_after_it():
    block = "<p>Tavaramerkit: <a href='/levis/' itemprop='brand'>Levi's</a>, Artikkelinumero: <span>NG20004</span></p>"
    assert extract_product(page(block), URL).sku == "NG20004"


def test_running_text_before_an_element_is_no_label_unless_it_ends_in_one():
    block = "<p>Tavaramerkit: <a href='/levis/'>Levi's</a>, koko <span>NG20004</span></p>"
    assert extract_product(page(block), URL).sku is None


@pytest.mark.parametrize(
    ("marks", "sku"),
    [
        ("id='productCode'", "510144-4620"),
        ("class='product-code'", "510144-4620"),
        ("class='item_code'", "510144-4620"),
        # Other codes are not the product's.
        ("class='promo-code'", None),
        ("class='barcode-scanner'", None),
    ],
)
def test_an_element_marked_as_the_products_code_holds_its_sku(marks, sku):
    html = (
        f"<html><body><div class='prod'>{PHOTO}<h1>Lasten untuvahaalari Amber</h1>"
        f"<p><span {marks}>510144-4620</span></p><p class='price'>45,00 €</p></div></body></html>"
    )
    assert extract_product(html, URL).sku == sku


def test_a_buy_controls_title_naming_the_product_does_not_hide_it():
    block = (
        "<a id='UcAddToCartButton_lnkButtonAddToCart' title='Add Tignanello Multi Pocket Organizer Crossbody to cart'"
        " href=\"javascript:__doPostBack('lnkButtonAddToCart','')\"><img src='/btn_add.gif' alt=''></a>"
    )
    assert extract_product(page(block), URL).availability == "InStock"


def test_a_restock_alert_drawn_as_an_image_is_read_by_its_title():
    block = "<a href='/productalert/add/stock/41503/' title='Notify me when available'><img src='/bell.svg'></a>"
    assert extract_product(page(block), URL).availability == "OutOfStock"


@pytest.mark.parametrize(
    ("element", "sku"),
    [
        # Lands' End: the label glued to the number, a styled empty span for its hyphen.
        ("<span class='item-number'>Item #489021<span class='fake-hyphen'></span>A55</span>", "489021A55"),
        # A count of items is no identifier.
        ("<span class='cart-item-number'>0</span>", None),
        ("<span class='item-number'>2 items</span>", None),
    ],
)
def test_an_element_marked_as_the_items_number_holds_one_identifier(element, sku):
    html = (
        f"<html><body><div class='prod'>{PHOTO}<h1>Women's Supima Cotton Cardigan</h1>"
        f"<p>{element}</p><p class='price'>$49.95</p></div></body></html>"
    )
    assert extract_product(html, URL).sku == sku


def heading_priced(url_text: str, footer: str) -> str:
    return (
        f"<html><body><div class='product'>{PHOTO}<h1>Rollkragenpullover <span class='price'>29,99</span></h1>"
        f"<button>In den Warenkorb</button></div><footer>{footer}</footer></body></html>"
    )


@pytest.mark.parametrize(
    ("url", "footer", "currency"),
    [
        # H&M: the heading's price has no sign; the page's other amounts say which currency the shop sells in.
        ("https://www2.hm.com/de_de/productpage.html", "<p>Unsere Standardversandkosten betragen 4,99 €.</p>", "EUR"),
        ("https://shop.example.ca/p/1", "<p>Free shipping over $50</p>", "CAD"),
        # Amounts in two currencies, or none, or three capitals beside a number: no answer.
        ("https://shop.example/p/1", "<p>Shipping 4,99 € or $5.50</p>", None),
        ("https://shop.example/p/1", "<p>Shipping 4,99</p>", None),
        ("https://shop.example/p/1", "<p>Charges over USB 3 in 2 hours</p>", None),
    ],
)
def test_a_price_written_without_a_sign_takes_the_currency_of_the_pages_other_amounts(url, footer, currency):
    product = extract_product(heading_priced(url, footer), url)
    assert (product.price, product.currency) == ("29.99", currency)


def test_the_currency_of_other_amounts_is_never_read_over_a_written_sign():
    html = heading_priced("https://shop.example/p/1", "<p>Delivery 4,99 €</p>").replace("29,99", "£29.99")
    assert extract_product(html, "https://shop.example/p/1").currency == "GBP"


def test_the_other_amounts_are_read_in_bounded_pieces_of_a_huge_page(monkeypatch):
    read = []
    real = market.SIGN_BESIDE_AMOUNT

    class Counting:
        def finditer(self, text):
            read.append(text)
            return real.finditer(text)

    monkeypatch.setattr(market, "SIGN_BESIDE_AMOUNT", Counting())
    noise = "<span>shipping 4,99 in 2 days</span>" * 20_000 + "<p>" + "1 " * 100_000 + "</p>"
    product = extract_product(heading_priced("https://shop.example/p/1", noise), "https://shop.example/p/1")
    assert (product.price, product.currency) == ("29.99", None)
    assert len(read) <= market.MAX_PRICE_TEXTS
    assert all(len(text) <= market.MAX_TEXT_READ for text in read)
