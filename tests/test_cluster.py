"""The cluster path on real engines: both topologies on Apache Storm (local mode) over Solr, Kafka and a
Milvus server, all started by the project's own scripts.

- The demo shop crawled and embedded this way answers a photo search over the API with the same products
  as the embedded mode.
- Killing the imaging topology mid-stream and starting it again embeds every image exactly once.
- Killing the crawler topology mid-crawl and starting it again loses no page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from launch.runner.local import run_crawl, run_until_indexed
from snapmode.backends.solr_client import SolrCore
from snapmode.config import CLUSTER_BACKENDS, Settings, SolrSettings
from snapmode.domain import ImageTask
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.catalog import load_catalog
from tests.support.crawl_results import crawl_drained, indexed_products, queued_tasks
from tests.support.storm import crash_when, run_storm_until
from tests.support.tiny_shop import tiny_shop
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

pytestmark = pytest.mark.services  # Storm over Solr, Kafka and a Milvus server

SEARCH_SHOP_PRODUCTS = 6
CRASH_SHOP_PRODUCTS = 40
CRASH_IMAGES = 24
TIMEOUT_S = 600  # Storm local start (20-40 s) and model loading on 2 shared cores


@pytest.fixture(scope="module")
def search_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with tiny_shop(tmp_path_factory.mktemp("search-shop"), SEARCH_SHOP_PRODUCTS) as base:
        yield base


@pytest.fixture(scope="module")
def crash_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with tiny_shop(tmp_path_factory.mktemp("crash-shop"), CRASH_SHOP_PRODUCTS) as base:
        yield base


def shop_access(shop: str) -> dict:
    host = shop.removeprefix("http://")
    return {"allow_hosts": [host], "no_delay_hosts": [host]}


@pytest.fixture
def cluster(solr_server: str, kafka_server: str, milvus_server: str, tmp_path: Path) -> Callable[[str], Settings]:
    """Settings for the cluster backends, on empty Solr cores, fresh Kafka topics and a fresh collection."""
    solr = SolrSettings(url=solr_server)
    for core in solr.cores:
        SolrCore(solr, core).delete_all()
    run = uuid.uuid4().hex[:8]
    kafka = {
        "bootstrap_servers": kafka_server,
        "images_topic": f"images-{run}",
        "failed_topic": f"images-failed-{run}",
        "group_id": f"imaging-{run}",
    }

    def settings(shop: str) -> Settings:
        return Settings(
            home=tmp_path / "cluster",
            **CLUSTER_BACKENDS,
            solr=solr,
            kafka=kafka,
            vectors_uri=milvus_server,
            vectors_collection=f"regions_{run}",
            crawl=shop_access(shop),
        )

    return settings


def search_ids(settings: Settings, photo: Path) -> list[str]:
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/v1/search/image", files={"file": (photo.name, photo.read_bytes(), "image/jpeg")})
    assert answer.status_code == 200, answer.text
    return [result["product_id"] for result in answer.json()["results"]]


def test_a_shop_crawled_on_the_cluster_answers_a_photo_search_as_the_embedded_mode_does(
    search_shop: str, cluster: Callable[[str], Settings], tmp_path: Path
) -> None:
    embedded = Services.shared(Settings(home=tmp_path / "embedded", crawl=shop_access(search_shop)))
    register_site(embedded, search_shop + "/")
    embedded_figures = run_until_indexed(embedded.settings)

    on_cluster = Services.shared(cluster(search_shop))
    register_site(on_cluster, search_shop + "/")
    images = embedded.vectors.count(label="image")

    def indexed() -> bool:
        return (
            crawl_drained(on_cluster)
            and on_cluster.products.count() == SEARCH_SHOP_PRODUCTS
            and on_cluster.vectors.count(label="image") == images
            and on_cluster.queue.pending() == 0
        )

    seconds = run_storm_until([CrawlerTopology, ImagingTopology], on_cluster.settings, indexed, TIMEOUT_S)
    print(f"cluster: {SEARCH_SHOP_PRODUCTS} products, {images} images indexed in {seconds:.0f} s (start included)")

    assert indexed_products(on_cluster) == indexed_products(embedded)
    assert on_cluster.vectors.count() == embedded.vectors.count() == embedded_figures.vectors
    catalog = load_catalog()
    photo = catalog.image_path(catalog.products[2].images[0])
    expected = search_ids(embedded.settings, photo)
    assert expected and expected[0] in indexed_products(embedded)
    assert search_ids(on_cluster.settings, photo) == expected
    embedded.close()
    on_cluster.close()


def test_killing_the_imaging_topology_mid_stream_embeds_every_image_exactly_once(
    crash_shop: str, cluster: Callable[[str], Settings]
) -> None:
    settings = cluster(crash_shop)
    services = Services.shared(settings)
    tasks = [
        ImageTask(product_id=product.slug, image_url=f"{crash_shop}/media/large/{image.file}", position=position)
        for product in load_catalog().products[:CRASH_SHOP_PRODUCTS]
        for position, image in enumerate(product.images)
    ][:CRASH_IMAGES]
    services.queue.publish(tasks)

    crash_when(ImagingTopology, settings, lambda: services.vectors.count(label="image") >= 3, TIMEOUT_S)
    after_crash = services.vectors.count(label="image")
    assert 3 <= after_crash < len(tasks), "the crash should come mid-stream"

    run_storm_until(
        [ImagingTopology],
        settings,
        lambda: services.vectors.count(label="image") == len(tasks) and services.queue.pending() == 0,
        TIMEOUT_S,
    )
    per_image = {task.image_url: services.vectors.records_for_image(task.image_url) for task in tasks}
    assert all(len([r for r in records if r.label == "image"]) == 1 for records in per_image.values())
    assert services.vectors.count() == sum(len(records) for records in per_image.values())
    assert services.queue.failed() == []
    services.close()


def test_killing_the_crawler_topology_mid_crawl_loses_no_page(
    crash_shop: str, cluster: Callable[[str], Settings], tmp_path: Path
) -> None:
    embedded = Services.shared(Settings(home=tmp_path / "embedded", crawl=shop_access(crash_shop)))
    site = register_site(embedded, crash_shop + "/")
    run_crawl(embedded.settings, site_ids=[site.id])

    settings = cluster(crash_shop)
    services = Services.shared(settings)
    register_site(services, crash_shop + "/")
    crash_when(CrawlerTopology, settings, lambda: services.products.count() >= 5, TIMEOUT_S)
    assert services.products.count() < CRASH_SHOP_PRODUCTS, "the crash should come mid-crawl"

    run_storm_until([CrawlerTopology], settings, lambda: crawl_drained(services), TIMEOUT_S)

    assert indexed_products(services) == indexed_products(embedded)
    assert services.frontier.counts() == embedded.frontier.counts()
    # Image tasks are published at least once: a page replayed after the crash may publish its photos again.
    checker = Services.shared(
        settings.model_copy(update={"kafka": settings.kafka.model_copy(update={"group_id": "checker"})})
    )
    assert queued_tasks(checker) == queued_tasks(embedded)
    for opened in (checker, services, embedded):
        opened.close()
