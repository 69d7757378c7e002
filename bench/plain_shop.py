"""A plain-HTML shop crawled blind: products indexed right against the shop's own ground truth, pages/s, and
what the crawl status reports beside the counts the shop's listings state.

    .venv/bin/python bench/plain_shop.py [--products 2000] [--seed 0] [--json]

The shop (``snapmode shop serve --products N --plain``: no structured data, sitemap or robots.txt, one category
holding 55 % of the products, 20 to a listing page) runs in a process of its own; the crawl runs here, the crawler
topology in the embedded runner as ``snapmode crawl`` runs it, with no rules and the politeness delay off for the
shop's host only (as bench/crawl.py). A product is right when its name, price and availability are the ones the
shop's generator gave it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.local_server import free_port, server_process
from launch.runner.local import run_crawl
from snapmode import ids
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.pipeline.operators import crawl_status
from snapmode.pipeline.runs import CrawlStats
from snapmode.services import Services
from snapmode.shop.plain import PAGE_SIZE, PlainCatalog

SHOP_START_TIMEOUT_S = 30.0


class PlainShopResult(BaseModel):
    products: int
    right: int  # name, price and availability all right
    name_right: int
    price_right: int
    availability_right: int
    indexed: int  # products in the index, right or not
    listing_urls_indexed: int  # listing pages taken for products
    pages: int
    seconds: float
    pages_per_second: float
    product_pages: int
    listing_pages: int
    stated_products: int | None


def crawl_blind(products: int, seed: int) -> PlainShopResult:
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "launch", "shop", "serve", "--products", str(products), "--seed", str(seed)]
    command += ["--plain", "--port", str(port), "--no-access-log"]
    with (
        server_process(command, root, "plain shop", SHOP_START_TIMEOUT_S, cwd=REPO, stderr=subprocess.DEVNULL),
        tempfile.TemporaryDirectory() as home,
    ):
        host = f"127.0.0.1:{port}"
        settings = Settings(home=Path(home), crawl={"allow_hosts": [host], "no_delay_hosts": [host]})
        services = Services.shared(settings)
        site = register_site(services, root)
        stats = run_crawl(settings, site_ids=[site.id])
        result = score(services, site.id, root.rstrip("/"), PlainCatalog(products, seed), stats)
        services.close()
    return result


def score(services: Services, site_id: str, shop: str, catalog: PlainCatalog, stats: CrawlStats) -> PlainShopResult:
    expected = {ids.product_id(shop + product.path): product for product in catalog.products()}
    found = services.products.get_many(list(expected))
    names = prices = availabilities = right = 0
    for product_id, truth in expected.items():
        product = found.get(product_id)
        if product is None:
            continue
        name = product.name == truth.name
        price = product.price is not None and Decimal(product.price) == Decimal(truth.price)
        availability = product.availability == ("InStock" if truth.in_stock else "OutOfStock")
        names, prices, availabilities = names + name, prices + price, availabilities + availability
        right += name and price and availability
    listings = [
        ids.product_id(shop + category.page_path(page))
        for category in catalog.categories
        for page in range(1, -(-len(catalog.numbers_in(category)) // PAGE_SIZE) + 1)
    ] + [ids.product_id(shop + "/"), *(ids.product_id(shop + c.department_path) for c in catalog.categories)]
    status = crawl_status(services, site_id)
    return PlainShopResult(
        products=catalog.size,
        right=right,
        name_right=names,
        price_right=prices,
        availability_right=availabilities,
        indexed=status.products,
        listing_urls_indexed=len(services.products.get_many(listings)),
        pages=stats.pages_fetched,
        seconds=round(stats.seconds, 2),
        pages_per_second=round(stats.pages_per_second, 1),
        product_pages=status.product_pages,
        listing_pages=status.listing_pages,
        stated_products=status.stated_products,
    )


def table(result: PlainShopResult) -> Table:
    out = Table(title=f"plain-HTML shop of {result.products:,} products, crawled blind")
    out.add_column("figure")
    out.add_column("value", justify="right")
    share = result.right / result.products
    out.add_row("products right (name, price, availability)", f"{result.right:,} / {result.products:,} ({share:.1%})")
    out.add_row("  name / price / availability right", f"{result.name_right} / {result.price_right} / "
                f"{result.availability_right}")  # fmt: skip
    out.add_row("products indexed", f"{result.indexed:,}")
    out.add_row("listing pages indexed as products", f"{result.listing_urls_indexed}")
    out.add_row("pages fetched", f"{result.pages:,} in {result.seconds:g} s ({result.pages_per_second:g} pages/s)")
    out.add_row("status: product pages / listing pages", f"{result.product_pages:,} / {result.listing_pages:,}")
    out.add_row("status: products the listings state", f"{result.stated_products}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = crawl_blind(args.products, args.seed)
    if args.json:
        print(json.dumps(result.model_dump()))
    else:
        Console().print(table(result))


if __name__ == "__main__":
    main()
