"""The reject-log concern: input we refused, kept with its reason so nothing disappears silently."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel


class Reject(BaseModel):
    stage: str  # "image", "page", ...
    subject: str  # the URL or id refused
    reason: str
    at: float


class RejectLog(Protocol):
    def record(self, stage: str, subject: str, reason: str) -> None:
        """Idempotent per (stage, subject): a replay updates the reason instead of adding a row."""

    def recent(self, limit: int = 50) -> list[Reject]: ...

    def count(self, stage: str | None = None) -> int: ...

    def close(self) -> None: ...
