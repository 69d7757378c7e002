"""Adding a machine adds speed: crawl and imaging throughput on the loopback cluster with one supervisor, then with
a second one started and both topologies rebalanced onto it live, beside the embedded runner in the same run.

    .venv/bin/python bench/cluster_scaling.py [--products 120] [--cpus "0 1"] [--json]

Each supervisor is pinned to its own CPUs (`--cpus`, one list per supervisor: SNAPMODE_CLUSTER_SUPERVISOR_CPUS),
its workers and their Python components with it, so that on one host it stands for a machine of its own; the other
daemons (ZooKeeper, Nimbus, Kafka, Solr, Milvus) are not pinned. The topologies are submitted with two executors
of each busy component on one worker; `storm rebalance -n 2` then spreads them over both supervisors.

Each phase first runs a warm-up shop through both topologies (models load in every executor), then measures a
fresh shop of `--products` products: the crawl with the imaging topology deactivated (pages over the time from
registering the site to the frontier drained), then imaging alone (the photos that crawl queued over the time from
activating the imaging topology to the queue settled). The embedded runner does the same work on a same-sized shop,
in a process of its own, pinned to the first supervisor's CPUs and then on every CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.faults import CLUSTER, NIMBUS, catalog_shop, cluster_command, loopback_cluster, loopback_settings
from bench.load_search import in_own_process
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from tests.support.crawl_results import crawl_drained
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

TIMEOUT_S = 900
WARMUP_PRODUCTS = 6  # enough photos for every imaging executor to load its models
# Daemons by what they do, for the CPU accounting: (group, prefix of the daemons' names in scripts/cluster)
DAEMON_GROUPS = (
    ("supervisors: workers and components", "supervisor"),
    ("Kafka", "kafka"),
    ("Solr", "solr"),
    ("Milvus", "milvus"),
    ("ZooKeeper, Nimbus, UI", "zookeeper"),
    ("ZooKeeper, Nimbus, UI", "nimbus"),
    ("ZooKeeper, Nimbus, UI", "ui"),
)
EMBEDDED = "the embedded runner's process"
# Executors of the components that do the work: two each, so a second worker has half of them to take.
PARALLELISM = {
    "crawler": {"fetch": 2, "parse": 2, "index": 2},
    "imaging": {"fetch": 2, "detect": 2, "embed": 2, "write": 2},
}


class Throughput(BaseModel):
    setup: str
    cpus: str
    pages: int
    crawl_s: float
    photos: int
    imaging_s: float
    resident_mb: int | None = None  # all cluster daemons, workers and components (scripts/cluster status)
    # CPU seconds spent during the crawl and during imaging: per daemon group on the cluster, the process embedded
    crawl_cpu_s: dict[str, float]
    imaging_cpu_s: dict[str, float]

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.crawl_s

    @property
    def photos_per_s(self) -> float:
        return self.photos / self.imaging_s


def usage() -> dict[str, tuple[int, int]]:
    """Resident MB and CPU seconds of each daemon's process group, and their total (scripts/cluster status)."""
    listing = subprocess.run([str(CLUSTER), "status"], check=False, capture_output=True, text=True, timeout=60).stdout
    rows = [line.split() for line in listing.splitlines()[1:]]
    return {row[0]: (int(row[-2]), int(row[-1])) for row in rows if row[0] == "total"} | {
        row[0]: (int(row[2]), int(row[3])) for row in rows if row[0] != "total" and row[1] != "down"
    }


def cpu_by_group(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, float]:
    """CPU seconds spent between two readings, by DAEMON_GROUPS (processes that ended meanwhile are not counted)."""
    spent: dict[str, float] = {}
    for daemon, (_, cpu) in after.items():
        group = next((name for name, prefix in DAEMON_GROUPS if daemon.startswith(prefix)), None)
        if group is not None:
            spent[group] = spent.get(group, 0.0) + cpu - before.get(daemon, (0, 0))[1]
    return spent


def wait_for(what: str, condition: Callable[[], bool]) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > TIMEOUT_S:
            raise SystemExit(f"cluster_scaling: {what} not done in {TIMEOUT_S} s")
        time.sleep(0.5)
    return time.monotonic() - started


def wait_running(topology: str, workers: int) -> None:
    def running() -> bool:
        listing = subprocess.run(
            [str(CLUSTER), "topologies"], check=False, capture_output=True, text=True, timeout=120
        ).stdout
        return any(
            line.split()[:2] == [f"snapmode-{topology}", "ACTIVE"] and line.split()[3] == str(workers)
            for line in listing.splitlines()
            if len(line.split()) > 3
        )

    wait_for(f"snapmode-{topology} on {workers} workers", running)


def warm_up(services: Services, shop_url: str) -> None:
    register_site(services, shop_url + "/")
    wait_for("the warm-up crawl", lambda: crawl_drained(services))
    wait_for("the warm-up imaging", lambda: services.queue.pending() == 0)


def measure(setup: str, cpus: str, services: Services, shop_url: str) -> Throughput:
    cluster_command("deactivate", "imaging")
    fetched = services.frontier.counts().get("fetched", 0)
    before_crawl = usage()
    register_site(services, shop_url + "/")
    crawl_s = wait_for(f"{setup}: the crawl", lambda: crawl_drained(services))
    after_crawl = usage()
    pages = services.frontier.counts().get("fetched", 0) - fetched
    photos = services.queue.pending()
    cluster_command("activate", "imaging")
    before_imaging = usage()
    imaging_s = wait_for(f"{setup}: imaging", lambda: services.queue.pending() == 0)
    after_imaging = usage()
    measured = Throughput(
        setup=setup,
        cpus=cpus,
        pages=pages,
        crawl_s=crawl_s,
        photos=photos,
        imaging_s=imaging_s,
        resident_mb=after_imaging["total"][0],
        crawl_cpu_s=cpu_by_group(before_crawl, after_crawl),
        imaging_cpu_s=cpu_by_group(before_imaging, after_imaging),
    )
    print(f"cluster_scaling: {measured.model_dump_json()}", file=sys.stderr)
    return measured


def on_cluster(shops: list[str], cpus: list[str], scratch: Path) -> list[Throughput]:
    """shops: warm-up and measured shop for one supervisor, then for two."""
    from launch.storm.__main__ import submit

    settings = loopback_settings(
        scratch / "cluster", [url.removeprefix("http://") for url in shops], uuid.uuid4().hex[:8]
    )
    settings = settings.model_copy(
        update={"crawl": settings.crawl.model_copy(update={"no_delay_hosts": settings.crawl.allow_hosts})}
    )
    pinning = {"SNAPMODE_CLUSTER_SUPERVISOR_CPUS": " ".join(cpus)}
    runs = []
    with loopback_cluster(env=pinning | {"SNAPMODE_CLUSTER_SUPERVISORS": "1"}):
        services = Services.shared(settings)
        for name, topology in (("crawler", CrawlerTopology), ("imaging", ImagingTopology)):
            if submit(topology, settings, *NIMBUS, workers=1, parallelism=PARALLELISM[name]) != 0:
                raise SystemExit(f"submitting snapmode-{name} to Nimbus failed")
            wait_running(name, 1)
        warm_up(services, shops[0])
        runs.append(measure("cluster, 1 supervisor", cpus[0], services, shops[1]))
        cluster_command("start", "supervisor2", env=pinning)
        for name in ("crawler", "imaging"):
            cluster_command("rebalance", name, "2")
        warm_up(services, shops[2])  # rebalancing restarted the workers: models load again
        runs.append(measure("cluster, 2 supervisors", " + ".join(cpus), services, shops[3]))
        services.close()
    return runs


def embedded_run(shop_url: str, home: str, cpus: str | None) -> dict:
    """In a fresh process: pinned before any model library starts its threads."""
    if cpus is not None:
        os.sched_setaffinity(0, {int(cpu) for part in cpus.split(",") for cpu in _cpu_range(part)})
    from bench.cluster import embedded

    host = shop_url.removeprefix("http://")
    run = embedded(shop_url, Settings(home=Path(home), crawl={"allow_hosts": [host], "no_delay_hosts": [host]}), 10**6)
    return {
        "pages": run.pages,
        "crawl_s": run.crawl_s,
        "photos": run.images,
        "imaging_s": run.imaging_s,
        "crawl_cpu_s": {EMBEDDED: run.crawl_cpu_s},
        "imaging_cpu_s": {EMBEDDED: run.imaging_cpu_s},
    }


def _cpu_range(part: str) -> range:
    first, _, last = part.partition("-")
    return range(int(first), int(last or first) + 1)


def on_embedded(shop_url: str, cpus: str | None, scratch: Path) -> Throughput:
    label = "all" if cpus is None else cpus
    run = in_own_process(embedded_run, shop_url, str(scratch / f"embedded-{label}"), cpus)
    measured = Throughput(setup="embedded runner", cpus=label, **run)
    print(f"cluster_scaling: {measured.model_dump_json()}", file=sys.stderr)
    return measured


@contextlib.contextmanager
def shops(scratch: Path, sizes: list[int]) -> Iterator[list[str]]:
    with contextlib.ExitStack() as stack:
        urls = []
        for number, size in enumerate(sizes):
            (scratch / f"shop{number}").mkdir()
            urls.append(stack.enter_context(catalog_shop(scratch / f"shop{number}", size, crawl_delay=0)))
        yield urls


def report(runs: list[Throughput], console: Console) -> None:
    table = Table(title="Throughput on one host: supervisors pinned to CPUs of their own, beside the embedded runner")
    for column in ("setup", "CPUs", "pages", "crawl s", "pages/s", "photos", "imaging s", "photos/s", "cluster RSS MB"):
        table.add_column(column, justify="right")
    for run in runs:
        table.add_row(
            run.setup,
            run.cpus,
            str(run.pages),
            f"{run.crawl_s:.1f}",
            f"{run.pages_per_s:.1f}",
            str(run.photos),
            f"{run.imaging_s:.1f}",
            f"{run.photos_per_s:.2f}",
            "" if run.resident_mb is None else str(run.resident_mb),
        )
    console.print(table)
    spent = Table(title="CPU seconds spent, by daemon group (process groups alive at both readings)")
    groups = [*dict.fromkeys(group for group, _ in DAEMON_GROUPS), EMBEDDED]
    for column in ("setup", "CPUs", "phase", *groups, "all", "per page or photo"):
        spent.add_column(column, justify="right")
    for run in runs:
        for phase, cpu, items in (("crawl", run.crawl_cpu_s, run.pages), ("imaging", run.imaging_cpu_s, run.photos)):
            shares = [f"{cpu[group]:.1f}" if group in cpu else "" for group in groups]
            total = sum(cpu.values())
            spent.add_row(run.setup, run.cpus, phase, *shares, f"{total:.1f}", f"{total / items:.3f}")
    console.print(spent)
    one, two = (run for run in runs if run.setup.startswith("cluster"))
    console.print(
        f"2 supervisors / 1: crawl x{two.pages_per_s / one.pages_per_s:.2f}, imaging x{two.photos_per_s / one.photos_per_s:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=120, help="products of each measured shop")
    parser.add_argument("--cpus", default="0 1", help="CPU list of each supervisor, space-separated (taskset -c)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cpus = args.cpus.split()
    if len(cpus) != 2:
        raise SystemExit('--cpus names the CPUs of two supervisors, e.g. "0 1"')
    sizes = [WARMUP_PRODUCTS, args.products, WARMUP_PRODUCTS, args.products, args.products, args.products]
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        with shops(scratch, sizes) as urls:
            runs = on_cluster(urls[:4], cpus, scratch)
            runs.append(on_embedded(urls[4], cpus[0], scratch))
            runs.append(on_embedded(urls[5], None, scratch))
    if args.json:
        print(json.dumps([run.model_dump() for run in runs]))
        return
    report(runs, Console(width=200))


if __name__ == "__main__":
    main()
