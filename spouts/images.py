from __future__ import annotations

from streamparse import Spout

from snapmode.components import UsesServices

MAX_ATTEMPTS = 5  # an image whose processing keeps failing is parked with its error, not retried forever
LEASE_SECONDS = 60.0  # a tuple tree that failed is replayed after this


class ImageQueueSpout(UsesServices, Spout):
    """Emits queued image tasks, a batch's worth at a time (``imaging.batch_size``: the bolts batch what arrives
    together); a message is acked on the queue only once its tuple tree completes."""

    outputs = ["task"]

    def next_tuple(self) -> None:
        batch = self.services.settings.imaging.batch_size
        for message in self.services.queue.poll(max_messages=batch, lease_seconds=LEASE_SECONDS):
            if message.attempts > MAX_ATTEMPTS:
                self.services.queue.fail(message.id, f"gave up after {MAX_ATTEMPTS} attempts")
                continue
            self.emit([message.task.model_dump_json()], tup_id=message.id)

    def ack(self, tup_id) -> None:
        self.services.queue.ack([tup_id])

    def fail(self, tup_id) -> None:
        """Nothing to do: the message stays leased and the queue redelivers it when the lease ends."""
