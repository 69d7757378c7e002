from __future__ import annotations

from bolts.batching import PhotoBatchBolt
from snapmode.pipeline.imaging import EncodedRecords, store


class VectorWriteBolt(PhotoBatchBolt):
    """Upserts the region vectors of a batch of photos into Milvus in one go, keyed by image URL and box (replays
    overwrite, never duplicate)."""

    outputs = []

    def process_batch(self, key, tups) -> None:
        records = [
            record for tup in tups for record in EncodedRecords.model_validate_json(tup.values.records).decoded()
        ]
        store(self.services, records)
        for tup in tups:
            self.ack(tup)
