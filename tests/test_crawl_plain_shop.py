"""A plain-HTML shop crawled blind: no structured data, sitemap, robots.txt or rules, a category 9 pages deep.

The crawler must find every page (a listing's next pages are followed whatever their depth, here past
``crawl.max_depth``), tell listing pages from product pages, and index the products with the name, price and
availability the shop's generator gave them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from launch.cli.main import app
from launch.runner.local import run_crawl
from snapmode import ids
from snapmode.config import Settings
from snapmode.crawl.politeness import host_key
from snapmode.pipeline.crawling import register_site
from snapmode.pipeline.operators import crawl_status
from snapmode.services import Services
from snapmode.shop.plain import PAGE_SIZE, PlainCatalog
from snapmode.shop.server import running_shop

PRODUCTS = 300
SEED = 4
MAX_DEPTH = 6


@pytest.fixture(scope="module")
def catalog() -> PlainCatalog:
    return PlainCatalog(PRODUCTS, SEED)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, str, str]]:
    home: Path = tmp_path_factory.mktemp("plain-shop")
    with running_shop(products=PRODUCTS, seed=SEED, plain=True) as shop:
        host = host_key(shop)
        settings = Settings(home=home, crawl={"allow_hosts": [host], "no_delay_hosts": [host], "max_depth": MAX_DEPTH})
        services = Services.shared(settings)
        site = register_site(services, shop + "/")
        run_crawl(settings, site_ids=[site.id])
        yield services, shop, site.id
        services.close()


def test_the_big_category_is_deeper_than_the_depth_limit(catalog: PlainCatalog) -> None:
    big = max(catalog.categories, key=lambda category: len(catalog.numbers_in(category)))
    # home (0) > department (1) > the category's first page (2): its page 6 and beyond lie past max_depth
    assert len(catalog.numbers_in(big)) > (MAX_DEPTH + 2) * PAGE_SIZE


def test_every_page_of_the_shop_is_fetched(crawled: tuple[Services, str, str], catalog: PlainCatalog) -> None:
    services, shop, _ = crawled
    product_pages = [shop + product.path for product in catalog.products()]
    listing_pages = [
        shop + category.page_path(page)
        for category in catalog.categories
        for page in range(1, -(-len(catalog.numbers_in(category)) // PAGE_SIZE) + 1)
    ]
    missing = [url for url in product_pages + listing_pages if _status(services, url) != "fetched"]
    assert missing == []


def test_listing_pages_are_listings_and_status_reports_them(
    crawled: tuple[Services, str, str], catalog: PlainCatalog
) -> None:
    services, shop, site_id = crawled
    listing_kinds = {
        services.frontier.get(shop + category.page_path(page)).kind
        for category in catalog.categories
        for page in range(1, -(-len(catalog.numbers_in(category)) // PAGE_SIZE) + 1)
    }
    assert listing_kinds == {"listing"}
    status = crawl_status(services, site_id)
    # each category says "Showing 1-20 of N results" on every one of its pages: counted once per category
    assert status.stated_products == PRODUCTS
    pages = sum(-(-len(catalog.numbers_in(category)) // PAGE_SIZE) for category in catalog.categories)
    assert status.listing_pages >= pages  # the categories' pages, and the home and department pages


def test_products_are_indexed_right_and_no_listing_is_a_product(
    crawled: tuple[Services, str, str], catalog: PlainCatalog
) -> None:
    services, shop, site_id = crawled
    expected_products = catalog.products()
    indexed = services.products.get_many([ids.product_id(shop + product.path) for product in expected_products])
    right = 0
    for expected in expected_products:
        product = indexed.get(ids.product_id(shop + expected.path))
        if (
            product is not None
            and product.name == expected.name
            and product.price is not None
            and Decimal(product.price) == Decimal(expected.price)
            and product.availability == ("InStock" if expected.in_stock else "OutOfStock")
        ):
            right += 1
    assert right >= 0.95 * PRODUCTS
    status = crawl_status(services, site_id)
    assert status.product_pages == status.products == PRODUCTS


def test_the_cli_shows_the_status(crawled: tuple[Services, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    services, _, site_id = crawled
    monkeypatch.setenv("SNAPMODE_HOME", str(services.settings.home))
    shown = CliRunner().invoke(app, ["sites", "status", site_id])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["stated_products"] == PRODUCTS
    unknown = CliRunner().invoke(app, ["sites", "status", "no-such-site"])
    assert unknown.exit_code == 2 and "no site no-such-site" in unknown.output


def _status(services: Services, url: str) -> str | None:
    entry = services.frontier.get(url)
    return entry.status if entry else None
