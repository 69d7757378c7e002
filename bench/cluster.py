"""The cluster path's local baseline: the demo shop through Storm (local mode) on Solr, Kafka and a Milvus
server, beside the embedded runner on the same shop and photos.

    .venv/bin/python bench/cluster.py [--images 48] [--json]

Starts the servers with the project's scripts (`scripts/services/*`; left running), serves the demo shop,
then times (1) the whole crawl, Storm's start included and the crawl alone (first to last page), and
(2) embedding the first `--images` photos the crawl queued. The peer is the embedded runner (SQLite,
SQLite queue, Milvus Lite) doing the same work in one process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.services import empty_solr
from launch.runner.local import run_crawl, run_until_indexed
from launch.storm.local import run_local, stop
from snapmode.config import CLUSTER_BACKENDS, Settings, SolrSettings
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.server import running_shop
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

TIMEOUT_S = 1200


class Run(BaseModel):
    pages: int
    products: int
    crawl_s: float  # start to last page (Storm: JVM start included)
    images: int
    imaging_s: float  # start to last vector (Storm: JVM start and model loading included)
    crawl_cpu_s: float | None = None  # CPU seconds of this process (the embedded runner) for each
    imaging_cpu_s: float | None = None


def start_servers() -> None:
    for name in ("solr", "kafka", "milvus"):
        subprocess.run([str(REPO / "scripts" / "services" / name), "start"], check=True)


def cluster_settings(home: Path, access: dict) -> Settings:
    solr = SolrSettings(url="http://127.0.0.1:8983/solr")
    empty_solr(solr)
    run = uuid.uuid4().hex[:8]
    return Settings(
        home=home,
        **CLUSTER_BACKENDS,
        solr=solr,
        kafka={
            "images_topic": f"bench-images-{run}",
            "failed_topic": f"bench-failed-{run}",
            "group_id": f"bench-{run}",
        },
        vectors_uri="http://127.0.0.1:19530",
        vectors_collection=f"bench_{run}",
        crawl=access,
    )


def storm_until(topology: type, settings: Settings, done) -> float:
    started = time.monotonic()
    process = run_local(topology, settings, log_file=settings.home / "storm.log")
    try:
        while not done():
            if process.poll() is not None or time.monotonic() - started > TIMEOUT_S:
                raise SystemExit(f"{topology.__name__} stopped or timed out; see {settings.home / 'storm.log'}")
            time.sleep(0.5)
        return time.monotonic() - started
    finally:
        stop(process)


def on_storm(shop: str, settings: Settings, images: int) -> Run:
    services = Services.shared(settings)
    register_site(services, shop + "/")
    crawl_s = storm_until(
        CrawlerTopology,
        settings,
        lambda: services.frontier.outstanding() == 0 and services.frontier.due(time.time()) == 0,
    )
    pages = services.frontier.counts()["fetched"]
    # Keep the first `images` tasks: a fresh group reads the topic from the start.
    imaging_s = storm_until(ImagingTopology, settings, lambda: services.vectors.count(label="image") >= images)
    return Run(pages=pages, products=services.products.count(), crawl_s=crawl_s, images=images, imaging_s=imaging_s)


def embedded(shop: str, settings: Settings, images: int) -> Run:
    services = Services.shared(settings)
    site = register_site(services, shop + "/")
    started, cpu_started = time.monotonic(), time.process_time()
    run_crawl(settings, site_ids=[site.id])
    crawl_s, crawl_cpu_s = time.monotonic() - started, time.process_time() - cpu_started
    pages = services.frontier.counts()["fetched"]
    tasks = [message.task for message in services.queue.poll(images, 3600)]
    fresh = Services.shared(settings.model_copy(update={"home": settings.home / "imaging"}))
    fresh.queue.publish(tasks)
    started, cpu_started = time.monotonic(), time.process_time()
    run_until_indexed(fresh.settings)
    return Run(
        pages=pages,
        products=services.products.count(),
        crawl_s=crawl_s,
        images=len(tasks),
        imaging_s=time.monotonic() - started,
        crawl_cpu_s=crawl_cpu_s,
        imaging_cpu_s=time.process_time() - cpu_started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=48)
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    start_servers()
    with tempfile.TemporaryDirectory() as scratch, running_shop(crawl_delay=0) as shop:
        host = shop.removeprefix("http://")
        access = {"allow_hosts": [host], "no_delay_hosts": [host]}
        storm = on_storm(shop, cluster_settings(Path(scratch) / "cluster", access), args.images)
        peer = embedded(shop, Settings(home=Path(scratch) / "embedded", crawl=access), args.images)
    if args.json:
        print(json.dumps({"storm": storm.model_dump(), "embedded": peer.model_dump()}))
        return
    table = Table(title="Demo shop: Storm local mode on Solr + Kafka + Milvus server vs the embedded runner")
    for column in ("", "pages", "products", "crawl s", "pages/s", "images", "imaging s", "images/s"):
        table.add_column(column, justify="right")
    for name, run in (("storm + servers", storm), ("embedded", peer)):
        table.add_row(
            name,
            str(run.pages),
            str(run.products),
            f"{run.crawl_s:.1f}",
            f"{run.pages / run.crawl_s:.1f}",
            str(run.images),
            f"{run.imaging_s:.1f}",
            f"{run.images / run.imaging_s:.2f}",
        )
    table.add_row(
        "ratio storm/embedded",
        "",
        "",
        f"{storm.crawl_s / peer.crawl_s:.2f}",
        "",
        "",
        f"{storm.imaging_s / peer.imaging_s:.2f}",
        "",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
