"""Bolts that take photos in batches, so that one model call serves many photos (snapmode.pipeline.imaging)."""

from __future__ import annotations

import time
from collections import defaultdict

from streamparse import BatchingBolt

from snapmode.components import UsesServices
from snapmode.errors import BackendUnavailable

# Between tries of a batch whose backend did not answer: 62 s in all, under the image spout's lease.
UNAVAILABLE_PAUSES_S = (1.0, 2.0, 4.0, 10.0, 15.0, 30.0)


class PhotoBatchBolt(UsesServices, BatchingBolt):
    """Collects tuples and processes them together once ``imaging.batch_size`` of them wait, on each tick tuple (a
    cluster), or when nothing else is queued (the embedded runner calls ``process_batches``). Each tuple is acked or
    failed on its own: a photo that fails never fails its batch-mates. A backend that cannot answer now (Milvus
    restarting, then loading its collections) holds the batch: its unsettled tuples are tried again after growing
    pauses (about a minute in all), which backs the topology up to its spout rather than spending the photos'
    attempts, then failed for replay; the bolt goes on either way, since raising would end its process, and on
    Storm its worker, whose restart reloads the models. Any other exception fails the whole batch, as it would a
    tuple."""

    auto_ack = False
    ticks_between_batches = 0  # pystorm flushes after more ticks than this: every tick
    # On a cluster a partial batch waits for the next tick tuple at most (Storm's shortest tick is a second).
    config = {"topology.tick.tuple.freq.secs": 1}  # noqa: RUF012 (streamparse reads it off the class)

    def initialize(self, storm_conf, context) -> None:
        super().initialize(storm_conf, context)
        self._settled: set = set()  # ids of the batch in hand already acked or failed
        self.batch_size = self.services.settings.imaging.batch_size

    def process(self, tup) -> None:
        super().process(tup)
        if sum(len(batch) for batch in self._batches.values()) >= self.batch_size:
            self.process_batches()

    def process_batches(self) -> None:
        for key, batch in self._batches.items():
            self._current_tups, self._current_key, self._settled = batch, key, set()
            for pause in (*UNAVAILABLE_PAUSES_S, None):
                unsettled = [tup for tup in batch if tup.id not in self._settled]
                try:
                    self.process_batch(key, unsettled)
                    break
                except BackendUnavailable as error:
                    if pause is None:
                        self.logger.warning("%s; %d photos will be replayed", error, len(unsettled))
                        for tup in unsettled:
                            if tup.id not in self._settled:
                                self.fail(tup)
                    else:
                        self.logger.warning("%s; trying %d photos again in %.0f s", error, len(unsettled), pause)
                        time.sleep(pause)
            self._current_key = None
        self._batches = defaultdict(list)

    def ack(self, tup) -> None:
        self._settled.add(tup.id)
        super().ack(tup)

    def fail(self, tup) -> None:
        self._settled.add(tup.id)
        super().fail(tup)
