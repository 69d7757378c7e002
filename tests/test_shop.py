"""The demo shop, served for real on loopback and read the way a crawler reads it."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import extruct
import httpx
import lxml.html
import pytest
import yaml
from lxml import etree
from PIL import Image
from protego import Protego

from snapmode.errors import NotFound
from snapmode.shop.app import PAGE_SIZE, create_app
from snapmode.shop.catalog import DATA_DIR, RULES_PATH, Catalog, ShopProduct, load_catalog
from snapmode.shop.server import running_shop

REPO = Path(__file__).resolve().parent.parent
HELDOUT_DIR = REPO / "tests" / "fixtures" / "heldout"
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SCHEMA_PRODUCT = "https://schema.org/Product"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def shop() -> Iterator[httpx.Client]:
    with running_shop(crawl_delay=0.25) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def product_pages(shop: httpx.Client, catalog: Catalog) -> dict[str, str]:
    pages = {}
    for product in catalog.products:
        response = shop.get(product.path)
        assert response.status_code == 200, product.path
        pages[product.slug] = response.text
    return pages


def base_of(shop: httpx.Client) -> str:
    return str(shop.base_url).rstrip("/")


def sitemap_locations(xml: bytes) -> list[str]:
    return etree.fromstring(xml).xpath("//sm:loc/text()", namespaces=SITEMAP)


def of_markup(catalog: Catalog, markup: str) -> list[ShopProduct]:
    return [product for product in catalog.products if product.markup == markup]


# --- catalogue -------------------------------------------------------------------------


def test_catalogue_holds_the_luma_clothing_and_gear(catalog: Catalog):
    tops = {category.path for category in catalog.top_categories()}
    assert tops == {"Women", "Men", "Gear"}
    clothing = [p for p in catalog.products if p.categories[0].split("/")[0] in {"Women", "Men"}]
    assert len(clothing) == 147
    assert {p.categories[0] for p in catalog.products} >= {"Gear/Bags", "Gear/Watches"}
    assert len({p.slug for p in catalog.products}) == len(catalog.products)
    assert {p.markup for p in catalog.products} == {"json-ld", "microdata", "plain"}
    assert catalog.brand == "Luma" and catalog.currency == "USD"


def test_offers_are_plausible(catalog: Catalog):
    sales = [p for p in catalog.products if p.sale_price]
    assert 0.15 <= len(sales) / len(catalog.products) <= 0.25
    for product in sales:
        assert product.sale_price.endswith(".99")
        assert 15 <= product.discount_percent <= 30, product.sku
    out_of_stock = [p for p in catalog.products if not p.in_stock]
    assert 0.05 <= len(out_of_stock) / len(catalog.products) <= 0.15


def test_every_shipped_image_exists_within_size_and_the_data_stays_small(catalog: Catalog):
    for product in catalog.products:
        assert product.images and product.images[0].view == "main"
        for image in product.images:
            for size, side in (("large", 320), ("thumb", 160)):
                path = catalog.image_path(image, size)
                with Image.open(path) as decoded:
                    assert decoded.format == "JPEG" and max(decoded.size) <= side, path
                    assert decoded.size == getattr(image, size)
    total = sum(path.stat().st_size for path in DATA_DIR.rglob("*") if path.is_file())
    assert total < 15_000_000
    assert "Academic Free License" in (DATA_DIR / "LICENSE_AFL.txt").read_text()
    assert "Academic Free License 3.0" in (DATA_DIR / "CREDITS.md").read_text()


def test_lookups_report_unknown_names(catalog: Catalog):
    assert catalog.product(catalog.products[5].slug) is catalog.products[5]
    men = catalog.category("men")
    men_tops = catalog.products_in(catalog.category("men-tops"))
    assert 0 < len(men_tops) < len(catalog.products_in(men))
    assert {p.sku for p in catalog.products_in(men)} >= {p.sku for p in men_tops}
    with pytest.raises(NotFound):
        catalog.product("no-such-product")
    with pytest.raises(NotFound):
        catalog.category("no-such-category")


def test_a_missing_data_dir_is_a_clear_error(tmp_path: Path):
    with pytest.raises(NotFound, match="build_demo_shop"):
        create_app(tmp_path)
    (tmp_path / "catalog.json").write_text('{"currency": "USD"}')
    with pytest.raises(ValueError, match="not a valid shop catalogue"):
        load_catalog(tmp_path)


# --- robots and sitemaps ---------------------------------------------------------------


def test_robots_txt_disallows_cart_and_search_and_names_the_sitemap(shop: httpx.Client):
    response = shop.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    robots = Protego.parse(response.text)
    base = base_of(shop)
    assert not robots.can_fetch(f"{base}/cart", "SnapModeBot")
    assert not robots.can_fetch(f"{base}/search?q=hoodie", "SnapModeBot")
    assert robots.can_fetch(f"{base}/p/chaz-kangeroo-hoodie.html", "SnapModeBot")
    assert robots.crawl_delay("SnapModeBot") == 0.25
    assert list(robots.sitemaps) == [f"{base}/sitemap.xml"]


def test_sitemap_index_and_its_gzip_child_list_every_product_and_category(shop: httpx.Client, catalog: Catalog):
    base = base_of(shop)
    index = shop.get("/sitemap.xml")
    assert index.status_code == 200 and "xml" in index.headers["content-type"]
    assert etree.fromstring(index.content).tag == "{%s}sitemapindex" % SITEMAP["sm"]
    children = sitemap_locations(index.content)
    assert children == [f"{base}/sitemaps/products.xml", f"{base}/sitemaps/categories.xml.gz"]

    products = shop.get(children[0])
    assert sorted(sitemap_locations(products.content)) == sorted(base + p.path for p in catalog.products)

    categories = shop.get(children[1])
    assert categories.headers["content-type"] in {"application/gzip", "application/x-gzip"}
    assert "content-encoding" not in categories.headers
    listed = sitemap_locations(gzip.decompress(categories.content))
    assert sorted(listed) == sorted(base + c.url_path for c in catalog.categories)


# --- listings --------------------------------------------------------------------------


def test_pagination_reaches_every_product_of_every_category(shop: httpx.Client, catalog: Catalog):
    for category in catalog.categories:
        url: str | None = category.url_path
        seen: list[str] = []
        pages = 0
        while url:
            response = shop.get(url)
            assert response.status_code == 200, url
            page = lxml.html.fromstring(response.text)
            links = page.xpath("//ul[@class='product-grid']/li//a[@class='product-link']/@href")
            assert 0 < len(links) <= PAGE_SIZE
            assert all(src.startswith("/media/thumb/") for src in page.xpath("//ul[@class='product-grid']//img/@src"))
            seen += links
            pages += 1
            following = page.xpath("//nav[@class='pagination']/a[@rel='next']/@href")
            if pages > 1:
                assert page.xpath("//nav[@class='pagination']/a[@rel='prev']/@href")
            url = following[0] if following else None
        assert seen == [p.path for p in catalog.products_in(category)], category.path
        assert shop.get(f"{category.url_path}?page={pages + 1}").status_code == 404


def test_parent_and_leaf_categories_are_listed(shop: httpx.Client):
    men = lxml.html.fromstring(shop.get("/c/men.html").text)
    assert "/c/men-tops.html" in men.xpath("//nav[@class='subcategories']//a/@href")
    jackets = lxml.html.fromstring(shop.get("/c/men-tops-jackets.html").text)
    assert jackets.xpath("//nav[@class='breadcrumbs']//a/@href") == ["/", "/c/men.html", "/c/men-tops.html"]
    numbered = lxml.html.fromstring(shop.get("/c/women.html?page=2").text).xpath("//nav[@class='pagination']/a/@href")
    assert "/c/women.html" in numbered and "/c/women.html?page=3" in numbered


def test_home_links_categories_and_products(shop: httpx.Client):
    home = lxml.html.fromstring(shop.get("/").text)
    links = home.xpath("//a/@href")
    assert {"/c/women.html", "/c/men.html", "/c/gear.html", "/c/gear-bags.html"} <= set(links)
    assert len([link for link in links if link.startswith("/p/")]) >= 4
    assert home.xpath("//header//nav") and home.xpath("//footer") and home.xpath("//nav[@class='breadcrumbs']")


# --- product pages ---------------------------------------------------------------------


def test_json_ld_pages_carry_a_product_and_opengraph(shop: httpx.Client, catalog: Catalog, product_pages):
    base = base_of(shop)
    for product in of_markup(catalog, "json-ld"):
        page = lxml.html.fromstring(product_pages[product.slug])
        (script,) = page.xpath("//script[@type='application/ld+json']/text()")
        data = json.loads(script)
        assert data["@type"] == "Product" and data["name"] == product.name and data["sku"] == product.sku
        assert data["brand"] == {"@type": "Brand", "name": "Luma"}
        assert data["image"] == [f"{base}/media/large/{image.file}" for image in product.images]
        offer = data["offers"]
        assert offer["price"] == product.current_price and isinstance(offer["price"], str)
        assert offer["priceCurrency"] == "USD" and offer["url"] == base + product.path
        assert offer["availability"] == f"https://schema.org/{'InStock' if product.in_stock else 'OutOfStock'}"
        assert page.xpath("//meta[@property='og:title']/@content") == [product.name]
        assert not page.xpath("//*[@itemscope]")
        if product.sale_price:
            assert page.xpath("//div[@class='pdp-price']/s[@class='was']/text()") == [f"${product.price}"]


def test_microdata_pages_carry_a_product(shop: httpx.Client, catalog: Catalog, product_pages):
    base = base_of(shop)
    for product in of_markup(catalog, "microdata"):
        html = product_pages[product.slug]
        items = extruct.extract(html, base_url=base + product.path, syntaxes=["microdata"])["microdata"]
        (item,) = [item for item in items if item["type"] == SCHEMA_PRODUCT]
        properties = item["properties"]
        assert properties["name"] == product.name and properties["sku"] == product.sku
        assert properties["brand"]["properties"]["name"] == "Luma"
        images = properties["image"] if isinstance(properties["image"], list) else [properties["image"]]
        assert images == [f"{base}/media/large/{image.file}" for image in product.images]
        offer = properties["offers"]["properties"]
        assert offer["price"] == product.current_price and offer["priceCurrency"] == "USD"
        assert offer["availability"].endswith("InStock" if product.in_stock else "OutOfStock")
        assert properties["description"].startswith(product.description_text.split()[0])
        assert "application/ld+json" not in html and 'property="og:' not in html


def test_plain_pages_have_no_structured_data_and_the_shipped_rules_extract_them(catalog: Catalog, product_pages):
    rules = yaml.safe_load(RULES_PATH.read_text())
    fields = {"name", "price", "regular_price", "currency", "brand", "sku", "availability", "description", "images",
              "categories"}
    assert set(rules) == fields and all(rule.startswith("xpath:") for rule in rules.values())
    for product in of_markup(catalog, "plain"):
        html = product_pages[product.slug]
        assert "application/ld+json" not in html and "itemscope" not in html and 'property="og:' not in html
        page = lxml.html.fromstring(html)

        def values(field: str) -> list[str]:
            return [str(value).strip() for value in page.xpath(rules[field].removeprefix("xpath:"))]

        assert values("name") == [product.name]
        assert values("price") == [f"${product.current_price}"]
        assert values("regular_price") == ([f"${product.price}"] if product.sale_price else [])
        assert values("currency") == ["USD"] and values("brand") == ["Luma"] and values("sku") == [product.sku]
        assert values("availability") == ["In stock" if product.in_stock else "Out of stock"]
        assert " ".join(" ".join(values("description")).split()) == " ".join(product.description_text.split())
        assert values("images") == [f"/media/large/{image.file}" for image in product.images]
        assert values("categories") == product.categories


def test_product_pages_use_srcset_lazy_gallery_variants_and_a_cart_form(catalog: Catalog, product_pages):
    for product in catalog.products:
        page = lxml.html.fromstring(product_pages[product.slug])
        main = product.images[0]
        (image,) = page.xpath("//img[@class='pdp-main-image']")
        assert image.get("src") == f"/media/thumb/{main.file}"
        candidates = dict(reversed(part.split()) for part in image.get("srcset").split(","))
        assert candidates == {
            f"{main.thumb[0]}w": f"/media/thumb/{main.file}",
            f"{main.large[0]}w": f"/media/large/{main.file}",
        }
        gallery = page.xpath("//ul[@class='pdp-gallery']//img")
        assert [img.get("data-src") for img in gallery] == [f"/media/large/{i.file}" for i in product.images[1:]]
        assert all(img.get("src") == "/static/placeholder.svg" and img.get("loading") == "lazy" for img in gallery)
        (form,) = page.xpath("//form[@class='pdp-add-to-cart']")
        assert form.get("action") == "/cart" and form.get("method") == "post"
        assert form.xpath(".//select[@name='size']/option/@value") == product.sizes
        assert form.xpath(".//select[@name='color']/option/@value") == [c.name for c in product.colours if c.name]
        assert bool(form.xpath(".//button[@disabled]")) is not product.in_stock
        assert page.xpath("//link[@rel='canonical']/@href")[0].endswith(product.path)
        assert page.xpath("//nav[@class='breadcrumbs']//a/@href")[-1].startswith("/c/")
        related = page.xpath("//section[@class='related']//a[@class='product-link']/@href")
        assert len(related) == 4 and product.path not in related


def test_images_are_served_as_jpeg_with_validators(shop: httpx.Client, catalog: Catalog):
    image = catalog.products[0].images[0]
    for size, side in (("large", 320), ("thumb", 160)):
        response = shop.get(f"/media/{size}/{image.file}")
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        assert max(Image.open(io.BytesIO(response.content)).size) <= side
        assert response.headers["etag"] and response.headers["last-modified"]
        again = shop.get(f"/media/{size}/{image.file}", headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
    assert shop.get("/static/placeholder.svg").headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/p/no-such-product.html",
        "/p/chaz-kangeroo-hoodie",
        "/c/no-such-category.html",
        "/c/men.html?page=0",
        "/c/men.html?page=two",
        "/c/men.html?page=-1",
        "/c/men.html?page=%C2%B2",
        "/media/large/no-such.jpg",
    ],
)
def test_unknown_paths_get_the_404_page(shop: httpx.Client, path: str):
    response = shop.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text and response.headers["content-type"].startswith("text/html")


def test_cart_and_search_exist_though_robots_keeps_crawlers_out(shop: httpx.Client):
    assert shop.get("/cart").status_code == 200
    assert shop.post("/cart", data={"sku": "MH01", "qty": "1"}).status_code == 200
    found = lxml.html.fromstring(shop.get("/search", params={"q": "hoodie"}).text)
    names = found.xpath("//span[@class='product-name']/text()")
    assert names and all("hoodie" in name.lower() for name in names)


def test_running_shop_reports_a_busy_port_and_frees_its_own():
    with running_shop() as base:
        port = int(base.rsplit(":", 1)[1])
        with pytest.raises(RuntimeError, match="could not listen"):
            with running_shop(port=port):
                pass
    with running_shop(port=port) as again:  # the first server let go of its port on exit
        assert httpx.get(f"{again}/robots.txt").status_code == 200


# --- held-back photos ------------------------------------------------------------------


def test_held_back_views_are_shipped_as_fixtures_not_published(shop: httpx.Client, catalog: Catalog, product_pages):
    heldout = json.loads((HELDOUT_DIR / "heldout.json").read_text())
    assert 10 <= len(heldout) <= 40
    assert len({entry["sku"] for entry in heldout}) == len(heldout)
    published = {image.file for product in catalog.products for image in product.images}
    everything = "\n".join(product_pages.values())
    for entry in heldout:
        name = entry["image"]
        assert re.search(r"_(back|alt1)\.jpg$", name), name
        with Image.open(HELDOUT_DIR / name) as decoded:
            assert decoded.format == "JPEG" and max(decoded.size) <= 320
        assert name not in published and name not in everything
        assert shop.get(f"/media/large/{name}").status_code == 404
        response = shop.get(entry["path"])
        assert response.status_code == 200
        assert catalog.product(entry["path"].removeprefix("/p/").removesuffix(".html")).sku == entry["sku"]
        assert f">{entry['sku']}<" in response.text


def test_prices_on_pages_match_the_catalogue(catalog: Catalog, product_pages):
    for product in catalog.products:
        page = lxml.html.fromstring(product_pages[product.slug])
        shown = page.xpath("//div[@class='pdp-price']/span[@class='now']/text()")
        amounts = [Decimal(text.strip().lstrip("$").replace(",", "")) for text in shown]
        assert amounts == [Decimal(product.current_price)]
