"""Crash and restart each worker and each backend mid-run; count products, vectors and pages after, beside an
uninterrupted run of the same shop.

    .venv/bin/python bench/faults.py embedded [--products 40]   # kill -9 `snapmode index`, run it again
    .venv/bin/python bench/faults.py cluster [--products 40]    # kill -9 each topology and Solr, Kafka, Milvus

`--products 0` crawls the whole demo shop. Embedded: `snapmode index` runs in its own process group and is
killed (SIGKILL to the group, Milvus Lite's server included, as a crashed machine would) at a fraction of the
reference run's time, then started again until it exits. Cluster: both topologies run in Storm local mode
on the servers of `scripts/services` (shared: the Solr cores are emptied; run it when nobody else uses them);
each topology is killed with tests/support/storm.py's crash helper, each server with SIGKILL to its process
group and started again with its script. Expected figures come from the uninterrupted embedded run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cluster import cluster_settings
from bench.load_search import in_own_process
from snapmode.backends.products.base import ProductFilters
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.server import running_shop

SERVICES = REPO / "scripts" / "services"
SERVICES_HOME = Path(os.environ.get("SNAPMODE_SERVICES_HOME", REPO / "var" / "services"))
TIMEOUT_S = 1800
DOWN_S = 5  # how long a killed server stays down
IMAGING_KILL_DELAY_S = 5  # after the last product page: the imaging side is still embedding photos


class Census(BaseModel):
    """What a finished run left behind."""

    products: int
    product_ids: list[str]
    frontier: dict[str, int]  # pages by status
    vectors: int
    vector_keys: list[str]  # image_url|box|label of every stored region
    duplicate_products: int  # rows beyond one per product URL
    duplicate_vectors: int  # rows beyond one per image region


class Outcome(BaseModel):
    scenario: str
    killed_at_s: float | None
    products_at_kill: int | None
    pages_at_kill: int | None  # pages fetched before the crash: a resumed crawl fetches only the rest
    census: Census
    recover_s: float  # from the restart to the end of the run


def census(settings: Settings) -> Census:
    """Counted in its own process when Milvus Lite is in use (see load_search.in_own_process)."""
    services = Services(settings)
    products, offset = [], 0
    while page := services.products.search(None, ProductFilters(), offset=offset, limit=100).items:
        products += page
        offset += len(page)
    images = dict.fromkeys(url for product in products for url in product.images)
    records = [record for url in images for record in services.vectors.records_for_image(url)]
    keys = [f"{r.image_url}|{','.join(map(str, r.box))}|{r.label}" for r in records]
    counted = Census(
        products=services.products.count(),
        product_ids=sorted(p.id for p in products),
        frontier=services.frontier.counts(),
        vectors=services.vectors.count(),
        vector_keys=sorted(set(keys)),
        duplicate_products=len(products) - len({p.url for p in products}),
        duplicate_vectors=len(keys) - len(set(keys)),
    )
    services.close()
    return counted


@contextlib.contextmanager
def shop(products: int, scratch: Path) -> Iterator[str]:
    if products:
        from tests.support.tiny_shop import tiny_shop

        (scratch / "shop").mkdir()
        with tiny_shop(scratch / "shop", products) as base:
            yield base
    else:
        with running_shop(crawl_delay=0) as base:
            yield base


def access(shop_url: str) -> dict:
    host = shop_url.removeprefix("http://")
    return {"allow_hosts": [host], "no_delay_hosts": [host]}


def embedded_settings(home: Path, shop_url: str) -> Settings:
    settings = Settings(home=home, crawl=access(shop_url))
    registry = Services(settings)
    register_site(registry, shop_url + "/")
    registry.close()
    return settings


def index_process(settings: Settings) -> subprocess.Popen:
    """`snapmode index` on these settings, in a process group of its own (Milvus Lite runs a child server)."""
    env = {
        **os.environ,
        "SNAPMODE_HOME": str(settings.home),
        "SNAPMODE_CRAWL__ALLOW_HOSTS": json.dumps(settings.crawl.allow_hosts),
        "SNAPMODE_CRAWL__NO_DELAY_HOSTS": json.dumps(settings.crawl.no_delay_hosts),
    }
    command = [str(REPO / ".venv" / "bin" / "snapmode"), "index"]
    log = (settings.home / "index.log").open("a")
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)


def run_index(settings: Settings) -> float:
    started = time.monotonic()
    process = index_process(settings)
    if process.wait(TIMEOUT_S) != 0:
        raise SystemExit(f"snapmode index failed; see {settings.home / 'index.log'}")
    return time.monotonic() - started


def products_now(settings: Settings) -> int:
    """Read beside a running worker: the product index is SQLite (or Solr), never locked by a reader."""
    services = Services(settings)
    try:
        return services.products.count()
    finally:
        services.close()


def pages_now(settings: Settings) -> int:
    services = Services(settings)
    try:
        return services.frontier.counts().get("fetched", 0)
    finally:
        services.close()


def uninterrupted(scratch: Path, shop_url: str, scenario: str) -> Outcome:
    """The reference: the embedded `snapmode index` over the shop, never killed."""
    reference = embedded_settings(scratch / "reference", shop_url)
    seconds = run_index(reference)
    return Outcome(
        scenario=scenario, killed_at_s=None, products_at_kill=None, pages_at_kill=None,
        census=in_own_process(census, reference), recover_s=round(seconds, 1),
    )


def embedded_runs(products: int, scratch: Path) -> tuple[Outcome, list[Outcome]]:
    with shop(products, scratch) as shop_url:
        expected = uninterrupted(scratch, shop_url, "uninterrupted")
        products = expected.census.products
        outcomes = [
            index_crash(
                f"kill -9 index at {products // 3} products",
                embedded_settings(scratch / "kill-crawling", shop_url),
                lambda settings: products_now(settings) >= products // 3,
                delay=0,
            ),
            index_crash(
                f"kill -9 index {IMAGING_KILL_DELAY_S} s after the last product",
                embedded_settings(scratch / "kill-imaging", shop_url),
                lambda settings: products_now(settings) >= products,
                delay=IMAGING_KILL_DELAY_S,
            ),
        ]
    return expected, outcomes


def index_crash(scenario: str, settings: Settings, ready: Callable[[Settings], bool], delay: float) -> Outcome:
    """`snapmode index` killed once ``ready`` (plus ``delay`` s), then run again to the end."""
    process = index_process(settings)
    started = time.monotonic()
    while not ready(settings):
        if process.poll() is not None or time.monotonic() - started > TIMEOUT_S:
            raise SystemExit(f"snapmode index ended before the crash point; see {settings.home / 'index.log'}")
        time.sleep(0.2)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    killed_at = round(time.monotonic() - started, 1)
    at_kill, pages_at_kill = products_now(settings), pages_now(settings)
    recover_s = run_index(settings)
    return Outcome(
        scenario=scenario, killed_at_s=killed_at, products_at_kill=at_kill, pages_at_kill=pages_at_kill,
        census=in_own_process(census, settings), recover_s=round(recover_s, 1),
    )


def cluster_runs(products: int, scratch: Path) -> tuple[Outcome, list[Outcome]]:
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    for name in ("solr", "kafka", "milvus"):
        subprocess.run([str(SERVICES / name), "start"], check=True)
    with shop(products, scratch) as shop_url:
        expected = uninterrupted(scratch, shop_url, "uninterrupted (embedded)")

        def finished(services: Services) -> Callable[[], bool]:
            def done() -> bool:
                try:
                    return (
                        services.frontier.outstanding() == 0
                        and services.queue.pending() == 0
                        and services.vectors.count() >= expected.census.vectors
                    )
                except Exception:  # noqa: BLE001  a server coming back fails calls in its own ways: not done yet
                    return False

            return done

        outcomes = []
        for topology in (CrawlerTopology, ImagingTopology):
            settings = cluster_settings(scratch / f"kill-{topology.__name__}", access(shop_url))
            services = Services.shared(settings)
            register_site(services, shop_url + "/")
            outcomes.append(topology_crash(topology, settings, services, finished(services)))
            services.close()
        for backend in ("solr", "kafka", "milvus"):
            settings = cluster_settings(scratch / f"kill-{backend}", access(shop_url))
            services = Services.shared(settings)
            register_site(services, shop_url + "/")
            outcomes.append(backend_crash(backend, settings, services, finished(services)))
            services.close()
    return expected, outcomes


def topology_crash(topology: type, settings: Settings, services: Services, done: Callable[[], bool]) -> Outcome:
    from tests.support.storm import crash_when, run_storm_until
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    if topology is ImagingTopology:  # the crawl first, so the imaging crash comes mid-stream
        run_storm_until([CrawlerTopology], settings, lambda: services.frontier.outstanding() == 0, TIMEOUT_S)
        ready = lambda: services.vectors.count() >= 3
    else:
        ready = lambda: services.products.count() >= 5
    started = time.monotonic()
    crash_when(topology, settings, ready, TIMEOUT_S)
    killed_at, at_kill = time.monotonic() - started, services.products.count()
    pages_at_kill = services.frontier.counts().get("fetched", 0)
    recover_s = run_storm_until([CrawlerTopology, ImagingTopology], settings, done, TIMEOUT_S)
    return Outcome(
        scenario=f"kill -9 {topology.__name__}", killed_at_s=round(killed_at, 1), products_at_kill=at_kill,
        pages_at_kill=pages_at_kill,
        census=census(settings), recover_s=round(recover_s, 1),
    )


def backend_crash(backend: str, settings: Settings, services: Services, done: Callable[[], bool]) -> Outcome:
    """Both topologies running; the server killed once products arrive, started again after DOWN_S; a
    topology that dies of it is started again (Storm's supervisor would do the same)."""
    from launch.storm.local import run_local, stop
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    log = settings.ensure_home() / "storm.log"
    running = {topology: run_local(topology, settings, log_file=log) for topology in (CrawlerTopology, ImagingTopology)}
    started = time.monotonic()
    try:
        while services.products.count() < 5:
            if time.monotonic() - started > TIMEOUT_S:
                raise SystemExit(f"no products in {TIMEOUT_S} s; see {log}")
            time.sleep(0.2)
        killed_at, at_kill = time.monotonic() - started, services.products.count()
        pages_at_kill = services.frontier.counts().get("fetched", 0)
        kill_backend(backend)
        time.sleep(DOWN_S)
        subprocess.run([str(SERVICES / backend), "start"], check=True)
        restarted = time.monotonic()
        while not done():
            for topology, process in running.items():
                if process.poll() is not None:
                    running[topology] = run_local(topology, settings, log_file=log)
            if time.monotonic() - restarted > TIMEOUT_S:
                raise SystemExit(f"not finished {TIMEOUT_S} s after restarting {backend}; see {log}")
            time.sleep(1)
        recover_s = time.monotonic() - restarted
    finally:
        for process in running.values():
            stop(process)
    return Outcome(
        scenario=f"kill -9 {backend}, down {DOWN_S} s", killed_at_s=round(killed_at, 1), products_at_kill=at_kill,
        pages_at_kill=pages_at_kill,
        census=census(settings), recover_s=round(recover_s, 1),
    )


def kill_backend(name: str) -> None:
    """SIGKILL to the server's process group (scripts/services launches each with setsid)."""
    pid = int((SERVICES_HOME / name / "pid").read_text())
    os.killpg(pid, signal.SIGKILL)
    (SERVICES_HOME / name / "pid").unlink()


def report(mode: str, expected: Outcome, outcomes: list[Outcome], console: Console) -> None:
    want = expected.census
    table = Table(title=f"Faults, {mode} mode: kill -9 mid-run, restart, let it finish")
    for column in ("scenario", "killed at s", "products then", "pages then", "products exp/got",
                   "vectors exp/got", "pages exp/got", "lost products", "lost regions", "duplicates", "recover s"):
        table.add_column(column, justify="right")
    for outcome in [expected, *outcomes]:
        got = outcome.census
        table.add_row(
            outcome.scenario,
            *("" if value is None else str(value)
              for value in (outcome.killed_at_s, outcome.products_at_kill, outcome.pages_at_kill)),
            f"{want.products}/{got.products}",
            f"{want.vectors}/{got.vectors}",
            f"{want.frontier.get('fetched', 0)}/{got.frontier.get('fetched', 0)}",
            str(len(set(want.product_ids) - set(got.product_ids))),
            str(len(set(want.vector_keys) - set(got.vector_keys))),
            str(got.duplicate_products + got.duplicate_vectors),
            f"{outcome.recover_s}",
        )
    console.print(table)
    console.print("recover s: restart to the end of the run (the uninterrupted row: the whole run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["embedded", "cluster"])
    parser.add_argument("--products", type=int, default=40, help="shop size (0: the whole demo shop)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        runs = embedded_runs if args.mode == "embedded" else cluster_runs
        expected, outcomes = runs(args.products, Path(scratch))
    if args.json:
        print(json.dumps({"expected": expected.model_dump(), "outcomes": [o.model_dump() for o in outcomes]}))
        return
    report(args.mode, expected, outcomes, Console(width=200))


if __name__ == "__main__":
    main()
