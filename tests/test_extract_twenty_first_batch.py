"""A rule found on the dev pages of the twenty-first batch of real shop pages (Wildberries): a price only some
shoppers pay (the shop's wallet, a club, members, a subscription) is not the product's price."""

from __future__ import annotations

import pytest

from snapmode.extract import extract_product

PHOTO = '<img src="/media/164419278.jpg" width="600" height="800">'


def page(price_block: str) -> str:
    return (
        f"<html><body><div>{PHOTO}<h1>Кофе в зернах 1 кг Бразилия</h1>"
        f"<div class='product-page__price-block'>{price_block}</div></div></body></html>"
    )


@pytest.mark.parametrize(
    ("price_block", "price", "regular"),
    [
        (
            (
                "<span class='price-block__wallet-price'>1&nbsp;597&nbsp;₽</span>"
                "<ins class='price-block__final-price wallet'>1&nbsp;630&nbsp;₽</ins>"
                "<del class='price-block__old-price'>1&nbsp;918&nbsp;₽</del>"
            ),
            "1630",
            "1918",
        ),
        ("<span class='club-price'>19,99 €</span><span class='price'>24,99 €</span>", "24.99", None),
        # The only price shown, even if a member's, is still the price.
        ("<span class='member-price'>19,99 €</span>", "19.99", None),
    ],
)
def test_a_price_some_shoppers_pay_gives_way_to_the_one_every_shopper_pays(price_block, price, regular):
    product = extract_product(page(price_block), "https://shop.example/catalog/164419278/detail.aspx")
    assert (product.price, product.regular_price) == (price, regular)
