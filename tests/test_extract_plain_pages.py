"""Page-level reading of ordinary shop pages: no structured data, no rules, sometimes no photo.

The pages under tests/fixtures/pages/plain_*.html are written for these tests in the shapes shops use:
a price written as a labelled line, a price block whose class does not say "price", stock lines in
several languages, specification tables and definition lists, data-* attributes and loose meta tags.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from snapmode.domain import ExtractedProduct
from snapmode.extract import extract_product
from snapmode.extract.lines import MAX_AREA_ELEMENTS, area_elements, line_text
from snapmode.extract.money import money_in_line
from snapmode.extract.specs import label_kind
from snapmode.extract.stock import stock_line_state

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def extract_fixture(name: str, url: str) -> ExtractedProduct:
    return extract_product((PAGES / name).read_bytes(), url)


def plain_page(body: str) -> str:
    return f"<html><head><title>Shop</title></head><body><main>{body}</main></body></html>"


# --- whole pages ---


def test_product_page_without_photos_is_a_product():
    product = extract_fixture("plain_bookshop.html", "https://lanternlane.example/book/the-quiet-harbour_412/")
    assert product.model_dump() == {
        "name": "The Quiet Harbour",
        "price": "48.48",  # "Price: £48.48", not the basket's £0.00 in the header or a suggestion's price
        "regular_price": None,
        "currency": "GBP",
        "brand": None,
        "sku": "c41e9a07b2d35f68",  # the UPC row of the "Product Information" table
        "availability": "InStock",
        "description": None,
        "categories": [],
        "images": [],
        "variants": [],
    }
    assert product.is_product


def test_a_price_table_alone_gives_the_price_the_shopper_pays():
    table = """<table><tr><th>UPC</th><td>9f2c7d1e</td></tr>
      <tr><th>Price (excl. tax)</th><td>£40.40</td></tr><tr><th>Price (incl. tax)</th><td>£48.48</td></tr>
      <tr><th>Tax</th><td>£8.08</td></tr><tr><th>Availability</th><td>Out of stock (0 available)</td></tr></table>"""
    product = extract_product(plain_page(f"<h1>Low Water</h1>{table}"), "https://books.example/low-water")
    assert (product.name, product.price, product.currency) == ("Low Water", "48.48", "GBP")
    assert (product.sku, product.availability) == ("9f2c7d1e", "OutOfStock")


def test_fashion_page_whose_price_block_is_not_marked_price():
    product = extract_fixture("plain_fashion_fr.html", "https://mistral.example/p/robe-portefeuille-lin-RL2041-SAB")
    assert (product.name, product.price, product.regular_price, product.currency) == (
        "Robe portefeuille en lin",
        "29.90",
        "39.90",
        "EUR",  # current price, then the struck-through one
    )
    assert (product.sku, product.brand) == ("RL2041-SAB", "Maison Lune")  # "Référence :", "Marque :" lines
    assert product.availability == "OutOfStock"  # "Épuisé", and a disabled "Ajouter au panier"
    assert product.images == ["https://mistral.example/media/robe-lin-rl2041-face.jpg"]  # no suggestion photos


def test_definition_list_thousands_separator_and_a_former_price_in_words():
    product = extract_fixture("plain_fashion_de.html", "https://nordfaser.example/mantel/fjell.html")
    assert (product.name, product.price, product.regular_price, product.currency) == (
        "Wollmantel Fjell",
        "1249.00",
        "1499.00",
        "EUR",  # "UVP 1.499,00 €" is the former price
    )
    assert (product.sku, product.brand, product.availability) == ("NF-88120-ANT", "Nordfaser", "InStock")


def test_listing_pages_without_photos_are_not_products():
    listing = extract_fixture("plain_listing.html", "https://lanternlane.example/shelf/poetry/")
    assert listing == ExtractedProduct()


def test_a_grid_of_priced_cards_is_a_listing_even_with_a_price_line_by_the_title():
    cards = "".join(
        f'<div class="item"><a href="/p/coat-{i}"><img src="/img/coat-{i}.jpg" width="300" height="400"></a>'
        f'<a href="/p/coat-{i}">Coat {i}</a><span class="price">€{i}9.00</span></div>'
        for i in range(1, 5)
    )
    for intro in ("", "<p>From €19.00</p>"):
        page = plain_page(f"<h1>Coats</h1>{intro}<div class='grid'>{cards}</div>")
        assert extract_product(page, "https://coats.example/c/coats") == ExtractedProduct()


def test_a_product_page_with_unmarked_related_products_keeps_its_own_price():
    related = "".join(
        f'<div class="box"><a href="/p/{i}">Scarf {i}</a><span>€{i}5.00</span></div>' for i in range(1, 5)
    )
    page = plain_page(
        f"<h1>Merino Scarf</h1><p>€59.00</p><p>Only 2 left</p><button>Add to cart</button>"
        f"<h2>Related</h2><div>{related}</div>"
    )
    product = extract_product(page, "https://scarves.example/p/merino")
    assert (product.name, product.price, product.availability) == ("Merino Scarf", "59.00", "InStock")


# --- labelled prices ---


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Price: £48.48", ("48.48", "GBP")),
        ("Prix : 29,90 €", ("29.90", "EUR")),
        ("Preis 19,95 EUR", ("19.95", "EUR")),
        ("19,95 €*", ("19.95", "EUR")),
        ("49,90 € inkl. MwSt.", ("49.90", "EUR")),
        ("Price (incl. tax): £48.48", ("48.48", "GBP")),
        ("Prix TTC : 1 299,00 €", ("1299.00", "EUR")),
        ("Цена: 1 990 ₽", ("1990", "RUB")),
        ("Free delivery over £50", None),  # a sentence, not a price
        ("Size 42", None),  # no currency
        ("Save £10.00", None),
    ],
)
def test_labelled_price_lines(line: str, expected: tuple[str, str] | None):
    assert money_in_line(line) == expected


@pytest.mark.parametrize(
    ("body", "price", "regular"),
    [
        ("<p>Price: £48.48</p>", "48.48", None),
        ("<p>Prix : 29,90 €</p>", "29.90", None),
        ("<div><del>€80.00</del> <span>€64.00</span></div>", "64.00", "80.00"),  # struck first, current after
        ('<div><span class="was">Was £60.00</span> <span>Now £45.00</span></div>', "45.00", "60.00"),
        ("<p>£40.00 excl. VAT</p><p>£48.00 incl. VAT</p>", "48.00", None),  # the shopper pays incl. tax
        ('<div class="cost"><span>CHF 1\'299.00</span></div>', "1299.00", None),
    ],
)
def test_unmarked_price_near_the_title(body: str, price: str, regular: str | None):
    product = extract_product(plain_page(f"<div><h1>Deck Chair</h1>{body}</div>"), "https://chairs.example/p/1")
    assert (product.name, product.price, product.regular_price) == ("Deck Chair", price, regular)


# --- stock ---


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("In stock", "InStock"),
        ("In stock (19 available)", "InStock"),
        ("Only 2 left", "InStock"),
        ("Auf Lager", "InStock"),
        ("En stock", "InStock"),
        ("Disponible", "InStock"),
        ("Disponibile", "InStock"),
        ("На складе", "InStock"),
        ("Availability: In stock", "InStock"),
        ("Out of stock", "OutOfStock"),
        ("Sold out", "OutOfStock"),
        ("Ausverkauft", "OutOfStock"),
        ("Épuisé", "OutOfStock"),
        ("Agotado", "OutOfStock"),
        ("Esaurito", "OutOfStock"),
        ("Nicht vorrätig", "OutOfStock"),
        ("Derzeit nicht vorrätig", "OutOfStock"),
        ("Disponibilité : indisponible", "OutOfStock"),
        ("Нет в наличии", "OutOfStock"),
        ("Available in three colours with free delivery on orders over fifty", None),  # too long to be a line
        ("Stockists near you", None),
        ("Only 2 left in stock!", "InStock"),
        ("Nur noch 3 Stück auf Lager", "InStock"),
        ("Unavailable to select", None),  # a date picker's legend, not a statement
        ("Not available in stores", None),  # a store's stock, not the shop's
        # The shop's own language, well beyond Western Europe's:
        ("Skladem 5 ks", "InStock"),
        ("Není skladem", "OutOfStock"),
        ("Stokta 3 adet", "InStock"),
        ("Tükendi", "OutOfStock"),
        ("Udsolgt", "OutOfStock"),
        ("Varastossa", "InStock"),
        ("Elfogyott", "OutOfStock"),
        ("În stoc", "InStock"),
        ("Stoc epuizat", "OutOfStock"),
        ("Εξαντλήθηκε", "OutOfStock"),
        ("Stok habis", "OutOfStock"),
        ("Còn hàng", "InStock"),
        ("غير متوفر", "OutOfStock"),
        ("Немає в наявності", "OutOfStock"),
        ("在庫あり", "InStock"),
        ("在庫状況：在庫切れ", "OutOfStock"),
        ("在庫ありません", "OutOfStock"),  # "no stock": the in-stock phrase is only its first characters
        ("缺货", "OutOfStock"),
        ("품절", "OutOfStock"),
        ("Tersedia dalam tiga warna dan dua ukuran", None),  # "available in three colours": not a stock line
    ],
)
def test_stock_lines(line: str, state: str | None):
    assert stock_line_state(line) == state


@pytest.mark.parametrize(
    ("stock", "state"),
    [
        ("<p>Esaurito</p><button>Aggiungi al carrello</button>", "OutOfStock"),  # the line beats the button
        ("<p>Agotado</p>", "OutOfStock"),
        ("<p>На складе</p>", "InStock"),
        ("<button>In den Warenkorb</button>", "InStock"),  # an enabled control, nothing else said
        ('<button aria-disabled="true">Add to bag</button>', "OutOfStock"),
        ('<label><input type="radio" name="o"> Used: sold out</label><button>Add to cart</button>', "InStock"),
        ('<div class="buttons loading"><button disabled>Add to cart</button></div>', None),  # saved before its script
        ("<button>Lisää ostoskoriin</button>", "InStock"),
        ("<button disabled>장바구니 담기</button>", "OutOfStock"),
        ("<a href='/cart/add/1'>加入购物车</a>", "InStock"),
    ],
)
def test_stock_in_the_product_scope(stock: str, state: str):
    page = plain_page(f"<div><h1>Lamp</h1><p>€35,00</p>{stock}</div>")
    assert extract_product(page, "https://lamps.example/p/lamp").availability == state


# --- identifiers and brands ---


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("SKU", "sku"),
        ("Art.-Nr.:", "sku"),
        ("Artikelnummer", "sku"),
        ("Référence", "sku"),
        ("Style code", "sku"),
        ("Product code:", "sku"),
        ("Article number", "sku"),
        ("UPC", "gtin"),
        ("EAN", "gtin"),
        ("GTIN-13", "gtin"),
        ("MPN", "mpn"),
        ("Marke", "brand"),
        ("Marque :", "brand"),
        ("Availability", "availability"),
        ("Web ID:", "sku"),  # Macy's and Bloomingdale's item number
        ("Cód. Item", "sku"),
        ("Código do produto", "sku"),
        ("Kod produktu", "sku"),
        ("Ürün Kodu", "sku"),
        ("商品番号", "sku"),
        ("Cód EAN", "gtin"),
        ("Značka", "brand"),
        ("Dostępność", "availability"),
        ("Kod rabatowy", None),  # a discount code, not the product's
        ("Product Type", None),
        ("Number of reviews", None),
    ],
)
def test_specification_labels(label: str, kind: str | None):
    assert label_kind(label) == kind


@pytest.mark.parametrize(
    ("extra", "sku", "brand", "availability"),
    [
        ('<form data-product-sku="TT-1042"><button>Add to cart</button></form>', "TT-1042", None, "InStock"),
        (
            '<div data-product-id="88213" data-brand="Tidewater" data-availability="out of stock"></div>',
            None,
            "Tidewater",
            "OutOfStock",
        ),  # a bare number in data-product-id is an internal id, not a SKU
        (
            '<meta itemprop="sku" content="TW-77"><meta property="product:brand" content="Tidewater">',
            "TW-77",
            "Tidewater",
            None,
        ),
        (
            "<table><tr><td>Style code</td><td>DD1391-100</td></tr><tr><td>Brand</td><td>Tidewater</td></tr></table>",
            "DD1391-100",
            "Tidewater",
            None,
        ),
        ("<dl><dt>MPN</dt><dd>TW-9-BLK</dd></dl>", "TW-9-BLK", None, None),
    ],
)
def test_identifiers_brands_and_stock_from_attributes_and_specs(extra: str, sku, brand, availability):
    page = plain_page(f"<div><h1>Tide Towel</h1><p>$24.00</p>{extra}</div>")
    product = extract_product(page, "https://towels.example/p/tide")
    assert (product.sku, product.brand, product.availability) == (sku, brand, availability)


def test_the_urls_identifier_counts_only_when_the_page_shows_it():
    shown = plain_page("<div><h1>Harbour Cap</h1><p>$18.00</p><p>Model HC-2207 in navy</p></div>")
    assert extract_product(shown, "https://caps.example/p/harbour-cap-HC-2207").sku is None  # token "2207"
    shown = plain_page("<div><h1>Harbour Cap</h1><p>$18.00</p><small>HC2207</small></div>")
    assert extract_product(shown, "https://caps.example/p/harbour-cap-HC2207").sku == "HC2207"
    hidden = plain_page("<div><h1>Harbour Cap</h1><p>$18.00</p></div>")
    assert extract_product(hidden, "https://caps.example/p/harbour-cap-HC2207").sku is None
    short = plain_page("<div><h1>Drill 18V</h1><p>$98.00</p><p>18V</p></div>")
    assert extract_product(short, "https://tools.example/p/drill-18v").sku is None  # a voltage, not an id


def test_the_urls_identifier_counts_when_an_element_anywhere_holds_it_alone():
    # Arket and & Other Stories keep the article code, which ends their product URLs, in a span of their own far
    # from the title ("<span class='articleCode'>0494992001</span>"); a sentence merely containing it is not that.
    url = "https://www.arket.com/en_eur/men/product.pima-cotton-trunks-black.0494992001.html"
    details = "<div class='details'><span class='price'>10.0</span><span class='articleCode'>0494992001</span></div>"
    alone = plain_page(f"<div><h1>Pima Cotton Trunks</h1><p>€10</p></div><footer>{details}</footer>")
    assert extract_product(alone, url).sku == "0494992001"
    sentence = plain_page("<div><h1>Pima Cotton Trunks</h1><p>€10</p></div><footer><p>Ref 0494992001 x</p></footer>")
    assert extract_product(sentence, url).sku is None


# --- structured data variants ---


def json_ld_page(data: str) -> str:
    return f'<html><head><script type="application/ld+json">{data}</script></head><body></body></html>'


@pytest.mark.parametrize(
    ("product", "sku", "availability"),
    [
        ('"gtin13": "4006381333931", "offers": {"price": "5", "availability": "InStock"}', "4006381333931", "InStock"),
        ('"productID": "isbn:9780316769488", "offers": {"price": "5"}', "9780316769488", None),
        ('"offers": [{"price": "5", "availability": {"@id": "http://schema.org/OutOfStock"}}]', None, "OutOfStock"),
        ('"availability": "https://schema.org/InStock", "offers": {"price": "5"}', None, "InStock"),
        (
            '"offers": {"@type": "AggregateOffer", "lowPrice": "5", "offers": [{"sku": "AG-1", "price": "7"}]}',
            "AG-1",
            None,
        ),
        ('"mpn": "TH-S45", "offers": {"price": "5"}', None, None),  # a maker's part number is not the shop's SKU
    ],
)
def test_structured_data_identifier_and_availability_shapes(product: str, sku: str | None, availability):
    html = json_ld_page(f'{{"@context": "https://schema.org", "@type": "Product", "name": "P", {product}}}')
    found = extract_product(html, "https://shop.example/p")
    assert (found.sku, found.availability) == (sku, availability)


def test_product_group_id_stands_in_for_a_missing_sku():
    html = json_ld_page(
        '{"@type": "ProductGroup", "name": "Runner", "productGroupID": "RUN-3", "hasVariant": ['
        '{"@type": "Product", "sku": "RUN-3-42", "offers": {"price": 90, "availability": "SoldOut"}},'
        '{"@type": "Product", "sku": "RUN-3-43", "offers": {"price": 95, "availability": "InStock"}}]}'
    )
    product = extract_product(html, "https://shop.example/p/runner")
    assert (product.sku, product.price, product.availability) == ("RUN-3", "95", "InStock")


# --- bounded work ---


def test_a_huge_deeply_nested_page_gives_no_product_and_bounded_reads():
    depth = 20_000
    junk = "<div>£1.00 in stock " * depth + "</div>" * depth
    cards = "".join(f"<p><a href='/p/{i}'>Item {i}</a> £2.00</p>" for i in range(120_000))
    page = f"<html><body>{junk}<h1>Everything</h1>{cards}</body></html>"
    assert len(page) > 5_000_000
    assert extract_product(page, "https://junk.example/p") == ExtractedProduct()
    root = etree.fromstring(f"<div>{'<span>£1.00</span>' * (MAX_AREA_ELEMENTS * 2)}</div>")
    assert sum(1 for _ in area_elements(root)) == MAX_AREA_ELEMENTS
    assert line_text(root) is None  # a block of thousands of elements is no line
