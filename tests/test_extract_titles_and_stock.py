"""Which heading is the product's, and what a page says of stock beside its stock lines: a promise of delivery
by a date, a buy button named so in the markup whatever its label.

Each page here is a few lines of hand-written HTML in the shape shops use.
"""

from __future__ import annotations

import json

import pytest

from snapmode.extract import extract_product, titles
from snapmode.extract.layered import extract_with_sources
from snapmode.extract.money import withholds_price
from snapmode.extract.normalize import inline_text
from snapmode.extract.stock import delivery_line_state

PHOTO = '<img src="/media/photo-1.jpg" width="600" height="800">'
URL = "https://boutique.example/p/linen-dress-RL2041"


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Linen Dress | Boutique</title>{head}</head><body>{body}</body></html>"


def product_block(title: str = "Linen Dress", extra: str = "") -> str:
    return f"<main><div>{PHOTO}<h1>{title}</h1><p>49,90 €</p>{extra}</div></main>"


# --- the product's heading ---


@pytest.mark.parametrize(
    "before",
    [
        # A newsletter pop-up, a cookie banner and a cart drawer laid over the page, written before its content.
        '<div class="newsletter-popup"><h1>Sign up for our newsletter</h1><p>10% off your first order</p></div>',
        '<div id="cookie-notice"><h1>We use cookies</h1><button>Accept all</button></div>',
        '<div role="dialog" aria-modal="true"><h1>Your bag</h1><p>Subtotal 0,00 €</p></div>',
        "<dialog open><h1>Choose your country</h1></dialog>",
        '<div class="cart-drawer"><h1>Your basket is empty</h1></div>',
        # The shop's logo as a heading: all its text a link to the home page.
        '<div class="masthead"><h1><a href="/">Boutique</a></h1></div>',
    ],
)
def test_a_heading_laid_over_the_page_or_the_logo_is_not_the_products(before: str):
    product = extract_product(page(before + product_block()), URL)
    assert (product.name, product.price) == ("Linen Dress", "49.90")


def test_a_page_frame_named_after_a_dialog_still_holds_the_product():
    # Page frames are named after the dialogs they host ("dialog-off-canvas-main-canvas" wraps a whole page).
    popup = '<div class="modal"><h1>Sign up for our newsletter</h1></div>'
    html = page(f'<div class="dialog-off-canvas-main-canvas">{popup}{product_block()}</div>')
    assert extract_product(html, URL).name == "Linen Dress"


def test_a_heading_linking_to_a_product_page_is_no_logo():
    logo = '<h1><a href="https://boutique.example/">Boutique</a></h1>'
    html = page(logo + product_block(title='<a href="/p/linen-dress-RL2041">Linen Dress</a>'))
    assert extract_product(html, URL).name == "Linen Dress"


def test_a_heading_styled_as_a_brand_keeps_its_name_against_a_title_of_search_words():
    # The heading's class names its typeface ("brand-face"), so it is also read as the brand; the document title
    # mentions it among search words and does not start with it: the heading names the product.
    title = '<h1 class="nauru brand-face">Absolut Vodka 50 cl</h1>'
    html = page(
        product_block(title=title), head='<meta property="og:title" content="Comprar Absolut Vodka 50 cl en bodega">'
    )
    assert extract_product(html, URL).name == "Absolut Vodka 50 cl"


# --- a promise of delivery ---


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("Lieferung 17.06.2020 - 18.06.2020", "InStock"),
        ("Delivery by 30 Aug, Wednesday", "InStock"),
        ("Entrega a domicilio en 1-2 días laborables", "InStock"),
        ("Livraison demain", "InStock"),
        ("Ships in 24 hours", "InStock"),
        # Naming delivery without a time says nothing of this product's stock.
        ("Free delivery on orders over £50", None),
        ("Delivery & Returns", None),
        ("Livraison à domicile : 19,00 €", None),
        ("Delivery: £4.99", None),
        # Delivery from a store is about the store's shelf.
        ("Click & collect delivery in 2 days", None),
    ],
)
def test_a_delivery_line_with_a_date_or_a_lead_time(line: str, state: str | None):
    assert delivery_line_state(line) == state


def test_a_delivery_date_in_the_offer_says_the_product_can_be_bought():
    html = page(product_block(extra="<p>Lieferung 17.06.2020 - 18.06.2020</p>"))
    assert extract_product(html, URL).availability == "InStock"


def test_a_delivery_date_in_the_offer_wins_over_structured_data_left_at_sold_out():
    declared = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": "Galaxy Tab A",
            "offers": {"@type": "Offer", "price": "239.99", "priceCurrency": "EUR", "availability": "OutOfStock"},
        }
    )
    html = page(
        product_block("Galaxy Tab A", "<p>Lieferung 17.06.2020 - 18.06.2020</p>"),
        head=f'<script type="application/ld+json">{declared}</script>',
    )
    product, sources = extract_with_sources(html, URL)
    assert (product.availability, sources["availability"]) == ("InStock", "heuristics")


# --- a buy button named so in the markup ---


@pytest.mark.parametrize("label", ["ADD", "Añadir", '<span class="icon icon-bag"></span>'])
def test_a_button_named_the_buy_button_says_the_product_can_be_bought(label: str):
    button = f'<button class="item button button-buy js-open-size-selector">{label}</button>'
    assert extract_product(page(product_block(extra=button)), URL).availability == "InStock"


def test_only_a_usable_button_named_the_buy_button_says_so():
    usable = '<button class="add-to-cart-button">Add</button>'
    assert extract_product(page(product_block(extra=usable)), URL).availability == "InStock"
    # Disabled and labelled otherwise, it asks for a choice first; a short button named otherwise is another one.
    asking = '<button class="add-to-cart-button" disabled>Select size</button>'
    saving = '<button class="wishlist-button">Save</button>'
    assert extract_product(page(product_block(extra=asking + saving)), URL).availability is None


@pytest.mark.parametrize(
    "control",
    [
        # osCommerce-era shops draw their buy button as an image input labelled by its alt text.
        '<input type="image" src="/buttons/button_in_cart.gif" alt="Add to Cart" title=" Add to Cart ">',
        '<input type="image" src="/buttons/german/button_in_cart.gif" alt="In den Warenkorb">',
        '<input type="image" src="/buttons/btn_add_basket_off.gif" alt="Add to Your Cart">',
        '<button type="submit">Add to my bag</button>',
    ],
)
def test_an_image_button_or_a_buy_label_addressing_the_shopper_says_the_product_can_be_bought(control: str):
    form = f'<form action="/cart/add" method="post">{control}</form>'
    assert extract_product(page(product_block(extra=form)), URL).availability == "InStock"


def test_an_image_input_labelled_otherwise_says_nothing_of_stock():
    search = '<form action="/search"><input type="image" src="/buttons/search.png" alt="Search"></form>'
    assert extract_product(page(product_block(extra=search)), URL).availability is None


# --- the product's title where the first <h1> is not it, or there is none ---


def test_of_several_headings_the_one_agreeing_with_the_document_title_is_the_products():
    menu = "<div><h1>Menu</h1><a href='/c/dresses'>Dresses</a></div>"
    assert extract_product(page(menu + product_block()), URL).name == "Linen Dress"


@pytest.mark.parametrize(
    "title_element",
    [
        '<td class="pageHeading">Linen Dress</td>',  # a table layout's heading cell
        '<span class="titleText">Linen Dress</span>',
        '<div class="x"><label class="a-label">Linen Dress</label><span>sizes S-L</span></div>',  # innermost
    ],
)
def test_without_an_h1_the_element_showing_the_document_title_is_the_title(title_element: str):
    html = page(f"<table><tr><td>{PHOTO}</td><td>{title_element}<p>Price: 49,90 €</p></td></tr></table>")
    product = extract_product(html, URL)
    assert (product.name, product.price, product.currency) == ("Linen Dress", "49.90", "EUR")


def test_without_an_h1_or_a_title_an_element_named_the_product_title_is_the_title():
    body = (
        f'<form><div class="product-panel">{PHOTO}<h2 class="product-title">Linen Dress</h2><p>£49.00</p></div></form>'
    )
    html = f"<html><body>{body}</body></html>"
    product = extract_product(html, URL)
    assert (product.name, product.price, product.currency) == ("Linen Dress", "49.00", "GBP")


def test_without_an_h1_and_a_title_of_search_words_the_page_heading_is_the_title():
    # An osCommerce page: its <title> is a search phrase, the product is named in td.pageHeading, and a section
    # further down is headed by an element named like a product's title ("product-detail-also-purchased-title").
    html = (
        "<html><head><title>Buy Linen Dresses online from the UK</title></head><body><table>"
        '<tr><td class="pageHeading">Linen Dress - Sand, Size 10</td><td>Our price: £49.00</td></tr>'
        f"<tr><td>{PHOTO}</td></tr>"
        '<tr><td><div class="product-detail-also-purchased-title">Customers who bought this item also bought</div>'
        "</td></tr></table></body></html>"
    )
    product = extract_product(html, URL)
    assert (product.name, product.price, product.currency) == ("Linen Dress - Sand, Size 10", "49.00", "GBP")


def test_a_listing_names_each_card_but_is_no_product():
    card = '<div class="card"><a href="/p/{n}"><img src="/m/{n}.jpg" width="300" height="400"><span class="product-name">Dress {n}</span></a><p>£{n}9.00</p></div>'
    html = f"<html><head><title>Dresses | Boutique</title></head><body><main>{''.join(card.format(n=n) for n in range(1, 7))}</main></body></html>"
    product = extract_product(html, "https://boutique.example/c/dresses")
    assert (product.name, product.price) == (None, None)


def test_a_title_starting_with_the_shops_name_is_read_without_it():
    html = (
        "<html><head><title>boutique - Linen Dress, 1960s</title></head><body><table><tr>"
        f"<td>{PHOTO}</td><td><font size='4'>Linen Dress, 1960s</font><p>Price: £60</p></td></tr></table></body></html>"
    )
    product = extract_product(html, URL)
    assert (product.name, product.price) == ("Linen Dress, 1960s", "60")


def test_a_product_no_longer_sold_is_read_by_its_code_and_its_stock_line():
    block = (
        f"<main><div>{PHOTO}</div><div><h1>Linen Dress</h1><p>Product code: RL2041</p>"
        "<span>Sorry, this item is no longer available</span></div></main>"
    )
    product = extract_product(page(block), URL)
    assert (product.name, product.sku, product.availability, product.price) == (
        "Linen Dress", "RL2041", "OutOfStock", None,
    )  # fmt: skip


def test_a_heading_without_price_code_or_stock_line_is_no_product():
    block = f"<main><div>{PHOTO}</div><div><h1>Our story</h1><p>Founded in 1960.</p></div></main>"
    assert extract_product(page(block), URL).name is None


@pytest.mark.parametrize(
    "withheld",
    [
        '<label>Reseller rate:</label><div><a class="btn" href="/login">Login to view rate</a></div>',
        "<p>Price on request</p>",
        "<p>Preis auf Anfrage</p>",
    ],
)
def test_a_product_whose_price_is_shown_only_after_login_or_on_request_is_read(withheld: str):
    block = f"<main><div>{PHOTO}</div><div><h1>Linen Dress</h1><div>{withheld}</div></div></main>"
    product = extract_product(page(block), URL)
    assert (product.name, product.price) == ("Linen Dress", None)


@pytest.mark.parametrize(
    ("line", "withheld"),
    [
        ("Reseller Rate: Login to view rate", True),
        ("Sign in for pricing", True),
        ("Prix sur demande", True),
        ("Call for price", True),
        ("Sign in to your account", False),  # a login link says nothing of the price
        ("Price: £48.48", False),
    ],
)
def test_a_line_withholding_the_price(line: str, withheld: bool):
    assert withholds_price(line) is withheld


def test_a_listing_whose_cards_withhold_their_prices_is_no_product():
    card = (
        '<div class="card"><a href="/p/{n}"><img src="/m/{n}.jpg" width="300" height="400"></a>'
        '<a href="/p/{n}">Dress {n}</a><a href="/login">Log in to see prices</a></div>'
    )
    cards = "".join(card.format(n=n) for n in range(1, 7))
    html = (
        f"<html><head><title>Dresses | Boutique</title></head><body><main><h1>Dresses</h1>{cards}</main></body></html>"
    )
    assert extract_product(html, "https://boutique.example/c/dresses").name is None


@pytest.mark.parametrize(
    ("declared", "brand"),
    [
        ('<p class="brand">{{product.variantData[0].brandName}}</p>', None),  # a template never filled
        ('<a class="brand-link" href="/b/maison">Maison ►</a>', "Maison"),
        ('<p class="product-brand-url"><a href="/brands/maison">Shop all Maison</a></p>', "Maison"),
        ('<div class="brand"><a href="/brands/maison">More from Maison</a></div>', "Maison"),
        ('<div data-brand-name="Maison" data-product-name="Linen Dress"></div>', "Maison"),
    ],
)
def test_brands_as_pages_write_them(declared: str, brand: str | None):
    assert extract_product(page(product_block(extra=declared)), URL).brand == brand


def test_the_wrappers_around_a_long_text_are_never_read_whole_for_a_title(monkeypatch):
    """A page without an <h1> is searched for its title element by element: the divs nested around a long text
    (a hostile page, 1 MB) must not each have their whole text cleaned."""
    long_reads = []

    def reading(element):
        text = inline_text(element)
        if text and len(text) > 10_000:  # far more than any title
            long_reads.append(element.tag)
        return text

    monkeypatch.setattr(titles, "inline_text", reading)
    html = page("<div>" * 200 + "word " * 50_000 + "</div>" * 200)
    assert extract_product(html, URL).name is None
    assert long_reads == []
