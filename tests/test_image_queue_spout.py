"""The imaging spout when the image queue cannot answer (a Kafka broker restarting): it waits and goes on, rather
than raising, which on Storm ends its worker with every bolt in it."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from snapmode.config import Settings
from snapmode.domain import ImageTask
from snapmode.errors import BackendUnavailable
from spouts import images
from spouts.images import ImageQueueSpout


class Recorded(ImageQueueSpout):
    def __init__(self) -> None:
        super().__init__(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
        self.logger = logging.getLogger("test-image-queue-spout")
        self.emitted: list[str] = []

    def emit(self, values, tup_id=None, **kwargs) -> None:
        self.emitted.append(tup_id)


@pytest.fixture
def spout(tmp_path: Path, monkeypatch) -> Recorded:
    monkeypatch.setattr(images, "UNAVAILABLE_PAUSE_S", 0.0)
    spout = Recorded()
    spout.initialize(Settings(home=tmp_path).to_conf(), {})
    return spout


def down(*args, **kwargs):
    raise BackendUnavailable("Kafka at 127.0.0.1:9292 failed while polling image tasks: broker restarting")


def test_a_queue_that_does_not_answer_is_polled_again(spout, monkeypatch):
    spout.services.queue.publish([ImageTask(product_id="p1", image_url="http://shop.invalid/p1.jpg")])
    with monkeypatch.context() as patched:
        patched.setattr(spout.services.queue, "poll", down)
        spout.next_tuple()
    assert spout.emitted == []
    spout.next_tuple()
    assert len(spout.emitted) == 1


def test_an_ack_that_does_not_reach_the_queue_leaves_the_message_to_come_again(spout, monkeypatch):
    spout.services.queue.publish([ImageTask(product_id="p1", image_url="http://shop.invalid/p1.jpg")])
    spout.next_tuple()
    (message_id,) = spout.emitted
    with monkeypatch.context() as patched:
        patched.setattr(spout.services.queue, "ack", down)
        spout.ack(message_id)
    assert spout.services.queue.pending() == 1
    spout.ack(message_id)
    assert spout.services.queue.pending() == 0
