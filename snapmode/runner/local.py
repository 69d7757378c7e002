"""The embedded deployment: both topologies interleaved in one process until the sources drain.

One process because Milvus Lite allows one client per data directory; the crawler's
politeness pauses leave the imaging topology the CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel

from snapmode.config import Settings
from snapmode.runner.embedded import EmbeddedRunner
from snapmode.services import Services

IDLE_SLEEP = 0.02


class IndexStats(BaseModel):
    pages_fetched: int
    pages_outstanding: int
    page_errors: int
    products: int
    images_queued: int
    images: int  # photos fully embedded (their whole-image vector exists)
    images_rejected: int
    vectors: int
    seconds: float


def index_stats(services: Services, started: float) -> IndexStats:
    counts = services.frontier.counts()
    return IndexStats(
        pages_fetched=counts.get("fetched", 0),
        pages_outstanding=services.frontier.outstanding(),
        page_errors=counts.get("error", 0),
        products=services.products.count(),
        images_queued=services.queue.pending(),
        images=services.vectors.count(label="image"),
        images_rejected=services.rejects.count("image"),
        vectors=services.vectors.count(),
        seconds=round(time.monotonic() - started, 1),
    )


def run_until_indexed(
    settings: Settings,
    on_progress: Callable[[IndexStats], None] = lambda stats: None,
    progress_every: float = 1.0,
) -> IndexStats:
    """Crawl every registered site and embed every image found; return the final figures."""
    # Topology modules import the bolts, which import the core: load them only when running.
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    services = Services.shared(settings)
    conf = settings.to_conf()
    crawler = EmbeddedRunner(CrawlerTopology, conf, finished=lambda: services.frontier.outstanding() == 0)
    imaging = EmbeddedRunner(
        ImagingTopology, conf, finished=lambda: crawler.done() and services.queue.pending() == 0
    )
    started = time.monotonic()
    last_report = 0.0
    while not (crawler.done() and imaging.done()):
        worked = crawler.step() if not crawler.done() else False
        worked = imaging.step() or worked
        if not worked:
            time.sleep(IDLE_SLEEP)
        if time.monotonic() - last_report >= progress_every:
            last_report = time.monotonic()
            on_progress(index_stats(services, started))
    stats = index_stats(services, started)
    on_progress(stats)
    return stats
