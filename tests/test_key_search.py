"""`search_keys` reads below MilvusClient: it must answer as `MilvusClient.search` does, on Milvus Lite and on a
server, for the pinned pymilvus (a pymilvus upgrade that changes what it relies on fails here)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient

from snapmode.backends.vectors.key_search import search_keys
from snapmode.backends.vectors.milvus import READ, SEARCH_CONSISTENCY, connect, unavailable
from snapmode.errors import BackendUnavailable
from tests.support.tiers import on_server

DIM = 8
ROWS = 300
PARAMS = {"metric_type": "IP", "params": {"nprobe": 4}}


@pytest.fixture(params=["lite", on_server("milvus")])
def collection(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[MilvusClient, str]]:
    uri = request.getfixturevalue("milvus_server") if request.param == "milvus" else str(tmp_path / "keys.db")
    client = connect(uri)
    name = f"keys_{uuid.uuid4().hex[:12]}"
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.INT64, is_primary=True)
    schema.add_field("group", DataType.INT64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    index = MilvusClient.prepare_index_params()
    index.add_index(field_name="vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": 4})
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    vectors = np.random.default_rng(3).normal(size=(ROWS, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = np.random.default_rng(4).integers(-(2**62), 2**62, ROWS)  # signed 64-bit, as the compact store's
    client.insert(
        name, [{"key": int(k), "group": i % 3, "vector": v.tolist()} for i, (k, v) in enumerate(zip(keys, vectors))]
    )
    client.load_collection(name)
    try:
        yield client, name
    finally:
        client.drop_collection(name)
        client.close()


def _queries(count: int) -> list[list[float]]:
    return np.random.default_rng(7).normal(size=(count, DIM)).astype(np.float32).tolist()


@pytest.mark.parametrize(("condition", "size"), [("", 50), ("group == 1", 50), ("group == 9", 0)])
def test_keys_and_distances_are_those_of_milvus_client_search(collection, condition: str, size: int) -> None:
    client, name = collection
    queries = _queries(4)
    found = search_keys(client, name, queries, 50, filter=condition, search_params=PARAMS,
                    consistency_level=SEARCH_CONSISTENCY, **READ)  # fmt: skip
    expected = client.search(name, data=queries, limit=50, filter=condition, output_fields=[], search_params=PARAMS,
                             consistency_level=SEARCH_CONSISTENCY, **READ)  # fmt: skip
    assert len(found) == len(queries)
    for hits, answer in zip(found, expected, strict=True):
        assert hits.keys.tolist() == [hit["id"] for hit in answer]
        np.testing.assert_array_equal(hits.distances, np.asarray([hit["distance"] for hit in answer], np.float32))
    assert [len(hits.keys) for hits in found] == [size] * len(queries)


def test_a_missing_collection_fails_as_the_store_reports_it(collection) -> None:
    client, _ = collection
    with pytest.raises(BackendUnavailable, match="failed while searching"), unavailable("Milvus", "searching"):
        search_keys(client, "no_such_collection", _queries(1), 5, filter="", search_params=PARAMS,
                    consistency_level=SEARCH_CONSISTENCY, **READ)  # fmt: skip
