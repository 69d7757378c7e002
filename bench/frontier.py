"""The frontier at scale: fill it with up to 10M URLs and time the crawler's claims at each size.

    .venv/bin/python bench/frontier.py [--backend sqlite|solr] [--sizes 100000 1000000 10000000] [--quick]

URLs are added in batches (``--batch``), spread over ten sites and depths 1 to 6, as a crawl's sitemaps and
listings add them. At each size the bench times, on the same frontier:

- a claim as the crawler's spout makes it (``claim_due(16, ...)``, lease expiry included), ``--claims`` times;
  each claim's URLs are then crawled as far as the frontier sees it: the page's new links added (``add``, as the
  parse bolt does) and the page completed as fetched (``complete``, as the status bolt does), so the next claim
  must pass over them;
- the completion of one URL and the adding of one page's links, and the frontier's time per crawled page (its
  claims, adds and completions together) as pages/s for one crawler;
- ``outstanding()`` and ``due()``, the counts the embedded runner asks before it hands the spout a turn;
- with SQLite, the candidate query claims used to run (one ORDER BY over every waiting URL), on the same file:
  the before beside the after.

It prints each size's add rate (URLs/s over the stretch that reached it), disk size and the one-minute load
average. Solr (``--backend solr``) needs ``scripts/services/solr start``; the bench empties the frontier core.
``--against REV`` runs the same bench first on the frontier code of revision REV (a git worktree under
var/bench/frontier/trees), then on this tree's, and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
# --against runs this file again with an earlier revision's package first on the path.
sys.path.insert(0, os.environ.get("SNAPMODE_BENCH_CODE") or str(REPO))

from snapmode.backends.frontier.base import Completion, Frontier
from snapmode.backends.frontier.sqlite import _DUE, SqliteFrontier

SIZES = (100_000, 1_000_000, 10_000_000)
QUICK_SIZES = (10_000, 100_000)
SITES = 10
CLAIM = 16  # URLs per claim, as spouts/frontier.py claims them
LINKS = 4  # new URLs a crawled page adds (the demo shop's product pages link to a few more)
LEASE_SECONDS = 600.0
COUNT_RUNS = 3  # timings of each count per size: they read every waiting URL, seconds each at 10M
FORMER_RUNS = 5  # timings of the former claim query per size, for the same reason
# The candidate query of the claim before it sought each depth in its index (kept here to time it beside).
FORMER_CLAIM = f"SELECT url FROM frontier WHERE {_DUE} ORDER BY depth, next_fetch_at LIMIT :limit"


class SizeFigures(BaseModel):
    urls: int
    add_per_second: float  # over the stretch that reached this size
    claim_ms: dict[str, float]  # p50, p99
    complete_ms: float  # p50, one URL
    add_page_ms: float  # p50, one page's new links
    crawl_pages_per_second: float  # pages one crawler gets through the frontier: claims, adds, completions
    outstanding_ms: float  # p50
    due_ms: float  # p50
    former_claim_ms: dict[str, float] | None  # SQLite: p50, p99 of the old candidate query
    disk_mb: float | None
    load_average: float


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": round(statistics.median(ordered) * 1000, 2),
        "p99": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 2),
    }


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def url_batch(start: int, count: int) -> dict[str, list[tuple[str, int, str]]]:
    """URLs ``start`` to ``start + count - 1`` by site: product and listing pages at depths 1 to 6."""
    batch: dict[str, list[tuple[str, int, str]]] = {}
    for number in range(start, start + count):
        site = number % SITES
        kind = "listing" if number % 25 == 0 else "unknown"
        path = f"/c/category-{number % 97}.html?page={number}" if kind == "listing" else f"/p/product-{number}.html"
        batch.setdefault(f"site-{site}", []).append((f"https://shop{site}.example{path}", 1 + number % 6, kind))
    return batch


def measure(frontier: Frontier, claims: int, sqlite: SqliteFrontier | None, first_link: int) -> dict:
    claim_times, add_times, complete_times = [], [], []
    link = first_link  # new URLs continue the fill's numbering
    for _ in range(claims):
        now = time.time()
        claimed: list = []
        claim_times.append(timed(lambda: claimed.extend(frontier.claim_due(CLAIM, now, LEASE_SECONDS))))  # noqa: B023
        for entry in claimed:
            links = [(url, entry.depth + 1, kind) for urls in url_batch(link, LINKS).values() for url, _, kind in urls]
            link += LINKS
            add_times.append(timed(lambda: frontier.add(entry.site_id, links)))  # noqa: B023
            done = Completion(url=entry.url, status="fetched", fingerprint="f", kind="product")
            complete_times.append(timed(lambda: frontier.complete(done)))  # noqa: B023
    pages = len(complete_times)
    figures: dict = {
        "claim_ms": percentiles(claim_times),
        "complete_ms": percentiles(complete_times)["p50"],
        "add_page_ms": percentiles(add_times)["p50"],
        "crawl_pages_per_second": round(pages / (sum(claim_times) + sum(add_times) + sum(complete_times)), 1),
        "outstanding_ms": percentiles([timed(frontier.outstanding) for _ in range(COUNT_RUNS)])["p50"],
        "due_ms": percentiles([timed(lambda: frontier.due(time.time())) for _ in range(COUNT_RUNS)])["p50"],
        "former_claim_ms": None,
    }
    if sqlite is not None:
        params = {"now": time.time(), "max": 4, "recrawl": True, "limit": CLAIM}
        former = [timed(lambda: sqlite._db.execute(FORMER_CLAIM, params).fetchall()) for _ in range(FORMER_RUNS)]
        figures["former_claim_ms"] = percentiles(former)
    return figures


def disk_mb(path: Path | None) -> float | None:
    if path is None:
        return None
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / 2**20, 1)


def open_frontier(backend: str, directory: Path) -> tuple[Frontier, SqliteFrontier | None, Path | None]:
    if backend == "sqlite":
        path = directory / "frontier.db"
        frontier = SqliteFrontier(path)
        return frontier, frontier, path
    from snapmode.backends.frontier.solr import SolrFrontier
    from snapmode.config import Settings

    settings = Settings().solr  # SNAPMODE_SOLR__URL names another Solr than the default
    core = f"{settings.url}/{settings.frontier_core}"
    try:
        httpx.post(f"{core}/update", params={"commit": "true"}, json={"delete": {"query": "*:*"}}).raise_for_status()
    except httpx.HTTPError as error:
        raise SystemExit(f"Solr's frontier core at {core} did not answer ({error}): scripts/services/solr start")
    return SolrFrontier(settings), None, None


def bench(backend: str, sizes: list[int], batch: int, claims: int, console: Console) -> list[SizeFigures]:
    results: list[SizeFigures] = []
    with tempfile.TemporaryDirectory(prefix="snapmode-frontier-", dir=os.environ.get("TMPDIR")) as directory:
        frontier, sqlite, path = open_frontier(backend, Path(directory))
        added, last_log = 0, time.monotonic()
        for size in sizes:
            stretch_start, stretch_urls = time.monotonic(), size - added
            while added < size:
                count = min(batch, size - added)
                for site_id, urls in url_batch(added, count).items():
                    frontier.add(site_id, urls)
                added += count
                if time.monotonic() - last_log >= 10:
                    last_log = time.monotonic()
                    rate = (added - (size - stretch_urls)) / (last_log - stretch_start)
                    console.log(f"{backend}: {added:,} URLs ({rate:,.0f}/s), load {os.getloadavg()[0]:.2f}")
            add_rate = stretch_urls / (time.monotonic() - stretch_start)
            load = os.getloadavg()[0]
            console.log(f"{backend}: {size:,} URLs, timing claims")
            figures = measure(frontier, claims, sqlite, first_link=sizes[-1] + claims * CLAIM * LINKS * len(results))
            results.append(
                SizeFigures(
                    urls=size,
                    add_per_second=round(add_rate),
                    disk_mb=disk_mb(path),
                    load_average=round(load, 2),
                    **figures,
                )
            )
            console.log(results[-1].model_dump_json())
        frontier.close()
    return results


def table(backend: str, results: list[SizeFigures], claims: int, code: str) -> Table:
    out = Table(
        title=f"The {backend} frontier at scale, {code} ({claims} claims of {CLAIM} per size, {os.cpu_count()} CPUs)"
    )
    columns = ["URLs", "adds/s", "claim p50 ms", "claim p99 ms", "complete ms", "add a page's links ms",
               "crawl pages/s", "outstanding ms", "due ms"]  # fmt: skip
    if backend == "sqlite":
        columns += ["former claim p50 ms", "former claim p99 ms", "disk MB"]
    for column in [*columns, "load"]:
        out.add_column(column, justify="right")
    for r in results:
        row = [
            f"{r.urls:,}", f"{r.add_per_second:,.0f}", f"{r.claim_ms['p50']:.2f}", f"{r.claim_ms['p99']:.2f}",
            f"{r.complete_ms:.2f}", f"{r.add_page_ms:.2f}", f"{r.crawl_pages_per_second:,.1f}",
            f"{r.outstanding_ms:.1f}", f"{r.due_ms:.1f}",
        ]  # fmt: skip
        if r.former_claim_ms is not None:
            row += [f"{r.former_claim_ms['p50']:.1f}", f"{r.former_claim_ms['p99']:.1f}", f"{r.disk_mb:,.0f}"]
        out.add_row(*row, f"{r.load_average:.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--backend", choices=("sqlite", "solr"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", help=f"frontier sizes, smallest first (default {SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}: a check of the bench itself")
    parser.add_argument("--batch", type=int, default=10_000, help="URLs per add (default 10,000)")
    parser.add_argument("--claims", type=int, default=200, help="claims timed per size (default 200)")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    parser.add_argument("--against", metavar="REV", help="also run the frontier code of this git revision, first")
    args = parser.parse_args()
    sizes = args.sizes or list(QUICK_SIZES if args.quick else SIZES)
    if min(sizes) < 1 or sizes != sorted(sizes) or args.batch < 1 or args.claims < 1:
        parser.error("sizes of at least 1, smallest first; --batch and --claims at least 1")
    console = Console(stderr=True)
    runs: list[tuple[str, list[SizeFigures]]] = []
    if args.against:
        runs.append((args.against, earlier_revision(args.against, args.backend, sizes, args.batch, args.claims)))
    runs.append(("this tree", bench(args.backend, sizes, args.batch, args.claims, console)))
    if args.json:
        print(json.dumps([r.model_dump() for r in runs[-1][1]]))
        return
    for code, results in runs:
        Console(width=220).print(table(args.backend, results, args.claims, code))


def earlier_revision(revision: str, backend: str, sizes: list[int], batch: int, claims: int) -> list[SizeFigures]:
    """This bench, run on the frontier code of an earlier revision (its own process, its package first)."""
    from bench.revisions import revision_tree

    tree = revision_tree(REPO / "var" / "bench" / "frontier", revision)
    command = [sys.executable, __file__, "--backend", backend, "--sizes", *map(str, sizes), "--batch", str(batch),
               "--claims", str(claims), "--json"]  # fmt: skip
    env = os.environ | {"SNAPMODE_BENCH_CODE": str(tree)}
    answer = subprocess.run(command, check=False, env=env, stdout=subprocess.PIPE, text=True)
    if answer.returncode:
        raise SystemExit(f"the bench on {revision} stopped (exit {answer.returncode}): its message is above")
    return [SizeFigures(**figures) for figures in json.loads(answer.stdout)]


if __name__ == "__main__":
    main()
