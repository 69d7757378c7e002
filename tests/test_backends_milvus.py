import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from snapmode.backends.vectors.milvus import MilvusVectorStore, milvus_string
from snapmode.domain import VectorRecord

DIM = 16


@pytest.fixture(scope="module")
def lite_uri(tmp_path_factory) -> str:
    # One Milvus Lite data directory for the module: each one starts a server for the process's life.
    return str(tmp_path_factory.mktemp("milvus") / "milvus.db")


@pytest.fixture
def store(lite_uri, request):
    store = MilvusVectorStore(lite_uri, request.node.name, DIM)  # a collection per test
    yield store
    store.close()


def records(vectors: np.ndarray, products: int = 3, url: str = "https://shop.example/img/{i}.jpg"):
    return [
        VectorRecord(
            id=f"v{i}",
            product_id=f"p{i % products}",
            image_url=url.format(i=i),
            box=(i, i, i + 10, i + 20),
            label="jacket" if i % 2 else "image",
            vector=vector.tolist(),
            colour=[1.0 / (i + 1), 0.5],  # stored and read back as they are (the ranking reads them)
            article_types=[0.25, 0.75] if i % 2 else [1.0, 0.0],
        )
        for i, vector in enumerate(vectors)
    ]


def random_vectors(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim))


def test_upsert_is_idempotent_by_id(store):
    vectors = random_vectors(20)
    store.upsert(records(vectors))
    assert store.count() == 20
    store.upsert(records(vectors))
    assert store.count() == 20
    moved = records(random_vectors(20, seed=1))[:5]
    store.upsert(moved)
    assert store.count() == 20
    (hit, *_) = store.search(moved[0].vector, k=1)
    assert hit.id == "v0" and hit.score == pytest.approx(1.0, abs=1e-5)


def test_search_returns_nearest_first_with_cosine_scores(store):
    vectors = random_vectors(50)
    store.upsert(records(vectors))
    query = vectors[7] * 3.5  # scale does not matter to the cosine
    hits = store.search(query.tolist(), k=5)
    assert hits[0].id == "v7" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert hits[0].product_id == "p1" and hits[0].box == (7, 7, 17, 27) and hits[0].label == "jacket"
    assert hits[0].image_url == "https://shop.example/img/7.jpg"
    # What the ranking reads comes back with each hit, and with an image's records.
    assert hits[0].colour == pytest.approx([1 / 8, 0.5]) and hits[0].article_types == pytest.approx([0.25, 0.75])
    (stored,) = store.records_for_image("https://shop.example/img/7.jpg")
    assert stored.colour == pytest.approx([1 / 8, 0.5]) and stored.article_types == pytest.approx([0.25, 0.75])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    expected = np.sort(unit @ unit[7])[::-1][:5]
    assert [h.score for h in hits] == pytest.approx(expected.tolist(), abs=1e-5)


def test_exclude_product_drops_its_vectors(store):
    vectors = random_vectors(30)
    store.upsert(records(vectors))
    hits = store.search(vectors[0].tolist(), k=10, exclude_product="p0")
    assert len(hits) == 10 and all(h.product_id != "p0" for h in hits)
    assert store.search(vectors[0].tolist(), k=1, exclude_product='p"0')[0].id == "v0"  # quoting is safe


def test_category_keeps_to_regions_the_classifier_tagged_so(store):
    vectors = random_vectors(30)
    tagged = [r.model_copy(update={"category": "shoes" if i % 2 else "bag"}) for i, r in enumerate(records(vectors))]
    tagged[1] = tagged[1].model_copy(update={"category": None})  # a region stored without a category
    store.upsert(tagged)
    hits = store.search(vectors[1].tolist(), k=30, category="shoes")
    assert len(hits) == 14 and {h.category for h in hits} == {"shoes"}
    both = store.search(vectors[0].tolist(), k=30, exclude_product="p0", category="shoes")
    assert both and all(h.product_id != "p0" and h.category == "shoes" for h in both)
    assert store.search(vectors[1].tolist(), k=1)[0].category is None


def test_image_ids_escapes_the_url(store):
    url = 'https://shop.example/img/"quoted"\\{i}.jpg?x=\'1\''
    store.upsert(records(random_vectors(4), url=url))
    assert store.image_ids(url.format(i=2)) == ["v2"]
    assert store.image_ids("https://shop.example/img/none.jpg") == []
    assert store.image_ids('" || id != "') == []


def test_milvus_string_round_trips_special_characters():
    assert milvus_string('a"b\\c\n') == '"a\\"b\\\\c\\n"'


def test_bad_vectors_are_clear_errors(store):
    with pytest.raises(ValueError, match="16-d"):
        store.search([1.0, 2.0], k=3)
    with pytest.raises(ValueError, match="non-zero"):
        store.upsert(records(np.zeros((1, DIM))))
    with pytest.raises(ValueError, match="k must be"):
        store.search(random_vectors(1)[0].tolist(), k=0)


def test_a_new_client_reopens_the_collection(lite_uri):
    first = MilvusVectorStore(lite_uri, "reopened", DIM)
    vectors = random_vectors(10)
    first.upsert(records(vectors))
    first.close()
    second = MilvusVectorStore(lite_uri, "reopened", DIM)
    assert second.count() == 10
    assert second.search(vectors[3].tolist(), k=1)[0].id == "v3"
    second.close()
    with pytest.raises(ValueError, match="holds 16-d vectors"):
        MilvusVectorStore(lite_uri, "reopened", 32)


def test_closing_one_client_leaves_another_client_of_the_same_store_working(lite_uri):
    """A process may hold two clients of one store (a long-lived one and one opened to count): closing the
    second must not close the first's connection (pymilvus would share one per address)."""
    kept = MilvusVectorStore(lite_uri, "two_clients", DIM)
    kept.upsert(records(random_vectors(6)))
    MilvusVectorStore(lite_uri, "two_clients", DIM).close()
    assert kept.count() == 6
    kept.upsert(records(random_vectors(8)))
    assert kept.count() == 8
    kept.close()


def _write_and_hold(uri: str, written, release) -> None:
    store = MilvusVectorStore(uri, "persisted", DIM)
    store.upsert(records(random_vectors(40)))
    written.set()
    release.wait(60)
    store.close()


def _writer_holding(uri: str):
    """A process that has written 40 vectors to ``uri`` and holds it open until ``release`` is set."""
    context = multiprocessing.get_context("spawn")
    written, release = context.Event(), context.Event()
    writer = context.Process(target=_write_and_hold, args=(uri, written, release))
    writer.start()
    assert written.wait(60)
    return writer, release


def test_lite_directory_is_one_process_at_a_time_and_persists(tmp_path):
    uri = str(tmp_path / "milvus.db")
    writer, release = _writer_holding(uri)
    try:
        with pytest.raises(RuntimeError, match="one process only"):
            MilvusVectorStore(uri, "persisted", DIM)
    finally:
        release.set()
        writer.join(60)
    assert writer.exitcode == 0
    # the lock went with the writer; a fresh server loads what it wrote
    store = MilvusVectorStore(uri, "persisted", DIM)
    assert store.count() == 40
    assert store.search(random_vectors(40)[39].tolist(), k=1)[0].id == "v39"
    store.close()


def test_full_size_vectors(lite_uri):
    store = MilvusVectorStore(lite_uri, "full_size")
    vectors = random_vectors(300, dim=8192, seed=3)
    store.upsert(records(vectors, products=100))
    assert store.count() == 300
    hits = store.search(vectors[123].tolist(), k=20, exclude_product="p0")
    assert hits[0].id == "v123" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 20 and all(h.product_id != "p0" for h in hits)
    store.close()


def test_missing_parent_directories_are_created(tmp_path):
    uri = str(tmp_path / "nested" / "home" / "milvus.db")
    store = MilvusVectorStore(uri, "created_parents", DIM)
    assert store.count() == 0
    store.close()


def test_a_write_past_its_deadline_is_a_clear_backend_error_and_loses_nothing(store, monkeypatch):
    from snapmode.backends.vectors import milvus
    from snapmode.errors import BackendUnavailable

    monkeypatch.setitem(milvus.WRITE, "timeout", 1e-6)  # no server answers a write that fast
    with pytest.raises(BackendUnavailable, match="Milvus at .* failed while storing vectors"):
        store.upsert(records(random_vectors(4)))
    monkeypatch.undo()
    replayed = records(random_vectors(4))
    store.upsert(replayed)  # the replayed write goes through
    # The client gave up, not the server: the first write usually lands anyway, sometimes while the replay runs,
    # and Milvus's upsert (a delete, then an insert) is not atomic across concurrent requests, so an id may be
    # stored twice with the same contents. Nothing may be missing.
    stored = {record.id: record for one in replayed for record in store.records_for_image(one.image_url)}
    assert sorted(stored) == [record.id for record in replayed]
    assert all(stored[record.id].product_id == record.product_id for record in replayed)


def test_a_client_opened_after_a_long_idle_connects(lite_uri):
    # Idle pings past the server's allowance once broke the shared channel: the next client could not connect.
    first = MilvusVectorStore(lite_uri, "idle", DIM)
    first.upsert(records(random_vectors(5)))
    time.sleep(75)
    second = MilvusVectorStore(lite_uri, "idle", DIM)
    assert second.count() == 5
    second.close()
    first.close()


def test_a_killed_writer_loses_no_acknowledged_vector_and_leaves_no_lock(tmp_path):
    uri = str(tmp_path / "milvus.db")
    writer, _ = _writer_holding(uri)
    os.kill(writer.pid, signal.SIGKILL)  # no exit handler runs: the kernel drops the lock, the engine follows
    writer.join(60)
    store = MilvusVectorStore(uri, "persisted", DIM)
    assert store.count() == 40
    store.close()


def test_a_milvus_lite_3_directory_is_a_clear_error(tmp_path):
    (tmp_path / "milvus.db" / "collections").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="written by Milvus Lite 3.*crawl again"):
        MilvusVectorStore(str(tmp_path / "milvus.db"), "old", DIM)


def test_a_server_that_is_down_is_one_clear_error_and_no_stderr_noise():
    """pymilvus writes its own ERROR lines past the application's logging; the store's error says it all."""
    with socket.socket() as probe:  # a port where nothing listens once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = (
        "from snapmode.backends.vectors.milvus import MilvusVectorStore\n"
        "from snapmode.errors import BackendUnavailable\n"
        "try:\n"
        f"    MilvusVectorStore('http://127.0.0.1:{port}', 'regions')\n"
        "except BackendUnavailable as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith(f"Milvus at http://127.0.0.1:{port} failed while connecting")
    assert done.stderr == ""


def test_search_many_answers_each_query_and_can_keep_a_label_out(store):
    vectors = random_vectors(12)
    store.upsert(records(vectors))
    first, second = store.search_many([vectors[2].tolist(), vectors[3].tolist()], k=12, exclude_label="jacket")
    assert first[0].id == "v2" and {h.label for h in first} == {"image"} and len(first) == 6
    assert second[0].id != "v3" and {h.label for h in second} == {"image"}  # v3 is a jacket
    assert store.search_many([], k=3) == []


def test_product_ids_search_those_products_alone_however_far_they_are(store):
    vectors = random_vectors(60)
    store.upsert(records(vectors, products=20))
    nearest = {hit.product_id for hit in store.search(vectors[0].tolist(), k=10)}
    far = next(f"p{i}" for i in range(20) if f"p{i}" not in nearest)
    # None of its 3 regions is among the 10 nearest: limited to it (and to a product id that needs quoting), all
    # three come back, nearest first.
    hits = store.search(vectors[0].tolist(), k=10, product_ids=[far, 'p"7'])
    assert {hit.product_id for hit in hits} == {far} and len(hits) == 3
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    first, second = store.search_many([vectors[1].tolist(), vectors[2].tolist()], k=10, product_ids={"p2"})
    assert {hit.id for hit in first} == {hit.id for hit in second} == {"v2", "v22", "v42"}
    assert store.search(vectors[0].tolist(), k=5, product_ids=[]) == []
    assert store.search_many([vectors[0].tolist()], k=5, product_ids=set()) == [[]]


def test_article_types_of_one_region_per_image(store):
    store.upsert(records(random_vectors(6), url='https://shop.example/img/{i}".jpg'))
    found = store.article_types(['https://shop.example/img/2".jpg', "https://shop.example/img/3\".jpg"], "image")
    assert found == {'https://shop.example/img/2".jpg': pytest.approx([1.0, 0.0])}  # v3 is a jacket region
    jackets = store.article_types([f'https://shop.example/img/{i}".jpg' for i in range(6)], "jacket")
    assert sorted(jackets) == [f'https://shop.example/img/{i}".jpg' for i in (1, 3, 5)]
    assert store.article_types([], "image") == {}


def test_a_collection_from_before_article_types_is_refused_naming_the_rebuild(lite_uri):
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(lite_uri)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    for name in ("category", "label"):
        schema.add_field(name, DataType.VARCHAR, max_length=64)
    for name in ("colour", "categories"):  # what the classifier's probabilities were stored as
        schema.add_field(name, DataType.JSON)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection("before_article_types", schema=schema)
    with pytest.raises(ValueError, match="no article_types field .*snapmode reembed"):
        MilvusVectorStore(lite_uri, "before_article_types", DIM)
