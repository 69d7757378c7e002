"""The crawl worker in the API process: a site registered over HTTP is crawled, indexed and embedded
with no other command, and a pause holds."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from launch.runner.worker import CrawlWorker
from snapmode.config import CrawlSettings, Settings
from snapmode.crawl.politeness import host_key
from snapmode.shop.catalog import RULES_PATH
from tests.support.tiny_shop import tiny_shop


def _eventually(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_sites_registered_through_the_api_are_crawled_and_embedded(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    with tiny_shop(tmp_path / "shop", products=2) as shop:
        host = host_key(shop)
        settings = Settings(home=tmp_path / "home", crawl=CrawlSettings(allow_hosts=[host], no_delay_hosts=[host]))
        app = create_app(settings, worker=CrawlWorker(settings))
        services = app.state.services
        _, key = services.keys.create("worker test")
        headers = {"X-API-Key": key}
        with TestClient(app) as client:
            site = client.post("/api/v1/sites", json={"root_url": shop + "/", "rules_yaml": RULES_PATH.read_text()},
                               headers=headers).json()

            def status() -> dict:
                return client.get(f"/api/v1/sites/{site['id']}/status", headers=headers).json()

            assert _eventually(lambda: status()["products"] == 2, timeout=60), status()
            assert _eventually(lambda: (status()["vectors"] or 0) >= status()["images"] > 0, timeout=240), status()
            found = client.get("/api/v1/search", params={"site": site["id"]}).json()
            assert found["total"] == 2

            assert client.post(f"/api/v1/sites/{site['id']}/pause", headers=headers).json()["state"] == "paused"
            time.sleep(1.5)  # the spout re-reads paused sites every second
            late = shop + "/p/late-arrival.html"
            services.frontier.add(site["id"], [(late, 1, "product")])
            time.sleep(4)
            assert services.frontier.get(late).status == "discovered"  # the pause holds
            client.post(f"/api/v1/sites/{site['id']}/resume", headers=headers)
            assert _eventually(lambda: services.frontier.get(late).status == "error", timeout=30)  # a 404 here
            assert app.state.worker.state().running and app.state.worker.failures == 0
        assert not app.state.worker.state().running  # stopped with the app
        services.close()
