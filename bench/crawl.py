"""SnapMode's crawler against Scrapy on the demo shop: pages per second, side by side.

    .venv/bin/python bench/crawl.py [--repeat 3] [--json]

The demo shop runs in its own process; each crawl runs in a fresh process of its own (Twisted's
reactor cannot restart, and peak RSS is then per crawl), the two crawlers alternating. Both must
end with the same set of product URLs, otherwise the comparison means nothing and the bench fails.
Figures are medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.local_server import ServerDidNotStart, free_port, server_process  # noqa: E402
from bench.results import CrawlRun  # noqa: E402

SIDES = {"snapmode": REPO / "bench" / "snapmode_side.py", "scrapy": REPO / "bench" / "scrapy_spider.py"}
SHOP_START_TIMEOUT_S = 30.0
CRAWL_TIMEOUT_S = 600.0


class Summary(BaseModel):
    crawler: str
    pages: int
    products: int
    seconds: float  # median
    pages_per_second: float  # median
    peak_rss_mb: float  # median


class Report(BaseModel):
    snapmode: Summary
    scrapy: Summary
    ratio: float  # SnapMode's pages/s over Scrapy's
    repeat: int
    cpus: int
    scrapy_version: str


class BenchError(RuntimeError):
    """The bench could not produce a fair comparison (shop down, a crawl failed, results differ)."""


@contextmanager
def shop_process(port: int) -> Iterator[str]:
    """The demo shop under uvicorn in its own process, without access logs; yields its root URL."""
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "snapmode.shop.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    root = f"http://127.0.0.1:{port}/"
    with server_process(command, root + "robots.txt", "demo shop", SHOP_START_TIMEOUT_S, cwd=REPO):
        yield root


def run_side(crawler: str, root: str) -> CrawlRun:
    try:
        done = subprocess.run(
            [sys.executable, str(SIDES[crawler]), root],
            cwd=REPO, capture_output=True, text=True, timeout=CRAWL_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise BenchError(f"the {crawler} crawl took more than {CRAWL_TIMEOUT_S:g} s") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchError(f"the {crawler} crawl failed (status {done.returncode}):\n{done.stderr[-3000:]}")
    return CrawlRun.model_validate_json(lines[-1])


def summary(runs: list[CrawlRun]) -> Summary:
    return Summary(
        crawler=runs[0].crawler,
        pages=round(statistics.median(run.pages for run in runs)),
        products=round(statistics.median(run.products for run in runs)),
        seconds=round(statistics.median(run.seconds for run in runs), 2),
        pages_per_second=round(statistics.median(run.pages_per_second for run in runs), 1),
        peak_rss_mb=round(statistics.median(run.peak_rss_mb for run in runs), 1),
    )


def bench(repeat: int, console: Console) -> Report:
    runs: dict[str, list[CrawlRun]] = {crawler: [] for crawler in SIDES}
    with shop_process(free_port()) as root:
        for round_number in range(repeat):
            # Alternate who goes first, so neither always meets a cold or a warm shop.
            order = list(SIDES) if round_number % 2 == 0 else list(reversed(SIDES))
            for crawler in order:
                run = run_side(crawler, root)
                runs[crawler].append(run)
                console.log(f"{crawler}: {run.pages} pages, {run.products} products, {run.pages_per_second:.1f} p/s")
            ours, theirs = set(runs["snapmode"][-1].product_urls), set(runs["scrapy"][-1].product_urls)
            if ours != theirs:
                raise BenchError(
                    f"the crawlers found different products ({len(ours)} vs {len(theirs)}): "
                    f"only Scrapy {sorted(theirs - ours)[:5]}, only SnapMode {sorted(ours - theirs)[:5]}"
                )
    ours, theirs = summary(runs["snapmode"]), summary(runs["scrapy"])
    return Report(
        snapmode=ours,
        scrapy=theirs,
        ratio=round(ours.pages_per_second / theirs.pages_per_second, 2),
        repeat=repeat,
        cpus=os.cpu_count() or 0,
        scrapy_version=version("scrapy"),
    )


def table(report: Report) -> Table:
    result = Table(
        title=f"Crawling the demo shop (median of {report.repeat}, {report.cpus} CPUs, Scrapy {report.scrapy_version})",
        caption=f"SnapMode / Scrapy pages/s: {report.ratio:.2f}",
    )
    for column in ("crawler", "pages", "products", "seconds", "pages/s", "peak RSS (MB)"):
        result.add_column(column, justify="left" if column == "crawler" else "right")
    for side in (report.snapmode, report.scrapy):
        result.add_row(
            side.crawler, str(side.pages), str(side.products), f"{side.seconds:.2f}",
            f"{side.pages_per_second:.1f}", f"{side.peak_rss_mb:.0f}",
        )  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3, help="crawls per crawler, alternating (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    console = Console(stderr=True)
    try:
        report = bench(args.repeat, console)
    except (BenchError, ServerDidNotStart) as error:
        console.print(f"[red]{error}")
        sys.exit(1)
    if args.json:
        print(json.dumps(report.model_dump()))
    else:
        Console().print(table(report))


if __name__ == "__main__":
    main()
