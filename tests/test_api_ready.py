"""Readiness and degraded backends, against the real servers behind a TCP proxy that the test cuts
and restores (the shared servers themselves keep running): a backend down is a 503 naming it,
and once it is back the same app serves again, with no restart."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from snapmode.config import ApiSettings, KafkaSettings, Settings, SolrSettings
from tests.support.tcp_proxy import TcpProxy

READY_TIMEOUT = 3.0


@contextmanager
def app_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.services.close()


def eventually(client: TestClient, path: str, status: int, within: float = 45.0) -> httpx.Response:
    """The first answer with ``status``: a client reconnects with a backoff of a few seconds."""
    deadline = time.monotonic() + within
    while True:
        answer = client.get(path)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_embedded_backends_are_ready(tmp_path: Path) -> None:
    with app_client(Settings(home=tmp_path)) as client:
        answer = client.get("/api/v1/ready")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "backends": {"products": "ok", "queue": "ok", "vectors": "ok", "frontier": "ok", "sites": "ok"},
    }


def proxy_to(url_or_address: str) -> TcpProxy:
    parts = urlsplit(url_or_address if "//" in url_or_address else f"//{url_or_address}")
    return TcpProxy(parts.hostname or "127.0.0.1", parts.port or 80)


@pytest.fixture
def solr_proxy(solr_server: str) -> Iterator[TcpProxy]:
    with proxy_to(solr_server) as proxy:
        yield proxy


def test_solr_down_is_503_naming_solr_and_back_without_restart(tmp_path: Path, solr_proxy: TcpProxy) -> None:
    settings = Settings(
        home=tmp_path,
        product_index="solr",
        frontier="solr",
        sites="solr",
        solr=SolrSettings(url=f"http://{solr_proxy.address}/solr", timeout=2.0),
        api=ApiSettings(ready_timeout=READY_TIMEOUT),
    )
    with app_client(settings) as client:
        assert client.get("/api/v1/ready").status_code == 200
        assert client.get("/api/v1/search", params={"q": "jacket"}).status_code == 200

        solr_proxy.close()
        ready = client.get("/api/v1/ready")
        assert ready.status_code == 503 and ready.headers["Retry-After"]
        body = ready.json()
        assert body["status"] == "unavailable" and body["backends"]["vectors"] == "ok"
        for name in ("products", "frontier", "sites"):
            assert f"Solr at http://{solr_proxy.address}/solr/" in body["backends"][name]
        search = client.get("/api/v1/search", params={"q": "jacket"})
        assert search.status_code == 503 and search.headers["Retry-After"] == "5"
        assert "Solr at" in search.json()["detail"] and "cannot be reached" in search.json()["detail"]

        solr_proxy.open()
        assert eventually(client, "/api/v1/ready", 200).status_code == 200
        assert client.get("/api/v1/search", params={"q": "jacket"}).status_code == 200


@pytest.fixture
def milvus_proxy(milvus_server: str) -> Iterator[TcpProxy]:
    with proxy_to(milvus_server) as proxy:
        yield proxy


def milvus_settings(tmp_path: Path, proxy: TcpProxy) -> Settings:
    return Settings(
        home=tmp_path,
        vectors_uri=f"http://{proxy.address}",
        vectors_collection=f"ready_{uuid.uuid4().hex[:8]}",
        api=ApiSettings(ready_timeout=READY_TIMEOUT),
    )


def test_milvus_down_is_503_naming_milvus_and_back_without_restart(tmp_path: Path, milvus_proxy: TcpProxy) -> None:
    with app_client(milvus_settings(tmp_path, milvus_proxy)) as client:
        assert client.get("/api/v1/health").status_code == 200

        milvus_proxy.close()
        started = time.monotonic()
        ready = client.get("/api/v1/ready")
        assert time.monotonic() - started < READY_TIMEOUT + 2
        assert ready.status_code == 503 and ready.json()["backends"]["products"] == "ok"
        assert f"Milvus at http://{milvus_proxy.address}" in ready.json()["backends"]["vectors"]
        health = client.get("/api/v1/health")
        assert health.status_code == 503 and "Milvus at" in health.json()["detail"]
        live = client.get("/api/v1/live")
        assert live.status_code == 200 and live.json() == {"status": "alive"}

        milvus_proxy.open()
        assert eventually(client, "/api/v1/health", 200).json()["vectors"] == 0
        assert client.get("/api/v1/ready").status_code == 200


def test_milvus_down_when_the_app_starts_is_503_until_it_comes_up(tmp_path: Path, milvus_proxy: TcpProxy) -> None:
    milvus_proxy.close()
    with app_client(milvus_settings(tmp_path, milvus_proxy)) as client:
        ready = client.get("/api/v1/ready")
        assert ready.status_code == 503 and "Milvus at" in ready.json()["backends"]["vectors"]
        milvus_proxy.open()
        assert eventually(client, "/api/v1/ready", 200).status_code == 200


def test_kafka_down_is_503_naming_kafka_and_ready_once_it_answers(tmp_path: Path, kafka_server: str) -> None:
    """A Kafka client bootstraps from the configured address, then talks to the address each broker
    advertises (here the real broker's own): a proxy can stand for the bootstrap address only. So Kafka
    is "down" as a bootstrap address where nothing listens, and comes "back" when the proxy opens there."""
    proxy = proxy_to(kafka_server)
    try:
        proxy.open()
        proxy.close()  # the port is known and nothing listens on it
        topic = f"ready.{uuid.uuid4().hex[:8]}"
        settings = Settings(
            home=tmp_path,
            queue="kafka",
            kafka=KafkaSettings(
                bootstrap_servers=proxy.address, images_topic=topic, failed_topic=f"{topic}.failed", group_id=topic
            ),
            api=ApiSettings(ready_timeout=READY_TIMEOUT),
        )
        with app_client(settings) as client:
            ready = client.get("/api/v1/ready")
            assert ready.status_code == 503 and ready.json()["backends"]["products"] == "ok"
            queue = ready.json()["backends"]["queue"]
            # the broker is named, whether the client gave up first or the readiness deadline came first
            assert f"Kafka at {proxy.address}" in queue or f"queue (kafka at {proxy.address}) did not answer" in queue

            proxy.open()
            assert eventually(client, "/api/v1/ready", 200).status_code == 200
    finally:
        proxy.stop()
