"""What a fetch's outcome changes in a URL's frontier entry: the rules every frontier backend shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from snapmode.backends.frontier.base import Completion, FrontierEntry
from snapmode.config import RecrawlPolicy


@dataclass(frozen=True)
class FrontierSchedule:
    """When a URL is due again: retries with exponential backoff, then recrawls on an adaptive interval."""

    recrawl: RecrawlPolicy = field(default_factory=RecrawlPolicy)
    max_attempts: int = 4
    backoff_base: float = 30.0
    backoff_max: float = 6 * 3600.0

    def after(self, entry: FrontierEntry, completion: Completion, now: float) -> dict[str, object]:
        """The fields to store. A transient error is retried after an exponential backoff (or at
        ``retry_at`` when later, e.g. from Retry-After) until the attempts run out; then it is an error.
        A fetched page is due again after its recrawl interval: halved when its fingerprint changed,
        doubled if not."""
        update: dict[str, object] = {
            "status": completion.status,
            "last_error": completion.error,
            "redirect_to": completion.redirect_to,
            "kind": completion.kind or entry.kind,
            "updated_at": now,
        }
        if completion.status == "transient_error":
            if entry.attempts >= self.max_attempts:
                update["status"] = "error"
            else:
                backoff = min(self.backoff_max, self.backoff_base * 2 ** max(entry.attempts - 1, 0))
                update["next_fetch_at"] = max(now + backoff, completion.retry_at or 0.0)
        elif completion.status == "fetched":
            changed = None not in (entry.fingerprint, completion.fingerprint) and (
                completion.fingerprint != entry.fingerprint
            )
            interval = self.recrawl.next_interval(entry.interval, changed)
            update |= {
                "attempts": 0,
                "fetches": entry.fetches + 1,
                "changes": entry.changes + changed,
                "interval": interval,
                "next_fetch_at": now + interval,
                # Validators and fingerprint stay when a 304 brings none.
                "etag": completion.etag or entry.etag,
                "last_modified": completion.last_modified or entry.last_modified,
                "fingerprint": completion.fingerprint or entry.fingerprint,
            }
            if completion.kind is not None:  # parsed, not a 304: what the page says now
                # a page that states a count and names no listing is a listing of its own
                own = entry.url if completion.stated_products is not None else None
                update |= {
                    "listing": completion.listing or entry.listing or own,
                    "stated_products": completion.stated_products,
                }
        return update
