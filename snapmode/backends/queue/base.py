"""The image-URL queue concern: durable, at-least-once, one Protocol per technology."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from snapmode.domain import ImageTask


class Message(BaseModel):
    id: str  # opaque handle for ack/fail
    task: ImageTask
    attempts: int


class ImageQueue(Protocol):
    def publish(self, tasks: list[ImageTask]) -> None: ...

    def poll(self, max_messages: int = 16, lease_seconds: float = 300.0) -> list[Message]:
        """Lease messages; a message not acked before its lease ends is delivered again."""

    def ack(self, message_ids: list[str]) -> None: ...

    def fail(self, message_id: str, error: str) -> None:
        """Park a message that can never succeed, keeping its error; it is not redelivered."""

    def failed(self) -> list[tuple[ImageTask, str]]:
        """Parked messages with their errors."""

    def pending(self) -> int:
        """Messages published and neither acked nor failed."""

    def close(self) -> None: ...
