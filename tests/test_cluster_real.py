"""The cluster path as a real multi-process cluster on loopback, started and stopped by `scripts/cluster`:
ZooKeeper, Storm Nimbus, two supervisors and the UI, three Kafka brokers (KRaft), two SolrCloud nodes and a Milvus
standalone server. Both topologies are submitted to Nimbus (never local mode); a tiny shop is crawled through
the crawler topology and its photos embedded through the imaging topology.

The cluster gets a home of its own under the test's temporary directory and is stopped however the test ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from launch.storm.__main__ import submit
from snapmode.backends.vectors.compact import PROJECTION_NAME, VectorCodec, save_projection
from snapmode.backends.vectors.compact_store import CompactVectorStore
from snapmode.backends.vectors.milvus import MilvusVectorStore
from snapmode.config import CLUSTER_BACKENDS, REPO_ROOT, Settings
from snapmode.domain import VectorRecord
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.catalog import load_catalog
from snapmode.vision.colour import COLOUR_DIM
from tests.support.crawl_results import crawl_drained
from tests.support.tiny_shop import tiny_shop
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

pytestmark = pytest.mark.services  # real servers and Apache Storm

CLUSTER = REPO_ROOT / "scripts" / "cluster"
SHOP_PRODUCTS = 3
NIMBUS = ("127.0.0.1", 6627)
UI_PORT = 8744
SOLR_URL = "http://127.0.0.1:8984/solr"
KAFKA_BROKERS = "127.0.0.1:9192,127.0.0.1:9292,127.0.0.1:9392"
KAFKA3_PORT = 9392
MILVUS_URI = "http://127.0.0.1:19540"
UP_TIMEOUT_S = 600  # `up` has its own deadline per daemon; this one only guards against a hung script
INDEXED_TIMEOUT_S = 360  # workers' start and the models' loading on 2 shared cores


def cluster_command(home: Path, *args: str, timeout: float = UP_TIMEOUT_S) -> str:
    environment = os.environ | {"SNAPMODE_CLUSTER_HOME": str(home)}
    done = subprocess.run(
        [str(CLUSTER), *args], env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"scripts/cluster {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def cluster_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("cluster")
    try:
        cluster_command(home, "up")
        yield home
    finally:
        cluster_command(home, "down")


def wait_for(done: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < timeout, f"{what}: not done in {timeout} s"
        time.sleep(2)
    return time.monotonic() - started


def replica_product_counts(collection: str) -> list[int]:
    """Products in each replica of the collection's one shard, each asked on its own node (distrib=false)."""
    with urllib.request.urlopen(f"{SOLR_URL}/admin/collections?action=CLUSTERSTATUS&collection={collection}") as r:
        shard = json.load(r)["cluster"]["collections"][collection]["shards"]["shard1"]
    counts = []
    for replica in shard["replicas"].values():
        assert replica["state"] == "active", replica
        url = f"{replica['base_url']}/{replica['core']}/select?q=type:product&rows=0&distrib=false"
        with urllib.request.urlopen(url) as answer:
            counts.append(json.load(answer)["response"]["numFound"])
    return counts


def ui_json(path: str) -> dict[str, Any]:
    """An answer of Storm UI's REST API (it asks Nimbus)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{UI_PORT}/api/v1/{path}", timeout=60) as answer:
        return json.load(answer)


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the TCP sockets listening on PORT."""
    return {
        connection.laddr.ip
        for connection in psutil.net_connections(kind="tcp")
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port
    }


def test_a_daemon_that_cannot_come_up_is_named_with_its_log_and_what_up_started_is_stopped(tmp_path: Path) -> None:
    """Runs before the module's cluster is up: kafka3's port is held here, so `up` starts ZooKeeper and the
    first two brokers, then finds kafka3 cannot have its port."""
    home = tmp_path / "cluster"
    environment = os.environ | {"SNAPMODE_CLUSTER_HOME": str(home)}
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # an earlier run's connections may linger
        squatter.bind(("127.0.0.1", KAFKA3_PORT))
        squatter.listen()
        done = subprocess.run(
            [str(CLUSTER), "up"], env=environment, capture_output=True, text=True, timeout=UP_TIMEOUT_S, check=False
        )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"cluster: kafka3 did not come up: port {KAFKA3_PORT} is already taken by another process" in done.stderr
    assert f"cluster: kafka3's log: {home}/kafka3/log" in done.stderr
    assert "cluster: up failed; stopping what it started: zookeeper kafka1 kafka2" in done.stderr
    status = subprocess.run(
        [str(CLUSTER), "status"], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert status.returncode == 1
    states = {line.split()[0]: line.split()[1] for line in status.stdout.splitlines()[1:-1]}
    assert set(states.values()) == {"down"}, status.stdout
    for daemon in ("zookeeper", "kafka1", "kafka2"):
        assert not (home / daemon / "pid").exists()


def test_a_shop_crawled_through_topologies_on_nimbus_lands_in_solrcloud_and_milvus(
    cluster_home: Path, tmp_path: Path
) -> None:
    catalog = load_catalog()
    photos = sum(len(product.images) for product in catalog.products[:SHOP_PRODUCTS])
    with tiny_shop(tmp_path, SHOP_PRODUCTS) as shop:
        host = shop.removeprefix("http://")
        settings = Settings(
            home=tmp_path / "snapmode",
            **CLUSTER_BACKENDS,
            solr={"url": SOLR_URL},
            kafka={"bootstrap_servers": KAFKA_BROKERS},
            vectors_uri=MILVUS_URI,
            crawl={"allow_hosts": [host], "no_delay_hosts": [host]},
        )
        services = Services.shared(settings)
        register_site(services, shop + "/")
        for topology in (CrawlerTopology, ImagingTopology):
            assert submit(topology, settings, *NIMBUS, workers=2) == 0
        listing = cluster_command(cluster_home, "topologies", timeout=120)
        assert {line.split()[0] for line in listing.splitlines() if line.startswith("snapmode-")} == {
            "snapmode-crawler",
            "snapmode-imaging",
        }
        # Storm's UI sees the same through Nimbus, and listens on loopback only
        assert ui_json("cluster/summary")["supervisors"] == 2
        ui_topologies = {topology["name"]: topology["status"] for topology in ui_json("topology/summary")["topologies"]}
        assert ui_topologies == {"snapmode-crawler": "ACTIVE", "snapmode-imaging": "ACTIVE"}
        assert listening_addresses(UI_PORT) == {"127.0.0.1"}

        def indexed() -> bool:
            return (
                crawl_drained(services)
                and services.products.count() == SHOP_PRODUCTS
                and services.vectors.count(label="image") == photos
                and services.queue.pending() == 0
            )

        seconds = wait_for(indexed, INDEXED_TIMEOUT_S, "crawl and images through the submitted topologies")
        print(f"cluster: {SHOP_PRODUCTS} products, {photos} photos indexed {seconds:.0f} s after submitting")
        cluster_command(cluster_home, "unsubmit", timeout=180)
        services.close()

    # Every product on both Solr nodes; the image topic replicated to all three brokers, two needed in sync.
    assert replica_product_counts(settings.solr.products_core) == [SHOP_PRODUCTS, SHOP_PRODUCTS]
    admin = KafkaAdminClient(bootstrap_servers=KAFKA_BROKERS.split(","))
    (topic,) = admin.describe_topics([settings.kafka.images_topic])
    assert {len(partition["replica_nodes"]) for partition in topic["partitions"]} == {3}
    images_topic = ConfigResource(ConfigResourceType.TOPIC, settings.kafka.images_topic)
    described = admin.describe_configs([images_topic], config_filter="all")
    admin.close()
    assert described["topic"][settings.kafka.images_topic]["min.insync.replicas"]["value"] == "2"


def test_a_supervisor_started_again_launches_its_workers_and_signals_no_process_its_old_workers_pids_now_name(
    cluster_home: Path, tmp_path: Path
) -> None:
    """`scripts/cluster kill` ends a supervisor and its workers (one process group). Started again, it launches
    them afresh from Nimbus's assignment. The records of its old workers would otherwise have it wait for their
    heartbeats to go stale and then SIGTERM the PIDs they name, which on a host whose PIDs wrap can be another
    process's by then: here a bystander holds one of them."""
    settings = Settings(
        home=tmp_path / "snapmode",
        **CLUSTER_BACKENDS,
        solr={"url": SOLR_URL},
        kafka={"bootstrap_servers": KAFKA_BROKERS},
        vectors_uri=MILVUS_URI,
    )
    workers = cluster_home / "supervisor1" / "storm-local" / "workers"
    log = cluster_home / "supervisor1" / "log"
    earlier = set(workers.glob("*"))  # an earlier test's workers, their records perhaps not yet cleaned up

    def new_workers_pids() -> list[Path]:
        return [worker / "pids" for worker in set(workers.glob("*")) - earlier if any(worker.glob("pids/*"))]

    assert submit(CrawlerTopology, settings, *NIMBUS, workers=2) == 0  # a worker on each supervisor
    try:
        wait_for(lambda: bool(new_workers_pids()), INDEXED_TIMEOUT_S, "a crawler worker on supervisor1")
        cluster_command(cluster_home, "kill", "supervisor1")
        (old_worker_pids,) = new_workers_pids()
        bystander = subprocess.Popen(["sleep", "600"])
        try:
            (old_worker_pids / str(bystander.pid)).touch()
            started_at = log.stat().st_size
            cluster_command(cluster_home, "start", "supervisor1")

            def relaunched() -> bool:
                with log.open("rb") as lines:
                    lines.seek(started_at)
                    return b"Launching worker with assignment" in lines.read()

            wait_for(relaunched, INDEXED_TIMEOUT_S, "supervisor1 launching its worker again")
            assert bystander.poll() is None, "the restarted supervisor signalled a PID its old worker had"
        finally:
            bystander.kill()
            bystander.wait()
    finally:
        cluster_command(cluster_home, "unsubmit", timeout=180)


def test_a_storm_command_that_nimbus_does_not_answer_fails_in_the_time_allowed_naming_nimbus_log(
    cluster_home: Path,
) -> None:
    """Storm's clients wait ten minutes for Nimbus by default: a stopped Nimbus (SIGSTOP: its port still takes
    connections) would hold `scripts/cluster topologies`, `rebalance` or `unsubmit` that long."""
    nimbus = int((cluster_home / "nimbus" / "pid").read_text())
    environment = os.environ | {"SNAPMODE_CLUSTER_HOME": str(cluster_home), "SNAPMODE_CLUSTER_STORM_ANSWER_S": "3"}
    os.kill(nimbus, signal.SIGSTOP)
    try:
        started = time.monotonic()
        done = subprocess.run(
            [str(CLUSTER), "topologies"], env=environment, capture_output=True, text=True, timeout=120, check=False
        )
        waited = time.monotonic() - started
    finally:
        os.kill(nimbus, signal.SIGCONT)
    assert done.returncode != 0, done.stdout
    assert waited < 30, f"waited {waited:.0f} s for a stopped Nimbus"
    assert f"cluster: storm ListTopologies failed (exit 1); Nimbus's log: {cluster_home}/nimbus/log" in done.stderr
    cluster_command(cluster_home, "topologies", timeout=120)  # and Nimbus, woken, answers again


def test_the_compact_store_on_the_milvus_server_finds_its_own_writes_at_once_and_rebuilds(
    cluster_home: Path, tmp_path: Path
) -> None:
    """The embedded default's vector store with its index in the Milvus standalone server: each search finds the
    region this process wrote just before it (searches ask for "Session" consistency, which spares them the
    server's time tick but not their own writes), and `rebuild` writes the index again from the stored rows, whose
    IVF lists the server then builds."""
    basis, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(64, 24)))
    save_projection(tmp_path / PROJECTION_NAME, basis.T)
    codec = VectorCodec(tmp_path / PROJECTION_NAME, index_dims=6, rerank_dims=24)
    vectors = np.random.default_rng(0).normal(size=(30, 24)) @ codec.projection
    regions = [
        VectorRecord(
            id=f"region-{i}", product_id=f"product-{i}", image_url=f"https://shop.example/{i}.jpg", box=(0, 0, 9, 9),
            label="image", vector=vector.tolist(), colour=[1.0] + [0.0] * (COLOUR_DIM - 1), article_types=[1.0],
        )
        for i, vector in enumerate(vectors)
    ]  # fmt: skip
    store = CompactVectorStore(
        MILVUS_URI, "compact_on_server", tmp_path / "regions.sqlite3", codec, nlist=4, nprobe=4, refine=4
    )
    try:
        for region in regions:
            store.upsert([region])
            assert [hit.id for hit in store.search(region.vector, 1)] == [region.id]
        assert store.rebuild() == len(regions)
        seen: list[tuple[int, int]] = []
        store.wait_for_lists(lambda built, total: seen.append((built, total)))
        assert seen[-1] == (len(regions), len(regions))  # the server built the lists of every region
        assert [store.search(region.vector, 1)[0].id for region in regions] == [region.id for region in regions]
    finally:
        store.close()


def test_the_full_vector_store_on_the_milvus_server_finds_its_own_writes_at_once(
    cluster_home: Path, tmp_path: Path
) -> None:
    """The cluster path's store (8192-d vectors in the server): each search finds the region this process wrote
    just before it, and the article types a search reads are there too."""
    vectors = np.random.default_rng(1).normal(size=(10, 8192))
    store = MilvusVectorStore(MILVUS_URI, "full_on_server", nlist=1)
    try:
        for i, vector in enumerate(vectors):
            region = VectorRecord(
                id=f"region-{i}", product_id=f"product-{i}", image_url=f"https://shop.example/{i}.jpg",
                box=(0, 0, 9, 9), label="image", vector=vector.tolist(), colour=[1.0] + [0.0] * (COLOUR_DIM - 1),
                article_types=[0.25, 0.75],
            )  # fmt: skip
            store.upsert([region])
            assert [hit.id for hit in store.search(region.vector, 1)] == [region.id]
            assert store.article_types([region.image_url], "image") == {region.image_url: [0.25, 0.75]}
    finally:
        store.drop()
        store.close()
