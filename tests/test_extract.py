"""Product extraction: structured data, site rules and heuristics on hand-written pages and on the demo shop."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from snapmode.domain import ExtractedProduct
from snapmode.extract import SiteRules, extract_file, extract_product
from snapmode.extract.normalize import (
    clean_text,
    image_url,
    largest_srcset_candidate,
    normalize_availability,
    normalize_currency,
    parse_price,
)
from snapmode.extract.page import parse_page
from snapmode.shop.catalog import RULES_PATH, Catalog, load_catalog
from snapmode.shop.server import running_shop

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def extract_fixture(name: str, url: str, rules: SiteRules | None = None) -> ExtractedProduct:
    return extract_product((PAGES / name).read_bytes(), url, rules)


def json_ld_page(data: str, body: str = "") -> str:
    return f'<html><head><script type="application/ld+json">{data}</script></head><body>{body}</body></html>'


# --- structured data ---


def test_json_ld_graph_with_references_offers_list_and_strikethrough_price():
    product = extract_fixture("jsonld_graph.html", "https://fjordline.example/products/merino-crew-jumper?colour=navy")
    assert product.model_dump() == {
        "name": "Merino Crew Jumper & Scarf Set",  # JSON-LD wins over og:title and the <h1>
        "price": "64.00",  # cheapest offer in stock: the 59.99 one is sold out
        "regular_price": "80.00",  # its StrikethroughPrice specification
        "currency": "GBP",
        "brand": "Fjordline",  # resolved from {"@id": ...#brand}
        "sku": "40213",
        "availability": "InStock",
        "description": "Soft extra-fine merino. Machine washable Made in Portugal",
        "categories": ["Men/Knitwear"],  # from the BreadcrumbList, sorted by position, without Home
        "images": [
            "https://fjordline.example/media/merino-navy-front.jpg",  # ImageObject by @id, relative contentUrl
            "https://cdn.fjordline.example/img/merino-navy-back.jpg",
            "https://cdn.fjordline.example/img/merino-navy-detail.jpg",  # protocol-relative ImageObject url
            "https://cdn.fjordline.example/img/merino-navy-og.jpg",  # og:image after structured data
            "https://fjordline.example/media/merino-navy-front-400.jpg",  # the file the gallery shows, one per photo
            "https://fjordline.example/media/merino-navy-side-400.jpg",  # not its srcset's largest; related card left out
        ],
        "variants": [],
    }
    assert product.is_product


def test_json_ld_aggregate_offer_base_href_and_image_filtering():
    product = extract_fixture("jsonld_aggregate.html", "https://trailhead.example/p/summit-45")
    assert product.name == "Summit 45 Backpack" and product.brand == "Trailhead"
    assert product.price == "119.01" and product.currency == "USD"  # float literal kept exact, code upper-cased
    assert product.availability == "InStock"  # LimitedAvailability
    assert product.sku is None  # an mpn is not a sku
    assert product.categories == ["Bags > Backpacks", "Hiking"]
    assert product.images == [  # <base href> applies; data: URI, placeholder and duplicate dropped
        "https://cdn.trailhead.example/assets/packs/summit45-red.jpg",
        "https://images.trailhead.example/summit45-blue.jpg",
    ]


def test_json_ld_product_group_takes_variants_and_the_cheapest_buyable_price():
    product = extract_fixture("productgroup.html", "https://stride.example/p/tr3")
    assert (product.name, product.brand) == ("Trail Runner 3", "Stride")
    assert (product.price, product.currency, product.availability) == ("119.00", "EUR", "InStock")  # 99.90 sold out
    assert [(v.sku, v.color, v.size) for v in product.variants] == [
        ("TR3-BLK-42", "Black", "42"),
        ("TR3-BLU-43", "Blue", "43"),
        ("TR3-RED-44", "Red", "44"),
    ]
    assert product.images == [f"https://stride.example/img/tr3-{colour}.jpg" for colour in ("black", "blue", "red")]


def test_lenient_json_ld_and_broken_scripts_do_not_hide_other_data():
    html = (
        '<script type="application/ld+json">{"@type": "Product", "name": "Bro</script>'
        '<script type="application/ld+json">\n// generated\n{"@type": "Product", "name": "Kept", '
        '"offers": {"price": "5", "priceCurrency": "EUR",},}</script>'
    )
    product = extract_product(html, "https://shop.example/p/1")
    assert (product.name, product.price, product.currency) == ("Kept", "5", "EUR")


@pytest.mark.parametrize(
    ("offers", "price", "regular", "availability"),
    [
        ('{"@type": "Offer", "price": 1299.0, "priceCurrency": "EUR"}', "1299.0", None, None),
        ('{"@type": "Offer", "price": "$1,042.99"}', "1042.99", None, None),
        ('{"priceSpecification": {"price": 20, "priceCurrency": "EUR"}, "availability": "SoldOut"}', "20", None,
         "OutOfStock"),
        ('[{"price": "30", "availability": "Discontinued"}, {"price": "40", "availability": "PreOrder"}]', "40", None,
         "InStock"),
        ('{"price": 10, "priceSpecification": [{"priceType": "ListPrice", "price": 12.5}]}', "10", "12.5", None),
        ('{"price": 10, "priceSpecification": {"priceType": "https://schema.org/ListPrice", "price": 8}}', "10", None,
         None),  # a "regular" price below the price is no discount
        ('{"price": "NaN"}', None, None, None),
        ('{"price": "-5"}', None, None, None),
    ],
)
def test_json_ld_offer_shapes(offers: str, price: str | None, regular: str | None, availability: str | None):
    html = json_ld_page(f'{{"@context": "https://schema.org", "@type": "Product", "name": "P", "offers": {offers}}}')
    product = extract_product(html, "https://shop.example/p")
    assert (product.price, product.regular_price, product.availability) == (price, regular, availability)


def test_json_ld_brand_image_and_type_variants():
    html = json_ld_page(
        '{"@context": "http://schema.org", "@graph": [{"@type": "ItemPage", "mainEntity":'
        ' {"@type": "http://schema.org/IndividualProduct", "name": ["", "Lamp"],'
        ' "brand": [{"@type": "Organization", "name": "Lumo"}], "sku": 7,'
        ' "image": {"@type": "ImageObject", "contentUrl": "img/lamp.png"}}}]}'
    )
    product = extract_product(html, "https://shop.example/lights/lamp")
    assert (product.name, product.brand, product.sku) == ("Lamp", "Lumo", "7")
    assert product.images == ["https://shop.example/lights/img/lamp.png"]


def test_the_product_of_the_page_is_chosen_among_several():
    products = ", ".join(
        f'{{"@type": "Product", "name": "{name}", "url": "/p/{name.lower()}", "offers": {{"price": "{price}"}}}}'
        for name, price in (("Cap", "10"), ("Scarf", "20"), ("Gloves", "30"))
    )
    html = json_ld_page(f"[{products}]")
    assert extract_product(html, "https://shop.example/p/scarf?utm_source=mail").name == "Scarf"
    assert extract_product(html, "https://shop.example/c/accessories") == ExtractedProduct()  # a listing


def test_microdata_page_with_display_price_and_heuristic_struck_price():
    product = extract_fixture("microdata.html", "https://bergsport.example/damen/jacken/nordwand")
    assert product.model_dump() == {
        "name": "Regenjacke Nordwand",
        "price": "1299.00",  # "1.299,00 €" as shown, no content attribute
        "regular_price": "1499.00",  # the <del> next to it, found by the heuristics
        "currency": "EUR",
        "brand": "Huber Alpin",
        "sku": "HA-4471",
        "availability": "InStock",  # BackOrder
        "description": "Wasserdicht & atmungsaktiv. Mit Kapuze.",
        "categories": ["Damen/Jacken"],  # breadcrumb trail without "Start"
        "images": [
            "https://bergsport.example/bilder/nordwand-rot.jpg",
            "https://bergsport.example/bilder/nordwand-rot-detail.jpg",  # data-lazy-src; spinner and icon skipped
        ],
        "variants": [],
    }


def test_rdfa_product():
    product = extract_fixture("rdfa.html", "https://kiln.example/p/pour-over")
    assert (product.name, product.brand, product.sku) == ("Ceramic Pour-Over Set", "Kiln & Co", "KC-PO-2")
    assert (product.price, product.currency, product.availability) == ("54.50", "CAD", "OutOfStock")
    assert product.description == "Hand-thrown stoneware dripper and cup."
    assert product.images == ["https://kiln.example/img/pour-over.jpg"]


def test_opengraph_only_product_with_sale_price():
    product = extract_fixture("opengraph_only.html", "https://linen.example/shop/relaxed-linen-shirt?ref=home")
    assert product.model_dump() == {
        "name": "Relaxed Linen Shirt",
        "price": "39.90",
        "regular_price": "49.90",
        "currency": "GBP",  # "£"
        "brand": "Linen & Co",
        "sku": None,
        "availability": "OutOfStock",  # "oos"
        "description": "Washed linen, relaxed fit.",
        "categories": [],
        "images": [
            "https://linen.example/images/relaxed-linen-shirt-1.jpg",
            "https://linen.example/images/relaxed-linen-shirt-2.jpg",
        ],
        "variants": [],
    }


# --- heuristics and rules ---

PLAIN_URL = "https://sailmaker.example/products/canvas-tote?variant=1"


def test_plain_page_heuristics_read_the_layout():
    product = extract_fixture("plain_srcset.html", PLAIN_URL)
    assert product.model_dump() == {
        "name": "Canvas Tote Bag",  # the <h1> in <main>, inline markup joined
        "price": "899.00",
        "regular_price": "1042.99",  # struck "regular" price; the "Save 14%" badge is no price
        "currency": "USD",
        "brand": None,
        "sku": "TOTE-NAT-01",  # "SKU:" label removed
        "availability": "InStock",  # "Only 3 left!"
        "description": "Heavy 18 oz canvas. Leather handles Inner pocket",
        "categories": ["Bags/Totes"],
        "images": [
            "https://sailmaker.example/cdn/tote_300x.jpg",  # the file the <img> shows, not its <picture>'s widest
            "https://sailmaker.example/cdn/tote-back_1200x.jpg",  # data-srcset 2x over a data: placeholder
            "https://sailmaker.example/cdn/tote-inside_1200x.jpg",  # data-src over a spinner
            "https://sailmaker.example/cdn/tote-strap_2000x.jpg",  # the zoom link around a thumbnail
        ],  # no logo, 32 px badge, recommendation cards or footer icons
        "variants": [],
    }


BUY_BOX_PAGE = """<html><body><main><section class="details">
  <div class="details-top"><div class="item-info"><h1>Oak Stool</h1><p>Item #: OS-120</p></div>
    <figure><img src="/oak-stool.jpg" width="500" height="500"></figure></div>
  <div class="details-cart"><p class="price main">Price: $120.00</p>{control}</div>
</section></main></body></html>"""


@pytest.mark.parametrize(
    ("control", "availability"),
    [
        ("<button>Add to Cart</button>", "InStock"),
        ('<a class="buy-button" href="#">Comprar</a>', "InStock"),
        ("<button disabled>Add to Cart</button>", "OutOfStock"),  # a button the shopper cannot press
        ('<button style="display: none">Add to Cart</button>', "OutOfStock"),
        ('<button aria-disabled="true">Add to Cart</button>', "OutOfStock"),
        # disabled until a size is chosen: the shop sells it and waits for the size
        ('<select name="size"><option>S</option></select><button disabled>Add to Cart</button>', "InStock"),
        ('<div class="also-viewed"><button>Add to Cart</button></div>', None),  # another product's button
    ],
)
def test_buy_box_beside_the_title_block_gives_price_and_stock(control: str, availability: str | None):
    product = extract_product(BUY_BOX_PAGE.format(control=control), "https://tools.example/p/oak-stool")
    assert (product.name, product.price, product.currency) == ("Oak Stool", "120.00", "USD")
    assert product.availability == availability


def test_sold_out_price_slot_and_implausible_identifiers():
    page = """<html><head><meta property="og:type" content="product"><meta property="og:title" content="Tully Sconce">
      <meta property="product:brand" content="4248"></head><body><div class="pip">
      <img src="/tully.jpg" width="600" height="600"><h1>Tully Sconce</h1>
      <div class="subset-skus"><span class="product-price"><span class="price-state">No longer available</span>
      </span></div></div></body></html>"""
    product = extract_product(page, "https://lamps.example/products/tully")
    assert product.availability == "OutOfStock"  # the price slot says it is gone
    assert product.price is None
    assert product.sku is None  # a "skus" block without a digit holds no identifier
    assert product.brand is None  # a number is a catalogue key, not a brand
    numbered = extract_product(json_ld_page('{"@type": "Product", "name": "Serum", "brand": {"name": "4248"}}'), "")
    assert numbered.name == "Serum" and numbered.brand is None


PLAIN_RULES = """
name: h1.product__title
price: .price__sale .price-item--sale::text
regular_price: "xpath://div[@class='price__sale']/s/text()"
brand: .product__vendor::text
sku: "xpath:substring-after(//p[@class='product-sku'], 'SKU: ')"
availability: .product__stock::text
description: .product__description
images: .product__media img
categories: ".breadcrumb a:not(:first-child)::text"
"""


def test_site_rules_extract_a_plain_page():
    rules = SiteRules.from_yaml(PLAIN_RULES)
    found = rules.apply(parse_page((PAGES / "plain_srcset.html").read_bytes(), PLAIN_URL))
    assert found.name == "Canvas Tote Bag" and found.brand == "Sailmaker & Sons"
    assert (found.price, found.regular_price, found.currency) == ("899.00", "1042.99", "USD")
    assert found.sku == "TOTE-NAT-01" and found.availability == "InStock"
    assert found.description == "Heavy 18 oz canvas. Leather handles Inner pocket"
    assert found.categories == ["Bags", "Totes"]  # every match
    assert found.images == [  # <img> elements give the photo they show, badge included (the operator chose them)
        "https://sailmaker.example/cdn/tote_1800x.webp",
        "https://sailmaker.example/cdn/tote-back_1200x.jpg",
        "https://sailmaker.example/cdn/tote-inside_1200x.jpg",
        "https://sailmaker.example/cdn/tote-strap_2000x.jpg",
        "https://sailmaker.example/cdn/badge-eco.png",
    ]
    merged = extract_fixture("plain_srcset.html", PLAIN_URL, rules)
    assert merged.brand == "Sailmaker & Sons" and merged.categories == ["Bags", "Totes"]  # rules before heuristics


def test_structured_data_wins_over_rules_which_fill_the_gaps():
    rules = SiteRules.from_yaml("name: h1.product-title::text\nbrand: 'xpath:string(//h1[@class=\"logo\"])'")
    product = extract_fixture("jsonld_graph.html", "https://fjordline.example/products/merino-crew-jumper", rules)
    assert product.name == "Merino Crew Jumper & Scarf Set" and product.brand == "Fjordline"
    bare = extract_fixture("rdfa.html", "https://kiln.example/p/pour-over", SiteRules.from_yaml("sku: h1::text"))
    assert bare.sku == "KC-PO-2"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("name: 'h1[[::text'", "name: invalid CSS selector"),
        ("price: 'xpath://span[@class='", "price: invalid XPath selector"),
        ("price: 'xpath://span[not-a-function(.)]'", "price: invalid XPath selector .* unknown XPath function"),
        ("price: 'xpath://span[@class=$cls]'", "price: invalid XPath selector .* variables"),
        ("images: 'img::attribute(src)'", "images: invalid CSS selector"),
        ("colour: .swatch::text", "unknown field 'colour'"),
        ("name: ['h1', 'h2']", "name: a selector must be a string"),
        ("name: '   '", "name: empty CSS selector"),
        ("sku: 'xpath:'", "sku: empty XPath selector"),
        ("- name\n- price", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
        ("name: [unclosed", "not valid YAML"),
    ],
)
def test_invalid_rules_fail_at_load_time_with_a_clear_error(yaml_text: str, message: str):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        SiteRules.from_yaml(yaml_text)


def test_rules_files_and_the_shop_rules(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text("name: h1::text\nwhatever: x\n")
    with pytest.raises(ValueError, match=r"rules.yaml: invalid site rules: unknown field 'whatever'"):
        SiteRules.from_file(path)
    with pytest.raises(ValueError, match="cannot read site rules"):
        SiteRules.from_file(tmp_path / "missing.yaml")
    shop_rules = SiteRules.from_file(RULES_PATH)
    assert shop_rules.name is not None and shop_rules.images is not None


# --- encodings and hostile input ---


def test_windows_1252_page_declared_in_a_meta_tag():
    body = (PAGES / "windows_1252.html").read_bytes()
    assert "€".encode("cp1252") in body and "€".encode() not in body
    product = extract_product(body, "https://ceramique.example/p/tasse")
    assert product.name == "Tasse « Crème brûlée »"
    assert (product.price, product.currency) == ("12.50", "EUR")  # "12,50 €"
    assert product.description == "Grès émaillé, 25 cl – lavable au lave-vaisselle."
    assert product.images == ["https://ceramique.example/m%C3%A9dias/tasse-cr%C3%A8me.jpg"]


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        ("<h1>Crème</h1><p class='price'>9,90 €</p>".encode("cp1252"), None),  # undeclared, not UTF-8
        ("<h1>Crème</h1><p class='price'>9,90 €</p>".encode(), None),
        ("<h1>Crème</h1><p class='price'>9,90 €</p>".encode("utf-16"), None),  # BOM
        ("<h1>Crème</h1><p class='price'>9,90 €</p>".encode("iso-8859-15"), "iso-8859-15"),  # transport charset
    ],
)
def test_encodings(body: bytes, encoding: str | None):
    product = extract_product(body, "https://shop.example/p", encoding=encoding)
    assert (product.name, product.price, product.currency) == ("Crème", "9.90", "EUR")


def test_shift_jis_from_the_transport_charset():
    html = '<h1>浴衣</h1><span class="price">12,800円</span><img src="/y.jpg">'
    product = extract_product(html.encode("shift_jis"), "https://wa.example/p", encoding="shift_jis")
    assert (product.name, product.price, product.currency) == ("浴衣", "12800", "JPY")
    assert product.images == ["https://wa.example/y.jpg"]


HOSTILE_PAGES = {
    "empty": "",
    "empty bytes": b"",
    "random bytes": os.urandom(100_000),
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj",
    "nul bytes": "\x00<h1>Na\x00me</h1>\x00",
    "xml declaration": '<?xml version="1.0" encoding="ISO-8859-1"?><html><body><h1>x</h1></body></html>',
    "unclosed tags": "<html><body><div><h1>Half<span class=price>$3<img src=/a.jpg",
    "deep nesting": "<div>" * 100_000 + "<h1>x</h1>",
    "deep JSON-LD": '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000 + "</script>",
    "odd JSON-LD": '<script type="application/ld+json">{"@type": "Product", "name": {"x": 1}, "offers": "12",'
    ' "image": [null, 1, {"url": 5}], "brand": [[]], "sku": true, "@graph": 3, "url": {"@id": []}}</script>',
    "cyclic JSON-LD": '<script type="application/ld+json">{"@graph": [{"@id": "a", "@type": "Product", "name": "C",'
    ' "offers": {"@id": "b"}}, {"@id": "b", "@type": "Offer", "itemOffered": {"@id": "a"}, "price": 3}]}</script>',
    "bad links": '<h1>T</h1><span class=price>$1</span><img src="http://[::1"><img src="javascript:x()">',
    "absurd price": '<script type="application/ld+json">{"@type": "Product", "name": "N", "offers": {"price": 1e400}}'
    "</script>",
}


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_hostile_input_never_raises(name: str):
    for url in ("https://shop.example/p", "not a url", ""):
        product = extract_product(HOSTILE_PAGES[name], url)
        assert isinstance(product, ExtractedProduct)
        assert all(image.startswith(("http://", "https://")) for image in product.images)
    if name == "cyclic JSON-LD":
        assert (product.name, product.price) == ("C", "3")
    if name == "absurd price":
        assert product.name == "N" and product.price is None


def test_huge_pages_are_bounded_in_time_and_photos():
    gallery = "".join(f"<img src='/photo-{i}.jpg'>" for i in range(20_000))
    page = f"<main><article><h1>Huge</h1><span class='price'>$5.00</span>{gallery}</article></main>"
    page += "<p>" + "lorem ipsum " * 500_000 + "</p>"
    started = time.perf_counter()
    product = extract_product(page, "https://shop.example/p")
    assert time.perf_counter() - started < 10
    assert (product.name, product.price) == ("Huge", "5.00")
    assert product.images[:2] == ["https://shop.example/photo-0.jpg", "https://shop.example/photo-1.jpg"]
    assert len(product.images) == 50


def test_pages_that_are_not_products():
    assert not extract_fixture("og_article.html", "https://linen.example/blog/linen").is_product
    listing = extract_fixture("listing.html", "https://northwind.example/c/jackets")
    assert listing == ExtractedProduct()  # ItemList, three microdata cards, og:type website, banner image


# --- normalisation ---


@pytest.mark.parametrize(
    ("value", "machine", "expected"),
    [
        ("1.299,00 €", False, ("1299.00", "EUR")),
        ("$1,042.99", False, ("1042.99", "USD")),
        ("£5", False, ("5", "GBP")),
        ("¥1,200", False, ("1200", "JPY")),
        ("CHF 1'299.00", False, ("1299.00", "CHF")),
        ("R$ 10,50", False, ("10.50", "BRL")),
        ("1.299", True, ("1.299", None)),  # structured data: a decimal point
        (119.01, True, ("119.01", None)),
        (52, True, ("52", None)),
        ("Save 20%", False, (None, None)),
        ("Sold out", False, (None, None)),
        ("x" * 500, False, (None, None)),
        (True, True, (None, None)),
    ],
)
def test_parse_price(value: object, machine: bool, expected: tuple[str | None, str | None]):
    assert parse_price(value, machine=machine) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("usd", "USD"), (" EUR ", "EUR"), ("€", "EUR"), ("US$", "USD"), ("zł", "PLN"), ("lei", "RON"), ("RMB", "CNY"),
     ("dollars", None), (None, None)],
)
def test_normalize_currency(value: object, expected: str | None):
    assert normalize_currency(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", "InStock"),
        ("http://schema.org/OutOfStock", "OutOfStock"),
        ("schema:PreOrder", "InStock"),
        ("BackOrder", "InStock"),
        ("LimitedAvailability", "InStock"),
        ("https://schema.org/SoldOut", "OutOfStock"),
        ("Discontinued", "OutOfStock"),
        ("in_stock", "InStock"),
        ("In stock", "InStock"),
        ("Out of stock", "OutOfStock"),
        ("Currently unavailable", "OutOfStock"),
        ("Not available online", "OutOfStock"),
        ("Only 2 left in stock", "InStock"),
        ("Stokta yok", "OutOfStock"),  # Turkish "not in stock": its first word alone says in stock
        ("Indisponibil", "OutOfStock"),
        ("在庫ありません", "OutOfStock"),
        ("Ask us", None),
        (None, None),
    ],
)
def test_normalize_availability(value: object, expected: str | None):
    assert normalize_availability(value) == expected


def test_srcset_and_image_urls():
    assert largest_srcset_candidate("a.jpg 320w, b.jpg 1200w, c.jpg 800w") == "b.jpg"
    assert largest_srcset_candidate("a.jpg, b.jpg 2x, c.jpg 1.5x") == "b.jpg"
    cloudinary = "/img/w_100,h_100/a.jpg 100w, /img/w_900,h_900/a.jpg 900w"  # commas inside URLs
    assert largest_srcset_candidate(cloudinary) == "/img/w_900,h_900/a.jpg"
    assert largest_srcset_candidate("  ") is None
    base = "https://shop.example/p/item"
    assert image_url("../img/a b.jpg#zoom", base) == "https://shop.example/img/a%20b.jpg"
    assert image_url("//cdn.example/x.jpg", base) == "https://cdn.example/x.jpg"
    assert image_url("/img/gray-hoodie_main.jpg", base) == "https://shop.example/img/gray-hoodie_main.jpg"
    for junk in ("data:image/png;base64,AAAA", "/img/placeholder.png", "/wp/woocommerce-placeholder-600x600.png",
                 "/media/catalog/product_no-image.jpg", "/ajax-loader_spinner.gif", "/favicon.ico",
                 "/static/icon-cart.png", "/logo.svg", "ftp://x/a.jpg", "javascript:void(0)", ""):
        assert image_url(junk, base) is None, junk


def test_clean_text():
    assert clean_text("  <p>A &amp; B</p>\n<p>C</p> ") == "A & B C"
    assert clean_text("Fish &amp; Chips\t\n ") == "Fish & Chips"
    assert clean_text("   ") is None and clean_text({"a": 1}) is None


# --- the CLI entry point ---


def test_extract_file_returns_json_ready_data(tmp_path: Path):
    data = extract_file(PAGES / "plain_srcset.html", None, None)  # URL from <link rel=canonical>
    assert json.loads(json.dumps(data)) == data
    assert data["price"] == "899.00" and data["brand"] is None and data["is_product"] is True
    assert data["images"][0] == "https://sailmaker.example/cdn/tote_300x.jpg"
    rules = tmp_path / "rules.yaml"
    rules.write_text("brand: .product__vendor::text\n")
    assert extract_file(PAGES / "plain_srcset.html", "https://other.example/x", rules)["brand"] == "Sailmaker & Sons"
    with pytest.raises(ValueError, match="cannot read"):
        extract_file(tmp_path / "missing.html", None, None)


# --- the demo shop, served for real ---


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def shop(catalog: Catalog) -> Iterator[tuple[str, dict[str, bytes], list[bytes]]]:
    """The shop's base URL, every product page by slug, and pages that are not products."""
    with running_shop(crawl_delay=0) as base, httpx.Client(base_url=base, timeout=10) as client:
        products = {product.slug: client.get(product.path).content for product in catalog.products}
        others = ["/", "/cart", "/search?q=hoodie", "/p/no-such-product.html"]
        others += [category.url_path for category in catalog.categories]
        yield base, products, [client.get(path).content for path in others]


@pytest.mark.parametrize("with_rules", [True, False], ids=["shop rules", "no rules"])
def test_every_shop_product_page_extracts_exactly(catalog: Catalog, shop, with_rules: bool):
    base, pages, _ = shop
    rules = SiteRules.from_file(RULES_PATH) if with_rules else None
    mismatches = []
    for product in catalog.products:
        found = extract_product(pages[product.slug], base + product.path, rules, encoding="utf-8")
        expected = {
            "name": product.name,
            "price": product.current_price,
            "regular_price": product.price if product.sale_price else None,
            "currency": catalog.currency,
            "brand": catalog.brand,
            "sku": product.sku,
            "availability": "InStock" if product.in_stock else "OutOfStock",
            "description": " ".join(product.description_text.split()),
            "category": product.categories[0],
        }
        got = found.model_dump(include=set(expected)) | {"category": (found.categories or [None])[0]}
        large = [f"{base}/media/large/{image.file}" for image in product.images]
        if got != expected or not set(large) <= set(found.images) or found.images[0] != large[0]:
            mismatches.append((product.markup, product.slug, got, expected, found.images))
    assert not mismatches, f"{len(mismatches)} of {len(catalog.products)} pages differ, first: {mismatches[0]}"
    assert {product.markup for product in catalog.products} == {"json-ld", "microdata", "plain"}


def test_shop_pages_that_are_not_products(shop):
    base, _, others = shop
    rules = SiteRules.from_file(RULES_PATH)
    for html in others:
        for site_rules in (rules, None):
            assert not extract_product(html, base + "/somewhere", site_rules).is_product
