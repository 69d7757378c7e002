"""The demo shop: a small, realistic shop site built from the Luma sample catalogue.

It is the crawler's test ground, so it carries what real shops make crawlers cope
with: robots.txt with a crawl delay, a sitemap index with a gzip child, paginated
listings, three kinds of product markup (JSON-LD, microdata, none), ``srcset`` and
lazy-loaded gallery images, and pages a polite crawler must not fetch.

With ``products=N`` it is a shop of N generated products (``snapmode.shop.scale``), for crawls at scale:
bigger listing pages, pagination that reaches every page in a few clicks, product sitemaps in parts.
"""

from __future__ import annotations

import gzip
import math
import re
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from lxml import etree
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from snapmode.errors import NotFound
from snapmode.shop.catalog import DATA_DIR, Catalog, Category, ShopProduct, load_catalog
from snapmode.shop.scale import ScaleCatalog

PAGE_SIZE = 12
SCALE_PAGE_SIZE = 48  # products per listing page of a scale shop, as big shops list them
SITEMAP_SIZE = 5_000  # product URLs per sitemap file (the protocol allows 50,000); one part costs ~20 MB to build
SEARCH_SCAN = 20_000  # products a search looks through, so a search of a huge scale shop answers at once
FEATURED = 8
RELATED = 4
SEARCH_LIMIT = 24
HERE = Path(__file__).resolve().parent

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
SCHEMA_AVAILABILITY = {True: "https://schema.org/InStock", False: "https://schema.org/OutOfStock"}


def base_url(request: Request) -> str:
    """Scheme and authority as the client addressed us (Host header), no trailing slash."""
    return str(request.base_url).rstrip("/")


def money(amount: str) -> str:
    """The shop's price text: US dollars, e.g. "$1,042.99"."""
    return f"${Decimal(amount):,.2f}"


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not re.fullmatch(r"[1-9][0-9]{0,5}", raw):
        raise HTTPException(404, f"no page {raw!r}")
    return int(raw)


def category_page_url(category: Category, page: int) -> str:
    return category.url_path if page == 1 else f"{category.url_path}?page={page}"


def linked_pages(page: int, pages: int) -> list[int]:
    """The page numbers a listing page links to: the first, the last, its neighbours, and every page whose
    number (counted from 0) differs from its own in one decimal digit, such as 1-10, 20, 30, ... 100, 200, ...
    from page 1. Up to 10 pages that is all of them; beyond, any page is as many clicks from the first as its
    number has non-zero digits, so a crawler's depth limit reaches every page of a long listing."""
    index, linked = page - 1, {1, pages, page - 1, page, page + 1}
    power = 1
    while power < pages:
        digit = index // power % 10
        linked.update(index + (other - digit) * power + 1 for other in range(10))
        power *= 10
    return sorted(number for number in linked if 1 <= number <= pages)


def pagination(category: Category, page: int, pages: int) -> dict[str, Any]:
    return {
        "page": page,
        "pages": pages,
        "prev": category_page_url(category, page - 1) if page > 1 else None,
        "next": category_page_url(category, page + 1) if page < pages else None,
        "numbered": [(number, category_page_url(category, number)) for number in linked_pages(page, pages)],
    }


def related_products(catalog: Catalog | ScaleCatalog, product: ShopProduct) -> list[ShopProduct]:
    """The next products of the same leaf category, wrapping around; a stable choice per product."""
    siblings = catalog.products_in(catalog.category_at(product.categories[0]))
    start = siblings.index(product)
    return [siblings[(start + offset) % len(siblings)] for offset in range(1, min(RELATED, len(siblings) - 1) + 1)]


def product_json_ld(product: ShopProduct, catalog: Catalog | ScaleCatalog, base: str) -> dict[str, Any]:
    url = base + product.path
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "brand": {"@type": "Brand", "name": catalog.brand_of(product)},
        "description": product.description_text,
        "category": product.categories[0],
        "image": [f"{base}/media/large/{image.file}" for image in product.images],
        "offers": {
            "@type": "Offer",
            "price": product.current_price,
            "priceCurrency": catalog.currency,
            "availability": SCHEMA_AVAILABILITY[product.in_stock],
            "url": url,
        },
    }


def sitemap(root_tag: str, entries: list[tuple[str, list[str]]]) -> bytes:
    """A sitemap ``urlset`` or ``sitemapindex``; each entry is a location and its image URLs."""
    nsmap = {None: SITEMAP_NS} | ({"image": IMAGE_NS} if root_tag == "urlset" else {})
    root = etree.Element(f"{{{SITEMAP_NS}}}{root_tag}", nsmap=nsmap)
    child_tag = "url" if root_tag == "urlset" else "sitemap"
    for location, images in entries:
        child = etree.SubElement(root, f"{{{SITEMAP_NS}}}{child_tag}")
        etree.SubElement(child, f"{{{SITEMAP_NS}}}loc").text = location
        for image in images:
            image_element = etree.SubElement(child, f"{{{IMAGE_NS}}}image")
            etree.SubElement(image_element, f"{{{IMAGE_NS}}}loc").text = image
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def create_app(
    data_dir: Path | None = None, crawl_delay: float = 0.1, products: int | None = None, seed: int = 0
) -> Starlette:
    """The shop over the catalogue in ``data_dir`` (default: the shipped ``snapmode/shop/data``); with
    ``products``, a scale shop of that many products derived from it, the same ones for the same ``seed``."""
    if crawl_delay < 0:
        raise ValueError(f"crawl_delay must be >= 0, got {crawl_delay}")
    shipped = load_catalog(data_dir)
    catalog: Catalog | ScaleCatalog = shipped if products is None else ScaleCatalog(shipped, products, seed)
    page_size = PAGE_SIZE if products is None else SCALE_PAGE_SIZE
    sitemap_parts = math.ceil(len(catalog.products) / SITEMAP_SIZE)
    image_dir = (data_dir or DATA_DIR) / "images"
    if not image_dir.is_dir():
        raise NotFound(f"{image_dir} does not exist: run scripts/build_demo_shop.py first")

    def common_context(request: Request) -> dict[str, Any]:
        return {"catalog": catalog, "base": base_url(request), "nav": catalog.top_categories()}

    templates = Jinja2Templates(directory=HERE / "templates", context_processors=[common_context])
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    templates.env.globals["children_of"] = catalog.children
    templates.env.globals["category_at"] = catalog.category_at
    templates.env.globals["brand_of"] = catalog.brand_of
    templates.env.globals["availability_url"] = lambda product: SCHEMA_AVAILABILITY[product.in_stock]
    templates.env.filters["money"] = money

    async def home(request: Request) -> Response:
        step = max(1, len(catalog.products) // FEATURED)
        featured = catalog.products[::step][:FEATURED]
        return templates.TemplateResponse(request, "home.html", {"featured": featured})

    async def category_listing(request: Request) -> Response:
        try:
            category = catalog.category(request.path_params["slug"])
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        products = catalog.products_in(category)
        pages = max(1, math.ceil(len(products) / page_size))
        page = page_number(request)
        if page > pages:
            raise HTTPException(404, f"{category.path} has {pages} pages")
        context = {
            "category": category,
            "products": products[(page - 1) * page_size : page * page_size],
            "total": len(products),
            "pagination": pagination(category, page, pages),
            "canonical": category_page_url(category, page),
        }
        return templates.TemplateResponse(request, "category.html", context)

    async def product_page(request: Request) -> Response:
        try:
            product = catalog.product(request.path_params["slug"])
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        context = {
            "product": product,
            "category": catalog.category_at(product.categories[0]),
            "related": related_products(catalog, product),
            "json_ld": product_json_ld(product, catalog, base_url(request)),
            "microdata": product.markup == "microdata",
        }
        return templates.TemplateResponse(request, "product.html", context)

    async def robots(request: Request) -> Response:
        lines = [
            "User-agent: *",
            "Disallow: /cart",
            "Disallow: /search",
            f"Crawl-delay: {crawl_delay:g}",
            "",
            f"Sitemap: {base_url(request)}/sitemap.xml",
        ]
        return PlainTextResponse("\n".join(lines) + "\n")

    async def sitemap_index(request: Request) -> Response:
        base = base_url(request)
        if sitemap_parts == 1:
            children = [f"{base}/sitemaps/products.xml"]
        else:  # a big catalogue's products in parts, as the protocol caps a sitemap at 50,000 URLs
            children = [f"{base}/sitemaps/products-{part}.xml" for part in range(1, sitemap_parts + 1)]
        children.append(f"{base}/sitemaps/categories.xml.gz")
        return Response(sitemap("sitemapindex", [(url, []) for url in children]), media_type="application/xml")

    async def product_sitemap(request: Request) -> Response:
        # On the event loop, not in the thread pool: one part at a time, so a crawler asking for all of them at
        # once does not hold several in memory (and the shop's memory stays flat).
        raw = request.path_params.get("part")
        part = int(raw) if raw is not None and re.fullmatch(r"[1-9][0-9]{0,5}", raw) else None
        if (raw is None) != (sitemap_parts == 1) or (raw is not None and not (part and part <= sitemap_parts)):
            raise HTTPException(404, f"the product sitemap has {sitemap_parts} parts")
        start = ((part or 1) - 1) * SITEMAP_SIZE
        base = base_url(request)
        entries = [
            (base + product.path, [f"{base}/media/large/{image.file}" for image in product.images])
            for product in catalog.products[start : start + SITEMAP_SIZE]
        ]
        return Response(sitemap("urlset", entries), media_type="application/xml")

    async def category_sitemap(request: Request) -> Response:
        base = base_url(request)
        body = sitemap("urlset", [(base + category.url_path, []) for category in catalog.categories])
        # A gzip *file*, not Content-Encoding: crawlers must gunzip it themselves, as on real shops.
        return Response(gzip.compress(body, mtime=0), media_type="application/gzip")

    async def cart(request: Request) -> Response:
        added = request.method == "POST"
        return templates.TemplateResponse(request, "cart.html", {"added": added})

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        words = query.lower().split()
        scanned = islice(catalog.products, SEARCH_SCAN)
        hits = islice((p for p in scanned if words and all(word in p.name.lower() for word in words)), SEARCH_LIMIT)
        return templates.TemplateResponse(request, "search.html", {"query": query, "hits": list(hits)})

    async def not_found(request: Request, exc: Exception) -> Response:
        return templates.TemplateResponse(request, "not_found.html", status_code=404)

    def generated_photo(request: Request) -> Response:
        size, name = request.path_params["size"], request.path_params["name"]
        try:
            if size not in ("large", "thumb") or not isinstance(catalog, ScaleCatalog):
                raise NotFound(f"no photo {name!r}")
            return Response(catalog.photo(size, name), media_type="image/jpeg")
        except NotFound as error:
            raise HTTPException(404, str(error)) from None

    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/c/{slug}.html", category_listing),
        Route("/p/{slug}.html", product_page),
        Route("/robots.txt", robots),
        Route("/sitemap.xml", sitemap_index),
        Route("/sitemaps/products.xml", product_sitemap),
        Route("/sitemaps/products-{part}.xml", product_sitemap),
        Route("/sitemaps/categories.xml.gz", category_sitemap),
        Route("/cart", cart, methods=["GET", "POST"]),
        Route("/search", search),
        Route("/media/{size}/v/{name}", generated_photo),
        Mount("/media", StaticFiles(directory=image_dir), name="media"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})
