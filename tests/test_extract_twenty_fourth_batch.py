"""Rules found on the dev pages of the twenty-fourth batch of real shop pages (luxury and department stores: italist,
John Lewis, ...)."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product

URL = "https://shop.example/p/martini-t-strap-pumps"
PHOTO = "<img src='/media/495.jpg' width='600' height='800'>"


def page(title_block: str) -> str:
    return (
        f"<html><body><div class='product'>{PHOTO}<div id='product_info'>{title_block}"
        "<div class='product-price'><span class='price'>€ 284,01</span></div>"
        "<button>Add to bag</button></div></div></body></html>"
    )


@pytest.mark.parametrize(
    ("title_block", "name", "brand"),
    [
        # italist: the heading is the designer, inside a link to the designer's page and a block marked brand.
        (
            (
                "<div class='product_brand'><a href='https://www.italist.com/en/brands/3.1-phillip-lim/495'><h1> 3.1"
                " Phillip Lim </h1></a></div><span class='bright'>3.1 Phillip Lim Martini T-Strap Pumps</span>"
            ),
            "3.1 Phillip Lim Martini T-Strap Pumps",
            "3.1 Phillip Lim",
        ),
        # John Lewis: its own label in the heading, linked to the brand's page; the product in the <h2> after it.
        (
            (
                "<div><a href='/brand/john-lewis-partners/_/N-1yzsz8d'><h1><span></span><span>John Lewis</span></h1>"
                "</a><h2> Stretch Chino Shorts, China Blue</h2></div>"
            ),
            "John Lewis Stretch Chino Shorts, China Blue",
            "John Lewis",
        ),
    ],
)
def test_a_heading_that_only_names_the_linked_brand_is_followed_by_the_products_name(title_block, name, brand):
    product = extract_product(page(title_block), URL)
    assert (product.name, product.brand) == (name, brand)


@pytest.mark.parametrize(
    "title_block",
    [
        # A link to a category, not a brand, is no brand's heading.
        "<a href='/women/shoes/pumps'><h1>Pumps</h1></a><span>Martini T-Strap Pumps</span>",
        # A heading that is more than a brand's few words is the product's own title.
        "<a href='/brands/phillip-lim'><h1>3.1 Phillip Lim Martini T-Strap Pumps</h1></a><span>Free returns</span>",
    ],
)
def test_other_headings_in_links_keep_their_own_text(title_block):
    heading = title_block.split("<h1>")[1].split("</h1>")[0]
    assert extract_product(page(title_block), URL).name == heading


def test_a_heading_marked_brand_is_the_brand_and_the_line_under_it_the_name():
    # LN-CC: the <h1> is marked brand and holds the designer; the product is the line under it.
    block = (
        "<div><h1 class='b-product_custom-value--brand'>Lanvin</h1>"
        "<div class='b-product_subtitle'>Lanvin Women’s Single-Breasted Coat from Pre SS16 in Red</div></div>"
        "<div class='b-history'><span class='brand-history'>history</span></div>"
    )
    product = extract_product(page(block), URL)
    assert (product.name, product.brand) == ("Lanvin Women’s Single-Breasted Coat from Pre SS16 in Red", "Lanvin")


def test_a_whole_title_marked_brand_is_no_brand():
    # Farfetch marks its whole title "brand"; the brand is the one its structured data or a slot of its own gives.
    block = (
        "<h1 class='detail-brand'>Jimmy Choo 'Lucy' pumps</h1><p>Size guide</p><span itemprop='brand'>Jimmy Choo</span>"
    )
    assert extract_product(page(block), URL).brand == "Jimmy Choo"
