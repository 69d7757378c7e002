"""The compact ``VectorStore``: a Milvus index of short vectors in memory, everything else on disk.

Each region is stored as its coordinates on the learned projection (snapmode.backends.vectors.compact). Milvus
(Lite or a server) indexes their first ``index_dims`` under the region's row number in an SQLite file beside it
(snapmode.backends.vectors.payloads), with only what a search filters by (product, label, category); the file keeps
the rest. A search takes ``refine`` times the asked-for number of candidates from the index, re-ranks them by the
cosine of their whole coordinates and returns the best: the exact 8192-d search is what it is measured against
(bench/million.py).

Detail views have a collection of their own: a search that leaves them out (a query's own detail views meet
whole photos and detections only) scans the other regions, about 2 in 9, instead of filtering every region by
label, which at a million photos took three quarters of the search's time.

The payload file is the record of what is stored: the Milvus index can be rebuilt from it (``rebuild``,
`snapmode vectors rebuild`) without the photos or the models, after a change of index dimensions or lists, or when
the index file is lost or corrupted.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
from pymilvus import DataType, MilvusClient

from snapmode.backends.vectors import compact
from snapmode.backends.vectors.base import OneSearchCall
from snapmode.backends.vectors.compact import VectorCodec
from snapmode.backends.vectors.hits import VectorHit
from snapmode.backends.vectors.key_search import KeyHits, search_keys
from snapmode.backends.vectors.milvus import (
    LABEL_MAX_LENGTH,
    MAX_SEARCH_K,
    METRIC,
    READ,
    RPC_RETRIES,
    SEARCH_CONSISTENCY,
    WRITE,
    connect,
    search_filter,
    searchable,
    unavailable,
)
from snapmode.backends.vectors.payloads import INDEX_KEYS_LAYOUT, Payload, SqlitePayloads
from snapmode.domain import VectorRecord
from snapmode.vision.colour import COLOUR_DIM
from snapmode.vision.details import DETAIL_LABEL

UPSERT_BATCH = 1024
REBUILD_BATCH = 10_000
NO_CATEGORY = ""
# Loading an index of millions of regions, Milvus Lite reads and indexes its segments first: 4-6 min at 9.1M.
LOAD = {"timeout": 1800.0, "retry_times": RPC_RETRIES}
REBUILD_HINT = "`snapmode vectors rebuild` rebuilds it from the stored regions"
# What the index names a region by; indexes written before rows named them by their key (a hash of their id).
INDEX_KEYS = "rows"
DETAILS_SUFFIX = "_details"
LISTS_POLL_S = 2.0


def region_key(region_id: str) -> int:
    """The index's integer key of a region id (a signed 64-bit prefix of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(region_id.encode()).digest()[:8], "big", signed=True)


def product_key(product_id: str) -> int:
    return region_key(product_id)


class CompactVectorStore(OneSearchCall):
    def __init__(
        self,
        uri: str,
        collection: str,
        payloads: Path,
        codec: VectorCodec,
        *,
        nlist: int,
        nprobe: int,
        refine: int,
        rebuilding: bool = False,
    ) -> None:
        """``rebuilding``: open only for ``rebuild``, whatever state the index is in."""
        if nlist < 1 or nprobe < 1 or refine < 1:
            raise ValueError(f"nlist, nprobe and refine must be >= 1, got {nlist}, {nprobe}, {refine}")
        self._uri = uri
        self._collection = collection
        self._details = f"{collection}{DETAILS_SUFFIX}"
        self._codec = codec
        self._nlist = nlist
        self._refine = refine
        self._search_params = {"metric_type": METRIC, "params": {"nprobe": min(nprobe, nlist)}}
        self._payloads = SqlitePayloads(payloads)
        self._check_layout(rebuilding)
        if rebuilding:
            self._client = _connect_or_set_aside(uri)
            return
        try:
            self._client = connect(uri)
        except RuntimeError as error:
            raise RuntimeError(f"{error}; if its file is damaged, {REBUILD_HINT}") from error
        with unavailable(uri, "opening the collection"):
            for name in self._collections:
                if not self._client.has_collection(name, **READ):
                    if self._payloads.count():
                        raise ValueError(
                            f"the vector index {name!r} at {uri} is missing while {payloads} holds "
                            f"{self._payloads.count()} regions: {REBUILD_HINT}"
                        )
                    self._create_collection(name)
                self._check_index_dims(name)
                self._client.load_collection(name, **LOAD)

    @property
    def needs_rebuild(self) -> bool:
        """Whether the index names regions otherwise than this release (an earlier one's, or rows converted)."""
        return _names_otherwise(self._payloads.layout())

    @property
    def _collections(self) -> tuple[str, str]:
        return self._collection, self._details

    def _layout(self) -> dict[str, str]:
        return {
            "projection": self._codec.digest,
            "rerank_dims": str(self._codec.rerank_dims),
            "index_dims": str(self._codec.index_dims),
            INDEX_KEYS_LAYOUT: INDEX_KEYS,
        }

    def _check_layout(self, rebuilding: bool) -> None:
        stored, wanted = self._payloads.layout(), self._layout()
        if stored and (stored["projection"], stored["rerank_dims"]) != (wanted["projection"], wanted["rerank_dims"]):
            raise ValueError(
                f"the regions in {self._payloads.path} were stored with another vector projection or "
                f"re-ranking dimensions ({stored['rerank_dims']}) than this one ({wanted['rerank_dims']}): "
                "`snapmode reembed` embeds the photos again"
            )
        if not self._payloads.count():
            self._payloads.set_layout(wanted)
        elif self.needs_rebuild and not rebuilding:
            raise ValueError(
                f"the vector index at {self._uri} names the stored regions otherwise than this release does (an "
                f"earlier release wrote it, or the regions were converted since): {REBUILD_HINT}"
            )

    def _check_index_dims(self, collection: str) -> None:
        fields = self._client.describe_collection(collection, **READ)["fields"]
        dims = next(int(field["params"]["dim"]) for field in fields if field["name"] == "vector")
        if dims != self._codec.index_dims:
            raise ValueError(
                f"the vector index {collection!r} at {self._uri} holds {dims}-d vectors, the settings ask for "
                f"{self._codec.index_dims}: {REBUILD_HINT}"
            )

    def _create_collection(self, name: str) -> None:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("key", DataType.INT64, is_primary=True)
        schema.add_field("product", DataType.INT64)
        schema.add_field("label", DataType.VARCHAR, max_length=LABEL_MAX_LENGTH)
        schema.add_field("category", DataType.VARCHAR, max_length=LABEL_MAX_LENGTH)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self._codec.index_dims)
        index = MilvusClient.prepare_index_params()
        index.add_index(field_name="vector", index_type="IVF_FLAT", metric_type=METRIC, params={"nlist": self._nlist})
        self._client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong", **WRITE)

    def upsert(self, records: list[VectorRecord]) -> None:
        odd = next((record for record in records if len(record.colour) != COLOUR_DIM), None)
        if odd is not None:
            raise ValueError(f"region {odd.id} has a {len(odd.colour)}-bin colour signature, not {COLOUR_DIM}")
        for start in range(0, len(records), UPSERT_BATCH):
            batch = records[start : start + UPSERT_BATCH]
            coordinates = self._codec.coordinates(_unit_rows([record.vector for record in batch]))
            payloads = [
                Payload(
                    key=region_key(record.id),
                    id=record.id,
                    product_id=record.product_id,
                    image_url=record.image_url,
                    label=record.label,
                    category=record.category,
                    box=tuple(record.box),
                    coordinates=compact.pack_coordinates(row),
                    colour=compact.pack_colour(record.colour),
                    article_types=compact.pack_probabilities(record.article_types),
                )
                for record, row in zip(batch, coordinates, strict=True)
            ]
            self.put(payloads)

    def put(self, payloads: list[Payload]) -> None:
        """Store regions already in compact form: their rows taken, the index written, then their payloads (see
        payloads.py)."""
        rows = self._payloads.rows_for([payload.key for payload in payloads])
        self._index({rows[payload.key]: payload for payload in payloads}, "storing vectors", upsert=True)
        self._payloads.put(payloads, rows)

    def _index(self, payloads: dict[int, Payload], action: str, upsert: bool) -> None:
        """Index the regions by their rows."""
        coordinates = compact.unpack_coordinates([payload.coordinates for payload in payloads.values()])
        vectors = self._codec.index_vectors(coordinates)
        rows = [
            {
                "key": row,
                "product": product_key(payload.product_id),
                "label": payload.label,
                "category": payload.category or NO_CATEGORY,
                "vector": vector.tolist(),
            }
            for (row, payload), vector in zip(payloads.items(), vectors, strict=True)
        ]
        # A region id says whether it is a detail view (snapmode.ids.vector_id): a region never moves between them.
        labels = [payload.label for payload in payloads.values()]
        details = [row for row, label in zip(rows, labels, strict=True) if label == DETAIL_LABEL]
        others = [row for row, label in zip(rows, labels, strict=True) if label != DETAIL_LABEL]
        with unavailable(self._uri, action):
            for name, some in ((self._collection, others), (self._details, details)):
                if some:
                    (self._client.upsert if upsert else self._client.insert)(name, some, **WRITE)

    def rebuild(self, progress: Callable[[int, int], None] = lambda done, total: None) -> int:
        """Drop the index and write it again from the stored regions; ``progress(done, total)`` after each batch.
        Interrupted, it is run again from the start: the payload file is only read."""
        total = self._payloads.count()
        with unavailable(self._uri, "dropping the vector index"):
            for name in self._collections:
                self._client.drop_collection(name, **WRITE)
        for name in self._collections:
            self._create_collection(name)
        done = 0
        progress(done, total)
        for batch in self._payloads.batches(REBUILD_BATCH):
            self._index(batch, "rebuilding the vector index", upsert=False)
            done += len(batch)
            progress(done, total)
        with unavailable(self._uri, "loading the vector index"):
            for name in self._collections:
                self._client.flush(name, **WRITE)
                self._client.load_collection(name, **LOAD)
        self._payloads.set_layout(self._layout())
        return done

    def wait_for_lists(self, progress: Callable[[int, int], None] = lambda built, total: None) -> None:
        """Until the index has its IVF lists for every region, ``progress(built, total)`` meanwhile. A Milvus server
        builds them on sealed segments after the writes (5.5 min at a million photos), and searches scan a segment
        without them whole; Milvus Lite has them at once. Stopping the wait stops nothing on the server."""
        while True:
            with unavailable(self._uri, "reading the state of the vector index"):
                states = [self._client.describe_index(name, "vector", **READ) for name in self._collections]
            progress(sum(state["indexed_rows"] for state in states), sum(state["total_rows"] for state in states))
            if all(state["state"] == "Finished" and not state["pending_index_rows"] for state in states):
                return
            time.sleep(LISTS_POLL_S)

    def _search(
        self,
        vectors: list[list[float]],
        k: int,
        exclude_product: str | None,
        category: str | None,
        exclude_label: str | None,
        product_ids: Collection[str] | None,
    ) -> list[list[VectorHit]]:
        if not searchable(vectors, k, product_ids):
            return [[] for _ in vectors]
        queries = self._codec.coordinates(_unit_rows(vectors))
        collections = [self._collection] if exclude_label == DETAIL_LABEL else list(self._collections)
        conditions = search_filter(
            exclude_product, category, None if exclude_label == DETAIL_LABEL else exclude_label, product_ids,
            "product", lambda pid: str(product_key(pid)),
        )  # fmt: skip
        limit = min(k * self._refine, MAX_SEARCH_K)
        data = self._codec.index_vectors(queries).tolist()
        with unavailable(self._uri, "searching"):
            found = [
                search_keys(
                    self._client,
                    name,
                    data,
                    limit,
                    filter=conditions,
                    search_params=self._search_params,
                    consistency_level=SEARCH_CONSISTENCY,
                    **READ,
                )
                for name in collections
            ]
        answers = [_best_of(limit, hits) for hits in zip(*found, strict=True)]
        # The candidates' coordinates alone first: the rest of a row is read for the k kept of each query only,
        # a quarter of them (the photo's URL and product are a join away; 18 -> 10 ms for 800 rows at 1M photos).
        coordinates = self._payloads.coordinates({row for rows in answers for row in rows})
        best = [_reranked(query, rows, coordinates, k) for query, rows in zip(queries, answers, strict=True)]
        payloads = self._payloads.at_rows({row for kept in best for row, _ in kept})
        # A region written again in between may have left its row (a concurrent writer's): it is no hit this time.
        return [[_hit(payloads[row], cosine) for row, cosine in kept if row in payloads] for kept in best]

    def stored_ids(self, ids: list[str]) -> set[str]:
        """Which of these region ids are stored."""
        return {payload.id for payload in self._payloads.get([region_key(region_id) for region_id in ids]).values()}

    def image_ids(self, image_url: str, label: str | None = None) -> list[str]:
        return sorted(self._payloads.ids_for_image(image_url, label))

    def records_for_image(self, image_url: str) -> list[VectorRecord]:
        payloads = self._payloads.for_image(image_url)
        if not payloads:
            return []
        vectors = self._codec.vectors(compact.unpack_coordinates([payload.coordinates for payload in payloads]))
        records = []
        for payload, vector in zip(payloads, vectors, strict=True):
            fields = _decoded(payload)
            fields |= {"colour": fields["colour"].tolist(), "article_types": fields["article_types"].tolist()}
            records.append(VectorRecord(**fields, vector=vector.tolist()))
        return records

    def article_types(self, image_urls: Collection[str], label: str) -> dict[str, list[float]]:
        stored = self._payloads.article_types(image_urls, label)
        return {url: compact.unpack_probabilities(blob).tolist() for url, blob in stored.items()}

    def count(self, label: str | None = None) -> int:
        """Regions stored (and searchable: the index is asked to be there, as readiness checks count)."""
        with unavailable(self._uri, "counting vectors"):
            for name in self._collections:
                self._client.get_load_state(name, **READ)
        return self._payloads.count(label)

    def count_for_products(self, product_ids: list[str]) -> int:
        return self._payloads.count_for_products(product_ids)

    def close(self) -> None:
        self._payloads.close()
        self._client.close()


def index_outdated(payloads: Path) -> bool:
    """Whether regions are stored in this file and the index beside it names them otherwise than this release: read
    from the file alone, without starting the index (which a rebuild then opens)."""
    stored = SqlitePayloads(payloads)
    try:
        return stored.count() > 0 and _names_otherwise(stored.layout())
    finally:
        stored.close()


def _names_otherwise(layout: dict[str, str]) -> bool:
    return layout.get(INDEX_KEYS_LAYOUT) != INDEX_KEYS


def _connect_or_set_aside(uri: str) -> MilvusClient:
    """A client of the index, for a rebuild: a Milvus Lite file that cannot be opened is renamed aside (it holds
    nothing the stored regions do not) and a new one started."""
    try:
        return connect(uri)
    except RuntimeError:
        if not uri.endswith(".db") or not Path(uri).is_file():
            raise
        Path(uri).rename(f"{uri}.damaged-{int(time.time())}")
        return connect(uri)


def _best_of(limit: int, hits: tuple[KeyHits, ...]) -> list[int]:
    """The keys (rows) of the ``limit`` best candidates of one query in every collection searched, as one index over
    every region would have given them (ties in the order the collections were searched)."""
    keys = np.concatenate([found.keys for found in hits])
    distances = np.concatenate([found.distances for found in hits])
    return keys[np.argsort(-distances, kind="stable")[:limit]].tolist()


def _reranked(query: np.ndarray, rows: list[int], coordinates: dict[int, bytes], k: int) -> list[tuple[int, float]]:
    """The k rows whose coordinates are closest to the query, with their cosines; ``rows`` in the index's order."""
    # An index entry without a payload is a write a crash cut short: not stored yet (payloads.py).
    found = [row for row in rows if row in coordinates]
    if not found:
        return []
    cosines = compact.unpack_coordinates([coordinates[row] for row in found]) @ query
    return [(found[i], float(cosines[i])) for i in np.argsort(-cosines, kind="stable")[:k]]


def _hit(payload: Payload, score: float) -> VectorHit:
    return VectorHit(**_decoded(payload), score=score)


def _decoded(payload: Payload) -> dict:
    """A stored region's fields as a VectorHit has them (a VectorRecord, with lists)."""
    return {
        "id": payload.id,
        "product_id": payload.product_id,
        "image_url": payload.image_url,
        "label": payload.label,
        "category": payload.category,
        "box": payload.box,
        "colour": compact.unpack_colour(payload.colour, COLOUR_DIM),
        "article_types": compact.unpack_probabilities(payload.article_types),
    }


def _unit_rows(vectors) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected a list of vectors, got an array of shape {matrix.shape}")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if not np.all(np.isfinite(norms)) or np.any(norms == 0):
        raise ValueError("vectors must be finite and non-zero to be compared by cosine similarity")
    return matrix / norms
