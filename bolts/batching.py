"""Bolts that take photos in batches, so that one model call serves many photos (snapmode.pipeline.imaging)."""

from __future__ import annotations

from streamparse import BatchingBolt

from snapmode.components import UsesServices


class PhotoBatchBolt(UsesServices, BatchingBolt):
    """Collects tuples and processes them together once ``imaging.batch_size`` of them wait, on each tick tuple (a
    cluster), or when nothing else is queued (the embedded runner calls ``process_batches``). Each tuple is acked or
    failed on its own: a photo that fails never fails its batch-mates. An exception fails the whole batch, as it
    would a tuple."""

    auto_ack = False
    ticks_between_batches = 0  # pystorm flushes after more ticks than this: every tick
    # On a cluster a partial batch waits for the next tick tuple at most (Storm's shortest tick is a second).
    config = {"topology.tick.tuple.freq.secs": 1}  # noqa: RUF012 (streamparse reads it off the class)

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        self.batch_size = self.services.settings.imaging.batch_size

    def process(self, tup) -> None:
        super().process(tup)
        if sum(len(batch) for batch in self._batches.values()) >= self.batch_size:
            self.process_batches()
