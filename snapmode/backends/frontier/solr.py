"""The frontier in a Solr core, as StormCrawler keeps its status index: one document per canonical URL.

Solr has no transactions, so every change is a read-modify-write guarded by optimistic concurrency:
a document is read with its ``_version_`` and written back only if that version is still current.
Two spouts that pick the same due URL both try; Solr applies one write and refuses the other
(a version conflict), so a URL is never leased twice. Writes are sent in batches with
``failOnVersionConflicts=false`` (the refused documents are skipped, not the batch) and
``versions=true``, whose answer lists exactly the documents that were written.

Reads after writes: documents are read by key with real-time get (``/get``), which sees every
write at once. Searches (due URLs, counts) only see committed documents, so each search first asks
for a soft commit, which makes every write made so far, by any process, visible to it, as with the
SQLite frontier. The commit follows the reads rather than the writes because a crawl writes two or
three times a page (its links, its outcome, its share of a lease) and searches once a claim of
several URLs; each soft commit opens a searcher on every replica, with cold caches. A commit with
nothing new to show costs little. Hard commits for durability are left to ``autoCommit`` in the
core's solrconfig.xml.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Collection, Iterable
from typing import Any, Self

from snapmode.backends.frontier.base import KINDS, STATUSES, Completion, Continuation, FrontierEntry, PageKinds, Status
from snapmode.backends.frontier.schedule import FrontierSchedule
from snapmode.backends.solr_client import SolrCore
from snapmode.config import SolrSettings
from snapmode.crawl.politeness import host_key
from snapmode.errors import BackendUnavailable
from snapmode.ids import canonical

_PAGE = 1000  # documents per search or real-time get when walking many URLs
_CLAIM_ROUNDS = 3  # searches per claim when other claimers won some of the candidates
_WRITE_TRIES = 10  # read-modify-write attempts of one URL before giving up on a busy document


def _either(field: str, values: Iterable[str]) -> str:
    quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
    return f"{field}:({' OR '.join(quoted)})"


def _site_filter(site_id: str | None) -> list[str]:
    return [] if site_id is None else [_either("site_id", [site_id])]


def _unclaimed(entry: FrontierEntry) -> Status:
    # An interrupted recrawl goes back to 'fetched' (due now), not to 'discovered'.
    return "fetched" if entry.fetches > 0 else "discovered"


def _leased(entry: FrontierEntry, now: float, lease_end: float) -> FrontierEntry:
    update = {"status": "in_flight", "attempts": entry.attempts + 1, "next_fetch_at": lease_end, "updated_at": now}
    return entry.model_copy(update=update)


def _released(entry: FrontierEntry) -> FrontierEntry:
    """Not worked on: due again at once, no attempt spent."""
    update = {"status": _unclaimed(entry), "attempts": max(entry.attempts - 1, 0), "next_fetch_at": 0.0}
    return entry.model_copy(update=update)


class SolrFrontier:
    """Same semantics as :class:`~snapmode.backends.frontier.sqlite.SqliteFrontier`, several
    processes claiming from one core."""

    def __init__(
        self,
        settings: SolrSettings,
        schedule: FrontierSchedule | None = None,
    ) -> None:
        self._schedule = schedule or FrontierSchedule()
        self._core = SolrCore(settings, settings.frontier_core)

    # -- the Frontier protocol ------------------------------------------------------------

    def add(self, site_id: str, urls: Iterable[tuple[str, int, str]], *, continues: Continuation | None = None) -> int:
        now = time.time()
        chain = continues.model_dump() if continues else {}
        new: dict[str, FrontierEntry] = {}
        for url, depth, kind in urls:
            if kind not in KINDS:
                raise ValueError(f"kind {kind!r} is not one of {KINDS}")
            if depth < 0:
                raise ValueError(f"negative depth {depth} for {url}")
            key = canonical(url)
            new.setdefault(
                key,
                FrontierEntry(
                    url=key,
                    site_id=site_id,
                    host=host_key(key),
                    depth=depth,
                    kind=kind,  # type: ignore[arg-type]
                    status="discovered",
                    attempts=0,
                    next_fetch_at=0.0,
                    updated_at=now,
                    **chain,
                ),
            )
        # Version -1: written only if no document has this URL yet, so the first sighting stays and each new
        # URL is counted once, however many processes add it. (Cheaper than looking the URLs up first.)
        return len(self._write([(entry, -1) for entry in new.values()]))

    def claim_due(
        self,
        limit: int,
        now: float,
        lease_seconds: float,
        site_ids: Collection[str] | None = None,
        exclude_sites: Collection[str] = (),
    ) -> list[FrontierEntry]:
        self._expire_leases(now)
        if limit <= 0 or (site_ids is not None and not site_ids):
            return []
        filters = [self._due_filter(now)]
        if site_ids is not None:
            filters.append(_either("site_id", site_ids))
        if exclude_sites:
            filters.append(f"*:* -{_either('site_id', exclude_sites)}")
        # Ties in a random order of this claim's own, so concurrent claimers mostly pick different URLs.
        order = f"depth asc, next_fetch_at asc, random_{secrets.randbelow(2**31)} asc"
        claimed: list[FrontierEntry] = []
        lost: list[str] = []
        for _ in range(_CLAIM_ROUNDS):
            # The search sees the state of the claim's start: leave out the URLs leased since, by others or this claim.
            leased = lost + [entry.url for entry in claimed]
            taken = [f"*:* -{_either('url', leased)}"] if leased else []
            # The lapsed leases' search just committed: what was written before this claim is visible.
            candidates = self._search(filters + taken, rows=limit - len(claimed), sort=order, fresh=False)
            leases = [(_leased(entry, now, now + lease_seconds), version) for entry, version in candidates]
            won = self._write(leases)
            claimed += [entry for entry, _ in leases if entry.url in won]
            lost += [entry.url for entry, _ in leases if entry.url not in won]
            if len(won) == len(leases) or len(claimed) >= limit:
                break  # no contention left to retry for
        return sorted(claimed, key=lambda entry: (entry.depth, entry.url))

    def release(self, urls: Iterable[str]) -> int:
        held = self._fetch([canonical(url) for url in urls])
        releases = [(_released(entry), version) for entry, version in held.values() if entry.status == "in_flight"]
        return len(self._write(releases))

    def complete(self, completion: Completion, *, now: float | None = None) -> Status:
        """A transient error is retried after an exponential backoff (or at ``retry_at`` when later,
        e.g. from Retry-After) until the attempts run out; then it is an error. A fetched page is
        due again after its recrawl interval: halved when its fingerprint changed, doubled if not."""
        now = time.time() if now is None else now
        key = canonical(completion.url)
        for _ in range(_WRITE_TRIES):
            found = self._fetch([key]).get(key)
            if found is None:
                raise KeyError(f"{completion.url} is not in the frontier")
            entry, version = found
            updated = self._completed(entry, completion, now)
            if self._write([(updated, version)]):
                return updated.status
        raise BackendUnavailable(f"Solr at {self._core.url}: {key} kept changing under {_WRITE_TRIES} writes")

    def get(self, url: str) -> FrontierEntry | None:
        key = canonical(url)
        found = self._fetch([key]).get(key)
        return found[0] if found else None

    def counts(self, site_id: str | None = None) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self._facet("status", _site_filter(site_id)))
        return counts

    def error_counts(self, site_id: str | None = None) -> dict[str, int]:
        return self._facet("last_error", ["status:(error OR transient_error)", *_site_filter(site_id)])

    def page_kinds(self, site_id: str) -> PageKinds:
        kinds = self._facet("kind", ["status:fetched", *_site_filter(site_id)])
        # A listing's pages each say how many products it holds: the most any says counts, once per listing.
        answer = self._select(
            {
                "q": "*:*",
                "fq": ["status:fetched AND kind:listing AND stated_products:[* TO *]", *_site_filter(site_id)],
                "rows": 0,
                "json.facet": json.dumps(
                    {
                        "listings": {
                            "type": "terms",
                            "field": "listing",
                            "limit": -1,
                            "facet": {"most": "max(stated_products)"},
                        }
                    }
                ),
                "wt": "json",
            },
        )
        buckets = answer.get("facets", {}).get("listings", {}).get("buckets", [])
        return PageKinds(
            product_pages=kinds.get("product", 0),
            listing_pages=kinds.get("listing", 0),
            stated_products=sum(int(bucket["most"]) for bucket in buckets) if buckets else None,
        )

    def queued_by_host(self, site_id: str | None = None) -> dict[str, int]:
        return self._facet("host", ["status:(discovered OR transient_error)", *_site_filter(site_id)])

    def outstanding(self, site_id: str | None = None, *, now: float | None = None) -> int:
        now = time.time() if now is None else now
        retryable = f"attempts:[* TO {self._schedule.max_attempts - 1}]"
        unsettled = (
            f"(status:(discovered OR transient_error) AND {retryable})"
            f" OR (status:in_flight AND ({retryable} OR next_fetch_at:{{{now!r} TO *]))"
        )
        return self._count([unsettled, *_site_filter(site_id)])

    def due(self, now: float, site_id: str | None = None) -> int:
        return self._count([self._due_filter(now), *_site_filter(site_id)])

    def reset_in_flight(self) -> int:
        now = time.time()
        reset = 0
        while held := self._search(["status:in_flight"], rows=_PAGE):
            written = self._write([(self._interrupted(entry, now), version) for entry, version in held])
            reset += len(written)
            if not written:
                break  # all taken by someone else meanwhile
        return reset

    def finished_since(self, since: float, site_id: str | None = None) -> int:
        settled = f"status:(fetched OR redirect OR transient_error OR error) AND updated_at:[{since!r} TO *]"
        return self._count([settled, *_site_filter(site_id)])

    def failures(self, site_id: str | None = None, limit: int = 50) -> list[FrontierEntry]:
        found = self._search(
            ["status:(error OR transient_error)", *_site_filter(site_id)], rows=limit, sort="updated_at desc, url asc"
        )
        return [entry for entry, _ in found]

    def recrawl_site(self, site_id: str, now: float | None = None) -> int:
        now = time.time() if now is None else now
        settled = ["status:(fetched OR transient_error OR error)", *_site_filter(site_id)]
        # A rewritten URL is due at 0, so the search leaves it out of the next page.
        not_due_yet = "next_fetch_at:{0.0 TO *] OR (*:* -status:fetched -attempts:0)"
        rescheduled = 0
        while found := self._search([*settled, not_due_yet], rows=_PAGE):
            written = self._write([(self._restarted(entry, now), version) for entry, version in found])
            rescheduled += len(written)
            if not written:
                break  # all changed by someone else meanwhile
        return rescheduled

    def remove_site(self, site_id: str) -> int:
        removed = self._count(_site_filter(site_id))
        self._core.update({"delete": {"query": _either("site_id", [site_id])}})
        return removed

    def close(self) -> None:
        self._core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- scheduling -----------------------------------------------------------------------

    def _due_filter(self, now: float) -> str:
        # A fetched URL is due again for its recrawl; its status while waiting stays 'fetched'.
        retryable = f"(status:(discovered OR transient_error) AND attempts:[* TO {self._schedule.max_attempts - 1}])"
        waiting = f"({retryable} OR status:fetched)" if self._schedule.recrawl.enabled else retryable
        return f"{waiting} AND next_fetch_at:[* TO {now!r}]"

    def _expire_leases(self, now: float) -> None:
        """A lease that ran out means the worker died: a transient error, or the end on the last attempt."""
        while expired := self._search([f"status:in_flight AND next_fetch_at:[* TO {now!r}]"], rows=_PAGE):
            if not self._write([(self._lapsed(entry, now), version) for entry, version in expired]):
                break

    def _lapsed(self, entry: FrontierEntry, now: float) -> FrontierEntry:
        status = "error" if entry.attempts >= self._schedule.max_attempts else "transient_error"
        return entry.model_copy(update={"status": status, "last_error": "lease_expired", "updated_at": now})

    def _interrupted(self, entry: FrontierEntry, now: float) -> FrontierEntry:
        update: dict[str, Any] = {"status": _unclaimed(entry), "next_fetch_at": 0.0, "updated_at": now}
        if entry.attempts >= self._schedule.max_attempts:
            update |= {"status": "error", "last_error": "interrupted"}
        return entry.model_copy(update=update)

    @staticmethod
    def _restarted(entry: FrontierEntry, now: float) -> FrontierEntry:
        update: dict[str, Any] = {"next_fetch_at": 0.0, "updated_at": now}
        if entry.status != "fetched":
            update |= {"status": "transient_error", "attempts": 0}
        return entry.model_copy(update=update)

    def _completed(self, entry: FrontierEntry, completion: Completion, now: float) -> FrontierEntry:
        update = self._schedule.after(entry, completion, now)
        return entry.model_copy(update=update)

    # -- Solr -----------------------------------------------------------------------------

    def _select(self, data: dict[str, Any], *, fresh: bool = True) -> dict[str, Any]:
        """A search that sees every write made before it, from any process (see the module's docstring);
        ``fresh=False`` when a search of the same call has just committed."""
        if fresh:
            self._core.commit()
        return self._core.post("/select", data=data)

    def _fetch(self, keys: list[str]) -> dict[str, tuple[FrontierEntry, int]]:
        """Current documents by URL, with their versions (real-time get: sees every write)."""
        found: dict[str, tuple[FrontierEntry, int]] = {}
        for start in range(0, len(keys), _PAGE):
            answer = self._core.post(
                "/get", data={"ids": keys[start : start + _PAGE], "fl": "*,_version_", "wt": "json"}
            )
            for doc in answer["response"]["docs"]:
                version = doc.pop("_version_")
                found[doc["url"]] = (FrontierEntry(**doc), version)
        return found

    def _search(
        self, filters: list[str], *, rows: int, sort: str = "url asc", fresh: bool = True
    ) -> list[tuple[FrontierEntry, int]]:
        answer = self._select(
            {"q": "*:*", "fq": filters, "rows": rows, "sort": sort, "fl": "*,_version_", "wt": "json"}, fresh=fresh
        )
        found = []
        for doc in answer["response"]["docs"]:
            version = doc.pop("_version_")
            found.append((FrontierEntry(**doc), version))
        return found

    def _count(self, filters: list[str]) -> int:
        answer = self._select({"q": "*:*", "fq": filters, "rows": 0, "wt": "json"})
        return answer["response"]["numFound"]

    def _facet(self, field: str, filters: list[str]) -> dict[str, int]:
        """Documents per value, largest first, ties in value order."""
        answer = self._select(
            {
                "q": "*:*",
                "fq": filters,
                "rows": 0,
                "facet": "true",
                "facet.field": field,
                "facet.limit": -1,
                "facet.mincount": 1,
                "facet.sort": "count",
                "json.nl": "arrarr",
                "wt": "json",
            },
        )
        return dict(answer["facet_counts"]["facet_fields"][field])

    def _write(self, writes: list[tuple[FrontierEntry, int]]) -> set[str]:
        """Write each entry only if its document is still at the given version (-1: absent); returns
        the URLs written. The others changed meanwhile (another process won) and are skipped."""
        if not writes:
            return set()
        docs = [entry.model_dump(exclude_none=True) | {"_version_": version} for entry, version in writes]
        answer = self._core.post(
            "/update",
            params={"failOnVersionConflicts": "false", "versions": "true", "wt": "json"},
            json=docs,
        )
        return set(answer.get("adds", [])[::2])
