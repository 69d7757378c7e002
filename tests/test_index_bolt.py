"""The crawler's index bolt when the product index cannot take a write: the tuple fails (the spout retries the
page after a backoff) and the bolt goes on, rather than raising, which on Storm ends its worker."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from types import SimpleNamespace

from bolts.index import IndexBolt
from snapmode.config import Settings
from snapmode.domain import Product
from snapmode.errors import BackendUnavailable


class Recorded(IndexBolt):
    """The bolt with what it tells Storm recorded instead of written to the multilang pipe."""

    def __init__(self) -> None:
        super().__init__(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
        self.logger = logging.getLogger("test-index-bolt")
        self.told: list[tuple[str, object]] = []

    def emit(self, values, **kwargs) -> None:
        self.told.append(("emit", values[0]))

    def ack(self, tup) -> None:
        self.told.append(("ack", tup.id))

    def fail(self, tup) -> None:
        self.told.append(("fail", tup.id))


def product_tuple(n: int) -> SimpleNamespace:
    product = Product(id=f"p{n}", url=f"https://shop.example/p{n}", site="shop", name=f"Coat {n}", fetched_at=1.0)
    return SimpleNamespace(id=f"t{n}", values=SimpleNamespace(product=product.model_dump_json(), outcome="{}"))


def test_an_unavailable_index_fails_the_tuple_and_the_bolt_goes_on(tmp_path: Path, monkeypatch) -> None:
    bolt = Recorded()
    bolt.initialize(Settings(home=tmp_path).to_conf(), {})
    real_upsert = bolt.services.products.upsert

    def down(products) -> None:
        raise BackendUnavailable("Solr at 127.0.0.1:8984: a replica is down")

    monkeypatch.setattr(bolt.services.products, "upsert", down)
    bolt.process(product_tuple(1))
    monkeypatch.setattr(bolt.services.products, "upsert", real_upsert)
    bolt.process(product_tuple(2))
    assert [kind for kind, _ in bolt.told] == ["fail", "emit", "ack"]
    assert bolt.told[0] == ("fail", "t1") and bolt.told[2] == ("ack", "t2")
    assert bolt.services.products.get_many(["p1", "p2"]).keys() == {"p2"}
