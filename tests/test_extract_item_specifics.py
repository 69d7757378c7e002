"""A marketplace's item specifics: a wide table putting two "label | value" pairs in each row, in a tab far
below the buy box, and the only place the page names the product's brand.

Each page here is a few lines of hand-written HTML in that shape.
"""

from __future__ import annotations

from lxml import html as lxml_html

from snapmode.extract import extract_product
from snapmode.extract.specs import read_specs

URL = "https://marketplace.example/itm/trunks-2-pack/312192267322"
BUY_BOX = (
    '<main><div><img src="/img/trunks-1.jpg" width="500" height="500"></div>'
    '<div><h1>Boxer Trunks 2 Pack</h1><span class="price">£10.99</span><button>Buy it now</button></div></main>'
)


def specifics(*rows: str) -> str:
    cells = "".join(f"<tr>{row}</tr>" for row in rows)
    return f'<section id="description"><h2>Item specifics</h2><table>{cells}</table></section>'


def page(*blocks: str) -> str:
    return f"<html><head><title>Boxer Trunks 2 Pack | Marketplace</title></head><body>{''.join(blocks)}</body></html>"


def test_a_row_holding_two_label_value_pairs_gives_both():
    table = lxml_html.fromstring(
        "<table><tr><td>Material:</td><td>95% Cotton</td><td>Brand:</td><td>Levis</td></tr>"
        "<tr><td>Style code:</td><td>AB-1234</td></tr></table>"
    )
    specs = read_specs(table, lambda element: False)
    assert (specs.brand, specs.sku) == ("Levis", "AB-1234")


def test_a_row_of_many_cells_is_a_grid_not_labels():
    row = "".join(f"<td>{cell}</td>" for cell in ("Brand", "S", "M", "L", "XL", "XXL"))
    assert read_specs(lxml_html.fromstring(f"<table><tr>{row}</tr></table>"), lambda element: False).brand is None


def test_the_brand_comes_from_item_specifics_far_below_the_buy_box():
    table = specifics("<td>Condition:</td><td>New with tags</td><td>Brand:</td><td>Levis</td>")
    product = extract_product(page(BUY_BOX, table), URL)
    assert (product.name, product.price, product.brand) == ("Boxer Trunks 2 Pack", "10.99", "Levis")


def test_a_code_far_below_the_buy_box_is_not_taken():
    # Far from the title, a code is as likely another product's (an accessory, a bundle) as this one's.
    table = specifics("<td>Style code:</td><td>AB-1234</td><td>Brand:</td><td>Levis</td>")
    assert extract_product(page(BUY_BOX, table), URL).sku is None


def test_a_brand_near_the_title_wins_over_the_specifics():
    near = BUY_BOX.replace("</h1>", '</h1><p>Brand: <a href="/b/levis">Levi Strauss</a></p>')
    table = specifics("<td>Brand:</td><td>Levis</td>")
    assert extract_product(page(near, table), URL).brand == "Levi Strauss"


def test_item_specifics_inside_a_related_products_block_are_not_read():
    related = (
        '<section class="related-products"><h2>You may also like</h2>'
        "<table><tr><td>Brand:</td><td>Calvin Klein</td></tr></table></section>"
    )
    assert extract_product(page(BUY_BOX, related), URL).brand is None
