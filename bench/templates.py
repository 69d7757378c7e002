"""What learned templates cost the crawler's parse step: CPU ms per page with templates, beside the same pages parsed
with the template step passed over, on the demo shop's product pages and on pages of a made-up layout whose
price only a template reads (half of them labelled with JSON-LD, half not).

    .venv/bin/python bench/templates.py [--pages 500] [--repeat 3]

Pages are fetched once from the shop app in this process, then parsed from memory (no network), through
`snapmode.pipeline.crawling.parse` with real SQLite services, so the figures are parse time alone; each run
starts from an empty template. Times are this process's CPU time (parse is single-threaded; wall time on a shared
machine moves with the load), medians over the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from rich.console import Console
from rich.table import Table
from starlette.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from snapmode.config import Settings
from snapmode.domain import ExtractedProduct
from snapmode.extract.page import Page
from snapmode.extract.template_cache import TemplateCache
from snapmode.extract.templates import PageStructure, TemplateResult
from snapmode.pipeline import crawling
from snapmode.services import Services
from snapmode.shop.app import create_app
from snapmode.shop.catalog import load_catalog
from tests.support.template_shop import product_page

ROOT = "http://shop.test/"


class _PassedOver:
    """Stands for the template cache: gives the layers' product back untouched."""

    def observe(
        self, site_id: str, structure: PageStructure, found: ExtractedProduct, site_name: str | None
    ) -> TemplateResult:
        return TemplateResult(product=found)


def demo_pages(count: int) -> list[tuple[str, bytes]]:
    client = TestClient(create_app(crawl_delay=0), base_url=ROOT.rstrip("/"))
    paths = [product.path for product in load_catalog().products][:count]
    return [(ROOT.rstrip("/") + path, client.get(path).content) for path in paths]


def layout_pages(count: int) -> list[tuple[str, bytes]]:
    return [(f"{ROOT}p/{number}", product_page(number, labelled=number % 2 == 0).encode()) for number in range(count)]


@contextmanager
def fresh_services() -> Iterator[Services]:
    with tempfile.TemporaryDirectory() as home:
        services = Services(Settings(home=Path(home)))
        try:
            yield services
        finally:
            services.close()


class _Timed:
    """The real template cache, with the time its pages' structure and ``observe`` took added up."""

    def __init__(self, cache: TemplateCache) -> None:
        self.cache, self.seconds = cache, 0.0

    def observe(
        self, site_id: str, structure: PageStructure, found: ExtractedProduct, site_name: str | None
    ) -> TemplateResult:
        started = time.process_time()
        try:
            return self.cache.observe(site_id, structure, found, site_name)
        finally:
            self.seconds += time.process_time() - started


def _timed_structure(timed: _Timed) -> Callable[[Page], PageStructure]:
    def build(page: Page) -> PageStructure:
        started = time.process_time()
        try:
            return PageStructure(page)
        finally:
            timed.seconds += time.process_time() - started

    return build


def parse_all(pages: list[tuple[str, bytes]], *, templates: bool) -> tuple[float, float, int, int]:
    """(ms per page, of which the template step, products, fields a template supplied) for one pass."""
    with fresh_services() as services:
        site = crawling.register_site(services, ROOT)
        fetched = [
            crawling.FetchedPage(
                task=crawling.CrawlTask(url=url, site_id=site.id, depth=1, kind="unknown"),
                final_url=url,
                content_type="text/html; charset=utf-8",
                encoding="utf-8",
                body=body,
            )
            for url, body in pages
        ]
        timed = _Timed(crawling._template_cache(services))
        step = _PassedOver() if not templates else timed
        with (
            mock.patch.object(crawling, "_template_cache", lambda services: step),
            mock.patch.object(crawling, "PageStructure", _timed_structure(timed)),
        ):
            started = time.process_time()
            parsed = [crawling.parse(services, page) for page in fetched]
            elapsed = time.process_time() - started
    products = [page.product for page in parsed if page.product is not None]
    filled = sum(source == "template" for product in products for source in product.field_sources.values())
    return elapsed / len(pages) * 1000, timed.seconds / len(pages) * 1000, len(products), filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpora = {"demo shop products": demo_pages(args.pages), "made-up layout, half labelled": layout_pages(args.pages)}
    table = Table(title="parse, CPU ms per page (median of runs, the two kinds of run alternating)")
    for column in ("pages", "", "ms/page", "template step ms/page", "products", "fields from templates"):
        table.add_column(column, justify="left" if column in ("pages", "") else "right")
    for name, pages in corpora.items():
        runs: dict[bool, list[tuple[float, float, int, int]]] = {False: [], True: []}
        for _ in range(args.repeat):
            for flag in (False, True):
                runs[flag].append(parse_all(pages, templates=flag))
        for flag in (False, True):
            total, step = (statistics.median(run[index] for run in runs[flag]) for index in (0, 1))
            _, _, products, filled = runs[flag][-1]
            label = "with templates" if flag else "template step passed over"
            step_text = f"{step:.2f}" if flag else "-"
            table.add_row(f"{name} ({len(pages)})", label, f"{total:.2f}", step_text, str(products), str(filled))
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
