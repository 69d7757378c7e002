"""An older shop layout: the price printed inside the heading, identifiers printed after a label without a colon,
a German "shopping bag" button and sizes offered as a list of links that the disabled buy button waits for.

Each page here is a few lines of hand-written HTML in that shape.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from snapmode.extract import extract_product
from snapmode.extract.specs import labelled_line
from snapmode.extract.titles import heading_name

PHOTO = '<img src="/media/photo-1.jpg" width="600" height="800">'
URL = "https://kaufhaus.example/de/product/59876"


def page(block: str) -> str:
    return f"<html><head><title>Rollkragenpullover | Kaufhaus</title></head><body><form>{block}</form></body></html>"


def product_block(heading: str = "Rollkragenpullover", extra: str = "") -> str:
    return f'<div>{PHOTO}</div><div><h1>{heading}</h1><p class="price">29,99 €</p>{extra}</div>'


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ('Rollkragenpullover <span class="price" id="text-price"><span>29,99</span></span>', "Rollkragenpullover"),
        ('Rollkragenpullover <span itemprop="price">29,99 €</span>', "Rollkragenpullover"),
        # Not a price slot: a class naming a price without an amount, an amount without a mark.
        ('Rollkragenpullover <span class="price-info">Neu</span>', "Rollkragenpullover Neu"),
        ("Pullover <span>2 Stück</span>", "Pullover 2 Stück"),
        # Nothing but the price in the heading: its text stays.
        ('<span class="price">29,99</span>', "29,99"),
    ],
)
def test_a_price_printed_inside_the_heading_is_no_part_of_the_name(heading: str, name: str):
    assert heading_name(lxml_html.fragment_fromstring(f"<h1>{heading}</h1>")) == name


def test_the_product_is_named_by_its_heading_without_the_price():
    heading = 'Rollkragenpullover <span class="price"><span class="actual-price">29,99</span></span>'
    product = extract_product(page(product_block(heading)), URL)
    assert (product.name, product.price) == ("Rollkragenpullover", "29.99")


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("<p>Art.-Nr. <span>21-2704</span></p>", ("Art.-Nr.", "21-2704")),
        ("<p>Art.-Nr.: 21-2704</p>", ("Art.-Nr.", "21-2704")),
        # Text after the value element, or two value elements: not a label and its value.
        ("<p>Art.-Nr. <span>21-2704</span> (Farbe Grau)</p>", None),
        ("<p>Art.-Nr. <span>21-2704</span><span>21-2705</span></p>", None),
    ],
)
def test_a_label_and_its_value_element_without_a_colon(line: str, pair: tuple[str, str] | None):
    assert labelled_line(lxml_html.fragment_fromstring(line)) == pair


def test_an_identifier_printed_after_its_label_without_a_colon():
    extra = "<p>Art.-Nr. <span>21-2704</span></p>"
    assert extract_product(page(product_block(extra=extra)), URL).sku == "21-2704"


@pytest.mark.parametrize("label", ["In die Einkaufstasche", "In den Einkaufswagen"])
def test_a_german_shopping_bag_button_says_the_product_can_be_bought(label: str):
    button = f'<button type="submit" class="btn bag large">{label}</button>'
    assert extract_product(page(product_block(extra=button)), URL).availability == "InStock"


def test_a_disabled_buy_button_waiting_for_a_size_from_a_list_of_links_is_in_stock():
    sizes = (
        '<ul class="options variants"><li class="soldOut"><a href="?variant=003">XS</a></li>'
        '<li><a href="?variant=007">XL</a></li></ul>'
    )
    button = '<button type="submit" class="btn bag large disabled noSize" disabled>In die Einkaufstasche</button>'
    assert extract_product(page(product_block(extra=sizes + button)), URL).availability == "InStock"
    # Without a choice to make, the disabled button says the product cannot be bought.
    assert extract_product(page(product_block(extra=button)), URL).availability == "OutOfStock"
