"""Reading what large shops and marketplaces write: sharing titles beside the shown title, identifiers with the
kind written before them or shown far below the title, brands written as part of a title or as a link,
structured data that is broken or left at "sold out" while the page says otherwise.

Each page here is a few lines of hand-written HTML in the shape such shops use.
"""

from __future__ import annotations

import json

import pytest

from snapmode.extract import extract_product
from snapmode.extract.layered import extract_with_sources
from snapmode.extract.normalize import normalize_brand


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Shop</title>{head}</head><body><main>{body}</main></body></html>"


def og_product(title: str, site: str = "Kaufhaus") -> str:
    return (
        f'<meta property="og:type" content="product"><meta property="og:title" content="{title}">'
        f'<meta property="og:site_name" content="{site}">'
        '<meta property="product:price:amount" content="333.00"><meta property="product:price:currency" content="EUR">'
    )


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


PHOTO = '<img src="/media/photo-1.jpg" width="600" height="800">'
BUY_BOX = "<p>333,00 €</p><button>In den Warenkorb</button>"


# --- the product's name ---


@pytest.mark.parametrize(
    ("og_title", "h1", "name"),
    [
        # A sharing title with search words and the shop's name: the shown title names the product.
        (
            "GORENJE WNEI 74 SAPS Waschmaschine kaufen | Kaufhaus",
            "GORENJE WNEI74SAPS Waschmaschine (7 kg, 1400 U/Min., A)",
            "GORENJE WNEI74SAPS Waschmaschine (7 kg, 1400 U/Min., A)",
        ),
        # A sharing title cut short.
        (
            "Polsterbett 140x200cm mit Kopfteil und 4 Schubladen,",
            "Polsterbett 140x200cm mit Kopfteil und 4 Schubladen, Funktionsbett mit Lattenrost",
            "Polsterbett 140x200cm mit Kopfteil und 4 Schubladen, Funktionsbett mit Lattenrost",
        ),
        # A heading about something else (a pop-up) or of one word (a brand) does not replace it;
        # the shop's name after the sharing title is cut.
        ("Linen Wrap Dress | Kaufhaus", "Sign up for our newsletter", "Linen Wrap Dress"),
        ("Nike Air Max 90 - Kaufhaus", "Nike", "Nike Air Max 90"),
        # A last part that is not the shop's name stays.
        ("Wrap Dress - Linen", "Sign up for our newsletter", "Wrap Dress - Linen"),
    ],
)
def test_the_shown_title_against_the_sharing_title(og_title: str, h1: str, name: str):
    html = page(og_product(og_title), f"<div>{PHOTO}<h1>{h1}</h1>{BUY_BOX}</div>")
    product, sources = extract_with_sources(html, "https://kaufhaus.example/p/123")
    assert product.name == name
    assert sources["name"] == ("heuristics" if name == h1 else "opengraph")


def test_an_element_name_split_by_the_parser_is_read_as_the_page_shows_it():
    # extruct joins the text around a <wbr> with a space: "Kapuzenpullove r".
    body = (
        '<div itemscope itemtype="https://schema.org/Product">'
        f'{PHOTO}<h1 itemprop="name">adidas Core 18 Kapuzenpullove<wbr/>r Herren</h1>'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<meta itemprop="price" content="29.90"><meta itemprop="priceCurrency" content="EUR"></div></div>'
    )
    product = extract_product(page(body=body), "https://auktion.example/itm/143052381051")
    assert product.name == "adidas Core 18 Kapuzenpullover Herren"


def test_a_heading_that_only_names_the_brand_gives_way_to_the_pages_title():
    head = (
        '<meta property="og:title" content="Swarovski Stone Signet ring 5412032 • de Warenhuis">'
        '<meta property="og:site_name" content="de Warenhuis">'
    )
    body = (
        f'<div>{PHOTO}<span class="d-none" itemprop="brand">Swarovski</span>'
        '<h1><a href="/swarovski">Swarovski</a></h1><p>Stone Signet ring 5412032</p><p>€ 129,00</p></div>'
    )
    product = extract_product(page(head, body), "https://warenhuis.example/swarovski-stone-signet-ring-3893011758")
    assert (product.name, product.brand) == ("Swarovski Stone Signet ring 5412032", "Swarovski")


# --- identifiers ---


def test_the_kind_written_before_a_declared_sku_is_not_part_of_it():
    body = (
        f'<div itemscope itemtype="http://schema.org/Product">{PHOTO}<h1 itemprop="name">SanDisk Ultra Flair</h1>'
        '<dl><dt>Número de artículo:</dt><dd><span itemprop="sku" content="sku:1299751">1299751</span></dd></dl>'
        '<div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><meta itemprop="price" content="9.99">'
        '<meta itemprop="priceCurrency" content="EUR"></div></div>'
    )
    assert extract_product(page(body=body), "https://tienda.example/p/1299751").sku == "1299751"
    ld = json_ld({"@context": "https://schema.org", "@type": "Product", "name": "Active Pen", "sku": "mpn:A 668178"})
    assert extract_product(page(ld), "https://pc.example/active-pen").sku == "A 668178"


def test_sku_marks_count_at_the_start_of_a_class_or_id_word():
    # "msku" is a variation menu: its "-1" (nothing chosen) is no SKU; "productSku" is one.
    variation = '<span id="sel-msku-variation" style="display:none">-1</span>'
    body = f"<div>{PHOTO}<h1>Cargo Shorts</h1><p>EUR 29,90</p>{variation}</div>"
    assert extract_product(page(body=body), "https://auktion.example/itm/cargo-shorts").sku is None
    marked = f'<div>{PHOTO}<h1>Cargo Shorts</h1><p>EUR 29,90</p><span class="productSku">CS-4411</span></div>'
    assert extract_product(page(body=marked), "https://auktion.example/itm/cargo-shorts").sku == "CS-4411"


def test_the_urls_identifier_labelled_far_below_the_title():
    title_block = f'<div class="summary"><div>{PHOTO}<h1>Cotton Briefs, pack of 16</h1><p>$67.00</p></div></div>'
    details = "".join(f"<div><div><div><p>Paragraph {i} of the seller's text.</p></div></div></div>" for i in range(5))
    tab = '<div class="tabs"><div><div><div><div>eBay item number:</div><div>304998642264</div></div></div></div></div>'
    body = f'<div class="page"><div><div><div><div>{title_block}</div></div></div></div>{details}{tab}</div>'
    assert extract_product(page(body=body), "https://auktion.example/itm/304998642264").sku == "304998642264"
    # The same number in running text is no label's value.
    prose = '<div class="tabs"><p>Ask about 304998642264 before buying.</p></div>'
    other = body.replace(tab, prose)
    assert extract_product(page(body=other), "https://auktion.example/itm/304998642264").sku is None


def test_a_product_described_in_two_nodes_of_its_own_graph():
    ld = json_ld(
        {
            "@graph": [
                {
                    "@context": "http://schema.org",
                    "@type": "Product",
                    "name": "Dart Blaster",
                    "brand": "Nerf",
                    "@graph": [
                        {
                            "@type": "Product",
                            "name": "Dart Blaster",
                            "sku": "76150374",
                            "offers": {"@type": "Offer", "priceCurrency": "USD", "availability": "InStock"},
                        }
                    ],
                }
            ]
        }
    )
    product = extract_product(page(ld), "https://store.example/p/dart-blaster/-/A-76150374")
    assert (product.name, product.brand, product.sku, product.availability) == (
        "Dart Blaster",
        "Nerf",
        "76150374",
        "InStock",
    )
    assert (product.price, product.currency) == (None, None)  # a currency without an amount is no price


# --- brands ---


@pytest.mark.parametrize(
    ("value", "brand"),
    [
        ("Tefal - ", "Tefal"),  # the brand part of a title "Tefal - Black pan set"
        ("Reger by Janet Reger -", "Reger by Janet Reger"),
        ("Unbranded", None),
        ("Does not apply", None),
        ("https://www.shop.example/marca/durex/122", None),  # the brand's page, not its name
        ("Levi's", "Levi's"),
    ],
)
def test_brand_values(value: str, brand: str | None):
    assert normalize_brand(value) == brand


def test_a_brand_declared_as_a_link_gives_way_to_the_brand_the_page_shows():
    body = (
        f'<div itemscope itemtype="http://schema.org/Product">{PHOTO}<h1 itemprop="name">Durex Pack</h1>'
        '<a itemprop="brand" class="brand" href="https://shop.example/marca/durex/122">Durex</a>'
        '<div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><meta itemprop="price" content="9.99">'
        '<meta itemprop="priceCurrency" content="EUR"></div></div>'
    )
    assert extract_product(page(body=body), "https://shop.example/durex-pack.html").brand == "Durex"


# --- structured data the page contradicts or breaks ---


def test_json_ld_with_a_missing_comma_between_properties():
    script = """<script type="application/ld+json">{
      "@context": "http://schema.org",
      "@type": "Product",
      "name": "Series 7 Shaver",
      "brand": {"@type": "Thing", "name": "BRAUN"},
      "offers": {
        "@type": "Offer",
        "price": "199",
        "priceCurrency": "GBP",
        "availability": "http://schema.org/InStock",
        "itemCondition": "http://schema.org/NewCondition"
        "priceCurrency": "GBP"
      }
    }</script>"""
    product = extract_product(page(script), "https://electricals.example/series-7")
    assert (product.brand, product.price, product.availability) == ("BRAUN", "199", "InStock")


def offer_page(stock_block: str) -> str:
    return page(
        body=(
            f'<div itemscope itemtype="http://schema.org/Product">{PHOTO}<h1 itemprop="name">GoPro Charger</h1>'
            '<div class="price-box" itemprop="offers" itemscope itemtype="http://schema.org/Offer">'
            '<meta itemprop="price" content="57.99"><meta itemprop="priceCurrency" content="EUR">'
            '<meta itemprop="availability" content="http://schema.org/OutOfStock">'
            f"<span>57,99 €</span></div>{stock_block}</div>"
        )
    )


def test_the_page_saying_in_stock_wins_over_structured_data_left_at_sold_out():
    html = offer_page('<div class="availability">Online auf Lager</div><button>In den Warenkorb</button>')
    product, sources = extract_with_sources(html, "https://markt.example/p/gopro-charger")
    assert (product.availability, sources["availability"]) == ("InStock", "heuristics")
    # A buy button alone does not contradict the declaration.
    alone = offer_page("<button>In den Warenkorb</button>")
    assert extract_product(alone, "https://markt.example/p/gopro-charger").availability == "OutOfStock"


def test_a_dutch_basket_button_says_the_product_can_be_bought():
    body = f"<div>{PHOTO}<h1>Bikinitop</h1><p>€ 69,95</p><button>In winkelmand</button></div>"
    assert extract_product(page(body=body), "https://warenhuis.example/bikinitop-1234").availability == "InStock"


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("Stok Total : 610", "InStock"),
        ("Stock: 12", "InStock"),
        ("Stock: 0", "OutOfStock"),
        ("Stock: 12 colours", None),  # no count of units
    ],
)
def test_a_stock_label_with_a_count_of_units(line: str, state: str | None):
    body = f"<div>{PHOTO}<h1>Minyak Goreng 2 L</h1><p>3,49 €</p><p>{line}</p></div>"
    assert extract_product(page(body=body), "https://pasar.example/minyak-goreng").availability == state


def test_a_turkish_basket_button_says_the_product_can_be_bought():
    body = f'<div>{PHOTO}<h1>Çelik Kolye</h1><p>39,90 €</p><a class="btn" title="Sepete Ekle">Sepete Ekle</a></div>'
    assert extract_product(page(body=body), "https://pazar.example/celik-kolye-P1234").availability == "InStock"
