"""A shop's name read from its home page (snapmode.extract.site_name), and the demo registering its shop by it."""

from __future__ import annotations

import httpx
import pytest

from launch.cli.demo import SHOP_NAME
from snapmode.extract.page import parse_page
from snapmode.extract.site_name import site_name
from snapmode.shop.server import running_shop


def _name(head: str) -> str | None:
    return site_name(parse_page(f"<html><head>{head}</head><body><h1>Welcome</h1></body></html>", "https://s.test/"))


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ('<meta property="og:site_name" content="Kiln &amp; Co"><title>Mugs | Kiln</title>', "Kiln & Co"),
        ('<meta name="application-name" content="Trail Outfitters"><title>Home - Trail</title>', "Trail Outfitters"),
        ('<META PROPERTY="OG:SITE_NAME" CONTENT="Loud Shop">', "Loud Shop"),
        ('<meta property="og:site_name" content="  "><meta name="application-name" content="Next">', "Next"),
        ("<title>Corner Shop | Home</title>", "Corner Shop"),
        ("<title>Corner Shop - Free delivery | Since 1990</title>", "Corner Shop"),
        ("<title>Corner Shop – Shoes</title>", "Corner Shop"),
        ("<title>Jean-Luc's Boutique</title>", "Jean-Luc's Boutique"),  # a hyphen inside a word is no tail
        ("<title>\n  Corner\n   Shop  </title>", "Corner Shop"),
        ("<title>" + "x" * 500 + "</title>", "x" * 100),
        ("<title> </title>", None),
        ("", None),
    ],
)
def test_the_name_comes_from_og_site_name_then_application_name_then_the_title(head: str, name: str | None) -> None:
    assert _name(head) == name


def test_the_demo_registers_its_shop_under_the_name_its_pages_give() -> None:
    with running_shop(crawl_delay=0) as shop:
        home = httpx.get(shop + "/").text
    assert site_name(parse_page(home, shop + "/")) == SHOP_NAME
