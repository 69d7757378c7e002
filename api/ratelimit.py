"""Per-client rate limits (the `limits` library): 429 with Retry-After when a client goes over.

A client is its API key's id when it sends a valid key, else its IP address as the server sees it
(run uvicorn with --proxy-headers behind a trusted proxy). An unknown key counts against the IP,
so made-up keys buy no fresh allowance.
Storage is in memory by default; a shared one (``redis://...``) is a change of ``api.rate_limit_storage``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from snapmode.config import ApiSettings
from snapmode.services import Services

_CREATE_LOCK = threading.Lock()


class RateLimits:
    def __init__(self, settings: ApiSettings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
        self._items: dict[str, RateLimitItem] = {
            "search": parse(settings.search_rate),
            "upload": parse(settings.upload_rate),
        }

    def hit(self, scope: str, client: str) -> None:
        item = self._items[scope]
        if self._limiter.hit(item, scope, client):
            return
        reset_at = self._limiter.get_window_stats(item, scope, client).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            status_code=429,
            detail=f"rate limit of {item} exceeded for {scope}; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


def client_id(request: Request, services: Services) -> str:
    authorization = request.headers.get("authorization", "")
    raw = authorization[7:].strip() if authorization.lower().startswith("bearer ") else request.headers.get("x-api-key")
    key = services.keys.verify(raw) if raw else None
    if key is not None:
        return f"key:{key.key_id}"
    return "ip:" + (request.client.host if request.client else "unknown")


def rate_limited(scope: str) -> Callable[[Request], None]:
    """A route dependency counting one request of ``scope`` ("search" or "upload") against the caller."""

    def dependency(request: Request) -> None:  # sync: FastAPI runs it on a thread, as the key lookup needs
        state = request.app.state
        with _CREATE_LOCK:
            if not hasattr(state, "rate_limits"):
                state.rate_limits = RateLimits(state.services.settings.api)
        state.rate_limits.hit(scope, client_id(request, state.services))

    return dependency
