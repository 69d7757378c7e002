"""Region vectors in Milvus through ``MilvusClient``: Milvus Lite for a local path, a server for a URL."""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import numpy as np
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import ConnectionConfigException, MilvusException

from snapmode.backends.vectors.base import OneSearchCall
from snapmode.backends.vectors.hits import VectorHit
from snapmode.domain import VectorRecord
from snapmode.errors import BackendUnavailable

ID_MAX_LENGTH = 64
PRODUCT_ID_MAX_LENGTH = 64
IMAGE_URL_MAX_LENGTH = 2048
LABEL_MAX_LENGTH = 64
CATEGORY_MAX_LENGTH = 64
STORED_DECIMALS = 4  # of colours and article-type probabilities: a fraction of the JSON, the same ranking
UPSERT_BATCH = 128  # 128 x 8192 floats is ~4 MiB of protobuf, far below gRPC's message limit
MAX_SEARCH_K = 16_384  # Milvus' topk limit
# IVF_FLAT with one list by default: no k-means to train, and an exact scan up to tens of thousands of
# vectors (at 100k Milvus Lite 2.5 answered with recall@100 0.992, docs/operations.md). More lists
# (about 4 x sqrt(rows)) make search approximate and faster on large collections, at the cost of a
# k-means per segment when it is sealed; one index type either way keeps the search parameters one shape.
INDEX_TYPE = "IVF_FLAT"
EXACT_NLIST = 1
NPROBE = 32  # lists scanned per query when there are more than one
METRIC = "IP"  # on L2-normalised vectors, inner product is the cosine similarity
OUTPUT_FIELDS = ["product_id", "image_url", "label", "category", "box", "colour", "article_types"]
JSON_LIST_KEY = "v"  # the key of a list stored in a JSON field (`_json_list`)
# Products a search may be limited to. A filtered photo search sends at most 5,000
# (snapmode.pipeline.search.MAX_FILTER_MATCHES); on Milvus Lite 5,000 ids added about 20 ms to a search, 20,000 about 40.
MAX_FILTER_PRODUCTS = 20_000
COUNT_BATCH = 1000  # product ids per count query, to keep filter expressions small
REQUEST_TIMEOUT_S = 10.0  # per call, so a server that accepts and never answers cannot hold a request
# A server that is up answers a connect in milliseconds; one that is down should cost a request little.
# Milvus Lite's engine is a child process that may still be starting, so it gets the full timeout.
SERVER_CONNECT_TIMEOUT_S = 2.0
# Writes wait longer than reads: a write may wait on a segment being sealed and indexed, and one
# that times out is replayed, not dropped. An acknowledged upsert is durable without a flush, on
# Milvus Lite too (tests/test_backends_milvus.py kills the writer to show it).
WRITE_TIMEOUT_S = 120.0
# pymilvus retries a failing call up to 75 times, minutes in all, unless told otherwise: retry a blip twice
# (about 40 ms), then fail, so a request gets its 503 at once and a replayed write does the rest.
RPC_RETRIES = 2
READ = {"timeout": REQUEST_TIMEOUT_S, "retry_times": RPC_RETRIES}
# A Milvus server answers a "Strong" read after its next time tick, some 200 ms, on each of a photo query's
# searches; "Session" waits only for this process's own writes and sees other processes' as soon as the server
# has them. Counts and reads by image stay "Strong": they decide what is stored.
SEARCH_CONSISTENCY = "Session"
WRITE = {"timeout": WRITE_TIMEOUT_S, "retry_times": RPC_RETRIES}
NO_CATEGORY = ""  # Milvus Lite has no nullable fields: an unclassified region stores the empty string
# Milvus Lite reads its version through pkg_resources (hence the setuptools pin); its deprecation notice is noise.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning, module="milvus_lite")
# pymilvus prints its own ERROR line (and a stack of them on retries) to stderr, past the application's logging,
# for every failure this store re-raises as a BackendUnavailable that names the server and the operation.
for _logger in ("pymilvus", "pymilvus.milvus_client"):
    logging.getLogger(_logger).setLevel(logging.CRITICAL)


class MilvusVectorStore(OneSearchCall):
    """The ``VectorStore`` for every deployment; only ``uri`` differs.

    ``uri`` ending in ``.db`` is a Milvus Lite database file, served by a Milvus Lite engine
    process this process starts on a private socket. Milvus Lite locks the file to this
    process until it exits, or is killed, and the engine stops with it (closing the client
    does not release it): everything that touches the embedded vector store must run in one
    process. Several processes need a Milvus server (``http://host:port``).

    Vectors are L2-normalised on the way in, so ``VectorHit.score`` is the cosine
    similarity whatever the caller's scaling.
    """

    def __init__(self, uri: str, collection: str, dim: int = 8192, nlist: int = EXACT_NLIST) -> None:
        """``nlist`` applies to a collection created here; an existing one keeps the lists it was built with."""
        if dim < 1:
            raise ValueError(f"dim must be >= 1, got {dim}")
        if nlist < 1:
            raise ValueError(f"nlist must be >= 1, got {nlist}")
        self._collection = collection
        self._dim = dim
        self._uri = uri
        self._client = connect(uri)
        with self._unavailable("opening the collection"):
            if self._client.has_collection(collection, **READ):
                self._check_schema()
            else:
                self._create_collection(nlist)
            self._client.load_collection(collection, **WRITE)
            self._search_params = self._search_params_for_index()

    def _unavailable(self, action: str):
        return unavailable(self._uri, action)

    def _create_collection(self, nlist: int) -> None:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_MAX_LENGTH)
        schema.add_field("product_id", DataType.VARCHAR, max_length=PRODUCT_ID_MAX_LENGTH)
        schema.add_field("image_url", DataType.VARCHAR, max_length=IMAGE_URL_MAX_LENGTH)
        schema.add_field("label", DataType.VARCHAR, max_length=LABEL_MAX_LENGTH)
        schema.add_field("category", DataType.VARCHAR, max_length=CATEGORY_MAX_LENGTH)
        schema.add_field("box", DataType.JSON)
        # Read back with each hit, for the ranking (snapmode.similarity). JSON, not ARRAY: pymilvus 2.5 cannot decode
        # an empty query answer from a collection with an ARRAY field.
        schema.add_field("colour", DataType.JSON)
        schema.add_field("article_types", DataType.JSON)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self._dim)
        index_params = MilvusClient.prepare_index_params()
        index_params.add_index(field_name="vector", index_type=INDEX_TYPE, metric_type=METRIC, params={"nlist": nlist})
        self._client.create_collection(
            self._collection, schema=schema, index_params=index_params, consistency_level="Strong", **WRITE
        )

    def _check_schema(self) -> None:
        fields = self._client.describe_collection(self._collection, **READ)["fields"]
        names = {field["name"] for field in fields}
        since_when = (
            ("category", "the product classifier"),
            ("colour", "colour in the ranking"),
            ("article_types", "article types in the ranking"),
        )
        for name, since in since_when:
            if name not in names:
                # Milvus Lite cannot add a field to an existing collection: the vectors must be rebuilt.
                raise ValueError(
                    f"collection {self._collection!r} at {self._uri} has no {name} field (it predates {since}): "
                    "drop it (or delete that Milvus Lite file), then `snapmode reembed` rebuilds it"
                )
        stored = next(int(field["params"]["dim"]) for field in fields if field["name"] == "vector")
        if stored != self._dim:
            raise ValueError(
                f"collection {self._collection!r} holds {stored}-d vectors, this store was opened for {self._dim}-d"
            )

    def _search_params_for_index(self) -> dict:
        """Search parameters fitting the collection's index, which may predate this code (FLAT)."""
        (name,) = self._client.list_indexes(self._collection, field_name="vector", **READ)
        params = self._client.describe_index(self._collection, name, **READ)
        if params.get("index_type") != "IVF_FLAT":
            return {"metric_type": METRIC}
        nlist = int(params.get("nlist", EXACT_NLIST))
        return {"metric_type": METRIC, "params": {"nprobe": min(NPROBE, nlist)}}

    def _normalised(self, vectors: list[list[float]]) -> np.ndarray:
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[1] != self._dim:
            raise ValueError(f"expected {self._dim}-d vectors, got an array of shape {matrix.shape}")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise ValueError("vectors must be finite and non-zero to be compared by cosine similarity")
        return matrix / norms

    def upsert(self, records: list[VectorRecord]) -> None:
        for start in range(0, len(records), UPSERT_BATCH):
            batch = records[start : start + UPSERT_BATCH]
            vectors = self._normalised([record.vector for record in batch])
            rows = [
                {
                    "id": record.id,
                    "product_id": record.product_id,
                    "image_url": record.image_url,
                    "label": record.label,
                    "category": record.category or NO_CATEGORY,
                    "box": _json_list(list(record.box)),
                    "colour": _json_list(_rounded(record.colour)),
                    "article_types": _json_list(_rounded(record.article_types)),
                    "vector": vector.tolist(),
                }
                for record, vector in zip(batch, vectors, strict=True)
            ]
            with self._unavailable("storing vectors"):
                self._client.upsert(self._collection, rows, **WRITE)

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
        queries = self._normalised(vectors)
        conditions = search_filter(exclude_product, category, exclude_label, product_ids, "product_id", milvus_string)
        with self._unavailable("searching"):
            answers = self._client.search(
                self._collection,
                data=queries.tolist(),
                limit=k,
                filter=conditions,
                output_fields=OUTPUT_FIELDS,
                search_params=self._search_params,
                consistency_level=SEARCH_CONSISTENCY,
                **READ,
            )
        return [
            [
                VectorHit(
                    id=hit["id"],
                    product_id=hit["entity"]["product_id"],
                    image_url=hit["entity"]["image_url"],
                    label=hit["entity"]["label"],
                    category=hit["entity"]["category"] or None,
                    box=tuple(_list(hit["entity"]["box"])),
                    colour=np.asarray(_list(hit["entity"]["colour"]), np.float32),
                    article_types=np.asarray(_list(hit["entity"]["article_types"]), np.float32),
                    score=float(hit["distance"]),
                )
                for hit in hits
            ]
            for hits in answers
        ]

    def image_ids(self, image_url: str, label: str | None = None) -> list[str]:
        with self._unavailable("reading an image's vectors"):
            rows = self._client.query(
                self._collection,
                filter=_image_filter(image_url, label),
                output_fields=["id"],
                consistency_level="Strong",
                **READ,
            )
        return sorted(row["id"] for row in rows)

    def records_for_image(self, image_url: str) -> list[VectorRecord]:
        with self._unavailable("reading an image's vectors"):
            rows = self._client.query(
                self._collection,
                filter=_image_filter(image_url, None),
                output_fields=["id", "vector", *OUTPUT_FIELDS],
                consistency_level="Strong",
                **READ,
            )
        return [_record(row) for row in rows]

    def drop(self) -> None:
        """Delete the collection and every vector in it."""
        with self._unavailable("dropping the collection"):
            self._client.drop_collection(self._collection, **WRITE)

    def batches(self, size: int) -> Iterator[list[VectorRecord]]:
        """Every stored region, vectors included, ``size`` at a time (a migration's walk over the collection)."""
        with self._unavailable("reading vectors"):
            walk = self._client.query_iterator(
                self._collection, batch_size=size, output_fields=["id", "vector", *OUTPUT_FIELDS], **READ
            )
        try:
            while True:
                with self._unavailable("reading vectors"):
                    rows = walk.next()
                if not rows:
                    return
                yield [_record(row) for row in rows]
        finally:
            walk.close()

    def article_types(self, image_urls: Collection[str], label: str) -> dict[str, list[float]]:
        if not image_urls:
            return {}
        names = ", ".join(milvus_string(url) for url in sorted(image_urls))
        with self._unavailable("reading article types"):
            rows = self._client.query(
                self._collection,
                filter=f"label == {milvus_string(label)} and image_url in [{names}]",
                output_fields=["image_url", "article_types"],
                consistency_level=SEARCH_CONSISTENCY,
                **READ,
            )
        return {row["image_url"]: _list(row["article_types"]) for row in rows}

    def count(self, label: str | None = None) -> int:
        with self._unavailable("counting vectors"):
            (row,) = self._client.query(
                self._collection,
                filter="" if label is None else f"label == {milvus_string(label)}",
                output_fields=["count(*)"],
                consistency_level="Strong",
                **READ,
            )
        return int(row["count(*)"])

    def count_for_products(self, product_ids: list[str]) -> int:
        total = 0
        for start in range(0, len(product_ids), COUNT_BATCH):
            names = ", ".join(milvus_string(product_id) for product_id in product_ids[start : start + COUNT_BATCH])
            with self._unavailable("counting vectors"):
                (row,) = self._client.query(
                    self._collection,
                    filter=f"product_id in [{names}]",
                    output_fields=["count(*)"],
                    consistency_level="Strong",
                    **READ,
                )
            total += int(row["count(*)"])
        return total

    def close(self) -> None:
        self._client.close()


def _json_list(values: list) -> dict[str, list]:
    """A list as the value of a JSON field: wrapped in an object, since a Milvus 2.3 server (the standalone
    server of scripts/cluster) takes only objects there; Milvus Lite and 2.4+ take either."""
    return {JSON_LIST_KEY: values}


def _list(value: list | dict[str, list]) -> list:
    """A list read back from a JSON field, written wrapped (`_json_list`) or, by earlier versions, bare."""
    return value[JSON_LIST_KEY] if isinstance(value, dict) else value


def _rounded(values: list[float]) -> list[float]:
    return [round(float(value), STORED_DECIMALS) for value in values]


def searchable(vectors: list[list[float]], k: int, product_ids: Collection[str] | None) -> bool:
    """Whether a search can find anything; a ValueError for arguments no search takes."""
    if not 1 <= k <= MAX_SEARCH_K:
        raise ValueError(f"k must be between 1 and {MAX_SEARCH_K}, got {k}")
    if product_ids is not None and len(product_ids) > MAX_FILTER_PRODUCTS:
        raise ValueError(f"at most {MAX_FILTER_PRODUCTS} product ids per search, got {len(product_ids)}")
    return bool(vectors) and (product_ids is None or bool(product_ids))


def search_filter(
    exclude_product: str | None,
    category: str | None,
    exclude_label: str | None,
    product_ids: Collection[str] | None,
    product_field: str,
    product_literal: Callable[[str], str],
) -> str:
    """The filter expression of a search; products are matched on ``product_field`` as ``product_literal`` writes
    a product id."""
    conditions = []
    if exclude_product is not None:
        conditions.append(f"{product_field} != {product_literal(exclude_product)}")
    if category is not None:
        conditions.append(f"category == {milvus_string(category)}")
    if exclude_label is not None:
        conditions.append(f"label != {milvus_string(exclude_label)}")
    if product_ids is not None:
        # Spelled out: Milvus Lite 2.5 parses no expression templates (filter_params).
        conditions.append(f"{product_field} in [{', '.join(product_literal(pid) for pid in sorted(product_ids))}]")
    return " and ".join(conditions)


def _record(row: dict) -> VectorRecord:
    return VectorRecord(
        id=row["id"],
        product_id=row["product_id"],
        image_url=row["image_url"],
        label=row["label"],
        category=row["category"] or None,
        box=tuple(_list(row["box"])),
        vector=[float(x) for x in row["vector"]],
        colour=_list(row["colour"]),
        article_types=_list(row["article_types"]),
    )


def _image_filter(image_url: str, label: str | None) -> str:
    expression = f"image_url == {milvus_string(image_url)}"
    return expression if label is None else f"{expression} and label == {milvus_string(label)}"


def connect(uri: str) -> MilvusClient:
    """A client of Milvus Lite (``uri`` a local ``.db`` file, created with its folder) or of a server."""
    embedded = uri.endswith(".db")
    if embedded:
        if Path(uri).is_dir():
            raise RuntimeError(
                f"{uri} is a directory written by Milvus Lite 3, which this Milvus Lite cannot read: "
                "delete it with the rest of its data home and crawl again"
            )
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        with unavailable(uri, "connecting"):
            # A connection of its own: pymilvus shares one per address, and one client's close() would
            # close it under every other client of the same store in this process.
            return MilvusClient(
                uri,
                timeout=REQUEST_TIMEOUT_S if embedded else SERVER_CONNECT_TIMEOUT_S,
                alias=f"snapmode-{uuid.uuid4().hex}",
            )
    except ConnectionConfigException as error:
        hint = (
            " (Milvus Lite opens a database file in one process only: is another process using it?)" if embedded else ""
        )
        raise RuntimeError(f"cannot open the vector store at {uri!r}: {error.message}{hint}") from error


def has_collection(uri: str, collection: str) -> bool:
    """Whether the store at ``uri`` holds ``collection``, without creating a Milvus Lite file that is not there."""
    if uri.endswith(".db") and not Path(uri).exists():
        return False
    client = connect(uri)
    try:
        with unavailable(uri, "opening the collection"):
            return client.has_collection(collection, **READ)
    finally:
        client.close()


@contextmanager
def unavailable(uri: str, action: str) -> Iterator[None]:
    """Milvus' failures as the BackendUnavailable that names the server and what was being done."""
    # The client reconnects by itself once the server is back; until then every call fails fast.
    try:
        yield
    except MilvusException as error:
        if isinstance(error, ConnectionConfigException):
            raise
        raise BackendUnavailable(f"Milvus at {uri} failed while {action}: {error.message}") from error
    except grpc.RpcError as error:  # a deadline or a dropped stream reaches us as gRPC's own error
        detail = error.details() if isinstance(error, grpc.Call) else str(error)
        raise BackendUnavailable(f"Milvus at {uri} failed while {action}: {detail}") from error


def milvus_string(value: str) -> str:
    """A Milvus filter-expression string literal holding ``value`` verbatim."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'
