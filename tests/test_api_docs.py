"""Swagger UI (/api/docs) and ReDoc (/api/redoc) load everything from the API itself, so they work offline and
where the API is deployed without the web page (or in front of it: the page at / must not shadow them)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from snapmode.config import Settings

CONTENT_TYPES = {  # a referenced file's extension -> the content types a browser accepts it under
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}
LIBRARY = {"/api/docs": b"SwaggerUIBundle", "/api/redoc": b"Redoc"}  # each page's script defines it


class _References(HTMLParser):
    """The URLs an HTML page makes the browser load: src and href attributes, and ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href", "spec-url") and value]


@pytest.fixture(scope="module", params=["with the web page", "API only"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp_path = tmp_path_factory.mktemp("docs")
    dist = tmp_path / "dist"
    if request.param == "with the web page":
        dist.mkdir()
        (dist / "index.html").write_text("<!doctype html><title>SnapMode</title>")
    return TestClient(create_app(Settings(home=tmp_path / "home", web_dist=dist)))


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
def test_docs_pages_load_only_what_the_api_serves(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?:|//[\w.-]+\.\w", answer.text), "the page names another host"

    parser = _References()
    parser.feed(answer.text)
    urls = parser.urls + re.findall(r"\burl: '([^']*)'", answer.text)  # Swagger UI's OpenAPI document
    assert "/api/v1/openapi.json" in urls
    scripts = [url for url in urls if url.endswith(".js")]
    assert scripts, "the page loads no script"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        served = client.get(url)
        assert served.status_code == 200, url
        content_type = served.headers["content-type"].split(";")[0]
        assert content_type in CONTENT_TYPES[Path(url).suffix], (url, content_type)
    assert any(LIBRARY[page] in client.get(url).content for url in scripts)
