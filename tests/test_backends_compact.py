"""The compact vector store: Milvus Lite indexes short vectors, an SQLite file keeps the rest (real backends)."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from snapmode.backends.vectors import compact
from snapmode.backends.vectors.compact import VectorCodec, save_projection
from snapmode.backends.vectors.compact_store import DETAILS_SUFFIX, CompactVectorStore, region_key
from snapmode.backends.vectors.migration import migrate
from snapmode.backends.vectors.milvus import MilvusVectorStore
from snapmode.backends.vectors.payloads import SqlitePayloads, convert, in_earlier_layout
from snapmode.domain import VectorRecord
from snapmode.vision.colour import COLOUR_DIM
from snapmode.vision.details import DETAIL_LABEL
from tests.support.earlier_layouts import write_earlier_layout

DIM = 64  # the "full" vectors of these tests
RERANK = 24
INDEX = 6


@pytest.fixture(scope="module")
def projection(tmp_path_factory) -> Path:
    # Orthonormal rows, as the learned projection's: vectors in their span keep their cosines exactly.
    basis, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(DIM, RERANK)))
    path = tmp_path_factory.mktemp("models") / compact.PROJECTION_NAME
    save_projection(path, basis.T)
    return path


@pytest.fixture
def codec(projection) -> VectorCodec:
    return VectorCodec(projection, INDEX, RERANK)


@pytest.fixture(scope="module")
def lite_uri(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "index.db")


def open_store(uri, collection, payloads, codec, **options) -> CompactVectorStore:
    settings = {"nlist": 4, "nprobe": 4, "refine": 4, **options}
    return CompactVectorStore(uri, collection, payloads, codec, **settings)


@pytest.fixture
def store(lite_uri, request, tmp_path, codec):
    store = open_store(lite_uri, request.node.name, tmp_path / "regions.sqlite3", codec)
    yield store
    store.close()


def in_span(codec: VectorCodec, n: int, seed: int = 0) -> np.ndarray:
    """Vectors the projection keeps whole: their cosines are the coordinates' cosines."""
    return np.random.default_rng(seed).normal(size=(n, RERANK)) @ codec.projection


def colour(i: int) -> list[float]:
    signature = np.zeros(COLOUR_DIM)
    signature[[i % COLOUR_DIM, (7 * i + 3) % COLOUR_DIM]] = [0.6, 0.8]
    return signature.tolist()


def records(vectors: np.ndarray, products: int = 3) -> list[VectorRecord]:
    return [
        VectorRecord(
            id=f"v{i}", product_id=f"p{i % products}", image_url=f"https://shop.example/img/{i}.jpg",
            box=(i, i, i + 10, i + 20), label="jacket" if i % 2 else "image", category="tops" if i % 3 else None,
            vector=vector.tolist(), colour=colour(i), article_types=[0.25, 0.75] if i % 2 else [1.0, 0.0],
        )
        for i, vector in enumerate(vectors)
    ]  # fmt: skip


def exact_order(query: np.ndarray, vectors: np.ndarray) -> list[str]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return [f"v{i}" for i in np.argsort(-(unit @ (query / np.linalg.norm(query))))]


def test_search_ranks_by_the_cosine_of_the_full_vectors(lite_uri, tmp_path, codec):
    """The index's short prefix only picks candidates (here all of them): the ranking is the full cosine's."""
    store = open_store(lite_uri, "ranking", tmp_path / "regions.sqlite3", codec, refine=6)
    vectors = in_span(codec, 60)
    store.upsert(records(vectors))
    query = vectors[7] + 0.3 * in_span(codec, 1, seed=9)[0]
    hits = store.search(query.tolist(), k=10)
    assert [hit.id for hit in hits] == exact_order(query, vectors)[:10]
    cosine = vectors[7] @ query / np.linalg.norm(vectors[7]) / np.linalg.norm(query)
    assert hits[0].score == pytest.approx(cosine, abs=2e-3)  # float16 coordinates
    store.close()


def test_a_hit_carries_its_payload_as_stored(store, codec):
    stored = records(in_span(codec, 5))
    store.upsert(stored)
    (hit,) = store.search(stored[3].vector, k=1)
    assert (hit.id, hit.product_id, hit.image_url, hit.box, hit.label, hit.category) == (
        "v3", "p0", "https://shop.example/img/3.jpg", (3, 3, 13, 23), "jacket", None,
    )  # fmt: skip
    assert hit.colour == pytest.approx(stored[3].colour, abs=1 / 255)
    assert hit.article_types == pytest.approx([0.25, 0.75], abs=1 / 255)


def test_upsert_is_idempotent_by_id(store, codec):
    store.upsert(records(in_span(codec, 12)))
    moved = records(in_span(codec, 12, seed=3))[:4]
    store.upsert(moved)
    assert store.count() == 12
    (hit,) = store.search(moved[0].vector, k=1)
    assert hit.id == "v0" and hit.score == pytest.approx(1.0, abs=2e-3)


def test_counts_follow_replaced_and_repeated_regions(store, codec):
    stored = records(in_span(codec, 6))  # labels: image, jacket, image, jacket, ...
    store.upsert(stored + stored[:2])  # one id twice in a batch is one region
    assert (store.count(), store.count("image"), store.count("jacket")) == (6, 3, 3)
    store.upsert([stored[0].model_copy(update={"label": "jacket"})])
    assert (store.count(), store.count("image"), store.count("jacket"), store.count("shoe")) == (6, 2, 4, 0)


def test_filters_keep_to_what_they_name(store, codec):
    vectors = in_span(codec, 30)
    store.upsert(records(vectors))
    query = vectors[0].tolist()
    assert {hit.product_id for hit in store.search(query, k=30, exclude_product="p0")} == {"p1", "p2"}
    assert {hit.category for hit in store.search(query, k=30, category="tops")} == {"tops"}
    (only_images,) = store.search_many([query], k=30, exclude_label="jacket")
    assert {hit.label for hit in only_images} == {"image"} and len(only_images) == 15
    assert {hit.product_id for hit in store.search(query, k=30, product_ids={"p2"})} == {"p2"}
    assert store.search(query, k=5, product_ids=set()) == []


def test_detail_views_are_ranked_with_the_rest_and_left_out_on_request(lite_uri, tmp_path, codec):
    """Detail views have an index collection of their own: a whole search ranks both as one, a search without
    them never reads theirs."""
    store = open_store(lite_uri, "details", tmp_path / "regions.sqlite3", codec, refine=10)
    vectors = in_span(codec, 40)
    regions = [
        r.model_copy(update={"label": DETAIL_LABEL if i % 3 else "image"}) for i, r in enumerate(records(vectors))
    ]
    store.upsert(regions)
    query = vectors[4] + 0.3 * in_span(codec, 1, seed=9)[0]
    assert [hit.id for hit in store.search(query.tolist(), k=10)] == exact_order(query, vectors)[:10]
    (without,) = store.search_many([query.tolist()], k=10, exclude_label=DETAIL_LABEL)
    wholes = [f"v{i}" for i in range(0, 40, 3)]
    assert [hit.id for hit in without] == [i for i in exact_order(query, vectors) if i in wholes][:10]
    assert (store.count(), store.count(DETAIL_LABEL)) == (40, 26)
    store._client.drop_collection(f"details{DETAILS_SUFFIX}")  # as an index written before detail views moved out
    store.close()
    with pytest.raises(ValueError, match="snapmode vectors rebuild"):
        open_store(lite_uri, "details", tmp_path / "regions.sqlite3", codec)
    rebuilt = open_store(lite_uri, "details", tmp_path / "regions.sqlite3", codec, rebuilding=True)
    assert rebuilt.rebuild() == 40
    (again,) = rebuilt.search_many([query.tolist()], k=10, exclude_label=DETAIL_LABEL)
    assert [hit.id for hit in again] == [hit.id for hit in without]
    rebuilt.close()


def test_reads_by_image_and_product(store, codec):
    vectors = in_span(codec, 9)
    store.upsert(records(vectors))
    assert store.image_ids("https://shop.example/img/4.jpg") == ["v4"]
    assert store.image_ids("https://shop.example/img/4.jpg", label="jacket") == []
    (record,) = store.records_for_image("https://shop.example/img/5.jpg")
    cosine = np.asarray(record.vector) @ vectors[5] / np.linalg.norm(record.vector) / np.linalg.norm(vectors[5])
    assert cosine == pytest.approx(1.0, abs=1e-3)  # the vector found again from its coordinates
    assert store.article_types(["https://shop.example/img/2.jpg", "https://shop.example/img/5.jpg"], "image") == {
        "https://shop.example/img/2.jpg": [1.0, 0.0]
    }
    assert store.count() == 9 and store.count("jacket") == 4
    assert store.count_for_products(["p0", "p1"]) == 6


def test_an_index_entry_without_its_payload_is_not_stored(store, codec, tmp_path):
    """A crash between the index write and the payload write (payloads.py): the region is neither found nor
    counted as done, so the imaging path writes it again."""
    vectors = in_span(codec, 3)
    regions = records(vectors)
    store.upsert(regions[:2])
    with sqlite3.connect(tmp_path / "regions.sqlite3") as db:
        db.execute("DELETE FROM regions WHERE key = ?", (region_key("v1"),))
    assert [hit.id for hit in store.search(regions[1].vector, k=3)] == ["v0"]
    assert store.image_ids("https://shop.example/img/1.jpg") == []
    store.upsert([regions[1]])
    assert store.search(regions[1].vector, k=1)[0].id == "v1"


def test_a_region_written_again_keeps_its_row_and_a_row_is_never_given_twice(store, codec, tmp_path):
    vectors = in_span(codec, 4)
    regions = records(vectors)
    store.upsert(regions[:2])
    payloads = SqlitePayloads(tmp_path / "regions.sqlite3")
    before = payloads.rows_for([region_key("v0"), region_key("v1")])
    assert sorted(before.values()) == [1, 2]
    # Rows taken and never written (a crash before the payloads) are not given again.
    assert payloads.rows_for([region_key("v8"), region_key("v9")]) == {region_key("v8"): 3, region_key("v9"): 4}
    store.upsert([regions[1].model_copy(update={"vector": vectors[3].tolist()}), regions[2]])
    after = payloads.rows_for([region_key("v1"), region_key("v2")])
    assert after == {region_key("v1"): before[region_key("v1")], region_key("v2"): 5}
    assert store.search(vectors[3].tolist(), k=1)[0].id == "v1"  # the index entry under its row was replaced
    assert sorted(hit.id for hit in store.search(vectors[0].tolist(), k=10)) == ["v0", "v1", "v2"]  # once each
    assert store.count() == 3
    payloads.close()


def test_a_photo_and_its_product_are_kept_once_and_follow_the_photo(store, codec, tmp_path):
    vectors = in_span(codec, 6)
    regions = [record.model_copy(update={"image_url": "https://shop.example/one.jpg"}) for record in records(vectors)]
    store.upsert(regions)
    with sqlite3.connect(tmp_path / "regions.sqlite3") as db:
        assert db.execute("SELECT image_url, product_id FROM photos").fetchall() == [
            ("https://shop.example/one.jpg", "p2")  # the last region written names the photo's product
        ]
    assert store.image_ids("https://shop.example/one.jpg", label="jacket") == ["v1", "v3", "v5"]
    store.upsert([region.model_copy(update={"product_id": "p9"}) for region in regions])  # moved to another product
    assert {hit.product_id for hit in store.search(vectors[0].tolist(), k=6, product_ids={"p9"})} == {"p9"}
    assert store.count_for_products(["p9"]) == 6 and store.count_for_products(["p0", "p1"]) == 0


def test_an_earlier_layout_is_refused_then_converted_and_an_interrupted_conversion_goes_on(
    lite_uri, tmp_path, codec, monkeypatch
):
    vectors = in_span(codec, 50)
    current = open_store(lite_uri, "converted", tmp_path / "current.sqlite3", codec)
    current.upsert(records(vectors))
    current.close()
    earlier = tmp_path / "regions.sqlite3"
    write_earlier_layout(tmp_path / "current.sqlite3", earlier)
    with pytest.raises(ValueError, match="snapmode vectors migrate"):
        open_store(lite_uri, "converted", earlier, codec)

    monkeypatch.setattr("snapmode.backends.vectors.payloads.CONVERT_BATCH", 20)

    def cut_after_the_first_batch(done: int, total: int) -> None:
        if done == 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert(earlier, cut_after_the_first_batch)
    assert in_earlier_layout(earlier)  # only read so far
    seen = []
    assert convert(earlier, lambda done, total: seen.append((done, total))) == 50
    assert seen[0] == (20, 50) and seen[-1] == (50, 50)
    assert not in_earlier_layout(earlier) and not (tmp_path / "regions.sqlite3.converting").exists()
    # The rows are numbered anew: the index that named the earlier ones is refused until rebuilt.
    with pytest.raises(ValueError, match="snapmode vectors rebuild"):
        open_store(lite_uri, "converted", earlier, codec)
    store = open_store(lite_uri, "converted", earlier, codec, rebuilding=True)
    assert store.needs_rebuild and store.rebuild() == 50 and not store.needs_rebuild
    assert (store.count(), store.count("jacket")) == (50, 25)
    (hit,) = store.search(vectors[17].tolist(), k=1)
    assert (hit.id, hit.product_id, hit.image_url) == ("v17", "p2", "https://shop.example/img/17.jpg")
    assert store.image_ids("https://shop.example/img/17.jpg") == ["v17"]
    store.close()


def test_rebuild_restores_a_lost_index_from_the_payloads(tmp_path, codec):
    uri, payloads = str(tmp_path / "index.db"), tmp_path / "regions.sqlite3"
    vectors = in_span(codec, 40)
    query = vectors[11].tolist()
    # Its own process: Milvus Lite keeps a file locked until the process that opened it exits.
    before = run_in_process(
        tmp_path,
        f"""
store = open_store({uri!r}, "regions", Path({str(payloads)!r}), codec)
store.upsert(records(vectors))
print([hit.id for hit in store.search(query, k=5)])
""",
        codec.projection,
        vectors,
        query,
    )
    Path(uri).unlink()
    with pytest.raises(ValueError, match="snapmode vectors rebuild"):
        open_store(uri, "regions", payloads, codec)
    rebuilt = open_store(uri, "regions", payloads, codec, rebuilding=True)
    seen = []
    assert rebuilt.rebuild(lambda done, total: seen.append((done, total))) == 40
    assert seen[0] == (0, 40) and seen[-1] == (40, 40)
    assert str([hit.id for hit in rebuilt.search(query, k=5)]) == before.strip()
    rebuilt.close()


def test_a_damaged_index_file_names_the_repair_and_rebuild_sets_it_aside(tmp_path, codec):
    uri, payloads = tmp_path / "index.db", tmp_path / "regions.sqlite3"
    vectors = in_span(codec, 10)
    run_in_process(
        tmp_path,
        f"""
store = open_store({str(uri)!r}, "regions", Path({str(payloads)!r}), codec)
store.upsert(records(vectors))
""",
        codec.projection,
        vectors,
        vectors[0],
    )
    with uri.open("r+b") as file:
        file.seek(4096)
        file.write(b"\0damaged" * 4096)
    script = f"""
try:
    open_store({str(uri)!r}, "regions", Path({str(payloads)!r}), codec)
except RuntimeError as error:
    print(error)
"""
    assert "snapmode vectors rebuild" in run_in_process(tmp_path, script, codec.projection, vectors, vectors[0])
    rebuilt = open_store(str(uri), "regions", payloads, codec, rebuilding=True)
    assert rebuilt.rebuild() == 10
    assert rebuilt.search(vectors[4].tolist(), k=1)[0].id == "v4"
    assert len(list(tmp_path.glob("index.db.damaged-*"))) == 1
    rebuilt.close()


def test_other_index_dimensions_ask_for_a_rebuild_and_another_projection_for_a_reembed(
    lite_uri, tmp_path, codec, projection
):
    payloads = tmp_path / "regions.sqlite3"
    open_store(lite_uri, "dims", payloads, codec).close()
    with pytest.raises(ValueError, match="snapmode vectors rebuild"):
        open_store(lite_uri, "dims", payloads, VectorCodec(projection, INDEX + 2, RERANK))
    with pytest.raises(ValueError, match="snapmode reembed"):
        open_store(lite_uri, "dims", payloads, VectorCodec(projection, INDEX, RERANK - 4))


def test_migration_moves_every_region_and_resumes(lite_uri, tmp_path, codec):
    source = MilvusVectorStore(lite_uri, "full_layout", DIM)
    vectors = in_span(codec, 2500)  # three of the migration's batches
    source.upsert(records(vectors))
    target = open_store(lite_uri, "migrated", tmp_path / "regions.sqlite3", codec)
    target.upsert(records(vectors[:1200]))  # as an interrupted run leaves it: the first batch and some more
    done = migrate(source, target)
    assert (done.regions, done.copied, done.already) == (2500, 1300, 1200)
    assert target.count() == 2500
    (hit,) = target.search(vectors[2100].tolist(), k=1)
    assert hit.id == "v2100" and hit.score == pytest.approx(1.0, abs=2e-3) and hit.product_id == "p0"
    again = migrate(source, target)
    assert (again.copied, again.already) == (0, 2500)
    source.close()
    target.close()


def test_colour_and_probabilities_keep_within_a_quantum():
    signature = np.sqrt(np.random.default_rng(2).dirichlet(np.ones(COLOUR_DIM) * 0.05))
    packed = compact.pack_colour(signature.tolist())
    assert len(packed) < 3 * COLOUR_DIM  # only the bins a photo has
    assert compact.unpack_colour(packed, COLOUR_DIM) == pytest.approx(signature, abs=0.5 / 255 + 1e-6)
    probabilities = [0.0, 0.2, 0.799, 1.0]
    assert compact.unpack_probabilities(compact.pack_probabilities(probabilities)) == pytest.approx(
        probabilities, abs=0.5 / 255 + 1e-6
    )


def test_a_missing_projection_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="snapmode train projection"):
        VectorCodec(tmp_path / "none.npz", 4, 8)


def run_in_process(scratch: Path, body: str, projection: np.ndarray, vectors: np.ndarray, query) -> str:
    """Run ``body`` in a fresh interpreter with this module's helpers, a codec over ``projection`` and the vectors."""
    folder = Path(__file__).parent
    arrays = scratch / "arrays.npz"
    np.savez(arrays, projection=projection, vectors=vectors, query=np.asarray(query))
    prelude = f"""
import sys, numpy as np
from pathlib import Path
sys.path.insert(0, {str(folder)!r})
from test_backends_compact import open_store, records
from snapmode.backends.vectors.compact import VectorCodec, save_projection
arrays = np.load({str(arrays)!r})
vectors, query = arrays["vectors"], arrays["query"].tolist()
save_projection(Path({str(arrays)!r}).with_suffix(".projection.npz"), arrays["projection"])
codec = VectorCodec(Path({str(arrays)!r}).with_suffix(".projection.npz"), {INDEX}, {RERANK})
"""
    done = subprocess.run([sys.executable, "-c", prelude + body], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stdout
