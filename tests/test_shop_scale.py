"""The demo shop's scale mode: N generated products, read the way the crawler reads them."""

from __future__ import annotations

import io
import re
import tracemalloc
from collections import deque
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from lxml import etree
from PIL import Image
from starlette.testclient import TestClient

from snapmode.config import CrawlSettings
from snapmode.extract import SiteRules, extract_product
from snapmode.shop.app import SCALE_PAGE_SIZE, SITEMAP_SIZE, create_app, linked_pages
from snapmode.shop.catalog import MARKUPS, RULES_PATH, load_catalog
from snapmode.shop.scale import ScaleCatalog, ScaleProduct

BASE = "http://testserver"
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def small() -> Iterator[tuple[TestClient, ScaleCatalog]]:
    with TestClient(create_app(products=500, seed=7)) as client:
        yield client, ScaleCatalog(load_catalog(), 500, seed=7)


def all_products(catalog: ScaleCatalog) -> list[ScaleProduct]:
    return [catalog.product_number(number) for number in range(catalog.size)]


def test_a_product_page_says_what_the_catalogue_holds_in_each_markup(small):
    client, catalog = small
    rules = SiteRules.from_yaml(RULES_PATH.read_text())
    products = all_products(catalog)
    sale = next(p for p in products if p.sale_price)
    by_markup = {markup: next(p for p in products if p.markup == markup) for markup in MARKUPS}
    for product in [*by_markup.values(), sale, next(p for p in products if not p.in_stock)]:
        response = client.get(product.path)
        assert response.status_code == 200
        found = extract_product(response.content, BASE + product.path, rules if product.markup == "plain" else None)
        assert found.is_product, product.slug
        assert found.name == product.name
        assert found.brand == product.brand
        assert found.sku == product.sku
        assert Decimal(found.price) == Decimal(product.current_price)
        assert found.currency == "USD"
        assert found.availability == ("InStock" if product.in_stock else "OutOfStock")
        assert found.images[0] == f"{BASE}/media/large/{product.images[0].file}"
        assert set(found.images) == {f"{BASE}/media/large/{image.file}" for image in product.images}
        if product.sale_price:
            assert Decimal(found.regular_price) == Decimal(product.price)


def test_the_catalogue_is_varied(small):
    _, catalog = small
    products = all_products(catalog)
    assert len({p.name for p in products}) > 0.95 * len(products)
    assert len({p.slug for p in products}) == len({p.sku for p in products}) == len(products)
    assert len({p.brand for p in products}) >= 5
    assert len({p.price for p in products}) > 100
    assert 0.1 <= sum(1 for p in products if p.sale_price) / len(products) <= 0.3
    assert all(Decimal(p.sale_price) < Decimal(p.price) for p in products if p.sale_price)
    assert 0.03 <= sum(1 for p in products if not p.in_stock) / len(products) <= 0.2
    assert {p.markup for p in products} == set(MARKUPS)


def test_listings_alone_reach_every_product_within_the_crawl_depth(small):
    """A link walk from the home page over category and pagination links (no sitemap) finds all N products,
    none deeper than the crawler's depth limit."""
    client, catalog = small
    max_depth = CrawlSettings().max_depth
    depth_of = {"/": 0}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path.startswith("/p/"):
            continue
        page = lxml.html.fromstring(client.get(path).text)
        for href in page.xpath("//a/@href"):
            link = urlsplit(urljoin(BASE + path, href))
            target = link.path + (f"?{link.query}" if link.query else "")
            if link.path.startswith(("/c/", "/p/")) and target not in depth_of:
                depth_of[target] = depth_of[path] + 1
                queue.append(target)
    found = {path: depth for path, depth in depth_of.items() if path.startswith("/p/")}
    assert set(found) == {p.path for p in all_products(catalog)}
    assert max(found.values()) <= max_depth


def test_listing_pages_hold_a_page_of_products_in_catalogue_order(small):
    client, catalog = small
    women = catalog.category("women")
    expected = [p.path for p in catalog.products_in(women)]
    assert len(expected) > SCALE_PAGE_SIZE
    seen: list[str] = []
    for page in range(1, -(-len(expected) // SCALE_PAGE_SIZE) + 1):
        html = lxml.html.fromstring(client.get(f"/c/women.html?page={page}").text)
        seen += html.xpath("//ul[@class='product-grid']/li//a[@class='product-link']/@href")
    assert seen == expected
    assert client.get(f"/c/women.html?page={page + 1}").status_code == 404


def test_pagination_puts_every_page_of_a_long_listing_a_few_clicks_from_the_first():
    pages = 20_000
    depth = {1: 0}
    frontier = [1]
    while frontier:
        following = []
        for page in frontier:
            for linked in linked_pages(page, pages):
                if linked not in depth:
                    depth[linked] = depth[page] + 1
                    following.append(linked)
        frontier = following
    assert len(depth) == pages
    assert max(depth.values()) == len(str(pages - 1))  # one click per digit of the page's number
    assert all(len(linked_pages(page, pages)) <= 50 for page in (1, 777, 19_999, 20_000))
    assert linked_pages(3, 7) == [1, 2, 3, 4, 5, 6, 7]  # a short listing links every page, as the demo shop does


def test_sitemaps_in_parts_list_every_product_once():
    with TestClient(create_app(products=SITEMAP_SIZE + 5)) as client:
        index = etree.fromstring(client.get("/sitemap.xml").content)
        children = index.xpath("//sm:loc/text()", namespaces=SITEMAP)
        assert children == [
            f"{BASE}/sitemaps/products-1.xml",
            f"{BASE}/sitemaps/products-2.xml",
            f"{BASE}/sitemaps/categories.xml.gz",
        ]
        listed = [
            loc
            for child in children[:2]
            for loc in etree.fromstring(client.get(child).content).xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP)
        ]
        catalog = ScaleCatalog(load_catalog(), SITEMAP_SIZE + 5)
        assert len(listed) == len(set(listed)) == SITEMAP_SIZE + 5
        assert listed[-1] == BASE + catalog.product_number(SITEMAP_SIZE + 4).path
        for missing in ("/sitemaps/products-3.xml", "/sitemaps/products-0.xml", "/sitemaps/products.xml"):
            assert client.get(missing).status_code == 404


def test_pages_and_photos_are_the_same_for_a_seed_and_differ_across_seeds():
    catalog = ScaleCatalog(load_catalog(), 1000, seed=3)
    product = catalog.product_number(421)
    photo = product.images[0].file.removeprefix("v/")
    with TestClient(create_app(products=1000, seed=3)) as one, TestClient(create_app(products=1000, seed=3)) as two:
        for path in (product.path, "/c/men-tops.html?page=2", "/", f"/media/large/v/{photo}"):
            assert one.get(path).content == two.get(path).content, path
    other = ScaleCatalog(load_catalog(), 1000, seed=4).product_number(421)
    assert (other.name, other.sku, other.price) != (product.name, product.sku, product.price)


def test_photos_are_crops_flips_or_colour_shifts_drawn_on_request(small):
    client, catalog = small
    product = next(p for p in all_products(catalog) if len(p.images) >= 3)
    shipped = load_catalog()
    base = next(p for p in shipped.products if product.sku.startswith(p.sku + "-"))
    for generated, source in zip(product.images, base.images, strict=True):
        for size in ("large", "thumb"):
            response = client.get(f"/media/{size}/{generated.file}")
            assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
            with Image.open(io.BytesIO(response.content)) as image:
                assert image.format == "JPEG" and image.size == getattr(generated, size)
        assert generated.large != source.large or client.get(f"/media/large/{generated.file}").content != (
            shipped.image_path(source).read_bytes()
        )
    for bad in ("v/999999-0.jpg", f"v/{product.number}-99.jpg", "v/x.jpg", "v/" + "9" * 5000 + "-0.jpg"):
        assert client.get(f"/media/large/{bad}").status_code == 404, bad
    assert client.get(f"/media/huge/{product.images[0].file}").status_code == 404


def test_unknown_slugs_and_pages_are_404s(small):
    client, catalog = small
    product = catalog.product_number(12)
    wrong_number = re.sub(r"-12$", "-13", product.slug)
    for path in (f"/p/{wrong_number}.html", "/p/no-such-product-500.html", "/p/x-" + "9" * 5000 + ".html"):
        assert client.get(path).status_code == 404, path
    assert client.get("/c/women.html?page=999999").status_code == 404


def test_ten_million_products_start_at_once_and_serve_the_last_one_in_flat_memory():
    """Nothing per product is built: the app for 10M products and its last pages cost a few MB."""
    size = 10_000_000
    tracemalloc.start()
    try:
        with TestClient(create_app(products=size)) as client:
            last = ScaleCatalog(load_catalog(), size).product_number(size - 1)
            response = client.get(last.path)
            assert response.status_code == 200 and last.name in response.text
            listing = lxml.html.fromstring(client.get("/c/gear.html").text)
            last_page = max(int(href.rsplit("=", 1)[1]) for href in listing.xpath("//nav[@class='pagination']/a/@href"))
            final = lxml.html.fromstring(client.get(f"/c/gear.html?page={last_page}").text)
            assert final.xpath("//ul[@class='product-grid']/li")
            assert client.get(f"/media/thumb/{last.images[0].file}").status_code == 200
            search = client.get("/search", params={"q": last.name.split()[0]})
            assert search.status_code == 200 and "product-card" in search.text
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20


def test_the_default_shop_is_not_a_scale_shop():
    with TestClient(create_app()) as client:
        assert client.get("/media/large/v/0-0.jpg").status_code == 404
        assert client.get("/sitemaps/products-1.xml").status_code == 404
    with pytest.raises(ValueError, match="at least 1 product"):
        create_app(products=0)
