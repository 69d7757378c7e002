import pytest

from snapmode.backends.products.base import ProductFilters
from snapmode.backends.products.sqlite import SqliteProductIndex
from snapmode.backends.queue.sqlite import SqliteImageQueue
from snapmode.backends.registry import open_image_queue, open_product_index, open_vector_store
from snapmode.backends.vectors.milvus import MilvusVectorStore
from snapmode.config import Settings
from snapmode.domain import ImageTask


def test_defaults_open_the_embedded_backends_under_home(tmp_path):
    settings = Settings(home=tmp_path / "home", vectors_collection="registry")
    index = open_product_index(settings)
    queue = open_image_queue(settings)
    vectors = open_vector_store(settings)
    try:
        assert isinstance(index, SqliteProductIndex) and isinstance(queue, SqliteImageQueue)
        assert isinstance(vectors, MilvusVectorStore)
        assert index.search(None, ProductFilters()).total == 0 and vectors.count() == 0
        queue.publish([ImageTask(product_id="p", image_url="https://shop.example/a.jpg")])
        assert queue.pending() == 1
        assert {path.name for path in (tmp_path / "home").iterdir()} >= {
            "products.sqlite3",
            "queue.sqlite3",
            "milvus.db",
        }
    finally:
        index.close()
        queue.close()
        vectors.close()


@pytest.mark.parametrize(
    ("setting", "opener", "concern"),
    [("product_index", open_product_index, "product index"), ("queue", open_image_queue, "queue")],
)
def test_unknown_backend_names_list_the_known_ones(tmp_path, setting, opener, concern):
    settings = Settings(home=tmp_path, **{setting: "cassandra"})
    with pytest.raises(ValueError, match=f"unknown {concern} backend 'cassandra'; known: sqlite"):
        opener(settings)
    assert not (tmp_path / "products.sqlite3").exists() and not (tmp_path / "queue.sqlite3").exists()
