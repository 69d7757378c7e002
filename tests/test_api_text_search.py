"""Text search through the API: the query language, symbols, and filters that cannot match (on the embedded
index; tests/test_backends_products.py runs the language against both product indexes)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.main import create_app
from snapmode.config import ApiSettings, Settings
from snapmode.domain import Product, Variant


def product(pid: str, name: str, **fields: object) -> Product:
    return Product(id=pid, url=f"https://shop.test/{pid}", site="s", name=name, fetched_at=1.0, **fields)


CATALOGUE = [
    product("jacket", "Proteus Fitness Jackshirt", price="45.00", categories=["Men/Tops/Jackets"],
            variants=[Variant(sku="MJ12-S-Black", color="Black")]),
    product("hoodie", "Mach Street Sweatshirt", price="62.00", sku="MS04", categories=["Men/Tops/Hoodies"],
            variants=[Variant(sku="MS04-XS-Red", color="Red"), Variant(sku="MS04-M-Navy", color="Navy")]),
    product("tee", "Tristan Running Tee", price="19.99", categories=["Men/Tops/Tees"],
            variants=[Variant(sku="MT01-S-Red", color="Red")]),
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path, api=ApiSettings(search_rate="1000/minute", upload_rate="1000/minute")))
    app.state.services.products.upsert(CATALOGUE)
    with TestClient(app) as running:
        yield running
    app.state.services.close()


def found(client: TestClient, **params: object) -> set[str]:
    answer = client.get("/api/v1/search", params=params)
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("red hoodie", {"hoodie"}),
        ("jacket OR hoodie", {"jacket", "hoodie"}),
        ("MS04", {"hoodie"}),
        ('"running tee"', {"tee"}),
        ("hood*", {"hoodie"}),
        ("red -hoodie", {"tee"}),
    ],
)
def test_the_query_language_of_the_search_box(client: TestClient, q: str, expected: set[str]) -> None:
    assert found(client, q=q) == expected


@pytest.mark.parametrize("q", ['"', "*", "(", "🧥", "«»", ")-(", "  "])
def test_symbols_alone_are_no_text(client: TestClient, q: str) -> None:
    assert found(client, q=q) == found(client) == {"jacket", "hoodie", "tee"}


def test_symbols_in_a_query_are_ignored(client: TestClient) -> None:
    assert found(client, q="🧥 (jacket OR hoodie)!! *") == {"jacket", "hoodie"}
    assert found(client, q='"red" 🧥 hoodie"') == {"hoodie"}


def test_a_reversed_price_range_is_a_422_with_the_reason(client: TestClient) -> None:
    answer = client.get("/api/v1/search", params={"q": "jacket", "min_price": 100, "max_price": 10})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "min_price (100) is above max_price (10): no price can be in between"
    assert found(client, min_price=45, max_price=45) == {"jacket"}


def test_a_reversed_price_range_is_a_422_for_photo_search_too(client: TestClient) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(photo, format="PNG")
    answer = client.post(
        "/api/v1/search/image",
        files={"file": ("photo.png", photo.getvalue(), "image/png")},
        data={"min_price": "100", "max_price": "10"},
    )
    assert answer.status_code == 422
    assert "min_price (100) is above max_price (10)" in answer.json()["detail"]


def test_too_many_words_is_a_422_with_the_reason(client: TestClient) -> None:
    answer = client.get("/api/v1/search", params={"q": " ".join(["red"] * 33)})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "the search has 33 words; at most 32 are supported"


def test_an_exclusion_with_nothing_to_exclude_from_is_a_422(client: TestClient) -> None:
    answer = client.get("/api/v1/search", params={"q": "jacket OR (-red)"})
    assert answer.status_code == 422
    assert "needs a word to search for" in answer.json()["detail"]
