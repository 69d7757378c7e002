"""The embedded deployment: both topologies interleaved in one process until the sources drain.

One process because Milvus Lite allows one client per data directory; the crawler's
politeness pauses leave the imaging topology the CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel

from snapmode import metrics
from snapmode.config import Settings
from snapmode.runner.embedded import EmbeddedRunner
from snapmode.services import Services

if TYPE_CHECKING:
    from streamparse import Topology

IDLE_SLEEP = 0.02
SETTLED_PAGES = ("fetched", "redirect")


class CrawlStats(BaseModel):
    pages_fetched: int  # this run: pages fetched (304s and redirects included)
    pages_outstanding: int
    products: int  # in the product index
    images_queued: int
    errors: dict[str, int]  # this run, by error kind
    queued_by_host: dict[str, int]
    seconds: float
    pages_per_second: float


class _CrawlCounters:
    """Pages and errors since this run started (the metrics are process-wide)."""

    def __init__(self) -> None:
        self._pages = self._count_pages()
        self._errors = metrics.by_label(metrics.FETCH_ERRORS, "kind")

    def pages(self) -> int:
        return int(self._count_pages() - self._pages)

    def errors(self) -> dict[str, int]:
        now = metrics.by_label(metrics.FETCH_ERRORS, "kind")
        return {kind: int(n - self._errors.get(kind, 0)) for kind, n in now.items() if n > self._errors.get(kind, 0)}

    @staticmethod
    def _count_pages() -> float:
        return sum(metrics.value(metrics.PAGES, outcome=outcome) for outcome in SETTLED_PAGES)


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


def run_crawl(
    settings: Settings,
    *,
    site_ids: list[str] | None = None,
    max_pages: int | None = None,
    on_progress: Callable[[CrawlStats], None] = lambda stats: None,
    progress_every: float = 1.0,
    topology: type[Topology] | None = None,
) -> CrawlStats:
    """Crawl the given sites (default: all) until no URL is outstanding or due (recrawls included),
    or ``max_pages`` were fetched. ``topology`` defaults to topologies/crawler.py's.

    Image URLs are queued for a later ``run_until_indexed``. Interrupting (Ctrl-C) loses
    nothing: URLs claimed but not finished are due again on the next run.
    """
    from spouts.frontier import SITES_CONF
    from topologies.crawler import CrawlerTopology

    services = Services.shared(settings)
    conf = settings.to_conf() | ({SITES_CONF: site_ids} if site_ids is not None else {})
    counters = _CrawlCounters()

    def outstanding() -> int:
        return _unpaused_total(services, services.frontier.outstanding, site_ids)

    def drained() -> bool:
        """Nothing in progress and nothing due, recrawls included."""
        now = time.time()
        return outstanding() == 0 and _unpaused_total(services, partial(services.frontier.due, now), site_ids) == 0

    def stats() -> CrawlStats:
        seconds = time.monotonic() - started
        pages = counters.pages()
        queued: dict[str, int] = {}
        for site_id in site_ids or [None]:
            for host, n in services.frontier.queued_by_host(site_id).items():
                queued[host] = queued.get(host, 0) + n
        return CrawlStats(
            pages_fetched=pages,
            pages_outstanding=outstanding(),
            products=services.products.count(),
            images_queued=services.queue.pending(),
            errors=counters.errors(),
            queued_by_host=queued,
            seconds=round(seconds, 2),
            pages_per_second=round(pages / seconds, 2) if seconds > 0 else 0.0,
        )

    crawler = EmbeddedRunner(
        topology or CrawlerTopology,
        conf,
        finished=lambda: drained() or (max_pages is not None and counters.pages() >= max_pages),
    )
    started = time.monotonic()
    last_report = 0.0
    pending = crawler.max_spout_pending
    try:
        while not crawler.done():
            if max_pages is not None:
                # Never more URLs in flight than the budget has left, so the budget is exact.
                crawler.max_spout_pending = max(0, min(pending, max_pages - counters.pages()))
            if not crawler.step():
                crawler.wait(IDLE_SLEEP)  # returns as soon as a fetch thread hands in a page
            if time.monotonic() - last_report >= progress_every:
                last_report = time.monotonic()
                on_progress(stats())
    finally:
        _deactivate(crawler)
    final = stats()
    on_progress(final)
    return final


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
    crawler = EmbeddedRunner(
        CrawlerTopology, conf, finished=lambda: _unpaused_total(services, services.frontier.outstanding, None) == 0
    )
    imaging = EmbeddedRunner(
        ImagingTopology, conf, finished=lambda: crawler.done() and services.queue.pending() == 0
    )
    started = time.monotonic()
    last_report = 0.0
    try:
        while not (crawler.done() and imaging.done()):
            worked = crawler.step() if not crawler.done() else False
            worked = imaging.step() or worked
            if not worked:
                crawler.wait(IDLE_SLEEP)  # returns as soon as a fetch thread hands in a page
            if time.monotonic() - last_report >= progress_every:
                last_report = time.monotonic()
                on_progress(index_stats(services, started))
    finally:
        _deactivate(crawler)
        _deactivate(imaging)
    stats = index_stats(services, started)
    on_progress(stats)
    return stats


def _unpaused_total(services: Services, count: Callable[[str | None], int], site_ids: list[str] | None) -> int:
    """``count(site_id)`` over the given sites (None: all), paused sites left out: they wait for a resume."""
    from snapmode.pipeline.operators import paused_sites

    paused = paused_sites(services)
    if site_ids is None:
        return count(None) - sum(count(site_id) for site_id in paused)
    return sum(count(site_id) for site_id in site_ids if site_id not in paused)


def _deactivate(runner: EmbeddedRunner) -> None:
    """Let spouts hand back what they claimed but never emitted (Storm calls this on deactivation)."""
    for name in runner.spouts:
        runner.components[name].deactivate()
