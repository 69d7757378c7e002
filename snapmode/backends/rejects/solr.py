"""Reject log in a Solr core (solr/configsets/rejects): one document per (stage, subject)."""

from __future__ import annotations

import json
import time

from snapmode.backends.rejects.base import Reject
from snapmode.backends.solr_client import SolrCore
from snapmode.config import SolrSettings


class SolrRejectLog:
    def __init__(self, settings: SolrSettings) -> None:
        self._core = SolrCore(settings, settings.rejects_core)

    def record(self, stage: str, subject: str, reason: str) -> None:
        # The id is derived from (stage, subject), so a replay replaces the document instead of adding one.
        reject = Reject(stage=stage, subject=subject, reason=reason, at=time.time())
        self._core.update([{"id": json.dumps([stage, subject]), **reject.model_dump()}])

    def recent(self, limit: int = 50) -> list[Reject]:
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        answer = self._core.query(
            {"query": "*:*", "sort": "at desc, id asc", "limit": limit, "fields": "stage,subject,reason,at"}
        )
        return [Reject.model_validate(doc) for doc in answer["response"]["docs"]]

    def count(self, stage: str | None = None) -> int:
        body = {"query": "*:*", "limit": 0}
        if stage is not None:
            body |= {"filter": ["{!term f=stage v=$stage}"], "params": {"stage": stage}}
        return self._core.query(body)["response"]["numFound"]

    def close(self) -> None:
        self._core.close()
