"""A Milvus search whose answer is read as arrays of integer keys and distances.

``MilvusClient.search`` builds a dict-like ``Hit`` for every candidate, about 2 µs each: a photo query's 2,160
candidates cost 4-5 ms of it. The compact store wants the keys alone (it re-ranks them by coordinates kept beside
the index), so it sends the request pymilvus prepares and reads the keys and distances from the server's answer.
This reaches below ``MilvusClient`` (its connection and request builder); pymilvus is pinned, and
tests/test_key_search.py checks the answer against ``MilvusClient.search`` on Milvus Lite and on a server.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pymilvus import MilvusClient
from pymilvus.client.prepare import Prepare
from pymilvus.client.utils import check_status
from pymilvus.decorators import retry_on_rpc_failure


@dataclass(frozen=True, slots=True)
class KeyHits:
    """One query's candidates, best first: int64 keys and their distances (inner products)."""

    keys: np.ndarray
    distances: np.ndarray


def search_keys(
    client: MilvusClient,
    collection: str,
    data: list[list[float]],
    limit: int,
    *,
    filter: str,
    search_params: dict,
    consistency_level: str,
    timeout: float,
    retry_times: int,
) -> list[KeyHits]:
    """Each query's ``limit`` best candidates in ``collection`` (whose primary key is an integer), as
    ``MilvusClient.search(..., output_fields=[])`` finds them; failures raise as that call's do."""
    request = Prepare.search_requests_with_expr(
        collection, data, "", search_params, limit, filter, None, [], -1, consistency_level=consistency_level
    )
    results = _search(client._get_connection(), request, timeout=timeout, retry_times=retry_times)
    keys = np.asarray(results.ids.int_id.data, np.int64)
    distances = np.asarray(results.scores, np.float32)
    ends = np.cumsum(np.asarray(results.topks, np.int64))
    return [
        KeyHits(keys=keys[end - count : end], distances=distances[end - count : end])
        for end, count in zip(ends.tolist(), results.topks, strict=True)
    ]


@retry_on_rpc_failure()
def _search(connection, request, *, timeout: float, retry_times: int):
    """The server's answer (``retry_times`` read by the decorator: a blip is retried as pymilvus' own calls are)."""
    response = connection._stub.Search(request, timeout=timeout)
    check_status(response.status)
    return response.results
