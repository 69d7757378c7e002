"""The one typed configuration of SnapMode.

Precedence: constructor arguments > environment (``SNAPMODE_*``, nested with ``__``,
e.g. ``SNAPMODE_CRAWL__DELAY=0.5``) > TOML file named by ``SNAPMODE_CONFIG`` > defaults.
The defaults run the embedded mode in ``./var`` with no servers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


class RecrawlPolicy(BaseModel):
    """When to fetch a page again: sooner when it keeps changing, later when it does not.

    Multiplicative increase/decrease between bounds, the schedule web crawlers commonly use for change-rate
    estimation without keeping a page's whole history (the frontier applies it: snapmode/backends/frontier/schedule.py).
    """

    enabled: bool = True
    initial: float = Field(24 * 3600.0, gt=0, description="Seconds before the first recrawl of a page")
    minimum: float = Field(3600.0, gt=0, description="Shortest interval, however often a page changes")
    maximum: float = Field(30 * 24 * 3600.0, gt=0, description="Longest interval, however stable a page is")
    factor: float = Field(2.0, gt=1, description="Interval divided by this on a change, multiplied when unchanged")

    @model_validator(mode="after")
    def _ordered(self) -> RecrawlPolicy:
        if not self.minimum <= self.initial <= self.maximum:
            raise ValueError("recrawl intervals must satisfy minimum <= initial <= maximum")
        return self

    def next_interval(self, previous: float | None, changed: bool) -> float:
        if previous is None:
            return self.initial
        interval = previous / self.factor if changed else previous * self.factor
        return min(self.maximum, max(self.minimum, interval))


class CrawlSettings(BaseModel):
    user_agent: str = "SnapModeBot/0.1 (+https://github.com/snapmode/snapmode)"
    delay: float = Field(1.0, description="Default seconds between requests to one host when robots.txt names none")
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = Field(30.0, description="Whole-request deadline, so a slow-drip server cannot hold a worker")
    max_body_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    max_depth: int = Field(6, description="Clicks from the home page a link is followed (next pages excepted)")
    max_pagination_pages: int = Field(
        5000, ge=1, description="Next pages followed in a row from a listing's first page (a guard against traps)"
    )
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="host[:port] allowed to resolve to private/loopback addresses (the demo shop, tests)",
    )
    fetch_threads: int = Field(16, ge=1, description="Requests in flight per fetch task at most, all hosts together")
    recrawl: RecrawlPolicy = RecrawlPolicy()
    no_delay_hosts: list[str] = Field(
        default_factory=list,
        description="Entries of allow_hosts crawled with no politeness delay (a local demo shop, benchmarks)",
    )

    @model_validator(mode="after")
    def _no_delay_only_for_allowed_hosts(self) -> CrawlSettings:
        allowed = {host.strip().lower() for host in self.allow_hosts}
        outside = [host for host in self.no_delay_hosts if host.strip().lower() not in allowed]
        if outside:
            raise ValueError(f"no_delay_hosts must also be in allow_hosts (local hosts only): {outside}")
        return self


class ImagingSettings(BaseModel):
    max_image_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_side: int = 32
    detector_confidence: float = 0.25
    max_regions: int = 6
    batch_size: int = Field(16, ge=1, description="Photos each imaging step takes at once (one model call for all)")


class SearchSettings(BaseModel):
    k: int = 10
    candidates: int = Field(200, description="Vectors fetched by DCGAN cosine, then ranked (snapmode.similarity)")
    narrow_min_score: float = Field(
        0.6, ge=0, le=1, description="Classifier confidence at which a narrowed photo search keeps to the category"
    )
    # How a hit is scored (snapmode.similarity); docs/models.md, "Colour and category in the ranking" and "Article
    # types in the ranking", chose them.
    colour_weight: float = Field(
        0.6, ge=0, le=1, description="Share of a hit's score that is colour similarity; the rest is the DCGAN's"
    )
    article_type_weight: float = Field(
        0.2, ge=0, le=1, description="Added to a hit's score times the agreement of its and the query's article types"
    )
    detail_discount: float = Field(0.05, ge=0, le=2, description="Subtracted from a detail view's score")
    query_views: bool = Field(
        True, description="Also search with the query's own detail views (8 vector searches in 2 calls instead of 1)"
    )
    view_candidates: int = Field(
        20, ge=1, description="Stored photos fetched for each of the query's detail views (only a close match wins)"
    )


class SolrSettings(BaseModel):
    url: str = Field("http://127.0.0.1:8983/solr", description="Solr base URL (cluster mode)")
    products_core: str = "products"
    frontier_core: str = "frontier"
    sites_core: str = "sites"
    rejects_core: str = "rejects"
    timeout: float = Field(10.0, description="Seconds per Solr request")

    @property
    def cores(self) -> tuple[str, ...]:
        return (self.products_core, self.frontier_core, self.sites_core, self.rejects_core)


class KafkaSettings(BaseModel):
    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka brokers, comma-separated (cluster mode)")
    images_topic: str = "snapmode.images"
    failed_topic: str = Field("snapmode.images.failed", description="Image tasks given up on, with their errors")
    group_id: str = Field("snapmode-imaging", description="Consumer group of the imaging topology")
    partitions: int = Field(4, ge=1, description="Partitions of the images topic when SnapMode creates it")


class ApiSettings(BaseModel):
    """Limits of the public API: uploads, photo URLs, rate limits, readiness."""

    max_image_side: int = Field(8000, ge=32, description="Longest side in pixels of a photo to search with")
    image_url_timeout: float = Field(10.0, gt=0, description="Whole-fetch deadline of a photo given by URL")
    rate_limit_storage: str = Field("memory://", description="`limits` storage URI, e.g. redis://host:6379")
    search_rate: str = Field("120/minute", description="Text searches per client (`limits` syntax)")
    upload_rate: str = Field("20/minute", description="Photo searches per client (`limits` syntax)")
    ready_timeout: float = Field(3.0, gt=0, description="Seconds each backend gets to answer a readiness check")


class CompactVectorSettings(BaseModel):
    """The compact vector store (snapmode.backends.vectors.compact_store); docs/operations.md, "A million photos",
    has the figures that chose these."""

    index_dims: int = Field(32, ge=1, description="Coordinates the vector index searches (kept in memory)")
    rerank_dims: int = Field(1024, ge=1, description="Coordinates the candidates are re-ranked by (kept on disk)")
    refine: int = Field(8, ge=1, description="Index candidates per result re-ranked by the whole coordinates")
    nlist: int = Field(1024, ge=1, description="IVF lists of a new index")
    nprobe: int = Field(32, ge=1, description="IVF lists scanned per query")
    collection: str = "snapmode_regions_compact"


# The backend choices of a cluster deployment (docs/deploy.md); vectors go to a Milvus server by `vectors_uri`.
CLUSTER_BACKENDS = {
    "product_index": "solr", "frontier": "solr", "sites": "solr", "rejects": "solr", "queue": "kafka", "vectors": "milvus",
}  # fmt: skip


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SNAPMODE_", env_nested_delimiter="__", extra="forbid")

    home: Path = Field(Path("var"), description="Data directory of the embedded backends")
    product_index: str = Field("sqlite", description="Product index backend: sqlite | solr")
    frontier: str = Field("sqlite", description="URL frontier backend: sqlite | solr")
    sites: str = Field("sqlite", description="Site registry backend: sqlite | solr")
    rejects: str = Field("sqlite", description="Reject log backend: sqlite | solr")
    queue: str = Field("sqlite", description="Image-URL queue backend: sqlite | kafka")
    vectors: str = Field(
        "compact",
        description="Vector store: compact (a Milvus index of short vectors, the rest in an SQLite file) | milvus "
        "(everything in Milvus, 8192-d vectors)",
    )
    vectors_uri: str = Field("", description="pymilvus URI: a local .db path (Milvus Lite) or http://host:port")
    vectors_collection: str = "snapmode_regions"
    vectors_nlist: int = Field(
        1,
        ge=1,
        description="IVF lists of a new vector collection: 1 = exact up to tens of thousands of vectors; "
        "~4 x sqrt(vectors) = approximate",
    )
    models_dir: Path = REPO_ROOT / "models"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    web_dist: Path = REPO_ROOT / "web" / "dist"
    crawl_worker: bool = Field(
        True, description="Crawl and embed every active site in the background while `snapmode serve` runs"
    )
    crawl: CrawlSettings = CrawlSettings()
    imaging: ImagingSettings = ImagingSettings()
    search: SearchSettings = SearchSettings()
    compact_vectors: CompactVectorSettings = CompactVectorSettings()
    solr: SolrSettings = SolrSettings()
    kafka: KafkaSettings = KafkaSettings()
    api: ApiSettings = ApiSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("SNAPMODE_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @classmethod
    def from_conf(cls, conf: Mapping[str, Any]) -> Settings:
        """Settings carried in a topology configuration under "snapmode" (env and file still apply beneath)."""
        return cls(**conf.get("snapmode", {}))

    def to_conf(self) -> dict[str, Any]:
        return {"snapmode": self.model_dump(mode="json")}

    @property
    def resolved_vectors_uri(self) -> str:
        return self.vectors_uri or str(self.home / "milvus.db")

    @property
    def compact_index_uri(self) -> str:
        """The compact store's vector index: a server by ``vectors_uri``, else a Milvus Lite file of its own (it
        holds nothing the stored regions cannot rebuild)."""
        return self.vectors_uri or str(self.home / "regions_index.db")

    @property
    def compact_payloads_path(self) -> Path:
        """The compact store's stored regions (snapmode.backends.vectors.payloads)."""
        return self.home / "regions.sqlite3"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
