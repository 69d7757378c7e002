"""The API serves the built page with history-mode routing: the page's own paths get index.html, other page paths
get index.html with status 404 (the page shows its "not found" view), missing files and /api paths a plain 404."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.web import PAGE_ROUTES
from snapmode.config import REPO_ROOT, Settings

INDEX = "<!doctype html><title>SnapMode</title>"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp_path = tmp_path_factory.mktemp("web")
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app.js").write_text("console.log('app')")
    return TestClient(create_app(Settings(home=tmp_path / "home", web_dist=dist)))


def test_page_paths_get_the_page_and_missing_files_or_api_paths_do_not(client: TestClient) -> None:
    for path in ("/", "/operators", "/operators/", "/Operators", "/?q=hoodie&min_price=20"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.text == INDEX, path
    assert client.get("/assets/app.js").text == "console.log('app')"
    assert client.get("/assets/missing.js").status_code == 404
    missing_route = client.get("/api/v1/no-such-route")
    assert missing_route.status_code == 404
    assert missing_route.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/no-such-page", "/operators/nope", "/assets", "/shop?q=x"])
def test_unknown_page_paths_get_the_page_with_status_404(client: TestClient, path: str) -> None:
    for method in (client.get, client.head):
        answer = method(path)
        assert answer.status_code == 404, (method, path)
        assert answer.headers["content-type"].startswith("text/html"), path
    assert client.get(path).text == INDEX


def test_the_servers_page_routes_are_the_ones_the_pages_router_declares() -> None:
    router = (REPO_ROOT / "web" / "src" / "router.ts").read_text()
    declared = re.findall(r"""\bpath:\s*["'`]([^"'`]*)["'`]""", router)
    assert "/" in declared, "no route paths found in web/src/router.ts"
    # A path with a parameter can't be listed here; the only one allowed is the catch-all, the not-found view.
    catch_all = [path for path in declared if ":" in path]
    assert all(re.fullmatch(r"/:\w+\(\.\*\)\*", path) for path in catch_all), catch_all
    assert {path for path in declared if ":" not in path} == PAGE_ROUTES
