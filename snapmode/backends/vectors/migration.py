"""An index written with 8192-d vectors (the ``milvus`` vector store, every release before the compact store) moved
into the compact store without the photos, the models or a crawl: each stored vector becomes its coordinates.

Resumable by construction: a region already in the compact store is skipped, so a migration interrupted at any
point is run again and goes on; the source is only read, until ``drop_source`` once everything is across.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from snapmode.backends.vectors.compact_store import CompactVectorStore
from snapmode.backends.vectors.milvus import MilvusVectorStore

BATCH = 1000


class Migration(BaseModel):
    regions: int  # in the source
    copied: int  # by this run
    already: int  # found in the compact store, from an earlier run


def migrate(
    source: MilvusVectorStore,
    target: CompactVectorStore,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Migration:
    total = source.count()
    copied = already = 0
    progress(0, total)
    for batch in source.batches(BATCH):
        stored = target.stored_ids([record.id for record in batch])
        missing = [record for record in batch if record.id not in stored]
        target.upsert(missing)
        copied += len(missing)
        already += len(batch) - len(missing)
        progress(copied + already, total)
    return Migration(regions=total, copied=copied, already=already)
