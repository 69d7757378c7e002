import pytest

from snapmode.backends.products.base import ProductFilters
from snapmode.backends.products.sqlite import SqliteProductIndex
from snapmode.backends.queue.sqlite import SqliteImageQueue
from snapmode.backends.registry import (
    open_frontier,
    open_image_queue,
    open_product_index,
    open_reject_log,
    open_site_registry,
    open_vector_store,
)
from snapmode.backends.vectors.compact_store import CompactVectorStore
from snapmode.backends.vectors.milvus import MilvusVectorStore
from snapmode.config import Settings
from snapmode.domain import ImageTask


def test_defaults_open_the_embedded_backends_under_home(tmp_path):
    settings = Settings(home=tmp_path / "home")
    index = open_product_index(settings)
    queue = open_image_queue(settings)
    vectors = open_vector_store(settings)
    try:
        assert isinstance(index, SqliteProductIndex) and isinstance(queue, SqliteImageQueue)
        assert isinstance(vectors, CompactVectorStore)
        assert index.search(None, ProductFilters()).total == 0 and vectors.count() == 0
        queue.publish([ImageTask(product_id="p", image_url="https://shop.example/a.jpg")])
        assert queue.pending() == 1
        assert {path.name for path in (tmp_path / "home").iterdir()} >= {
            "products.sqlite3",
            "queue.sqlite3",
            "regions.sqlite3",
            "regions_index.db",
        }
    finally:
        index.close()
        queue.close()
        vectors.close()


def test_the_milvus_layout_keeps_every_vector_in_milvus(tmp_path):
    vectors = open_vector_store(Settings(home=tmp_path, vectors="milvus", vectors_collection="registry"))
    try:
        assert isinstance(vectors, MilvusVectorStore) and vectors.count() == 0
        assert {path.name for path in tmp_path.iterdir() if not path.name.startswith(".")} == {"milvus.db"}
    finally:
        vectors.close()


@pytest.mark.parametrize(
    ("setting", "opener", "concern", "known"),
    [
        ("product_index", open_product_index, "product index", "solr, sqlite"),
        ("frontier", open_frontier, "frontier", "solr, sqlite"),
        ("sites", open_site_registry, "site registry", "solr, sqlite"),
        ("rejects", open_reject_log, "reject log", "solr, sqlite"),
        ("queue", open_image_queue, "queue", "kafka, sqlite"),
        ("vectors", open_vector_store, "vector store", "compact, milvus"),
    ],
)
def test_unknown_backend_names_list_the_known_ones(tmp_path, setting, opener, concern, known):
    settings = Settings(home=tmp_path, **{setting: "cassandra"})
    with pytest.raises(ValueError, match=f"unknown {concern} backend 'cassandra'; known: {known}"):
        opener(settings)
    assert not list(tmp_path.glob("*.sqlite3"))


def test_a_server_backend_that_is_down_fails_with_a_clear_error(tmp_path):
    """Choosing Solr or Kafka by configuration opens their clients; an absent server is a clear error."""
    from snapmode.errors import BackendUnavailable

    settings = Settings(home=tmp_path, product_index="solr", solr={"url": "http://127.0.0.1:9/solr", "timeout": 2})
    index = open_product_index(settings)
    with pytest.raises(BackendUnavailable, match="Solr at http://127.0.0.1:9/solr/products"):
        index.count()
