"""Scrapy crawling a shop with SnapMode's discovery and extraction: the reference side of bench/crawl.py.

Run as its own process (Twisted's reactor cannot restart): ``python bench/scrapy_spider.py URL [MAX_DEPTH]``
prints one JSON line of ``bench.results.CrawlRun``. Items go to a JSON lines file in a temporary folder,
as the embedded index writes them to SQLite.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script: the project and bench/ become importable

import scrapy  # noqa: E402
from protego import Protego  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import Response  # noqa: E402
from twisted.python.failure import Failure  # noqa: E402

from bench.results import CrawlRun, peak_rss_mb  # noqa: E402
from snapmode import ids  # noqa: E402
from snapmode.config import CrawlSettings  # noqa: E402
from snapmode.crawl.discovery import page_links, same_site, sitemap_urls  # noqa: E402
from snapmode.extract import SiteRules, extract_product  # noqa: E402
from snapmode.pipeline.crawling import to_product  # noqa: E402
from snapmode.shop.catalog import RULES_PATH  # noqa: E402

HTML_TYPES = (b"text/html", b"application/xhtml")


class ShopSpider(scrapy.Spider):
    """What the crawler topology does per page, in Scrapy's terms.

    Seeds: root, /sitemap.xml and robots.txt's sitemaps; sitemaps yield their entries, HTML pages
    their same-site links, up to ``max_depth`` hops from a seed; URLs are canonical, so Scrapy's
    duplicate filter dedupes like the frontier; robots.txt is obeyed by RobotsTxtMiddleware.
    """

    name = "shop"

    def __init__(self, root_url: str, max_depth: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root_url = ids.canonical(root_url)
        self.site_id = ids.site_id(self.root_url)
        self.max_depth = max_depth
        self.rules = SiteRules.from_yaml(RULES_PATH.read_text())
        self.pages = 0
        self.errors: dict[str, int] = {}

    async def start(self):
        yield scrapy.Request(self.root_url + "robots.txt", callback=self.seeds, errback=self.no_robots)

    def seeds(self, response: Response):
        sitemaps = list(Protego.parse(response.text).sitemaps)
        yield from self.follow([(self.root_url, "listing"), (self.root_url + "sitemap.xml", "sitemap")], -1)
        yield from self.follow([(url, "sitemap") for url in sitemaps], -1)

    def no_robots(self, failure: Failure):
        yield from self.follow([(self.root_url, "listing"), (self.root_url + "sitemap.xml", "sitemap")], -1)

    def follow(self, links: list[tuple[str, str]], depth: int):
        if depth + 1 > self.max_depth:
            return
        for url, kind in links:
            yield scrapy.Request(
                ids.canonical(url),
                callback=self.page,
                errback=self.failed,
                cb_kwargs={"kind": kind, "depth": depth + 1},
            )

    def page(self, response: Response, kind: str, depth: int):
        self.pages += 1
        if kind == "sitemap":
            entries = sitemap_urls(response.body, response.url)
            links = [(link.loc, "sitemap") for link in entries.sitemaps]
            links += [(link.loc, "unknown") for link in entries.urls]
            yield from self.follow([(url, kind) for url, kind in links if same_site(url, self.root_url)], depth)
            return
        if not response.headers.get("Content-Type", b"").startswith(HTML_TYPES):
            self.errors["not_html"] = self.errors.get("not_html", 0) + 1
            return
        extracted = extract_product(response.body, response.url, self.rules, encoding=response.encoding)
        found = page_links(response.body, response.url, site_root=self.root_url)
        yield from self.follow([(url, "unknown") for url in found.links], depth)
        if extracted.is_product and not found.noindex:
            canonical = found.canonical if found.canonical and same_site(found.canonical, self.root_url) else None
            yield to_product(extracted, canonical or response.url, self.site_id).model_dump(mode="json")

    def failed(self, failure: Failure):
        kind = type(failure.value).__name__
        if kind != "IgnoreRequest":  # robots.txt refusals: the topology never queues those URLs either
            self.pages += 1
            self.errors[kind] = self.errors.get(kind, 0) + 1


def crawl(root_url: str, max_depth: int, items: Path, settings: CrawlSettings) -> CrawlRun:
    process = CrawlerProcess(
        {
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16,  # Scrapy's defaults, named here because the comparison rests on them
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "USER_AGENT": settings.user_agent,
            "LOG_LEVEL": "WARNING",
            "FEEDS": {str(items): {"format": "jsonlines"}},
        }
    )
    crawler = process.create_crawler(ShopSpider)
    started = time.monotonic()
    process.crawl(crawler, root_url=root_url, max_depth=max_depth)
    process.start()
    seconds = time.monotonic() - started
    spider = crawler.spider
    product_urls = sorted({json.loads(line)["url"] for line in items.read_text().splitlines()})
    return CrawlRun(
        crawler="scrapy",
        pages=spider.pages,
        products=len(product_urls),
        seconds=seconds,
        errors=spider.errors,
        peak_rss_mb=peak_rss_mb(),
        product_urls=product_urls,
    )


def main() -> None:
    root_url = sys.argv[1]
    settings = CrawlSettings()
    max_depth = int(sys.argv[2]) if len(sys.argv) > 2 else settings.max_depth
    with tempfile.TemporaryDirectory(prefix="snapmode-bench-scrapy-") as folder:
        run = crawl(root_url, max_depth, Path(folder) / "items.jsonl", settings)
    print(run.model_dump_json())


if __name__ == "__main__":
    main()
