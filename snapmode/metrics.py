"""Prometheus metrics of the core, shared by every adapter.

Counters live in the process that does the work (a runner, a Storm worker); state that
several processes share (the frontier) is read from its store when scraped, so its
gauges are right whichever process serves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from snapmode.backends.frontier.base import Frontier

PAGES = Counter("snapmode_pages", "Crawled URLs settled, by outcome", ["outcome"])
FETCH_ERRORS = Counter("snapmode_fetch_errors", "Failed URLs by error kind", ["kind"])
FETCH_SECONDS = Histogram(
    "snapmode_fetch_seconds",
    "Time to fetch one URL, redirects included",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PRODUCTS_INDEXED = Counter("snapmode_products_indexed", "Product pages written to the product index")
PRICE_CHANGES = Counter("snapmode_price_changes", "Recrawls that found a new price or availability")
IMAGES_PUBLISHED = Counter("snapmode_images_published", "Image URLs put on the image queue")


class FrontierCollector(Collector):
    """URLs per status and URLs due per host, read from the frontier at scrape time."""

    def __init__(self, frontier: Frontier, *, top_hosts: int = 20) -> None:
        self._frontier = frontier
        self._top_hosts = top_hosts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        urls = GaugeMetricFamily("snapmode_frontier_urls", "URLs in the frontier by status", labels=["status"])
        for status, count in self._frontier.counts().items():
            urls.add_metric([status], count)
        yield urls
        queued = GaugeMetricFamily("snapmode_frontier_queued", "URLs waiting to be fetched, per host", labels=["host"])
        for host, count in list(self._frontier.queued_by_host().items())[: self._top_hosts]:
            queued.add_metric([host], count)
        yield queued


def value(counter: Counter, **labels: str) -> float:
    """Current value of one counter (and label set) in this process."""
    for metric in counter.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total") and sample.labels == labels:
                return sample.value
    return 0.0


def by_label(counter: Counter, label: str) -> dict[str, float]:
    """Every label value of ``counter`` seen in this process, with its count."""
    totals: dict[str, float] = {}
    for metric in counter.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                totals[sample.labels[label]] = sample.value
    return totals


def serve(port: int, frontier: Frontier | None = None, registry: CollectorRegistry = REGISTRY) -> None:
    """Expose /metrics on ``port`` from a background thread."""
    if frontier is not None:
        registry.register(FrontierCollector(frontier))
    start_http_server(port, registry=registry)
