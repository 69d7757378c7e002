"""Backends chosen by configuration: one table per concern, keyed by the setting's value.

Adding a technology is one entry in a table (a factory from ``Settings``), never a
branch in the callers. Server backends are imported inside their factory, so the embedded
mode never loads their client libraries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from snapmode.backends.frontier.base import Frontier
from snapmode.backends.frontier.schedule import FrontierSchedule
from snapmode.backends.frontier.sqlite import SqliteFrontier
from snapmode.backends.products.base import ProductIndex
from snapmode.backends.products.sqlite import SqliteProductIndex
from snapmode.backends.queue.base import ImageQueue
from snapmode.backends.queue.sqlite import SqliteImageQueue
from snapmode.backends.rejects.base import RejectLog
from snapmode.backends.rejects.sqlite import SqliteRejectLog
from snapmode.backends.sites.base import SiteRegistry
from snapmode.backends.sites.sqlite import SqliteSiteRegistry
from snapmode.backends.vectors.base import VectorStore
from snapmode.config import Settings

Backend = TypeVar("Backend")


def _solr_products(settings: Settings) -> ProductIndex:
    from snapmode.backends.products.solr import SolrProductIndex

    return SolrProductIndex(settings.solr)


def _solr_frontier(settings: Settings) -> Frontier:
    from snapmode.backends.frontier.solr import SolrFrontier

    return SolrFrontier(settings.solr, FrontierSchedule(recrawl=settings.crawl.recrawl))


def _solr_sites(settings: Settings) -> SiteRegistry:
    from snapmode.backends.sites.solr import SolrSiteRegistry

    return SolrSiteRegistry(settings.solr)


def _solr_rejects(settings: Settings) -> RejectLog:
    from snapmode.backends.rejects.solr import SolrRejectLog

    return SolrRejectLog(settings.solr)


def _kafka_queue(settings: Settings) -> ImageQueue:
    from snapmode.backends.queue.kafka import KafkaImageQueue

    return KafkaImageQueue(settings.kafka)


PRODUCT_INDEXES: dict[str, Callable[[Settings], ProductIndex]] = {
    "sqlite": lambda settings: SqliteProductIndex(settings.home / "products.sqlite3"),
    "solr": _solr_products,
}
FRONTIERS: dict[str, Callable[[Settings], Frontier]] = {
    "sqlite": lambda settings: SqliteFrontier(
        settings.home / "frontier.sqlite3", FrontierSchedule(recrawl=settings.crawl.recrawl)
    ),
    "solr": _solr_frontier,
}
SITE_REGISTRIES: dict[str, Callable[[Settings], SiteRegistry]] = {
    "sqlite": lambda settings: SqliteSiteRegistry(settings.home / "sites.sqlite3"),
    "solr": _solr_sites,
}
REJECT_LOGS: dict[str, Callable[[Settings], RejectLog]] = {
    "sqlite": lambda settings: SqliteRejectLog(settings.home / "rejects.sqlite3"),
    "solr": _solr_rejects,
}
IMAGE_QUEUES: dict[str, Callable[[Settings], ImageQueue]] = {
    "sqlite": lambda settings: SqliteImageQueue(settings.home / "queue.sqlite3"),
    "kafka": _kafka_queue,
}


def _open(concern: str, table: Mapping[str, Callable[[Settings], Backend]], name: str, settings: Settings) -> Backend:
    try:
        factory = table[name]
    except KeyError:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown {concern} backend {name!r}; known: {known}") from None
    return factory(settings)


def open_product_index(settings: Settings) -> ProductIndex:
    return _open("product index", PRODUCT_INDEXES, settings.product_index, settings)


def open_frontier(settings: Settings) -> Frontier:
    return _open("frontier", FRONTIERS, settings.frontier, settings)


def open_site_registry(settings: Settings) -> SiteRegistry:
    return _open("site registry", SITE_REGISTRIES, settings.sites, settings)


def open_reject_log(settings: Settings) -> RejectLog:
    return _open("reject log", REJECT_LOGS, settings.rejects, settings)


def open_image_queue(settings: Settings) -> ImageQueue:
    return _open("queue", IMAGE_QUEUES, settings.queue, settings)


def _milvus_vectors(settings: Settings) -> VectorStore:
    # Imported here because pymilvus takes seconds to import and the crawler never needs it.
    from snapmode.backends.vectors.milvus import MilvusVectorStore

    return MilvusVectorStore(settings.resolved_vectors_uri, settings.vectors_collection, nlist=settings.vectors_nlist)


def _compact_vectors(settings: Settings) -> VectorStore:
    return open_compact_store(settings)


def open_compact_store(settings: Settings, rebuilding: bool = False):
    """The compact store (``rebuilding``: its index may be missing, damaged or of other dimensions, for ``rebuild``)."""
    from snapmode.backends.vectors.compact import PROJECTION_NAME, VectorCodec
    from snapmode.backends.vectors.compact_store import CompactVectorStore

    compact = settings.compact_vectors
    codec = VectorCodec(settings.models_dir / PROJECTION_NAME, compact.index_dims, compact.rerank_dims)
    return CompactVectorStore(
        settings.compact_index_uri, compact.collection, settings.compact_payloads_path, codec,
        nlist=compact.nlist, nprobe=compact.nprobe, refine=compact.refine, rebuilding=rebuilding,
    )  # fmt: skip


VECTOR_STORES: dict[str, Callable[[Settings], VectorStore]] = {
    "compact": _compact_vectors,
    "milvus": _milvus_vectors,
}


def open_vector_store(settings: Settings) -> VectorStore:
    """Milvus Lite or a server by ``vectors_uri``, in the layout ``vectors`` names."""
    return _open("vector store", VECTOR_STORES, settings.vectors, settings)
