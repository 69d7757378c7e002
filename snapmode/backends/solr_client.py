"""A thin JSON client for one Solr core, shared by the Solr backends.

Commit policy: an update asks for a soft commit (``softCommit=true``) and Solr answers once the new
searcher is open, so the next read from any process sees the write; the cores' ``autoCommit`` (15 s,
no new searcher) makes it durable. Reads by id go through realtime get, which also sees uncommitted
documents. The cores written far more often than they are searched, the frontier and the products (a crawl
writes every page; searches come per claim or per shopper's query), post their writes without a commit
(``commit=False``: Solr soft-commits them within ``COMMIT_WITHIN_MS`` for readers outside SnapMode) and commit
before each of their searches instead (``fresh=True``), which makes every write made so far, by any process,
visible to the search: the same guarantee, at one commit per search rather than per write. A commit with
nothing new to show costs little.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from snapmode.config import SolrSettings
from snapmode.errors import BackendUnavailable, InvalidRequest

PAGE_SIZE = 500
COMMIT_WITHIN_MS = 1000  # uncommitted writes become searchable this soon without a fresh search
_SOFT_COMMIT = {"softCommit": "true", "commit": "true", "waitSearcher": "true", "wt": "json"}


class VersionConflict(Exception):
    """An update's ``_version_`` no longer matches: another writer got there first."""


class SolrCore:
    """One core over HTTP; every call has the settings' timeout and fails as a ``snapmode.errors`` exception."""

    def __init__(self, settings: SolrSettings, core: str) -> None:
        self.url = f"{settings.url.rstrip('/')}/{core}"
        self._http = httpx.Client(base_url=self.url, timeout=settings.timeout)

    def query(self, body: dict[str, Any], *, fresh: bool = False) -> dict[str, Any]:
        """A JSON Request API search (``query``, ``filter``, ``sort``, ``facet``, ``params``...); ``fresh``
        commits first, so it sees writes posted without a commit."""
        if fresh:
            self.commit()
        return self._call("POST", "/select", json=body)

    def query_all(self, body: dict[str, Any], *, fresh: bool = False) -> Iterator[dict[str, Any]]:
        """Every matching document, paged with a cursor (``body["sort"]`` must end with ``id``)."""
        cursor = "*"
        if fresh:
            self.commit()
        while True:
            answer = self.query(body | {"limit": PAGE_SIZE, "params": body.get("params", {}) | {"cursorMark": cursor}})
            yield from answer["response"]["docs"]
            if answer["nextCursorMark"] == cursor:
                return
            cursor = answer["nextCursorMark"]

    def get(self, ids: list[str], fields: str) -> list[dict[str, Any]]:
        """The latest version of each document found, committed or not (realtime get)."""
        if not ids:
            return []
        # a form body, not a query string: a big batch of ids would overflow Jetty's URI limit
        answer = self._call("POST", "/get", data={"fl": fields, "id": ids})
        if "doc" in answer:  # Solr answers a single id with the bare document
            return [answer["doc"]] if answer["doc"] else []
        return answer["response"]["docs"]

    def update(self, commands: list[dict[str, Any]] | dict[str, Any], *, commit: bool = True) -> None:
        """Send documents (a list) or commands (``{"delete": ...}``) and soft-commit them; without ``commit``,
        only a ``fresh`` search or ``COMMIT_WITHIN_MS`` makes them searchable (realtime get sees them at once)."""
        params = {"softCommit": "true"} if commit else {"commitWithin": str(COMMIT_WITHIN_MS)}
        self._call("POST", "/update", params=params, json=commands)

    def commit(self) -> None:
        """A soft commit, answered once the new searcher is open: every write so far becomes searchable."""
        self._call("POST", "/update", params=_SOFT_COMMIT, json=[])

    def post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """Any request to the core (``params``, ``data`` or ``json`` as httpx takes them), errors mapped."""
        return self._call("POST", path, **kwargs)

    def delete_all(self) -> None:
        self.update({"delete": {"query": "*:*"}})

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"Solr at {self.url} cannot be reached: {exc!r}") from exc
        if response.status_code == 409:
            raise VersionConflict(_message(response))
        if response.status_code == 404:
            raise BackendUnavailable(f"Solr core at {self.url} not found (404; scripts/services/solr start creates it)")
        if response.status_code == 400:
            raise InvalidRequest(f"Solr at {self.url} refused the request: {_message(response)}")
        if response.status_code != 200:
            raise BackendUnavailable(f"Solr at {self.url} answered {response.status_code}: {_message(response)}")
        return response.json()


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["msg"])
    except (ValueError, KeyError, TypeError):
        return response.text[:500]
