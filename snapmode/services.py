"""Process-wide handles on backends, crawler parts and models, opened lazily and shared.

Every adapter (bolts, the embedded runner, the CLI, the API) gets its dependencies
from one `Services`; a process that never searches never loads a model.
"""

from __future__ import annotations

import gc
from functools import cached_property
from typing import TYPE_CHECKING

from snapmode.backends import registry
from snapmode.config import Settings
from snapmode.vision import frameworks

if TYPE_CHECKING:
    from snapmode.access.keys import KeyStore
    from snapmode.backends.frontier.base import Frontier
    from snapmode.backends.rejects.base import RejectLog
    from snapmode.backends.sites.base import SiteRegistry
    from snapmode.crawl.fetcher import Fetcher
    from snapmode.crawl.politeness import HostSlots
    from snapmode.crawl.robots import RobotsCache
    from snapmode.vision.article_types import ArticleTypeHead
    from snapmode.vision.classifier import ProductClassifier
    from snapmode.vision.detector import GarmentDetector
    from snapmode.vision.embedder import DcganEmbedder

_shared: dict[str, Services] = {}


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.ensure_home()

    @classmethod
    def shared(cls, settings: Settings) -> Services:
        """One instance per configuration and process (Milvus Lite allows one client per data dir)."""
        key = settings.model_dump_json()
        if key not in _shared:
            _shared[key] = cls(settings)
        return _shared[key]

    @cached_property
    def products(self):
        return registry.open_product_index(self.settings)

    @cached_property
    def queue(self):
        return registry.open_image_queue(self.settings)

    @cached_property
    def vectors(self):
        return registry.open_vector_store(self.settings)

    @cached_property
    def sites(self) -> SiteRegistry:
        return registry.open_site_registry(self.settings)

    @cached_property
    def rejects(self) -> RejectLog:
        return registry.open_reject_log(self.settings)

    @cached_property
    def frontier(self) -> Frontier:
        return registry.open_frontier(self.settings)

    @cached_property
    def keys(self) -> KeyStore:
        from snapmode.access.keys import KeyStore

        return KeyStore(self.settings.home / "keys.sqlite3")

    @cached_property
    def fetcher(self) -> Fetcher:
        from snapmode.crawl.fetcher import Fetcher

        return Fetcher(self.settings.crawl, total_timeout=self.settings.crawl.total_timeout)

    @cached_property
    def image_fetcher(self) -> Fetcher:
        """The crawler's fetcher (SSRF guard, vetted redirects, size cap) with a deadline fit for an API request."""
        from snapmode.crawl.fetcher import Fetcher

        return Fetcher(self.settings.crawl, total_timeout=self.settings.api.image_url_timeout)

    @cached_property
    def robots(self) -> RobotsCache:
        from snapmode.crawl.robots import RobotsCache

        return RobotsCache(self.fetcher, self.settings.crawl.user_agent)

    @cached_property
    def host_slots(self) -> HostSlots:
        from snapmode.crawl.politeness import HostSlots

        return HostSlots(default_delay=self.settings.crawl.delay, no_delay_hosts=self.settings.crawl.no_delay_hosts)

    @cached_property
    def detector(self) -> GarmentDetector:
        from snapmode.vision.detector import GarmentDetector

        return GarmentDetector(
            self.settings.models_dir / "detector.pt",
            confidence=self.settings.imaging.detector_confidence,
            max_regions=self.settings.imaging.max_regions,
        )

    @cached_property
    def embedder(self) -> DcganEmbedder:
        from snapmode.vision.embedder import DcganEmbedder

        return DcganEmbedder(self.settings.models_dir / "dcgan_discriminator.weights.h5")

    @cached_property
    def article_types(self) -> ArticleTypeHead:
        from snapmode.vision.article_types import WEIGHTS_NAME, ArticleTypeHead

        return ArticleTypeHead(self.settings.models_dir / WEIGHTS_NAME)

    @cached_property
    def classifier(self) -> ProductClassifier:
        from snapmode.vision.classifier import ProductClassifier

        return ProductClassifier(self.settings.models_dir / "classifier.keras")

    def load_models(self) -> None:
        """Load every model now, so the first search or image of a process does not pay for it.

        The process runs both frameworks from then on: torch (the detector) loads before TensorFlow, see
        snapmode.vision.frameworks.
        """
        frameworks.uses("torch", "tensorflow")
        _ = self.detector, self.embedder, self.article_types.families, self.classifier  # cached: reading loads them
        # The frameworks and models leave about 700,000 objects that live as long as the process. Each full pass
        # of the garbage collector walked them all: 340 ms, one search in a hundred (the p99). Frozen, a full
        # pass takes 1-5 ms (docs/operations.md, "A million photos"); garbage is collected first, not frozen.
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        handles = ("products", "queue", "vectors", "sites", "rejects", "frontier", "fetcher", "image_fetcher", "keys")
        for name in handles:
            if name in self.__dict__:
                self.__dict__.pop(name).close()
        _shared.pop(self.settings.model_dump_json(), None)
