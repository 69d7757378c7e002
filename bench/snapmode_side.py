"""SnapMode's crawler topology on a shop, in its own process: the measured side of bench/crawl.py.

``python bench/snapmode_side.py URL`` crawls into a fresh temporary home, with the politeness delay
off for the shop's host only (it must be an allow-listed local host), and prints one JSON line of
``bench.results.CrawlRun``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script: the project and bench/ become importable

from bench.results import CrawlRun, peak_rss_mb  # noqa: E402
from launch.runner.local import run_crawl  # noqa: E402
from snapmode.backends.products.base import ProductFilters  # noqa: E402
from snapmode.config import Settings  # noqa: E402
from snapmode.crawl.politeness import host_key  # noqa: E402
from snapmode.pipeline.crawling import register_site  # noqa: E402
from snapmode.services import Services  # noqa: E402
from snapmode.shop.catalog import RULES_PATH  # noqa: E402


def crawl(root_url: str, home: Path) -> CrawlRun:
    host = host_key(root_url)
    settings = Settings(home=home, crawl={"allow_hosts": [host], "no_delay_hosts": [host]})
    started = time.monotonic()
    services = Services.shared(settings)
    register_site(services, root_url, RULES_PATH.read_text())
    stats = run_crawl(settings)
    seconds = time.monotonic() - started  # registration (robots.txt) included, as on the Scrapy side
    found = services.products.search(None, ProductFilters(), limit=1_000_000)
    services.close()
    return CrawlRun(
        crawler="snapmode",
        pages=stats.pages_fetched + sum(stats.errors.values()),
        products=found.total,
        seconds=seconds,
        errors=stats.errors,
        peak_rss_mb=peak_rss_mb(),
        product_urls=sorted(product.url for product in found.items),
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="snapmode-bench-") as home:
        print(crawl(sys.argv[1], Path(home)).model_dump_json())


if __name__ == "__main__":
    main()
