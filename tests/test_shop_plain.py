"""The plain-HTML shop (`snapmode shop serve --products N --plain`): no structured data, sitemap or robots.txt,
a deep category, and pages that say what its generator (the ground truth of a blind crawl) holds."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from snapmode.shop.plain import PAGE_SIZE, PlainCatalog, create_plain_app

PRODUCTS = 2000


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_plain_app(PRODUCTS, seed=1)) as running:
        yield running


@pytest.fixture(scope="module")
def catalog() -> PlainCatalog:
    return PlainCatalog(PRODUCTS, seed=1)


def test_no_structured_data_sitemap_or_robots_txt(client: TestClient, catalog: PlainCatalog) -> None:
    assert client.get("/robots.txt").status_code == 404
    assert client.get("/sitemap.xml").status_code == 404
    for path in ("/", catalog.categories[0].path, catalog.product(0).path, catalog.product(1).path):
        page = client.get(path).text
        assert "application/ld+json" not in page and "itemprop" not in page and "og:" not in page


def test_a_product_page_says_what_the_catalogue_holds(client: TestClient, catalog: PlainCatalog) -> None:
    for product in (catalog.product(number) for number in range(40)):
        page = client.get(product.path).text
        assert f"<h1>{product.name}</h1>" in page
        assert f"<p>Price: £{product.price}</p>" in page  # prices stay under £1,000: no thousands separator
        stock = f"In stock ({product.stock} available)" if product.in_stock else "Out of stock"
        assert page.count(stock) == 2  # the stock line and the Product Information table
        assert f"<th>UPC</th><td>{product.upc}</td>" in page
        assert f"<th>Price (excl. tax)</th><td>£{product.price_excl_tax}</td>" in page
        assert f"<th>Price (incl. tax)</th><td>£{product.price}</td>" in page
        assert len(re.findall(r"<img ", page)) == (1 if product.photo else 0)
        assert f'<a href="{product.category.path}">{product.category.name}</a>' in page  # breadcrumbs


def test_the_catalogue_is_varied(catalog: PlainCatalog) -> None:
    products = catalog.products()
    assert 0.8 < sum(product.in_stock for product in products) / PRODUCTS < 0.95
    assert 0.4 < sum(product.photo for product in products) / PRODUCTS < 0.6
    assert len({product.price for product in products}) > 500
    assert sorted(number for category in catalog.categories for number in catalog.numbers_in(category)) == list(
        range(PRODUCTS)
    )


def test_categories_paginate_20_per_page_to_their_end(client: TestClient, catalog: PlainCatalog) -> None:
    big = catalog.categories[0]
    total = len(catalog.numbers_in(big))
    pages = -(-total // PAGE_SIZE)
    assert pages > 40
    seen: list[str] = []
    path: str | None = big.path
    for page in range(1, pages + 1):
        assert path is not None
        html = client.get(path).text
        first = (page - 1) * PAGE_SIZE + 1
        assert f"Showing {first}-{min(first + PAGE_SIZE - 1, total)} of {total} results" in html
        seen += re.findall(r'<a href="(/item/[^"]+)">', html)
        found = re.search(r'<a href="([^"]+)">next &raquo;</a>', html)
        path = found.group(1) if found else None
    assert path is None  # the last page has no next link
    assert seen == [catalog.product(number).path for number in catalog.numbers_in(big)]
    assert client.get(big.page_path(pages + 1)).status_code == 404


def test_departments_link_their_categories_and_the_photo_is_served(client: TestClient, catalog: PlainCatalog) -> None:
    clothing = client.get("/d/clothing/").text
    assert all(category.path in clothing for category in catalog.categories if category.department == "Clothing")
    with_photo = next(product for product in catalog.products() if product.photo)
    without = next(product for product in catalog.products() if not product.photo)
    assert client.get(f"/img/{with_photo.number}.jpg").headers["content-type"] == "image/jpeg"
    assert client.get(f"/img/{without.number}.jpg").status_code == 404


def test_the_same_seed_makes_the_same_shop() -> None:
    assert PlainCatalog(50, seed=3).products() == PlainCatalog(50, seed=3).products()
    assert PlainCatalog(50, seed=3).products() != PlainCatalog(50, seed=4).products()
    with pytest.raises(ValueError, match="at least 1 product"):
        PlainCatalog(0)
