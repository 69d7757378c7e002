"""The imaging bolts when a backend cannot answer (Milvus restarting): the batch's unsettled tuples fail for replay
and the bolt goes on, rather than raising, which on Storm ends its worker and reloads its models."""

from __future__ import annotations

import collections
import io
import logging
from pathlib import Path

from pystorm.component import Tuple

from bolts.image_fetch import ImageFetchBolt
from snapmode.config import Settings
from snapmode.domain import ImageTask
from snapmode.errors import BackendUnavailable

Values = collections.namedtuple("Values", ["task"])


class Recorded(ImageFetchBolt):
    """The bolt with what it tells Storm recorded instead of written to the multilang pipe."""

    def __init__(self) -> None:
        super().__init__(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
        self.logger = logging.getLogger("test-photo-batch-bolt")
        self.told: list[tuple[str, object]] = []

    def send_message(self, message) -> None:
        self.told.append((message["command"], message.get("id")))


def task_tuple(n: int) -> Tuple:
    task = ImageTask(product_id=f"p{n}", image_url=f"http://shop.invalid/p{n}.jpg")
    return Tuple(f"t{n}", "images", "default", 1, Values(task.model_dump_json()))


def test_an_unavailable_vector_store_fails_the_unsettled_photos_and_the_bolt_goes_on(tmp_path: Path, monkeypatch):
    bolt = Recorded()
    bolt.initialize(Settings(home=tmp_path).to_conf(), {})
    answers = iter([["v1"], BackendUnavailable("Milvus at 127.0.0.1:19540 is loading"), ["v3"], ["v4"]])

    def image_ids(image_url, label=None):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(bolt.services.vectors, "image_ids", image_ids)
    for n in (1, 2, 3):
        bolt.process(task_tuple(n))
    bolt.process_batches()  # photo 1 is already embedded (acked), then the store stops answering
    bolt.process(task_tuple(4))
    bolt.process_batches()  # the next batch is served: the bolt lived on
    assert bolt.told == [("ack", "t1"), ("fail", "t2"), ("fail", "t3"), ("ack", "t4")]
