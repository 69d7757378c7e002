"""The demo shop: a small, realistic shop site built from the Luma sample catalogue.

It is the crawler's test ground, so it carries what real shops make crawlers cope
with: robots.txt with a crawl delay, a sitemap index with a gzip child, paginated
listings, three kinds of product markup (JSON-LD, microdata, none), ``srcset`` and
lazy-loaded gallery images, and pages a polite crawler must not fetch.
"""

from __future__ import annotations

import gzip
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from snapmode.errors import NotFound
from snapmode.shop.catalog import DATA_DIR, Catalog, Category, ShopProduct, load_catalog

PAGE_SIZE = 12
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


def pagination(category: Category, page: int, pages: int) -> dict[str, Any]:
    return {
        "page": page,
        "pages": pages,
        "prev": category_page_url(category, page - 1) if page > 1 else None,
        "next": category_page_url(category, page + 1) if page < pages else None,
        "numbered": [(number, category_page_url(category, number)) for number in range(1, pages + 1)],
    }


def related_products(catalog: Catalog, product: ShopProduct) -> list[ShopProduct]:
    """The next products of the same leaf category, wrapping around; a stable choice per product."""
    siblings = catalog.products_in(catalog.category_at(product.categories[0]))
    start = siblings.index(product)
    return [siblings[(start + offset) % len(siblings)] for offset in range(1, min(RELATED, len(siblings) - 1) + 1)]


def product_json_ld(product: ShopProduct, catalog: Catalog, base: str) -> dict[str, Any]:
    url = base + product.path
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "brand": {"@type": "Brand", "name": catalog.brand},
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


def create_app(data_dir: Path | None = None, crawl_delay: float = 0.1) -> Starlette:
    """The shop over the catalogue in ``data_dir`` (default: the shipped ``snapmode/shop/data``)."""
    if crawl_delay < 0:
        raise ValueError(f"crawl_delay must be >= 0, got {crawl_delay}")
    catalog = load_catalog(data_dir)
    image_dir = (data_dir or DATA_DIR) / "images"
    if not image_dir.is_dir():
        raise NotFound(f"{image_dir} does not exist: run scripts/build_demo_shop.py first")

    def common_context(request: Request) -> dict[str, Any]:
        return {"catalog": catalog, "base": base_url(request), "nav": catalog.top_categories()}

    templates = Jinja2Templates(directory=HERE / "templates", context_processors=[common_context])
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    templates.env.globals["children_of"] = catalog.children
    templates.env.globals["category_at"] = catalog.category_at
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
        pages = max(1, math.ceil(len(products) / PAGE_SIZE))
        page = page_number(request)
        if page > pages:
            raise HTTPException(404, f"{category.path} has {pages} pages")
        context = {
            "category": category,
            "products": products[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
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
        children = [f"{base}/sitemaps/products.xml", f"{base}/sitemaps/categories.xml.gz"]
        return Response(sitemap("sitemapindex", [(url, []) for url in children]), media_type="application/xml")

    async def product_sitemap(request: Request) -> Response:
        base = base_url(request)
        entries = [
            (base + product.path, [f"{base}/media/large/{image.file}" for image in product.images])
            for product in catalog.products
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
        hits = [p for p in catalog.products if words and all(word in p.name.lower() for word in words)]
        return templates.TemplateResponse(request, "search.html", {"query": query, "hits": hits[:SEARCH_LIMIT]})

    async def not_found(request: Request, exc: Exception) -> Response:
        return templates.TemplateResponse(request, "not_found.html", status_code=404)

    routes = [
        Route("/", home),
        Route("/c/{slug}.html", category_listing),
        Route("/p/{slug}.html", product_page),
        Route("/robots.txt", robots),
        Route("/sitemap.xml", sitemap_index),
        Route("/sitemaps/products.xml", product_sitemap),
        Route("/sitemaps/categories.xml.gz", category_sitemap),
        Route("/cart", cart, methods=["GET", "POST"]),
        Route("/search", search),
        Mount("/media", StaticFiles(directory=image_dir), name="media"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})
