"""How far a crawl or an indexing run has got and when it is done: the figures it reports, whether nothing is left
to fetch, and which sites' URLs wait for a retry that is not due yet.

Engine-free: a runner (launch/runner/local.py) steps the topologies and asks these questions between steps. Paused
sites count nowhere: they wait for a resume, not for the run.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from pydantic import BaseModel

from snapmode import metrics
from snapmode.pipeline.operators import paused_sites
from snapmode.services import Services

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


class RetryWait(BaseModel):
    """A site's URLs that failed for now and wait for a retry whose time has not come."""

    site_id: str
    root_url: str
    urls: int
    errors: dict[str, int]  # by error kind, e.g. {"robots_unreachable": 2}, most frequent first
    next_retry_at: float  # wall-clock time of the earliest retry


class IndexStats(BaseModel):
    pages_fetched: int
    pages_outstanding: int  # retries not due yet included
    page_errors: int
    products: int
    images_queued: int
    images: int  # photos fully embedded (their whole-image vector exists)
    images_rejected: int
    vectors: int
    seconds: float
    waiting_for_retry: list[RetryWait] = []  # in the final figures: what the run left for a later retry


class CrawlCounters:
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


def crawl_outstanding(services: Services, site_ids: list[str] | None) -> int:
    """URLs of the given sites (None: all) not settled yet, retries not due yet included."""
    return unpaused_total(services, services.frontier.outstanding, site_ids)


def crawl_drained(services: Services, site_ids: list[str] | None, now: float) -> bool:
    """Nothing in progress and nothing due, recrawls included: a crawl to the end is done."""
    due = partial(services.frontier.due, now)
    return crawl_outstanding(services, site_ids) == 0 and unpaused_total(services, due, site_ids) == 0


def nothing_due(services: Services, now: float) -> bool:
    """No URL claimed or due now: an indexing run's crawl is done. A retry that is not due yet is never waited for,
    so one site whose fetches keep failing (retried after minutes) does not hold up the others."""

    def claimed_or_due(site_id: str | None) -> int:
        # Claimed URLs count: the spout may hold some back for the host's politeness delay.
        return services.frontier.counts(site_id)["in_flight"] + services.frontier.due(now, site_id)

    return unpaused_total(services, claimed_or_due, None) == 0


def crawl_stats(services: Services, counters: CrawlCounters, site_ids: list[str] | None, seconds: float) -> CrawlStats:
    pages = counters.pages()
    queued: dict[str, int] = {}
    for site_id in site_ids or [None]:
        for host, n in services.frontier.queued_by_host(site_id).items():
            queued[host] = queued.get(host, 0) + n
    return CrawlStats(
        pages_fetched=pages,
        pages_outstanding=crawl_outstanding(services, site_ids),
        products=services.products.count(),
        images_queued=services.queue.pending(),
        errors=counters.errors(),
        queued_by_host=queued,
        seconds=round(seconds, 2),
        pages_per_second=round(pages / seconds, 2) if seconds > 0 else 0.0,
    )


def index_stats(services: Services, started: float) -> IndexStats:
    """The figures of an indexing run that started at ``started`` (``time.monotonic()``)."""
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


def waiting_for_retry(services: Services, now: float) -> list[RetryWait]:
    """Per site, the URLs whose retry is due after ``now``."""
    paused = paused_sites(services)
    waits = []
    for site in services.sites.all():
        counts = services.frontier.counts(site.id)
        if site.id in paused or not counts["transient_error"]:
            continue
        failed = services.frontier.failures(site.id, limit=counts["transient_error"] + counts["error"])
        later = [entry for entry in failed if entry.status == "transient_error" and entry.next_fetch_at > now]
        if later:
            kinds = Counter(entry.last_error or "unknown" for entry in later)
            waits.append(
                RetryWait(
                    site_id=site.id,
                    root_url=site.root_url,
                    urls=len(later),
                    errors=dict(kinds.most_common()),
                    next_retry_at=min(entry.next_fetch_at for entry in later),
                )
            )
    return waits


def unpaused_total(services: Services, count: Callable[[str | None], int], site_ids: list[str] | None) -> int:
    """``count(site_id)`` over the given sites (None: all), paused sites left out."""
    paused = paused_sites(services)
    if site_ids is None:
        return count(None) - sum(count(site_id) for site_id in paused)
    return sum(count(site_id) for site_id in site_ids if site_id not in paused)
