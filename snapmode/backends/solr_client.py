"""A thin JSON client for one Solr core, shared by the Solr backends.

Commit policy: every update asks for a soft commit (``softCommit=true``) and Solr answers once the new
searcher is open, so the next read from any process sees the write; the cores' ``autoCommit`` (15 s,
no new searcher) makes it durable. Reads by id go through realtime get, which also sees uncommitted
documents. Production would trade this read-your-writes guarantee for throughput with ``commitWithin``.
The frontier, which writes far more often than it searches, posts its writes without a commit and commits
before each search instead (``snapmode.backends.frontier.solr``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from snapmode.config import SolrSettings
from snapmode.errors import BackendUnavailable, InvalidRequest

PAGE_SIZE = 500


class VersionConflict(Exception):
    """An update's ``_version_`` no longer matches: another writer got there first."""


class SolrCore:
    """One core over HTTP; every call has the settings' timeout and fails as a ``snapmode.errors`` exception."""

    def __init__(self, settings: SolrSettings, core: str) -> None:
        self.url = f"{settings.url.rstrip('/')}/{core}"
        self._http = httpx.Client(base_url=self.url, timeout=settings.timeout)

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        """A JSON Request API search (``query``, ``filter``, ``sort``, ``facet``, ``params``...)."""
        return self._call("POST", "/select", json=body)

    def query_all(self, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every matching document, paged with a cursor (``body["sort"]`` must end with ``id``)."""
        cursor = "*"
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

    def update(self, commands: list[dict[str, Any]] | dict[str, Any]) -> None:
        """Send documents (a list) or commands (``{"delete": ...}``) and soft-commit them."""
        self._call("POST", "/update", params={"softCommit": "true"}, json=commands)

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
