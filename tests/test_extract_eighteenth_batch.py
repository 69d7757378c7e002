"""Rules found on the dev pages of the eighteenth batch of real shop pages (Ponto Frio, Ricardo Eletro, AliExpress,
Época Cosméticos, origin.md, x-kom): a printed label inside a microdata identifier, a microdata name around the
heading and the lines beside it, a sharing title with a price before the heading's text, a buy link whose face is
an image, a marketplace naming itself as the brand, a brand-marked block around the heading, a bare amount beside
its currency, and a product withdrawn from sale. The batch's stock words in more languages are tested with the
other stock lines in tests/test_extract_plain_pages.py."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product
from snapmode.extract.layered import extract_with_sources
from snapmode.extract.specs import labelled_identifier

URL = "https://loja.example/produto/frigobar-ph85/462100"
PHOTO = '<img src="/media/462100.jpg" width="600" height="800">'
PRICE = "<p class='price'>R$ 699,00</p>"


def product_block(inner: str) -> str:
    return f'<html><head><title>Loja</title></head><body><div itemscope itemtype="https://schema.org/Product">{inner}</div></body></html>'


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("(Cód. Item 462100)", "462100"),
        ("(Cód EAN 7891356046148)", "7891356046148"),
        ("Kod produktu PR-IN51I7", "PR-IN51I7"),
        ("Red linen dress 42", None),  # words before a number that are no label
        ("462100", None),  # no label: the caller keeps the value as it is
    ],
)
def test_the_identifier_after_a_printed_label(value: str, found: str | None):
    assert labelled_identifier(value) == found


def test_a_microdata_product_id_printed_with_its_label_gives_the_number():
    html = product_block(
        f'{PHOTO}<h1><b itemprop="name">Frigobar Philco PH85 – 70 Litros</b>'
        '<span itemprop="productID">(Cód. Item 462100)</span></h1>'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<meta itemprop="price" content="699.00"><meta itemprop="priceCurrency" content="BRL"></div>'
    )
    product = extract_product(html, URL)
    assert (product.name, product.sku) == ("Frigobar Philco PH85 – 70 Litros", "462100")


def test_a_microdata_name_around_the_heading_and_a_line_beside_it_is_the_heading():
    html = product_block(
        '<div itemprop="name"><h1>Geladeira Electrolux Frost Free 380 Litros Inox - DW42X</h1>'
        "<span>código do produto: 96453</span></div>"
        f"{PHOTO}{PRICE}"
    )
    product = extract_product(html, URL)
    assert (product.name, product.sku) == ("Geladeira Electrolux Frost Free 380 Litros Inox - DW42X", "96453")


def test_a_sharing_title_holding_the_heading_after_a_price_gives_way_to_the_heading():
    heading = "Original Apple iPhone SE Smartphone 2GB RAM 16/64GB ROM"
    html = (
        f'<html><head><meta property="og:type" content="product">'
        f'<meta property="og:title" content="€97.39 40% OFF|{heading}|Cell Phones - Marketplace">'
        f"</head><body><div>{PHOTO}<h1>{heading}</h1><p class='price'>€ 97,39</p></div></body></html>"
    )
    product, sources = extract_with_sources(html, "https://he.market.example/item/32993251330.html")
    assert (product.name, sources["name"]) == (heading, "heuristics")


@pytest.mark.parametrize(
    ("control", "availability"),
    [
        (
            '<a href="javascript:" id="btnComprar"><img src="/b/comprar.png" alt="Comprar Geladeira DW42X"></a>',
            "InStock",
        ),
        ('<a href="#"><img src="/b/buy.png" alt="Add to cart"></a>', "InStock"),
        # A link to another page is a product card or a banner, whatever its image says.
        ('<a href="/produto/outro/1"><img src="/b/comprar.png" alt="Comprar Fogão 4 bocas"></a>', None),
    ],
)
def test_a_buy_link_whose_face_is_an_image_reads_by_the_images_alt_text(control: str, availability: str | None):
    html = f"<html><body><div>{PHOTO}<h1>Geladeira Electrolux DW42X</h1>{PRICE}{control}</div></body></html>"
    assert extract_product(html, URL).availability == availability


@pytest.mark.parametrize(
    ("declared", "brand"),
    [
        ("AliExpress.com", None),  # the marketplace's own address, not the maker
        ("Apple", "Apple"),
    ],
)
def test_a_brand_meta_tag_naming_the_shops_own_address_is_no_brand(declared: str, brand: str | None):
    html = (
        f'<html><body><meta itemprop="brand" content="{declared}">'
        f"<div>{PHOTO}<h1>iPhone SE 64GB</h1><p class='price'>€ 97,39</p></div></body></html>"
    )
    assert extract_product(html, "https://he.aliexpress.com/item/32993251330.html").brand == brand


def test_a_brand_marked_block_around_the_heading_is_not_the_brands_slot():
    html = (
        f"<html><body><div>{PHOTO}<section class='name_brand'><h1>Hypnôse Eau de Toilette Lancôme - 30ml</h1>"
        "<div class='brandName'><a href='/perfumes/lancome' class='brand'>Lancôme</a></div></section>"
        f"{PRICE}</div></body></html>"
    )
    assert extract_product(html, URL).brand == "Lancôme"


def test_a_bare_amount_inside_a_price_beside_its_currency_keeps_the_currency():
    html = (
        f"<html><body><div>{PHOTO}<h1>Туфли мужские Un Larvik Lace</h1><div class='price-box'>"
        "<div class='price sale'><p>1912</p> <span>MDL</span></div>"
        "<div class='old_price'><p>2390</p> <span>MDL</span></div></div></div></body></html>"
    )
    product = extract_product(html, "https://origin.example/ru/product/tufli-un-larvik-lace")
    assert (product.price, product.regular_price, product.currency) == ("1912", "2390", "MDL")


@pytest.mark.parametrize(("line", "state"), [("Wycofany", "OutOfStock"), ("Nicht mehr lieferbar", "OutOfStock")])
def test_a_product_withdrawn_from_sale_is_out_of_stock(line: str, state: str):
    html = f"<html><body><div>{PHOTO}<h1>Gigabyte GeForce RTX 3070 EAGLE</h1>{PRICE}<p>{line}</p></div></body></html>"
    assert extract_product(html, URL).availability == state
