"""The embedded deployment: both topologies interleaved in one process until the sources drain.

One process because Milvus Lite allows one client per data directory; the crawler's
politeness pauses leave the imaging topology the CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from streamparse import Topology

from launch.runner.embedded import EmbeddedRunner
from snapmode.config import Settings
from snapmode.pipeline.runs import (
    CrawlCounters,
    CrawlStats,
    IndexStats,
    crawl_drained,
    crawl_stats,
    index_stats,
    nothing_due,
    waiting_for_retry,
)
from snapmode.services import Services
from spouts.frontier import SITES_CONF
from topologies.crawler import CrawlerTopology

IDLE_SLEEP = 0.02
# How often a drained-source check that said "not yet" is asked again: it counts the frontier's due and claimed
# URLs, which at millions of URLs costs more than a page, and the runner asks before every tuple.
DRAINED_RECHECK_S = 0.2


def asked_at_most_every(seconds: float, check: Callable[[], bool]) -> Callable[[], bool]:
    """``check``, whose "no" stands for ``seconds`` before it is asked again (a "yes" is asked every time: a
    spout asked for a tuple when there is none emits nothing, one not asked when there is one would stall)."""
    said_no_at = -seconds

    def cached() -> bool:
        nonlocal said_no_at
        if time.monotonic() - said_no_at < seconds:
            return False
        if check():
            return True
        said_no_at = time.monotonic()
        return False

    return cached


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
    services = Services.shared(settings)
    conf = settings.to_conf() | ({SITES_CONF: site_ids} if site_ids is not None else {})
    counters = CrawlCounters()

    def stats() -> CrawlStats:
        return crawl_stats(services, counters, site_ids, time.monotonic() - started)

    drained = asked_at_most_every(DRAINED_RECHECK_S, lambda: crawl_drained(services, site_ids, time.time()))

    def finished() -> bool:
        budget_spent = max_pages is not None and counters.pages() >= max_pages
        return budget_spent or drained()

    crawler = EmbeddedRunner(topology or CrawlerTopology, conf, finished=finished)
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
    """Crawl every registered site until no URL is due now and embed every image found; return the final
    figures, with the URLs left waiting for a retry (``waiting_for_retry``).

    A retry that is not due yet is never waited for: one site whose fetches keep failing (its URLs retried
    after minutes) must not hold up the others. A crawl worker (`snapmode serve`) or the next run retries it.
    """
    from topologies.imaging import ImagingTopology  # its bolts' modules need the imaging install: not `snapmode crawl`

    services = Services.shared(settings)
    conf = settings.to_conf()
    drained = asked_at_most_every(DRAINED_RECHECK_S, lambda: nothing_due(services, time.time()))
    crawler = EmbeddedRunner(CrawlerTopology, conf, finished=drained)
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
    stats.waiting_for_retry = waiting_for_retry(services, time.time())
    on_progress(stats)
    return stats


def _deactivate(runner: EmbeddedRunner) -> None:
    """Let spouts hand back what they claimed but never emitted (Storm calls this on deactivation)."""
    for name in runner.spouts:
        runner.components[name].deactivate()
