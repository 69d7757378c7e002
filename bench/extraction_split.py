"""Split extraction vs one parse bolt: what reading each field group in its own bolt costs.

    .venv/bin/python bench/extraction_split.py [--rounds 3] [--storm]

Serves the demo shop, fetches every page its sitemap lists, then times per page (1) the one-bolt path
(`parse`: extraction and links in one step) and (2) the split path of topologies/crawler_split.py:
`read_declared`, one `read_layout` per field group, `join_product`, with the JSON (de)serialisation of
the tuples between those bolts, and counts the bytes those tuples carry. `--storm` also crawls the whole
shop with each topology in Storm local mode (embedded backends), JVM start included.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from snapmode.config import Settings  # noqa: E402
from snapmode.crawl.discovery import sitemap_urls  # noqa: E402
from snapmode.domain import ExtractedProduct  # noqa: E402
from snapmode.extract.heuristics import FIELD_GROUPS  # noqa: E402
from snapmode.pipeline.crawling import (  # noqa: E402
    CrawlTask,
    FetchedPage,
    PageReading,
    join_product,
    parse,
    read_declared,
    read_layout,
    register_site,
)
from snapmode.services import Services  # noqa: E402
from snapmode.shop.catalog import RULES_PATH  # noqa: E402
from snapmode.shop.server import running_shop  # noqa: E402
from snapmode.storm.local import run_local, stop  # noqa: E402
from topologies.crawler import CrawlerTopology  # noqa: E402
from topologies.crawler_split import SplitExtractionCrawlerTopology  # noqa: E402

STORM_TIMEOUT_S = 600


def shop_pages(shop: str, site_id: str) -> list[FetchedPage]:
    with httpx.Client(timeout=10) as client:
        sitemaps, urls = [f"{shop}/sitemap.xml"], []
        while sitemaps:
            entries = sitemap_urls(client.get(sitemaps.pop()).content, shop)
            sitemaps += [entry.loc for entry in entries.sitemaps]
            urls += [entry.loc for entry in entries.urls]
        pages = []
        for url in urls:
            response = client.get(url)
            task = CrawlTask(url=url, site_id=site_id, depth=1, kind="unknown")
            pages.append(
                FetchedPage(
                    task=task,
                    final_url=url,
                    content_type=response.headers["content-type"],
                    encoding=response.encoding,
                    body=response.content,
                )
            )
    return pages


def one_bolt(services: Services, page: FetchedPage) -> tuple[float, float, int, float]:
    """(extraction s, (de)serialisation s, bytes emitted, critical path s) for one page through ParseBolt."""
    started = time.perf_counter()
    parsed = parse(services, page)
    work = time.perf_counter() - started
    started = time.perf_counter()
    out = parsed.product.model_dump_json() if parsed.product else parsed.outcome.model_dump_json()
    wire = time.perf_counter() - started
    return work, wire, len(out), work + wire


def split(services: Services, page: FetchedPage) -> tuple[float, float, int, float]:
    """The same through ReadPageBolt, one ReadFieldsBolt per group and JoinProductBolt; the critical
    path counts the field groups as run side by side."""
    work = wire = 0.0
    started = time.perf_counter()
    result = read_declared(services, page)
    work += time.perf_counter() - started
    if not isinstance(result, PageReading):
        started = time.perf_counter()
        out = result.product.model_dump_json() if result.product else result.outcome.model_dump_json()
        wire = time.perf_counter() - started
        return work, wire, len(out), work + wire
    started = time.perf_counter()
    layout = result.model_dump_json()
    pending = result.model_copy(update={"page": result.page.model_copy(update={"body": b""})}).model_dump_json()
    wire += time.perf_counter() - started
    moved = len(layout) * len(FIELD_GROUPS) + len(pending)
    parts, group_times = [], []
    for group in FIELD_GROUPS:
        group_started = started = time.perf_counter()
        reading = PageReading.model_validate_json(layout)  # each field bolt decodes its own copy
        wire += time.perf_counter() - started
        started = time.perf_counter()
        part = read_layout(reading, group)
        work += time.perf_counter() - started
        started = time.perf_counter()
        encoded = part.model_dump_json()
        parts.append(ExtractedProduct.model_validate_json(encoded))
        wire += time.perf_counter() - started
        moved += len(encoded)
        group_times.append(time.perf_counter() - group_started)
    started = time.perf_counter()
    waiting = PageReading.model_validate_json(pending)
    wire += time.perf_counter() - started
    started = time.perf_counter()
    joined = join_product(waiting, parts)
    work += time.perf_counter() - started
    out = joined.product.model_dump_json() if joined.product else joined.outcome.model_dump_json()
    total = work + wire
    return work, wire, moved + len(out), total - sum(group_times) + max(group_times)


def storm_crawl(topology: type, shop: str, home: Path) -> tuple[float, int]:
    host = shop.removeprefix("http://")
    services = Services.shared(Settings(home=home, crawl={"allow_hosts": [host], "no_delay_hosts": [host]}))
    register_site(services, shop + "/", RULES_PATH.read_text())
    started = time.monotonic()
    process = run_local(topology, services.settings, log_file=home / "storm.log")
    try:
        while services.frontier.outstanding() or services.frontier.due(time.time()):
            if process.poll() is not None or time.monotonic() - started > STORM_TIMEOUT_S:
                raise SystemExit(f"{topology.__name__} stopped or timed out; see {home / 'storm.log'}")
            time.sleep(0.5)
        return time.monotonic() - started, services.products.count()
    finally:
        stop(process)
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--storm", action="store_true")
    args = parser.parse_args()
    console = Console(width=150)
    with tempfile.TemporaryDirectory() as scratch, running_shop(crawl_delay=0) as shop:
        host = shop.removeprefix("http://")
        services = Services.shared(
            Settings(home=Path(scratch) / "inproc", crawl={"allow_hosts": [host], "no_delay_hosts": [host]})
        )
        site = register_site(services, shop + "/", RULES_PATH.read_text())
        pages = shop_pages(shop, site.id)
        console.print(f"{len(pages)} demo shop pages; {args.rounds} rounds, median per page")
        figures = {}
        for name, path in (("one parse bolt", one_bolt), ("split (4 field groups + join)", split)):
            rounds = [[path(services, page) for page in pages] for _ in range(args.rounds)]
            figures[name] = [statistics.median(sum(r[i] for r in run) / len(pages) for run in rounds) for i in range(4)]
        services.close()
        storm = {}
        if args.storm:
            for name, topology in (
                ("one parse bolt", CrawlerTopology),
                ("split (4 field groups + join)", SplitExtractionCrawlerTopology),
            ):
                storm[name] = storm_crawl(topology, shop, Path(scratch) / topology.__name__)
    table = Table(title="Extraction per demo-shop page: one parse bolt vs split field-group bolts")
    columns = ("path", "extraction ms", "tuple (de)serialisation ms", "CPU ms", "bytes emitted", "critical path ms")
    for column in columns:
        table.add_column(column, justify="right")
    for name, (work, wire, moved, critical) in figures.items():
        table.add_row(
            name,
            f"{work * 1e3:.2f}",
            f"{wire * 1e3:.2f}",
            f"{(work + wire) * 1e3:.2f}",
            f"{moved:,.0f}",
            f"{critical * 1e3:.2f}",
        )
    (w1, s1, b1, c1), (w2, s2, b2, c2) = figures.values()
    table.add_row(
        "ratio split/one",
        f"{w2 / w1:.2f}",
        f"{s2 / s1:.1f}",
        f"{(w2 + s2) / (w1 + s1):.2f}",
        f"{b2 / b1:.1f}",
        f"{c2 / c1:.2f}",
    )
    console.print(table)
    if storm:
        table = Table(title="Whole demo shop on Storm local mode (embedded backends, JVM start included)")
        for column in ("topology", "seconds", "products"):
            table.add_column(column, justify="right")
        for name, (seconds, products) in storm.items():
            table.add_row(name, f"{seconds:.1f}", str(products))
        console.print(table)


if __name__ == "__main__":
    main()
