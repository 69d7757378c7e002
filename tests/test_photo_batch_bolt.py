"""The imaging bolts when a backend cannot answer (Milvus restarting): the batch's unsettled tuples fail for replay
and the bolt goes on, rather than raising, which on Storm ends its worker and reloads its models."""

from __future__ import annotations

import collections
import io
import logging
from pathlib import Path

import pytest
from pystorm.component import Tuple

from bolts import batching
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


@pytest.fixture
def bolt(tmp_path: Path, monkeypatch) -> Recorded:
    monkeypatch.setattr(batching, "UNAVAILABLE_PAUSES_S", (0.0, 0.0))
    bolt = Recorded()
    bolt.initialize(Settings(home=tmp_path).to_conf(), {})
    return bolt


def answering(monkeypatch, bolt: Recorded, answers: list) -> list[str]:
    """The vector store answers image_ids from ``answers`` in turn (an exception is raised); returns the URLs asked."""
    asked, pending = [], iter(answers)

    def image_ids(image_url, label=None):
        asked.append(image_url.rsplit("/", 1)[-1])
        answer = next(pending)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(bolt.services.vectors, "image_ids", image_ids)
    return asked


def test_a_batch_waits_for_a_backend_that_comes_back_and_spends_no_attempt(bolt, monkeypatch):
    loading = BackendUnavailable("Milvus at 127.0.0.1:19540: collection not loaded")
    asked = answering(monkeypatch, bolt, [["v1"], loading, loading, ["v2"], ["v3"]])
    for n in (1, 2, 3):
        bolt.process(task_tuple(n))
    bolt.process_batches()
    assert bolt.told == [("ack", "t1"), ("ack", "t2"), ("ack", "t3")]  # nothing failed: no replay, no attempt
    assert asked == ["p1.jpg", "p2.jpg", "p2.jpg", "p2.jpg", "p3.jpg"]  # photo 1, settled, is not asked again


def test_a_backend_that_stays_away_fails_the_unsettled_photos_and_the_bolt_goes_on(bolt, monkeypatch):
    down = BackendUnavailable("Milvus at 127.0.0.1:19540 is down")
    answering(monkeypatch, bolt, [["v1"], down, down, down, ["v4"]])
    for n in (1, 2, 3):
        bolt.process(task_tuple(n))
    bolt.process_batches()  # photo 1 is already embedded (acked), then three tries find the store down
    bolt.process(task_tuple(4))
    bolt.process_batches()  # the next batch is served: the bolt lived on
    assert bolt.told == [("ack", "t1"), ("fail", "t2"), ("fail", "t3"), ("ack", "t4")]
