import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from snapmode.backends.queue.base import ImageQueue
from snapmode.backends.queue.kafka import KafkaImageQueue
from snapmode.backends.queue.sqlite import SqliteImageQueue
from snapmode.config import KafkaSettings
from snapmode.domain import ImageTask
from snapmode.errors import BackendUnavailable
from tests.support.tiers import on_server


def task(n: int, product: str = "p") -> ImageTask:
    return ImageTask(product_id=f"{product}{n}", image_url=f"https://shop.example/img/{n}.jpg", position=n)


def kafka_settings(bootstrap: str, partitions: int = 1) -> KafkaSettings:
    """Topics and group of one test only. One partition keeps the order across products the shared tests assert."""
    suffix = uuid.uuid4().hex[:10]
    return KafkaSettings().model_copy(
        update={
            "bootstrap_servers": bootstrap,
            "images_topic": f"test.images.{suffix}",
            "failed_topic": f"test.images.failed.{suffix}",
            "group_id": f"test-imaging-{suffix}",
            "partitions": partitions,
        }
    )


OpenQueue = Callable[[], ImageQueue]


@pytest.fixture(params=["sqlite", on_server("kafka")])
def open_queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenQueue]:
    """Opens the queue under test; each call is what a new process sees of the same queue."""
    if request.param == "sqlite":
        path = tmp_path / "queue.sqlite3"

        def make() -> ImageQueue:
            return SqliteImageQueue(path)

    else:
        settings = kafka_settings(request.getfixturevalue("kafka_server"))

        def make() -> ImageQueue:
            return KafkaImageQueue(settings)

    opened: list[ImageQueue] = []

    def open_() -> ImageQueue:
        opened.append(make())
        return opened[-1]

    yield open_
    for queue in opened:
        queue.close()


@pytest.fixture
def queue(open_queue: OpenQueue) -> ImageQueue:
    return open_queue()


@pytest.fixture
def sqlite_queue(tmp_path: Path) -> Iterator[SqliteImageQueue]:
    queue = SqliteImageQueue(tmp_path / "queue.sqlite3")
    yield queue
    queue.close()


@pytest.fixture
def open_kafka_queue(kafka_server: str) -> Iterator[Callable[..., KafkaImageQueue]]:
    """Opens Kafka queues; those opened with the same settings are processes of one consumer group."""
    opened: list[KafkaImageQueue] = []

    def open_(settings: KafkaSettings) -> KafkaImageQueue:
        opened.append(KafkaImageQueue(settings))
        return opened[-1]

    yield open_
    for queue in opened:
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


def test_sqlite_publish_dedupes_while_pending_and_requeues_after_ack(sqlite_queue):
    queue = sqlite_queue
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


def test_state_survives_reopening(open_queue):
    queue = open_queue()
    queue.publish([task(1), task(2)])
    (message,) = queue.poll(max_messages=1)
    queue.fail(message.id, "boom")
    queue.close()
    reopened = open_queue()
    assert reopened.pending() == 1
    assert reopened.failed() == [(task(1), "boom")]
    assert [m.task for m in reopened.poll()] == [task(2)]


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


def test_sqlite_two_processes_never_get_the_same_message(tmp_path):
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


def test_kafka_consumer_after_a_crash_gets_only_the_unacked(open_kafka_queue, kafka_server):
    settings = kafka_settings(kafka_server)
    crashed = open_kafka_queue(settings)
    crashed.publish([task(1), task(2), task(3)])
    first, second, third = crashed.poll(max_messages=3, lease_seconds=600)
    crashed.ack([first.id, second.id])
    crashed.close()  # gone without acking the third: its lease dies with the process
    successor = open_kafka_queue(settings)
    assert successor.pending() == 1
    (again,) = successor.poll()
    assert again.id == third.id and again.task == task(3)
    successor.ack([again.id])
    assert successor.poll() == [] and successor.pending() == 0


def test_kafka_commits_stop_at_the_first_unacked_offset(open_kafka_queue, kafka_server):
    settings = kafka_settings(kafka_server)
    crashed = open_kafka_queue(settings)
    crashed.publish([task(1), task(2), task(3)])
    first, second, third = crashed.poll(max_messages=3, lease_seconds=600)
    crashed.ack([third.id, first.id])  # out of order: the second is still in its tuple tree
    assert crashed.pending() == 1  # the third is settled here though not committable yet
    crashed.close()
    successor = open_kafka_queue(settings)
    assert successor.pending() == 2  # committed up to the second only: the third is replayed too
    replayed = successor.poll(max_messages=10)
    assert [m.id for m in replayed] == [second.id, third.id]
    assert all(m.attempts == 1 for m in replayed)  # attempts count deliveries in one process


def test_kafka_keeps_a_products_images_on_one_partition_in_order(open_kafka_queue, kafka_server):
    queue = open_kafka_queue(kafka_settings(kafka_server, partitions=4))
    images = [task(n, product=product) for n in range(5) for product in ("a", "b", "c", "d", "e", "f")]
    images = [image.model_copy(update={"product_id": image.product_id[0]}) for image in images]
    queue.publish(images)
    assert queue.pending() == len(images)
    delivered = []
    while batch := queue.poll(max_messages=7):
        delivered += batch
        queue.ack([m.id for m in batch])
    assert sorted(m.task.model_dump_json() for m in delivered) == sorted(i.model_dump_json() for i in images)
    partitions: dict[str, set[str]] = {}
    for m in delivered:
        partitions.setdefault(m.task.product_id, set()).add(m.id.split("/")[1])
    assert all(len(used) == 1 for used in partitions.values())
    assert len(set().union(*partitions.values())) > 1  # six products spread over the partitions
    for product in "abcdef":
        mine = [m for m in delivered if m.task.product_id == product]
        assert [m.task.position for m in sorted(mine, key=lambda m: int(m.id.split("/")[2]))] == list(range(5))
    assert queue.pending() == 0


def test_kafka_rebalance_hands_unacked_messages_to_the_new_member(open_kafka_queue, kafka_server):
    settings = kafka_settings(kafka_server, partitions=4)
    first = open_kafka_queue(settings)
    first.publish([task(n) for n in range(40)])
    held = first.poll(max_messages=40, lease_seconds=600)
    assert len(held) == 40  # all four partitions, leased and never acked
    stop = threading.Event()

    def keep_polling() -> None:  # a live member takes part in the rebalance from its poll loop
        while not stop.is_set():
            first.poll(max_messages=40, lease_seconds=600)

    member = threading.Thread(target=keep_polling)
    member.start()
    try:
        second = open_kafka_queue(settings)
        taken = second.poll(max_messages=40, lease_seconds=600)
    finally:
        stop.set()
        member.join(30)
    assert taken, "the new member got none of the revoked partitions' messages"
    assert {m.id for m in taken} <= {m.id for m in held}  # replayed from the last commit, same offsets


def test_kafka_admin_client_that_failed_is_replaced(open_kafka_queue, kafka_server, monkeypatch):
    # After a broker restart kafka-python's admin client keeps asking the broker it found first; the queue must
    # not keep a failed one for the life of the process.
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError, NotCoordinatorError

    queue = open_kafka_queue(kafka_settings(kafka_server))
    queue.publish([task(1), task(2)])
    assert queue.pending() == 2
    stale = queue._admin

    def coordinator_gone(*args, **kwargs):
        raise KafkaError("the broker this client knew no longer leads the topic")

    monkeypatch.setattr(stale, "describe_topics", coordinator_gone)
    with pytest.raises(BackendUnavailable, match="counting pending image tasks"):
        queue.pending()
    assert queue.pending() == 2
    assert isinstance(queue._admin, KafkaAdminClient) and queue._admin is not stale
    # A coordinator that moved (leadership rebalanced) answers NotCoordinator: asked again, through a new client.
    moved = queue._admin

    def coordinator_moved(*args, **kwargs):
        raise NotCoordinatorError("this broker no longer coordinates the group")

    monkeypatch.setattr(moved, "list_group_offsets", coordinator_moved)
    assert queue.pending() == 2
    assert queue._admin is not moved


def test_kafka_down_is_backend_unavailable_quickly():
    settings = kafka_settings("127.0.0.1:1")  # nothing listens there
    queue = KafkaImageQueue(settings)
    for call in (lambda: queue.publish([task(1)]), queue.poll, queue.pending, queue.failed):
        started = time.monotonic()
        with pytest.raises(BackendUnavailable, match=r"Kafka at 127\.0\.0\.1:1"):
            call()
        assert time.monotonic() - started < 15
    queue.close()
