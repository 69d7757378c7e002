from __future__ import annotations

import time

from streamparse import Spout

from snapmode.components import UNAVAILABLE_PAUSE_S, UsesServices
from snapmode.errors import BackendUnavailable

MAX_ATTEMPTS = 5  # an image whose processing keeps failing is parked with its error, not retried forever
# A tuple tree that failed is replayed after this; longer than a batch may wait for a backend (bolts/batching.py),
# so that a message in hand is not delivered twice or its attempts spent while it waits.
LEASE_SECONDS = 180.0


class ImageQueueSpout(UsesServices, Spout):
    """Emits queued image tasks, a batch's worth at a time (``imaging.batch_size``: the bolts batch what arrives
    together); a message is acked on the queue only once its tuple tree completes.

    A queue that cannot answer now is waited for, not raised: raising would end the spout's process, and on
    Storm its worker with every bolt in it. An ack that does not reach the queue leaves the message leased: it
    is delivered again once its lease ends, and the idempotent writes downstream make the replay harmless."""

    outputs = ["task"]

    def next_tuple(self) -> None:
        batch = self.services.settings.imaging.batch_size
        try:
            messages = self.services.queue.poll(max_messages=batch, lease_seconds=LEASE_SECONDS)
        except BackendUnavailable:
            self.logger.warning("the image queue is unavailable; polling again", exc_info=True)
            time.sleep(UNAVAILABLE_PAUSE_S)
            return
        for message in messages:
            if message.attempts > MAX_ATTEMPTS:
                self._settle(message.id, f"gave up after {MAX_ATTEMPTS} attempts")
                continue
            self.emit([message.task.model_dump_json()], tup_id=message.id)

    def ack(self, tup_id) -> None:
        self._settle(tup_id)

    def fail(self, tup_id) -> None:
        """Nothing to do: the message stays leased and the queue redelivers it when the lease ends."""

    def _settle(self, message_id: str, error: str | None = None) -> None:
        try:
            if error is None:
                self.services.queue.ack([message_id])
            else:
                self.services.queue.fail(message_id, error)
        except BackendUnavailable:
            self.logger.warning("settling %s failed; it will be delivered again", message_id, exc_info=True)
