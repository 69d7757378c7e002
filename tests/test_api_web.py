"""The API serves the built page with history-mode routing: page paths get index.html, nothing else does."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from snapmode.config import Settings


def test_page_paths_get_the_page_and_missing_files_or_api_paths_do_not(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>SnapMode</title>")
    (dist / "assets" / "app.js").write_text("console.log('app')")
    client = TestClient(create_app(Settings(home=tmp_path / "home", web_dist=dist)))

    for path in ("/", "/operators", "/?q=hoodie&min_price=20"):
        answer = client.get(path)
        assert answer.status_code == 200 and "<title>SnapMode</title>" in answer.text, path
    assert client.get("/assets/app.js").text == "console.log('app')"
    assert client.get("/assets/missing.js").status_code == 404
    missing_route = client.get("/api/v1/no-such-route")
    assert missing_route.status_code == 404
    assert missing_route.headers["content-type"].startswith("application/json")
