"""The crawler at scale: whole-shop crawls of scale shops of 1k, 10k and 100k products, pages/s against the smallest.

    .venv/bin/python bench/crawl_scale.py [--products 1000 10000 100000] [--quick] [--plot PNG] [--json]
                                          [--backend sqlite|solr]

Each size gets a scale shop of its own (``snapmode shop serve --products N`` in its own process, no access log)
and a crawl in a fresh process of its own: the crawler topology in the embedded runner, as ``snapmode crawl``
runs it, with the politeness delay off for the shop's host only (as bench/crawl.py). Image URLs go on the
queue; nothing is downloaded or embedded. The crawl process reports its pages and resident memory every two
seconds; the table gives pages/s of each crawl, its ratio to the first (smallest) size's in this same run,
and the crawler's resident memory at a quarter, half, three quarters and the end of each crawl. A crawl that
does not find every product of its shop fails the bench. ``--backend solr`` keeps the frontier, products, sites
and rejects in Solr (``scripts/services/solr start`` first; the bench empties its cores) and adds Solr's CPU
seconds and each core's commits during each crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.local_server import ServerDidNotStart, free_port
from snapmode.errors import BackendUnavailable

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (300, 1_000)
SAMPLE_EVERY_S = 2.0
SHOP_START_TIMEOUT_S = 30.0
CRAWL_TIMEOUT_S = 4 * 3600.0
QUARTERS = (0.25, 0.5, 0.75, 1.0)


class Sample(BaseModel):
    """What the crawl process reports every few seconds."""

    pages: int  # settled this run: fetched, redirects, errors
    seconds: float
    rss_mb: float


class SolrLoad(BaseModel):
    """What a crawl cost the Solr server: its CPU seconds and each core's commits."""

    cpu_s: float
    commits: dict[str, int]


class SizeResult(BaseModel):
    products: int
    pages: int
    found: int  # products in the index at the end
    seconds: float
    pages_per_second: float
    ratio: float  # this size's pages/s over the first size's
    rss_mb_at: dict[str, float]  # resident memory at 25/50/75/100 % of the pages
    peak_rss_mb: float
    shop_rss_mb: float  # the shop process at the end of the crawl
    load_average: float  # 1-minute load average when the crawl started
    solr: SolrLoad | None = None  # --backend solr
    samples: list[Sample]


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory now (VmRSS), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the crawl process --------------------------------------------------------------------------


def solr_reading() -> tuple[float, dict[str, int]]:
    """Solr's CPU seconds so far (its process and children) and each core's commits so far."""
    import psutil

    from bench.services import SERVICES_HOME
    from snapmode.config import Settings

    pidfile = SERVICES_HOME / "solr" / "pid"
    if not pidfile.exists():
        raise BenchError(f"no Solr started by scripts/services/solr ({pidfile}): scripts/services/solr start")
    server = psutil.Process(int(pidfile.read_text()))
    cpu = sum(sum(p.cpu_times()[:2]) for p in [server, *server.children(recursive=True)])
    metrics = httpx.get(
        f"{Settings().solr.url}/admin/metrics",
        params={"group": "core", "prefix": "UPDATE.updateHandler.commits", "wt": "json"},
        timeout=30,
    ).json()["metrics"]
    return cpu, {
        name.rsplit(".", 1)[-1]: values["UPDATE.updateHandler.commits"]["count"] for name, values in metrics.items()
    }


def crawl_child(root_url: str, backend: str) -> None:
    """Crawl the shop into a temporary home, one JSON sample per line on stdout, the summary last."""
    from launch.runner.local import run_crawl
    from snapmode.config import CLUSTER_BACKENDS, Settings
    from snapmode.crawl.politeness import host_key
    from snapmode.pipeline.crawling import register_site
    from snapmode.pipeline.runs import CrawlStats
    from snapmode.services import Services
    from snapmode.shop.catalog import RULES_PATH

    host = host_key(root_url)
    with tempfile.TemporaryDirectory(prefix="snapmode-crawl-scale-") as home:
        stores = (
            {store: kind for store, kind in CLUSTER_BACKENDS.items() if kind == "solr"} if backend == "solr" else {}
        )
        settings = Settings(home=Path(home), crawl={"allow_hosts": [host], "no_delay_hosts": [host]}, **stores)
        started = time.monotonic()
        services = Services.shared(settings)
        register_site(services, root_url, RULES_PATH.read_text())

        def report(stats: CrawlStats) -> None:
            pages = stats.pages_fetched + sum(stats.errors.values())
            sample = Sample(pages=pages, seconds=time.monotonic() - started, rss_mb=rss_mb())
            print(sample.model_dump_json(), flush=True)

        stats = run_crawl(settings, on_progress=report, progress_every=SAMPLE_EVERY_S)
        seconds = time.monotonic() - started
        summary = {
            "pages": stats.pages_fetched + sum(stats.errors.values()),
            "found": services.products.count(),
            "errors": stats.errors,
            "seconds": seconds,
        }
        services.close()
    print(json.dumps({"summary": summary}), flush=True)


# --- the bench ----------------------------------------------------------------------------------


class BenchError(RuntimeError):
    """A crawl failed or missed products: no figure to report."""


@contextmanager
def scale_shop(products: int, seed: int) -> Iterator[tuple[str, int]]:
    """A scale shop under uvicorn in its own process; yields its root URL and process id."""
    port = free_port()
    code = (
        "import uvicorn; from snapmode.shop.app import create_app; "
        f"uvicorn.run(create_app(products={products}, seed={seed}), host='127.0.0.1', port={port}, "
        "log_level='warning', access_log=False)"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    root = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SHOP_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise ServerDidNotStart(f"the scale shop exited with status {process.returncode}")
            try:
                if httpx.get(root + "robots.txt", timeout=1.0).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"the scale shop did not answer within {SHOP_START_TIMEOUT_S:g} s")
            time.sleep(0.1)
        yield root, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def at_share(samples: list[Sample], total: int, share: float) -> float:
    """Resident memory at the first sample that has reached ``share`` of the pages."""
    return next((s.rss_mb for s in samples if s.pages >= share * total), samples[-1].rss_mb)


def crawl_size(products: int, seed: int, backend: str, console: Console) -> dict:
    load = os.getloadavg()[0]
    if backend == "solr":
        from bench.services import empty_solr
        from snapmode.config import Settings

        empty_solr(Settings().solr)
        solr_before = solr_reading()
    with scale_shop(products, seed) as (root, shop_pid):
        console.log(f"{products:,} products: shop at {root} (load average {load:.2f})")
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", root, "--backend", backend],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        samples: list[Sample] = []
        summary = None
        last_log = 0.0
        assert process.stdout is not None
        for line in process.stdout:
            message = json.loads(line)
            if "summary" in message:
                summary = message["summary"]
                continue
            sample = Sample.model_validate(message)
            samples.append(sample)
            if sample.seconds - last_log >= 15 or not last_log:
                last_log = sample.seconds
                rate = sample.pages / sample.seconds if sample.seconds else 0.0
                console.log(
                    f"  {sample.pages:,} pages in {sample.seconds:.0f} s ({rate:.1f} pages/s), "
                    f"crawler RSS {sample.rss_mb:.0f} MB, load {os.getloadavg()[0]:.2f}"
                )
        if process.wait(timeout=CRAWL_TIMEOUT_S) != 0 or summary is None:
            raise BenchError(f"the crawl of {products:,} products failed (status {process.returncode})")
        shop_rss = rss_mb(shop_pid)
    solr = None
    if backend == "solr":
        (cpu_before, commits_before), (cpu_after, commits_after) = solr_before, solr_reading()
        commits = {core: count - commits_before.get(core, 0) for core, count in commits_after.items()}
        solr = SolrLoad(cpu_s=round(cpu_after - cpu_before, 1), commits=commits)
    if summary["found"] != products:
        raise BenchError(f"the crawl found {summary['found']:,} of {products:,} products")
    return {"summary": summary, "samples": samples, "shop_rss_mb": shop_rss, "load_average": load, "solr": solr}


def bench(sizes: list[int], seed: int, backend: str, console: Console) -> list[SizeResult]:
    results: list[SizeResult] = []
    for products in sizes:
        run = crawl_size(products, seed, backend, console)
        summary, samples = run["summary"], run["samples"]
        rate = summary["pages"] / summary["seconds"]
        results.append(
            SizeResult(
                products=products,
                pages=summary["pages"],
                found=summary["found"],
                seconds=round(summary["seconds"], 1),
                pages_per_second=round(rate, 1),
                ratio=round(rate / results[0].pages_per_second, 2) if results else 1.0,
                rss_mb_at={f"{share:.0%}": round(at_share(samples, summary["pages"], share), 1) for share in QUARTERS},
                peak_rss_mb=round(max(s.rss_mb for s in samples), 1),
                shop_rss_mb=round(run["shop_rss_mb"], 1),
                load_average=round(run["load_average"], 2),
                solr=run["solr"],
                samples=samples,
            )
        )
        console.log(f"{products:,} products: {summary['pages']:,} pages, {rate:.1f} pages/s")
    return results


def table(results: list[SizeResult]) -> Table:
    reference = results[0]
    out = Table(
        title=f"Whole-shop crawls of scale shops ({os.cpu_count()} CPUs)",
        caption=f"ratio: pages/s over the {reference.products:,}-product crawl's, in this run",
    )
    columns = ["products", "pages", "seconds", "pages/s", "ratio", "crawler RSS MB at 25/50/75/100 %", "peak"]
    on_solr = reference.solr is not None
    for column in [*columns, "shop RSS MB", "load", *(["Solr CPU s", "Solr commits by core"] if on_solr else [])]:
        out.add_column(column, justify="right")
    for r in results:
        solr = (
            [f"{r.solr.cpu_s:.1f}", ", ".join(f"{core} {n:,}" for core, n in sorted(r.solr.commits.items()))]
            if r.solr
            else []
        )
        out.add_row(
            f"{r.products:,}", f"{r.pages:,}", f"{r.seconds:.1f}", f"{r.pages_per_second:.1f}", f"{r.ratio:.2f}",
            " / ".join(f"{mb:.0f}" for mb in r.rss_mb_at.values()), f"{r.peak_rss_mb:.0f}",
            f"{r.shop_rss_mb:.0f}", f"{r.load_average:.2f}", *solr,
        )  # fmt: skip
    return out


def plot(results: list[SizeResult], path: Path) -> None:
    """Pages/s (over each sample's window) and crawler RSS against pages crawled, one line per shop size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (rate_axis, rss_axis) = plt.subplots(1, 2, figsize=(11, 4))
    for r in results:
        window = [s for s in r.samples if s.pages > 0]
        pairs = zip(window, window[5:], strict=False)  # rates over ~10 s, so one slow sample does not dominate
        points = [(b.pages, (b.pages - a.pages) / (b.seconds - a.seconds)) for a, b in pairs if b.seconds > a.seconds]
        label = f"{r.products:,} products"
        if points:
            rate_axis.plot(*zip(*points, strict=True), label=label)
        rss_axis.plot([s.pages for s in r.samples], [s.rss_mb for s in r.samples], label=label)
    rate_axis.set(xscale="log", xlabel="pages crawled", ylabel="pages/s (10 s windows)", title="Crawl rate")
    rss_axis.set(xscale="log", xlabel="pages crawled", ylabel="MB", title="Crawler resident memory")
    rss_axis.set_ylim(bottom=0)
    rate_axis.set_ylim(bottom=0)
    for axis in (rate_axis, rss_axis):
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--products", type=int, nargs="+", help=f"shop sizes, smallest first (default {SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}: a check of the bench itself")
    parser.add_argument("--seed", type=int, default=0, help="which generated catalogue")
    parser.add_argument("--plot", type=Path, help="save a PNG of pages/s and RSS against pages crawled")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    parser.add_argument("--backend", choices=("sqlite", "solr"), default="sqlite", help="where the crawl's stores live")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)  # the crawl process
    args = parser.parse_args()
    if args.child:
        crawl_child(args.child, args.backend)
        return
    sizes = args.products or list(QUICK_SIZES if args.quick else SIZES)
    if min(sizes) < 1 or sizes != sorted(sizes):
        parser.error("--products: sizes of at least 1, smallest first (the first is the reference)")
    console = Console(stderr=True)
    try:
        results = bench(sizes, args.seed, args.backend, console)
    except (BenchError, ServerDidNotStart, BackendUnavailable) as error:
        console.print(f"[red]{error}")
        sys.exit(1)
    if args.plot:
        plot(results, args.plot)
        console.log(f"plot saved to {args.plot}")
    if args.json:
        print(json.dumps([r.model_dump(exclude={"samples"}) for r in results]))
    else:
        Console(width=160).print(table(results))


if __name__ == "__main__":
    main()
