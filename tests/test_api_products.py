"""Product routes on a product index filled directly (no models needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from snapmode.config import Settings
from snapmode.domain import Product


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(home=tmp_path))
    services = app.state.services
    for fetched_at, price, availability in ((10.0, "45.00", "InStock"), (20.0, "39.00", "OutOfStock")):
        services.products.upsert(
            [
                Product(
                    id="p1",
                    url="https://shop.test/p1",
                    site="s",
                    name="Jacket",
                    price=price,
                    currency="EUR",
                    availability=availability,
                    fetched_at=fetched_at,
                )
            ]
        )
    with TestClient(app) as running:
        yield running
    services.close()


def test_price_history_of_a_product(client: TestClient) -> None:
    answer = client.get("/api/v1/products/p1/history")
    assert answer.status_code == 200
    assert [(point["observed_at"], point["price"], point["availability"]) for point in answer.json()] == [
        (10.0, "45.00", "InStock"),
        (20.0, "39.00", "OutOfStock"),
    ]
    assert client.get("/api/v1/products/p1").json()["price"] == "39.00"


def test_history_of_an_unknown_product_is_a_404(client: TestClient) -> None:
    answer = client.get("/api/v1/products/nope/history")
    assert answer.status_code == 404 and "nope" in answer.json()["detail"]
