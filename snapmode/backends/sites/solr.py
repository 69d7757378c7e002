"""Site registry in a Solr core (solr/configsets/sites): one document per site, its record as JSON (``data``)
and its learned template as JSON (``template``)."""

from __future__ import annotations

from snapmode.backends.solr_client import SolrCore, VersionConflict
from snapmode.config import SolrSettings
from snapmode.domain import STORED_SITE, Site


class SolrSiteRegistry:
    def __init__(self, settings: SolrSettings) -> None:
        self._core = SolrCore(settings, settings.sites_core)

    def upsert(self, site: Site) -> None:
        # an atomic update: the document's learned template, if any, is kept
        self._core.update([{"id": site.id, "data": {"set": site.model_dump_json()}}])

    def get(self, site_id: str) -> Site | None:
        docs = self._core.get([site_id], "data")
        return Site.model_validate_json(docs[0]["data"], context=STORED_SITE) if docs else None

    def all(self) -> list[Site]:
        docs = self._core.query_all({"query": "*:*", "sort": "id asc", "fields": "data"})
        return [Site.model_validate_json(doc["data"], context=STORED_SITE) for doc in docs]

    def delete(self, site_id: str) -> bool:
        found = bool(self._core.get([site_id], "id"))
        self._core.update({"delete": {"id": site_id}})
        return found

    def template(self, site_id: str) -> str | None:
        docs = self._core.get([site_id], "template")
        return docs[0].get("template") if docs else None

    def save_template(self, site_id: str, template: str) -> None:
        try:  # _version_ 1: only an existing document (a registered site) is updated
            self._core.update([{"id": site_id, "_version_": 1, "template": {"set": template}}])
        except VersionConflict:
            pass

    def close(self) -> None:
        self._core.close()
