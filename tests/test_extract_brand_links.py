"""A brand named only at the start of the title, confirmed by a link to the brand's own page (found on the dev pages
of BIG W, Macy's, Cyberport and Vizaje-Nica)."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product

URL = "https://shop.example/p/820960"


def page(title: str, links: str) -> str:
    return (
        f"<html><body><nav>{links}</nav><div class='product'><img src='/media/820960.jpg' width='600' height='800'>"
        f"<h1>{title}</h1><span class='price'>$49.00</span><button>Add to cart</button></div></body></html>"
    )


@pytest.mark.parametrize(
    ("title", "link", "brand"),
    [
        ("NERF Mega Megalodon", "<a href='/brands/nerf/'>NERF®</a>", "NERF"),
        (
            "Calvin Klein Animal-Print Faux-Leather-Inset Dress",
            "<a href='http://www1.macys.com/shop/mens/featured-brands/calvin-klein?id=28169'>calvin klein</a>",
            "Calvin Klein",
        ),
        ("Samsung SSD 850 EVO Series 250GB", "<a href='/samsung'>Samsung</a>", "Samsung"),
        ("L’Action Youth-Boosting Night Mask", "<a href='https://shop.example/brand/laction'>L'Action</a>", "L’Action"),
        ("Marshall Minor II In-Ear Headphones", "<a href='/en-ca/brand/marshall'>Marshall</a>", "Marshall"),
    ],
)
def test_a_title_starting_with_a_linked_brand_names_it(title, link, brand):
    assert extract_product(page(title, link), URL).brand == brand


@pytest.mark.parametrize(
    ("title", "link"),
    [
        # Links to categories, tags and other products are not a brand's page.
        ("Silikonformen rund 8er Set", "<a href='/Silikonformen/Silikonform-Pinguin::47.html'>Silikonformen</a>"),
        ("Agents of Shield decal sticker", "<a href='/market/agents_of_shield?ref=l2'>Agents of Shield</a>"),
        ("Refrigerador Frost Free 2 Portas", "<a href='/Loja/Eletrodomesticos/Refrigerador/256-270'>refrigerador</a>"),
        # The link must show the words the title starts with, and the title must go on after them.
        ("Marshall Minor II In-Ear Headphones", "<a href='/brand/marshall'>Shop all brands</a>"),
        ("Marshall", "<a href='/brand/marshall'>Marshall</a>"),
        ("Minor II by Marshall", "<a href='/brand/marshall'>Marshall</a>"),
    ],
)
def test_no_brand_without_both_the_title_start_and_a_link_to_its_page(title, link):
    assert extract_product(page(title, link), URL).brand is None


def test_a_declared_brand_is_kept():
    html = page("Samsung SSD 850 EVO", "<a href='/samsung'>Samsung</a>").replace(
        "<h1>", "<p>Brand: <span class='product-brand'>Samsung Electronics</span></p><h1>"
    )
    assert extract_product(html, URL).brand == "Samsung Electronics"
