import multiprocessing
import time
from pathlib import Path

import pytest

from snapmode.backends.queue.sqlite import SqliteImageQueue
from snapmode.domain import ImageTask


def task(n: int, product: str = "p") -> ImageTask:
    return ImageTask(product_id=f"{product}{n}", image_url=f"https://shop.example/img/{n}.jpg", position=n)


@pytest.fixture
def queue(tmp_path):
    queue = SqliteImageQueue(tmp_path / "queue.sqlite3")
    yield queue
    queue.close()


def test_publish_poll_ack(queue):
    queue.publish([task(1), task(2), task(3)])
    assert queue.pending() == 3
    messages = queue.poll(max_messages=2)
    assert [m.task for m in messages] == [task(1), task(2)]  # oldest first
    assert all(m.attempts == 1 for m in messages)
    queue.ack([m.id for m in messages])
    assert queue.pending() == 1
    (last,) = queue.poll()
    assert last.task == task(3)
    assert queue.poll() == []  # leased, not acked: not delivered twice within the lease
    queue.ack([last.id])
    assert queue.pending() == 0
    assert queue.poll() == []


def test_expired_lease_is_redelivered_with_attempts_counted(queue):
    queue.publish([task(1)])
    (first,) = queue.poll(lease_seconds=0.2)
    assert queue.poll(lease_seconds=0.2) == []
    time.sleep(0.3)
    (again,) = queue.poll(lease_seconds=0.2)
    assert again.id == first.id and again.task == task(1) and again.attempts == 2
    queue.ack([again.id])
    queue.ack([first.id])  # a late ack of the same message is harmless
    assert queue.pending() == 0


def test_publish_dedupes_while_pending_and_requeues_after_ack(queue):
    queue.publish([task(1), task(1)])
    queue.publish([task(1)])
    assert queue.pending() == 1
    (message,) = queue.poll()
    queue.publish([task(1)])  # still pending while leased
    assert queue.pending() == 1
    queue.ack([message.id])
    queue.publish([task(1)])
    assert queue.pending() == 1
    (new,) = queue.poll()
    assert new.id != message.id and new.attempts == 1


def test_fail_dead_letters_with_error_and_never_redelivers(queue):
    queue.publish([task(1), task(2)])
    bad, good = queue.poll(lease_seconds=0.1)
    queue.fail(bad.id, "image is not decodable: truncated JPEG")
    assert queue.pending() == 1
    assert queue.failed() == [(task(1), "image is not decodable: truncated JPEG")]
    time.sleep(0.2)
    (redelivered,) = queue.poll()
    assert redelivered.task == good.task
    queue.ack([redelivered.id])
    assert queue.poll() == [] and queue.pending() == 0
    assert len(queue.failed()) == 1


def test_state_survives_reopening(tmp_path):
    path = tmp_path / "queue.sqlite3"
    queue = SqliteImageQueue(path)
    queue.publish([task(1), task(2)])
    (message,) = queue.poll(max_messages=1)
    queue.fail(message.id, "boom")
    queue.close()
    reopened = SqliteImageQueue(path)
    assert reopened.pending() == 1
    assert reopened.failed() == [(task(1), "boom")]
    assert [m.task for m in reopened.poll()] == [task(2)]
    reopened.close()


def test_bad_arguments_are_clear_errors(queue):
    with pytest.raises(ValueError):
        queue.poll(max_messages=0)
    with pytest.raises(ValueError):
        queue.poll(lease_seconds=0)
    with pytest.raises(ValueError, match="not a message id"):
        queue.ack(["abc"])


def _consume(path: Path, start, results) -> None:
    queue = SqliteImageQueue(path)
    start.wait(60)  # both poll at once, whatever their start-up times
    claimed = []
    while messages := queue.poll(max_messages=3, lease_seconds=600):
        claimed.extend(m.id for m in messages)
        queue.ack([m.id for m in messages])
        time.sleep(0.002)  # let the other process in, so claims really interleave
    results.put(claimed)
    queue.close()


def test_two_processes_never_get_the_same_message(tmp_path):
    path = tmp_path / "queue.sqlite3"
    queue = SqliteImageQueue(path)
    queue.publish([task(n) for n in range(300)])
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_consume, args=(path, start, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    claimed = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(claimed[0]) + len(claimed[1]) == 300
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert queue.pending() == 0
    queue.close()
