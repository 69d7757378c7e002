"""Both topologies on a real Apache Storm (local mode: one JVM, one Python process per spout and bolt)
give the same index, queue and vectors as the embedded runner on the same input.

Several component processes share the embedded SQLite files; vectors go to a Milvus Lite server.
The backends are Settings values, so the same tests run on Solr and Kafka by changing `backends`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from launch.runner.local import run_crawl, run_until_indexed
from snapmode.config import Settings
from snapmode.domain import ImageTask
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.catalog import load_catalog
from tests.support.crawl_results import crawl_drained, indexed_products, queued_tasks
from tests.support.storm import run_storm_until
from tests.support.tiny_shop import tiny_shop
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

pytestmark = pytest.mark.services  # Apache Storm

SHOP_PRODUCTS = 6
IMAGES = 3
CRAWL_TIMEOUT_S = 240  # Storm local mode takes 20-40 s to start on 2 cores
IMAGING_TIMEOUT_S = 420  # plus the detector and the embedder loading their models in their processes

backends: dict = {}  # e.g. {"product_index": "solr", "frontier": "solr", ...} once those backends exist


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with tiny_shop(tmp_path_factory.mktemp("tiny-shop"), SHOP_PRODUCTS) as base:
        yield base


def settings_for(shop: str, home: Path, **overrides) -> Settings:
    host = shop.removeprefix("http://")
    return Settings(home=home, crawl={"allow_hosts": [host], "no_delay_hosts": [host]}, **backends, **overrides)


def test_the_crawler_topology_on_storm_indexes_what_the_embedded_runner_does(shop: str, tmp_path: Path) -> None:
    embedded = Services.shared(settings_for(shop, tmp_path / "embedded"))
    site = register_site(embedded, shop + "/")
    run_crawl(embedded.settings, site_ids=[site.id])

    storm = Services.shared(settings_for(shop, tmp_path / "storm"))
    register_site(storm, shop + "/")

    seconds = run_storm_until([CrawlerTopology], storm.settings, lambda: crawl_drained(storm), CRAWL_TIMEOUT_S)
    print(f"Storm crawler topology: start + crawl of {SHOP_PRODUCTS} products in {seconds:.0f} s")

    expected = indexed_products(embedded)
    assert len(expected) == SHOP_PRODUCTS
    assert indexed_products(storm) == expected
    assert storm.frontier.counts() == embedded.frontier.counts()
    tasks = queued_tasks(embedded)
    assert len(tasks) >= SHOP_PRODUCTS
    assert queued_tasks(storm) == tasks
    embedded.close()
    storm.close()


def test_the_imaging_topology_on_storm_stores_the_vectors_the_embedded_runner_does(
    shop: str, tmp_path: Path, milvus_server: str
) -> None:
    catalog = load_catalog()
    tasks = [
        ImageTask(product_id=f"p{i}", image_url=f"{shop}/media/large/{image.file}", position=0)
        for i, product in enumerate(catalog.products[:IMAGES])
        for image in product.images[:1]
    ]
    run = uuid.uuid4().hex[:8]
    embedded = Services.shared(
        settings_for(shop, tmp_path / "embedded", vectors_uri=milvus_server, vectors_collection=f"embedded_{run}")
    )
    embedded.queue.publish(tasks)
    run_until_indexed(embedded.settings)

    storm = Services.shared(
        settings_for(shop, tmp_path / "storm", vectors_uri=milvus_server, vectors_collection=f"storm_{run}")
    )
    storm.queue.publish(tasks)

    def embedded_all() -> bool:
        return storm.queue.pending() == 0 and storm.vectors.count(label="image") == len(tasks)

    seconds = run_storm_until([ImagingTopology], storm.settings, embedded_all, IMAGING_TIMEOUT_S)
    print(f"Storm imaging topology: start + {len(tasks)} images in {seconds:.0f} s")

    assert storm.vectors.count() == embedded.vectors.count() > len(tasks)
    for task in tasks:
        want = {r.id: r for r in embedded.vectors.records_for_image(task.image_url)}
        got = {r.id: r for r in storm.vectors.records_for_image(task.image_url)}
        assert got.keys() == want.keys()
        for record_id, record in want.items():
            assert got[record_id].model_dump(exclude={"vector"}) == record.model_dump(exclude={"vector"})
            np.testing.assert_allclose(got[record_id].vector, record.vector, atol=1e-4)
    assert storm.queue.poll(10, 600) == []  # every message was acked once its vectors were stored
    embedded.close()
    storm.close()
